package probes

import (
	"crypto/x509"
	"strings"
)

// interceptor is one product known to re-sign TLS, recognised by fragments
// of the issuer or subject names its CA uses.
type interceptor struct {
	Product string
	// Patterns are lower-case substrings matched against the common name
	// and organisation of every certificate in the presented chain.
	Patterns []string
}

// interceptors names the antivirus suites, corporate gateways and debugging
// proxies that re-sign TLS, from the CA names they are known to use
// (os-facts.md §4.2). Patterns are specific enough not to hit a public CA:
// "Cloudflare Inc ECC CA-3" was a real public intermediate, so Cloudflare's
// Gateway is matched only by its "for Teams" CA name. Appliance CAs that
// admins name themselves (Palo Alto, Check Point, Sophos UTM) are matched on
// the vendor name they usually keep.
var interceptors = []interceptor{
	{"Kaspersky", []string{"kaspersky"}},
	{"ESET", []string{"eset ssl filter", "eset, spol"}},
	{"Avast", []string{"avast web/mail shield", "avast antivirus", "avast software"}},
	{"AVG", []string{"avg web/mail shield", "avg technologies"}},
	{"Norton", []string{"norton web/mail shield", "nortonlifelock"}},
	{"Bitdefender", []string{"bitdefender"}},
	{"Sophos", []string{"sophos"}},
	{"Dr.Web", []string{"doctor web", "dr.web"}},
	{"AdGuard", []string{"adguard"}},
	{"Zscaler", []string{"zscaler"}},
	{"Netskope", []string{"netskope", "goskope.com"}},
	{"Fortinet", []string{"fortinet", "fortigate"}},
	{"Palo Alto Networks", []string{"palo alto networks"}},
	{"Cisco Umbrella", []string{"cisco umbrella"}},
	{"Blue Coat", []string{"blue coat", "bluecoat", "proxysg"}},
	{"Check Point", []string{"check point", "checkpoint"}},
	{"Forcepoint", []string{"forcepoint", "websense"}},
	{"McAfee", []string{"mcafee", "skyhigh"}},
	{"Cloudflare Gateway", []string{"cloudflare for teams", "cloudflare gateway"}},
	{"mitmproxy", []string{"mitmproxy"}},
	{"Charles", []string{"charles proxy", "xk72"}},
	{"Fiddler", []string{"fiddler", "do_not_trust"}},
	{"Burp Suite", []string{"portswigger"}},
}

// interceptionProduct names the product whose CA signed any certificate of
// the chain, or "" when none matches.
func interceptionProduct(chain []*x509.Certificate) string {
	for _, c := range chain {
		names := []string{c.Issuer.CommonName, c.Subject.CommonName}
		names = append(names, c.Issuer.Organization...)
		names = append(names, c.Subject.Organization...)
		if p := matchInterceptor(names); p != "" {
			return p
		}
	}
	return ""
}

// matchInterceptor matches names (CNs and organisations) against the table,
// case-insensitively.
func matchInterceptor(names []string) string {
	for _, n := range names {
		ln := strings.ToLower(n)
		if ln == "" {
			continue
		}
		for _, ic := range interceptors {
			for _, p := range ic.Patterns {
				if strings.Contains(ln, p) {
					return ic.Product
				}
			}
		}
	}
	return ""
}

// cloudflareCAOrgs are the organisations whose CAs issue Cloudflare's edge
// certificates (Cloudflare's certificate-authorities reference). A chain for
// a Cloudflare host from any other issuer is worth a note, though the
// public-root check is what decides interception.
var cloudflareCAOrgs = []string{"google trust services", "let's encrypt", "internet security research group", "isrg", "ssl.com", "ssl corp", "sectigo", "digicert"}

// isCloudflareCA reports whether an issuer organisation is one of them.
func isCloudflareCA(orgs []string) bool {
	for _, o := range orgs {
		lo := strings.ToLower(o)
		for _, want := range cloudflareCAOrgs {
			if strings.Contains(lo, want) {
				return true
			}
		}
	}
	return false
}
