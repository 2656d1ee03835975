package probes

import "time"

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

// EndpointDetails is everything one HTTP request to a target revealed.
type EndpointDetails struct {
	URL     string  `json:"url"`
	Variant Variant `json:"variant"`
	// Proxy is the proxy URL used (credentials redacted), empty when direct.
	Proxy string `json:"proxy,omitempty"`
	// RemoteAddr is the IP:port connected to (the proxy's when proxied).
	RemoteAddr  string       `json:"remote_addr,omitempty"`
	HTTPVersion string       `json:"http_version,omitempty"`
	Timings     PhaseTimings `json:"timings"`
	TLS         *TLSDetails  `json:"tls,omitempty"`
	StatusCode  int          `json:"status_code,omitempty"`
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
	Verdict   Verdict `json:"verdict"`
	// Expected says the verdict is what this target normally answers from a
	// healthy machine (a 401 missing_api_key from the API without a key).
	Expected bool `json:"expected"`
}

// PhaseTimings are the request phases as net/http/httptrace saw them. A zero
// phase did not happen (a reused or proxied step, or a failure before it).
type PhaseTimings struct {
	DNS       Millis `json:"dns_ms"`
	Connect   Millis `json:"connect_ms"`
	TLS       Millis `json:"tls_ms"`
	FirstByte Millis `json:"first_byte_ms"`
	Total     Millis `json:"total_ms"`
}

// Redirect is one hop of a redirect chain.
type Redirect struct {
	Status int    `json:"status"`
	From   string `json:"from"`
	To     string `json:"to"`
}

// TLSDetails describes the handshake and how the chain was judged.
type TLSDetails struct {
	Version    string `json:"version"`
	ALPN       string `json:"alpn,omitempty"`
	ServerName string `json:"server_name"`
	// Chain is what the server (or a middlebox) presented, leaf first.
	Chain []CertInfo `json:"chain"`
	// SystemVerified: the chain verifies against this machine's store (plus
	// the user's own roots from --ca-file).
	SystemVerified bool   `json:"system_verified"`
	SystemError    string `json:"system_error,omitempty"`
	// PublicVerified: the chain verifies against the public reference roots.
	PublicVerified bool   `json:"public_verified"`
	PublicError    string `json:"public_error,omitempty"`
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
}

// CertInfo is one certificate of a chain.
type CertInfo struct {
	Subject   string    `json:"subject"`
	IssuerCN  string    `json:"issuer_cn"`
	IssuerOrg string    `json:"issuer_org,omitempty"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// SHA256 is the certificate fingerprint in hex.
	SHA256 string `json:"sha256"`
}

func (*EndpointDetails) details() {}

// MatrixDetails summarises the cells of one web target: which were blocked,
// which passed, and the differential conclusion a rule can use.
type MatrixDetails struct {
	URL   string       `json:"url"`
	Cells []MatrixCell `json:"cells"`
	// Split names the single axis that separates blocked from unblocked
	// cells, when one does: "route", "family" or "headers". Empty when all
	// cells agree or no single axis explains the difference.
	Split string `json:"split,omitempty"`
	// BlockedWhen is the value of Split under which requests were blocked
	// ("proxy", "ipv6", "plain").
	BlockedWhen string `json:"blocked_when,omitempty"`
}

// MatrixCell is the outcome of one cell, pointing at its endpoint result.
type MatrixCell struct {
	ResultID string      `json:"result_id"`
	Variant  Variant     `json:"variant"`
	Status   Status      `json:"status"`
	Verdict  VerdictKind `json:"verdict,omitempty"`
	Blocked  bool        `json:"blocked"`
}

func (*MatrixDetails) details() {}
