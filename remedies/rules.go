package remedies

// rule is one piece of the guide's decision tree: a pure function from the
// indexed snapshot (and the findings of the rules before it) to findings.
// docs is what the rule looks for, rendered into docs/causes.md so a
// support person can see why gptdoctor concluded what it did.
type rule struct {
	name string
	docs []ruleDoc
	eval func(f *facts, sofar []Finding) []Finding
}

// ruleDoc is one row of the rules table: cause, trigger, confidence.
type ruleDoc struct {
	Cause      string
	Trigger    string
	Confidence string
}

// rules run in this order. Order matters only for the fallbacks at the end,
// which look at what the others found.
var rules = []rule{
	{name: "outage", eval: ruleOutage, docs: []ruleDoc{
		{CauseOutage, "status page indicator major/critical, or a ChatGPT/API component in partial or major outage, and a target answers 5xx", "confirmed"},
		{CauseOutage, "status page outage, no 5xx seen from here", "likely"},
		{CauseOutage, "status page minor/degraded, no 5xx seen", "possible"},
	}},
	{name: "server-error", eval: ruleServerError, docs: []ruleDoc{
		{CauseServerError, "500 server_error, 503 overloaded/slow_down, Cloudflare's own 500, or the key check's server_error, without a confirmed outage", "confirmed (likely for an unmarked 5xx through Cloudflare)"},
	}},
	{name: "origin-error", eval: ruleOriginError, docs: []ruleDoc{
		{CauseOriginError, "Cloudflare 502, 504, 52x or 530: it could not reach OpenAI's servers", "confirmed"},
		{CauseOriginError, "an error without Cloudflare markers, a Cloudflare site-configuration 1xxx, a redirect loop or an unexpected page (names the proxy when it came through one)", "likely"},
	}},
	{name: "captive-portal", eval: ruleCaptive, docs: []ruleDoc{
		{CauseCaptivePortal, "the plain-HTTP check is redirected or answered by a login page, or a target answers with one", "confirmed"},
	}},
	{name: "dns", eval: ruleDNS, docs: []ruleDoc{
		{CauseDNSHijack, "the system resolver answers with a private, loopback, 0.0.0.0 or non-Cloudflare address while independent resolvers answer Cloudflare's (names the address)", "confirmed"},
		{CauseDNSHijack, "the system resolver says NXDOMAIN, REFUSED or no address while an independent resolver answers", "likely"},
		{CauseDNSHijack, "resolvers disagree and the host fails", "possible"},
		{CauseDNSFailure, "the system resolver fails (SERVFAIL, timeout) while an independent resolver answers: nothing resolves", "likely"},
	}},
	{name: "no-connectivity", eval: ruleNoConnectivity, docs: []ruleDoc{
		{CauseNoConnectivity, "no direct request got any answer (DNS or connect failures) and no resolver answers or no route exists", "confirmed"},
		{CauseNoConnectivity, "no direct request got any answer; or names resolve but no connection opens (a firewall blocks HTTPS)", "likely"},
	}},
	{name: "clock-skew", eval: ruleClockSkew, docs: []ruleDoc{
		{CauseClockSkew, "Cloudflare's trace ts, or two Date headers, differ from the local clock by more than 5 minutes; or certificates read as expired/not yet valid on two hosts", "confirmed"},
		{CauseClockSkew, "one Date header or one certificate-validity error says so", "likely"},
		{CauseSecuritySoftware, "certificates read as expired or not yet valid while Cloudflare's trace or a Date header agrees with the local clock", "possible"},
	}},
	{name: "tls", eval: ruleTLS, docs: []ruleDoc{
		{CauseSecuritySoftware, "a chain this machine trusts but the public roots do not (names the issuer and product), on requests that are blocked or challenged", "likely"},
		{CauseSecuritySoftware, "the same interception while requests succeed (products often intercept only browsers)", "possible"},
		{CauseSecuritySoftware, "TLS fails against a non-public issuer this machine does not trust (a middlebox re-signs)", "likely"},
	}},
	{name: "path-differential", eval: rulePathDifferential, docs: []ruleDoc{
		{CauseProxyPath, "matrix: blocked through the proxy, fine direct; or the proxy refuses connections while direct works", "confirmed"},
		{CauseProxyPath, "the configured proxy does not accept connections and direct was not tested", "likely"},
		{CauseIPv6Path, "matrix: blocked over IPv6 only", "confirmed"},
		{CauseIPv6Path, "IPv6 connections fail while IPv4 works and this machine has an IPv6 route", "possible"},
		{CauseBrowserSignature, "matrix: blocked only without browser headers (not a challenge)", "likely"},
	}},
	{name: "signature", eval: ruleSignature, docs: []ruleDoc{
		{CauseBrowserSignature, "Cloudflare 1010", "confirmed"},
	}},
	{name: "geo", eval: ruleGeo, docs: []ruleDoc{
		{CauseGeoRestricted, "Cloudflare 1009 (or 1026), the API's unsupported_country_region_territory, or the key check's region outcome (names the country)", "confirmed"},
		{CauseGeoRestricted, "the country Cloudflare reports is not on OpenAI's supported list (names the list date) and a target fails", "likely"},
		{CauseGeoRestricted, "the same with every target working", "possible"},
	}},
	{name: "rate", eval: ruleRate, docs: []ruleDoc{
		{CauseRateLimited, "Cloudflare 1015, the API's 429 rate_limit_exceeded, or the key check's rate_limited outcome", "confirmed"},
		{CauseRateLimited, "an unmarked 429 through Cloudflare", "likely"},
		{CauseQuotaExhausted, "429 insufficient_quota (endpoint or key check)", "confirmed"},
	}},
	{name: "api-key", eval: ruleAPIKey, docs: []ruleDoc{
		{CauseInvalidAPIKey, "401 invalid_api_key, or the key check's invalid outcome", "confirmed"},
		{CauseAPIIPAllowlist, "401 IP not authorized (the key's project IP allowlist)", "confirmed"},
		{CauseMissingAPIKey, "the key check ran and says missing while a key was configured (something stripped it)", "likely"},
		{CauseMissingAPIKey, "the key check ran and says missing; an unauthenticated 401 missing-key from the API alone means reachable and blames nothing", "possible"},
	}},
	{name: "challenge", eval: ruleChallenge, docs: []ruleDoc{
		{CauseChallenge, "a Cloudflare challenge on requests with browser headers or on an API; a challenge only for the plain client while browser headers pass is normal and not reported", "confirmed"},
	}},
	{name: "blocks", eval: ruleBlocks, docs: []ruleDoc{
		{CauseFlaggedIP, "Cloudflare IP or ASN ban (1005–1008, 1106)", "confirmed"},
		{CauseVPNProxyTor, "1020 / WAF block / 1012 while a VPN is active, Tor runs, WARP is on or the blocked requests went through a proxy", "likely"},
		{CauseFlaggedIP, "1020 / WAF block / 1012 with nothing local to explain it (names the IP and country Cloudflare saw)", "likely"},
		{CauseAccountFlag, "the same: nothing local explains the block", "possible"},
		{CauseBrowserState, "the same: nothing local explains the block", "possible"},
		{CauseFlaggedIP, "a block while only security software or corporate signals explain it", "possible"},
	}},
	{name: "network-filter", eval: ruleNetworkFilter, docs: []ruleDoc{
		{CauseNetworkFilter, "every direct request that failed was reset as it opened or had its TLS handshake reset or unanswered before any certificate, while DNS answered (names the managed-network signals when there are any)", "likely"},
	}},
	{name: "corporate", eval: ruleCorporate, docs: []ruleDoc{
		{CauseCorporatePolicy, "a corporate proxy/PAC/WPAD, Cloudflare Gateway (gateway=on) or corporate TLS inspection (Zscaler, Netskope …), while targets fail", "likely"},
	}},
	{name: "slow", eval: ruleSlow, docs: []ruleDoc{
		{CauseSlowNetwork, "the median DNS lookup, connect, TLS handshake or wait for the first byte of the requests that got an answer is over its threshold (300 ms, 300 ms, 600 ms, 800 ms; remedies/rules_slow.go says why); names the phase and how slow", "likely"},
	}},
	{name: "all-pass", eval: ruleAllPass, docs: []ruleDoc{
		{CauseBrowserState, "every target answers normally from here and nothing blocking was found: the problem is in the browser", "possible"},
	}},
	{name: "unexplained", eval: ruleUnexplained, docs: []ruleDoc{
		{CauseOriginError, "a target fails with an answer and no other finding cites it (so a failure is never left unreported)", "possible"},
		{CauseNoConnectivity, "a target gets no answer and no other finding cites it", "possible"},
	}},
}
