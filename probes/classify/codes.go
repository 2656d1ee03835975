package classify

// What Cloudflare's documentation says each error code means, and which
// verdict it maps to. Sources: cloudflare-docs
// support/troubleshooting/http-status-codes/cloudflare-1xxx-errors/,
// …/cloudflare-5xx-errors/ and fundamentals/reference/error-responses.mdx
// (error categories), as summarised in /work/shared/detection.md §2.2, §2.6.

// cfCode is one documented Cloudflare error code.
type cfCode struct {
	kind VerdictKind
	// meaning completes "Cloudflare error NNNN: …".
	meaning string
}

var cfCodes = map[int]cfCode{
	1000: {VerdictCFOther1xxx, "the site's DNS points to a prohibited IP address (a site configuration problem)"},
	1001: {VerdictCFOther1xxx, "DNS resolution error for the site (a site configuration problem)"},
	1002: {VerdictCFOther1xxx, "the site's DNS points to a prohibited IP address (a site configuration problem)"},
	1003: {VerdictCFOther1xxx, "direct IP access is not allowed (the request named an IP address, not a host name)"},
	1004: {VerdictCFOther1xxx, "the host is not configured to serve web traffic (a site configuration problem)"},
	1005: {VerdictCFIPBan, "access denied: the site owner banned the network (ASN) your IP address belongs to"},
	1006: {VerdictCFIPBan, "access denied: the site owner banned your IP address"},
	1007: {VerdictCFIPBan, "access denied: the site owner banned your IP address"},
	1008: {VerdictCFIPBan, "access denied: the site owner banned your IP address"},
	1009: {VerdictCFCountryBlock, "access denied: the site owner banned the country or region your IP address is in"},
	1010: {VerdictCFBrowserSignature, "access denied because of your browser's signature (Browser Integrity Check)"},
	1011: {VerdictCFOther1xxx, "access denied: hotlinking is not allowed"},
	1012: {VerdictCFMalicious, "access denied: malicious activity was detected from your computer or network"},
	1013: {VerdictCFOther1xxx, "the HTTP host name and the TLS SNI do not match"},
	1014: {VerdictCFOther1xxx, "CNAME cross-user banned (a site configuration problem)"},
	1015: {VerdictCFRateLimit, "you are being rate limited by the site's Cloudflare rules"},
	1016: {VerdictCFOther1xxx, "origin DNS error: Cloudflare cannot resolve the site's origin"},
	1018: {VerdictCFOther1xxx, "Cloudflare could not find the host (a site configuration problem)"},
	1019: {VerdictCFOther1xxx, "compute server error (a site configuration problem)"},
	1020: {VerdictCFBlock, "access denied by the site's firewall rules"},
	1023: {VerdictCFOther1xxx, "Cloudflare could not find the host (a site configuration problem)"},
	1025: {VerdictCFRateLimit, "please check back later: the site reached a Cloudflare request limit"},
	1026: {VerdictCFCountryBlock, "unavailable for legal reasons (a legal or country restriction)"},
	1027: {VerdictCFRateLimit, "the site has been temporarily rate limited"},
	1033: {VerdictCFOther1xxx, "Cloudflare Tunnel error: the site's tunnel is down"},
	1034: {VerdictCFOther1xxx, "edge IP restricted (a site configuration problem)"},
	1101: {VerdictCFOther1xxx, "the site's Worker threw an exception"},
	1102: {VerdictCFOther1xxx, "the site's Worker exceeded its resource limits"},
	1106: {VerdictCFIPBan, "access denied: the site owner banned your IP address"},
	1200: {VerdictCFOther1xxx, "Cloudflare's cache connection limit was reached; wait and retry"},

	500: {VerdictCF5xx, "Cloudflare internal server error"},
	502: {VerdictCF5xx, "bad gateway: Cloudflare got an invalid response from the site's origin"},
	503: {VerdictCF5xx, "service temporarily unavailable at Cloudflare's edge"},
	504: {VerdictCF5xx, "gateway timeout: the site's origin did not answer in time"},
	520: {VerdictCF5xx, "the site's origin returned an empty or unknown response"},
	521: {VerdictCF5xx, "the site's origin web server refused the connection"},
	522: {VerdictCF5xx, "the connection to the site's origin timed out"},
	523: {VerdictCF5xx, "the site's origin is unreachable"},
	524: {VerdictCF5xx, "the site's origin timed out after the connection was made"},
	525: {VerdictCF5xx, "the SSL handshake between Cloudflare and the site's origin failed"},
	526: {VerdictCF5xx, "the site's origin presented an invalid SSL certificate"},
	530: {VerdictCF5xx, "the site's origin could not be reached through Cloudflare"},
}

// knownCFCode reports a code Cloudflare documents (its meaning table or its
// category table).
func knownCFCode(code int) bool {
	_, ok := cfCodes[code]
	return ok || cfCategory(code) != ""
}

// isCF1xxx reports a Cloudflare 1xxx code (documented codes run 1000-1206).
func isCF1xxx(code int) bool { return code >= 1000 && code <= 1999 }

// isCF5xx reports an HTTP server-error code Cloudflare can generate.
func isCF5xx(code int) bool { return code >= 500 && code <= 599 }

// cfKind maps a Cloudflare code to its verdict: the documented table first,
// then the family (any other 1xxx is a site configuration matter, any other
// 5xx an edge or origin failure).
func cfKind(code int) VerdictKind {
	if c, ok := cfCodes[code]; ok {
		return c.kind
	}
	if isCF5xx(code) {
		return VerdictCF5xx
	}
	return VerdictCFOther1xxx
}

// cfMeaning completes "Cloudflare error NNNN: …".
func cfMeaning(code int) string {
	if c, ok := cfCodes[code]; ok {
		return c.meaning
	}
	if isCF5xx(code) {
		return "a server error at Cloudflare's edge or the site's origin"
	}
	return "an error in the site's Cloudflare configuration, not on your side"
}

// cfCategory is Cloudflare's published error_category for a code, used when
// the page did not state one (HTML and plain-text forms never do). Empty
// when the table does not list the code.
func cfCategory(code int) string {
	switch {
	case code >= 1005 && code <= 1008, code == 1009, code == 1010, code == 1012, code == 1020,
		code >= 1106 && code <= 1109:
		return "access_denied"
	case code == 1015, code == 1025, code == 1027, code == 1200:
		return "rate_limit"
	case code == 1001, code == 1016:
		return "dns"
	case code == 1004, code == 1014, code == 1033, code == 1043, code == 1047, code == 1049:
		return "config"
	case code == 1017, code == 1028, code == 1029, code == 1044:
		return "tls"
	case code == 1026, code == 1039:
		return "legal"
	case code == 1042, code >= 1100 && code <= 1105:
		return "worker"
	case code == 1036, code == 1037:
		return "rewrite"
	case code >= 1201 && code <= 1206:
		return "snippet"
	case code == 1045:
		return "unsupported"
	case code == 500:
		return "cloudflare"
	case code == 502, code == 504, code >= 520 && code <= 524:
		return "origin"
	case code == 525, code == 526:
		return "ssl"
	}
	return ""
}
