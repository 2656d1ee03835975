package probes

import (
	"time"

	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// Variant is one cell of a web target's differential matrix: which route,
// which address family and which header set a request used. Comparing cells
// is how a rule can say "blocked only over IPv6" or "only through the proxy".
type Variant struct {
	// Route is "direct" or "proxy" (the proxy configured for this URL).
	Route string `json:"route"`
	// Family is "ipv4", "ipv6", or "any" when the proxy chose.
	Family string `json:"family"`
	// Headers is "plain" (Go's default client, what scripts and SDKs send)
	// or "browser" (a coherent current-browser header set).
	Headers string `json:"headers"`
}

// Route, family and header-set names used in Variant.
const (
	RouteDirect    = "direct"
	RouteProxy     = "proxy"
	FamilyIPv4     = "ipv4"
	FamilyIPv6     = "ipv6"
	FamilyAny      = "any"
	HeadersPlain   = "plain"
	HeadersBrowser = "browser"
)

// String names the cell ("direct-ipv4-browser").
func (v Variant) String() string { return v.Route + "-" + v.Family + "-" + v.Headers }

// Words names the cell for people ("direct, IPv6, browser headers"), the
// way probe titles and findings' evidence describe a request.
func (v Variant) Words() string {
	route := "direct"
	if v.Route == RouteProxy {
		route = "through the proxy"
	}
	fam := ""
	if v.Family != FamilyAny {
		fam = ", " + FamilyLabel(v.Family)
	}
	hs := "plain Go client"
	if v.Headers == HeadersBrowser {
		hs = "browser headers"
	}
	return route + fam + ", " + hs
}

// FamilyLabel is the human name of an address family ("IPv6").
func FamilyLabel(family string) string {
	switch family {
	case FamilyIPv4:
		return "IPv4"
	case FamilyIPv6:
		return "IPv6"
	}
	return "any family"
}

// EndpointDetails is everything one HTTP request to a target revealed.
type EndpointDetails struct {
	// URL is the URL requested, without credentials; Redirects lists any hops
	// from it.
	URL string `json:"url"`
	// Variant is the matrix cell the request belongs to: route, address family
	// and header set.
	Variant Variant `json:"variant"`
	// Proxy is the proxy URL used (credentials redacted), empty when direct.
	Proxy string `json:"proxy,omitempty"`
	// RemoteAddr is the IP:port connected to (the proxy's when proxied).
	RemoteAddr string `json:"remote_addr,omitempty"`
	// HTTPVersion is the protocol of the final response ("HTTP/1.1",
	// "HTTP/2.0").
	HTTPVersion string `json:"http_version,omitempty"`
	// Timings are how long each phase of the request took.
	Timings PhaseTimings `json:"timings"`
	// TLS describes the handshake and the certificate chain presented; absent
	// for plain HTTP or when no certificate arrived.
	TLS *TLSDetails `json:"tls,omitempty"`
	// StatusCode is the HTTP status of the final response; absent when none
	// arrived.
	StatusCode int `json:"status_code,omitempty"`
	// Redirects is the chain followed before the final response, at most
	// MaxRedirects hops.
	Redirects []Redirect `json:"redirects,omitempty"`
	// Headers are the response headers that matter for diagnosis (server,
	// cf-ray, cf-mitigated, content-type, retry-after, x-request-id,
	// x-ratelimit-*, date, location …), sanitised. Never cookies.
	Headers map[string]string `json:"headers,omitempty"`
	// BodyBytes is how much of the body was read; BodyTruncated says the cap
	// (256 KiB) or the deadline stopped the read.
	BodyBytes     int64 `json:"body_bytes"`
	BodyTruncated bool  `json:"body_truncated,omitempty"`
	// BodyExcerpt is the start of the body as sanitised text, for evidence.
	BodyExcerpt string `json:"body_excerpt,omitempty"`
	// ClockSkew is server Date minus local time; nil when no Date header.
	ClockSkew *Millis `json:"clock_skew_ms,omitempty"`
	// Verdict is the classifier's reading of the final response: who answered
	// and what it means (its kind is empty when no response arrived).
	Verdict classify.Verdict `json:"verdict"`
	// Expected says the verdict is what this target normally answers from a
	// healthy machine (a 401 missing_api_key from the API without a key).
	Expected bool `json:"expected"`
	// Failure is a stable code for a request that got no usable answer, so
	// rules need not parse reasons: nxdomain, servfail, dns_refused,
	// dns_error, dns_timeout, no_address, refused, reset, connect_timeout, unreachable, tls_stall,
	// tls_reset, tls_untrusted, tls_hostname, tls_expired, tls_alert,
	// proxy_config, proxy_refused, proxy_*, header_timeout, closed,
	// bad_response, redirect_loop, too_many_redirects, cancelled, budget.
	Failure string `json:"failure,omitempty"`
}

// PhaseTimings are the request phases as net/http/httptrace saw them. A zero
// phase did not happen (a reused or proxied step, or a failure before it).
// DNS, Connect, TLS and FirstByte belong to the request that produced the
// final response (on the proxy route DNS and Connect are the proxy's, and
// FirstByte counts from the start of that request); Total spans the whole
// chain, redirects included.
type PhaseTimings struct {
	// DNS is the name lookup (of the proxy's name on the proxy route).
	DNS Millis `json:"dns_ms"`
	// Connect is the TCP connect to the server, or to the proxy on the proxy
	// route.
	Connect Millis `json:"connect_ms"`
	// TLS is the TLS handshake.
	TLS Millis `json:"tls_ms"`
	// FirstByte is the wait from the start of the final request to the first
	// byte of its response.
	FirstByte Millis `json:"first_byte_ms"`
	// Total is the whole request chain, redirects included.
	Total Millis `json:"total_ms"`
}

// Redirect is one hop of a redirect chain.
type Redirect struct {
	// Status is the redirect's HTTP status (301, 302, 303, 307 or 308).
	Status int `json:"status"`
	// From and To are the URLs of the hop, without credentials.
	From string `json:"from"`
	To   string `json:"to"`
}

// TLSDetails describes the handshake and how the chain was judged.
type TLSDetails struct {
	// Version is the negotiated TLS version ("TLS 1.3").
	Version string `json:"version"`
	// ALPN is the application protocol negotiated ("h2", "http/1.1"); empty
	// when none was.
	ALPN string `json:"alpn,omitempty"`
	// ServerName is the host name sent as SNI in the handshake.
	ServerName string `json:"server_name"`
	// Chain is what the server (or a middlebox) presented, leaf first.
	Chain []CertInfo `json:"chain"`
	// SystemVerified: the chain verifies against this machine's store (plus
	// the user's own roots from --ca-file).
	SystemVerified bool `json:"system_verified"`
	// SystemError says why this machine's trust rejected the chain; empty when
	// it accepted it.
	SystemError string `json:"system_error,omitempty"`
	// PublicVerified: the chain verifies against the public reference roots.
	PublicVerified bool `json:"public_verified"`
	// PublicError says why the public reference roots rejected the chain (or
	// could not be loaded); empty when they accepted it.
	PublicError string `json:"public_error,omitempty"`
	// UserTrusted: the chain ends at a root the user declared with
	// --ca-file; not reported as interception.
	UserTrusted bool `json:"user_trusted,omitempty"`
	// Intercepted: accepted by this machine but not by the public roots and
	// not by a user-declared root, so something re-signs TLS on this machine
	// or network. InterceptedBy names the issuer; Product names the known
	// product that issuer belongs to, when recognised ("Kaspersky").
	Intercepted   bool   `json:"intercepted,omitempty"`
	InterceptedBy string `json:"intercepted_by,omitempty"`
	Product       string `json:"product,omitempty"`
	// Corporate says Product is run by an organisation (Zscaler, Netskope,
	// a firewall's inspection), not by the user: only IT can exempt a
	// domain from it, so the advice differs from an antivirus's.
	Corporate bool `json:"corporate,omitempty"`
	// IssuerNote is set when a publicly trusted chain for a Cloudflare host
	// comes from a CA Cloudflare does not use: a hint worth showing, not a
	// verdict (the public-root check decides interception).
	IssuerNote string `json:"issuer_note,omitempty"`
}

// CertInfo is one certificate of a chain.
type CertInfo struct {
	// Subject is the certificate's subject distinguished name
	// ("CN=chatgpt.com").
	Subject string `json:"subject"`
	// IssuerCN is the issuer's common name ("WE1"); on a re-signed chain it
	// names the interceptor's CA (an antivirus, proxy or company product).
	IssuerCN string `json:"issuer_cn"`
	// IssuerOrg is the issuer's organisation ("Google Trust Services").
	IssuerOrg string `json:"issuer_org,omitempty"`
	// NotBefore and NotAfter bound the certificate's validity, in UTC.
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// SHA256 is the certificate fingerprint in hex.
	SHA256 string `json:"sha256"`
}

func (*EndpointDetails) details() {}

// MatrixDetails summarises the cells of one web target: which were blocked,
// which passed, and the differential conclusion a rule can use.
type MatrixDetails struct {
	// URL is the web target the cells requested.
	URL string `json:"url"`
	// Cells are the target's matrix cells, one per endpoint result.
	Cells []MatrixCell `json:"cells"`
	// Split names the single axis that separates blocked from unblocked
	// cells, when one does: "route", "family" or "headers". Empty when all
	// cells agree or no single axis explains the difference.
	Split string `json:"split,omitempty"`
	// BlockedWhen is the value of Split under which requests were blocked
	// ("proxy", "ipv6", "plain").
	BlockedWhen string `json:"blocked_when,omitempty"`
	// ChallengeSplit and ChallengedWhen are the same for Cloudflare
	// challenges, computed when no cell was blocked outright: a challenge
	// asks for a browser, so "challenged only without browser headers" is
	// a different finding from a block.
	ChallengeSplit string `json:"challenge_split,omitempty"`
	ChallengedWhen string `json:"challenged_when,omitempty"`
}

// BlockVerb says what the blocked cells suffered, for every face that
// summarises the matrix: "rate limited" when there are some and every one
// of them is a rate limit (1015 is a block that passes), else "blocked".
func (d *MatrixDetails) BlockVerb() string {
	limited := false
	for _, c := range d.Cells {
		if c.Blocked && c.Verdict != classify.VerdictCFRateLimit {
			return "blocked"
		}
		limited = limited || c.Blocked
	}
	if !limited {
		return "blocked"
	}
	return "rate limited"
}

// MatrixCell is the outcome of one cell, pointing at its endpoint result.
type MatrixCell struct {
	// ResultID is the id of the endpoint result behind the cell.
	ResultID string `json:"result_id"`
	// Variant is the cell's route, address family and header set.
	Variant Variant `json:"variant"`
	// Status is that result's status (pass, warn, fail, skipped or unknown).
	Status Status `json:"status"`
	// Verdict is the verdict kind of the cell's answer; absent when it got
	// none.
	Verdict classify.VerdictKind `json:"verdict,omitempty"`
	// Blocked: Cloudflare refused this cell (a block, not a challenge).
	Blocked bool `json:"blocked"`
	// Challenged: Cloudflare served a challenge page in this cell.
	Challenged bool `json:"challenged,omitempty"`
	// Answered: the cell got an HTTP answer that could be classified;
	// cells without one take no part in Split.
	Answered bool `json:"answered"`
}

func (*MatrixDetails) details() {}
