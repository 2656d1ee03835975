package probes

import (
	"time"

	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// TraceDetails is Cloudflare's own view of this client, read from
// /cdn-cgi/trace: the public IP and country a block rule evaluated.
type TraceDetails struct {
	// URL is the trace URL fetched ("https://chatgpt.com/cdn-cgi/trace").
	URL string `json:"url"`
	// Host is the Cloudflare-fronted target host the trace was taken on.
	Host string `json:"host"`
	// Route is direct or proxy: a trace through the proxy shows what
	// Cloudflare sees of the proxy's exit, a different client.
	Route string `json:"route"`
	// Fields holds every key=value line as received (sanitised), including
	// ones this version does not interpret.
	Fields map[string]string `json:"fields,omitempty"`
	// IP is the public address Cloudflare saw this client connect from: the
	// address its rules judge.
	IP string `json:"ip,omitempty"`
	// Loc is the country Cloudflare places that IP in, as an ISO 3166 code
	// ("DE"); T1 means a Tor exit, XX unknown.
	Loc string `json:"loc,omitempty"`
	// Colo is the IATA code of the Cloudflare data centre that answered
	// ("FRA").
	Colo string `json:"colo,omitempty"`
	// Warp is off, on or plus: whether the connection came through Cloudflare
	// WARP.
	Warp string `json:"warp,omitempty"`
	// Gateway is off or on: whether Cloudflare Zero Trust Gateway (a company's
	// filter) handled the connection.
	Gateway string `json:"gateway,omitempty"`
	// HTTP is the protocol Cloudflare saw ("http/1.1", "http/2", "http/3").
	HTTP string `json:"http,omitempty"`
	// TLS is the TLS version Cloudflare negotiated ("TLSv1.3").
	TLS string `json:"tls,omitempty"`
	// SNI is how the server name reached Cloudflare: plaintext, encrypted
	// (ECH) or off (none sent).
	SNI string `json:"sni,omitempty"`
	// UAG is the User-Agent header as Cloudflare received it.
	UAG string `json:"uag,omitempty"`
	// Kex is the TLS key exchange group negotiated ("X25519",
	// "X25519MLKEM768").
	Kex string `json:"kex,omitempty"`
	// TS is Cloudflare's clock; ClockSkew is TS minus the local clock.
	TS        time.Time `json:"ts,omitzero"`
	ClockSkew *Millis   `json:"clock_skew_ms,omitempty"`
	// FromBlockPage is true when the trace itself was blocked and IP, Loc
	// and the Ray ID come from the block page instead.
	FromBlockPage bool `json:"from_block_page,omitempty"`
	// Verdict is the classifier's reading of the trace response: ok for a
	// normal trace, otherwise what answered instead.
	Verdict classify.Verdict `json:"verdict"`
	// Failure is the transport failure code when no answer came (the
	// codes of EndpointDetails.Failure).
	Failure string `json:"failure,omitempty"`
}

func (*TraceDetails) details() {}
