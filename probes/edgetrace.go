package probes

import "time"

// TraceDetails is Cloudflare's own view of this client, read from
// /cdn-cgi/trace: the public IP and country a block rule evaluated.
type TraceDetails struct {
	URL   string `json:"url"`
	Host  string `json:"host"`
	Route string `json:"route"`
	// Fields holds every key=value line as received (sanitised), including
	// ones this version does not interpret.
	Fields  map[string]string `json:"fields,omitempty"`
	IP      string            `json:"ip,omitempty"`
	Loc     string            `json:"loc,omitempty"`
	Colo    string            `json:"colo,omitempty"`
	Warp    string            `json:"warp,omitempty"`
	Gateway string            `json:"gateway,omitempty"`
	HTTP    string            `json:"http,omitempty"`
	TLS     string            `json:"tls,omitempty"`
	SNI     string            `json:"sni,omitempty"`
	UAG     string            `json:"uag,omitempty"`
	Kex     string            `json:"kex,omitempty"`
	// TS is Cloudflare's clock; ClockSkew is TS minus the local clock.
	TS        time.Time `json:"ts,omitzero"`
	ClockSkew *Millis   `json:"clock_skew_ms,omitempty"`
	// FromBlockPage is true when the trace itself was blocked and IP, Loc
	// and the Ray ID come from the block page instead.
	FromBlockPage bool    `json:"from_block_page,omitempty"`
	Verdict       Verdict `json:"verdict"`
}

func (*TraceDetails) details() {}
