package collect

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
	// Corporate marks products organisations run on their networks
	// (gateways, inspection appliances): the person at the keyboard cannot
	// turn them off, only IT can exempt a domain. Antivirus suites and
	// debugging proxies are the user's own.
	Corporate bool
}

// interceptors names the antivirus suites, corporate gateways and debugging
// proxies that re-sign TLS, from the CA names they are known to use
// (os-facts.md §4.2). Patterns are specific enough not to hit a public CA:
// "Cloudflare Inc ECC CA-3" was a real public intermediate, so Cloudflare's
// Gateway is matched only by its "for Teams" CA name. Appliance CAs that
// admins name themselves (Palo Alto, Check Point, Sophos UTM) are matched on
// the vendor name they usually keep.
var interceptors = []interceptor{
	{"Kaspersky", []string{"kaspersky"}, false},
	{"ESET", []string{"eset ssl filter", "eset, spol"}, false},
	{"Avast", []string{"avast web/mail shield", "avast antivirus", "avast software"}, false},
	{"AVG", []string{"avg web/mail shield", "avg technologies"}, false},
	{"Norton", []string{"norton web/mail shield", "nortonlifelock"}, false},
	{"Bitdefender", []string{"bitdefender"}, false},
	// "Sophos SSL CA" is its endpoint client's, consumer (Sophos Home)
	// and business alike; its firewalls' CAs are named by their admins.
	{"Sophos", []string{"sophos"}, false},
	{"Dr.Web", []string{"doctor web", "dr.web"}, false},
	{"AdGuard", []string{"adguard"}, false},
	{"Zscaler", []string{"zscaler"}, true},
	{"Netskope", []string{"netskope", "goskope.com"}, true},
	{"Fortinet", []string{"fortinet", "fortigate"}, true},
	{"Palo Alto Networks", []string{"palo alto networks"}, true},
	{"Cisco Umbrella", []string{"cisco umbrella"}, true},
	{"Blue Coat", []string{"blue coat", "bluecoat", "proxysg"}, true},
	{"Check Point", []string{"check point", "checkpoint"}, true},
	{"Forcepoint", []string{"forcepoint", "websense"}, true},
	// The McAfee CA known to re-sign TLS is its (now Skyhigh's) Web
	// Gateway's.
	{"McAfee", []string{"mcafee", "skyhigh"}, true},
	{"Cloudflare Gateway", []string{"cloudflare for teams", "cloudflare gateway"}, true},
	{"mitmproxy", []string{"mitmproxy"}, false},
	{"Charles", []string{"charles proxy", "xk72"}, false},
	{"Fiddler", []string{"fiddler", "do_not_trust"}, false},
	{"Burp Suite", []string{"portswigger"}, false},
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

// corporateProduct reports whether a product the table names is run by an
// organisation rather than the user (TLSDetails.Corporate).
func corporateProduct(product string) bool {
	for _, ic := range interceptors {
		if ic.Product == product {
			return ic.Corporate
		}
	}
	return false
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
