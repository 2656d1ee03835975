package probes

// HostDetails is the machine's own identity: name, OS and interfaces.
type HostDetails struct {
	Facts      HostFacts   `json:"facts"`
	Interfaces []Interface `json:"interfaces"`
}

func (*HostDetails) details() {}

// EgressDetails is the path the kernel really uses to reach the internet,
// per address family, found with a UDP connect (which sends no packet and
// honours policy routing, OpenVPN's def1 routes and wg-quick's fwmark table).
type EgressDetails struct {
	IPv4 *EgressPath `json:"ipv4,omitempty"`
	IPv6 *EgressPath `json:"ipv6,omitempty"`
	// IPv4Available / IPv6Available: the family has a route out.
	IPv4Available bool `json:"ipv4_available"`
	IPv6Available bool `json:"ipv6_available"`
}

// EgressPath is the interface and source address for one family.
type EgressPath struct {
	// Probe is the address the route was asked for ("1.1.1.1:53").
	Probe     string `json:"probe"`
	Source    string `json:"source"`
	Interface string `json:"interface,omitempty"`
	// Tunnel is set when the egress interface is a tunnel (VPN).
	Tunnel *TunnelInfo `json:"tunnel,omitempty"`
}

// TunnelInfo says why an interface is taken for a tunnel and, where the
// evidence allows, which product made it.
type TunnelInfo struct {
	// Type is wireguard, tun, tap, ppp, ipsec or utun.
	Type string `json:"type"`
	// Product is the VPN product the name or description points at
	// ("Tailscale", "Cloudflare WARP", "NordVPN"), empty when unknown.
	Product  string   `json:"product,omitempty"`
	Evidence []string `json:"evidence"`
}

func (*EgressDetails) details() {}

// VPNDetails gathers every sign of a VPN or tunnel on this machine.
type VPNDetails struct {
	// Active is true when a tunnel carries the default route, or a VPN
	// process runs and a tunnel interface is up.
	Active bool `json:"active"`
	// OnEgress is true when the egress interface itself is a tunnel.
	OnEgress bool        `json:"on_egress"`
	Signals  []VPNSignal `json:"signals,omitempty"`
}

// VPNSignal is one observation ("interface wg0: DEVTYPE=wireguard",
// "process tailscaled running").
type VPNSignal struct {
	// Source is interface, process, route, scutil or adapter.
	Source   string `json:"source"`
	Product  string `json:"product,omitempty"`
	Evidence string `json:"evidence"`
}

func (*VPNDetails) details() {}

// TorDetails says whether Tor runs here and listens for SOCKS.
type TorDetails struct {
	Running   bool     `json:"running"`
	Processes []string `json:"processes,omitempty"`
	// Listeners are the loopback SOCKS ports that accepted a connection
	// and answered the SOCKS5 greeting ("127.0.0.1:9050").
	Listeners []string `json:"listeners,omitempty"`
}

func (*TorDetails) details() {}

// CaptiveDetails is the answer to a plain-HTTP "are we behind a login
// page?" request.
type CaptiveDetails struct {
	URL string `json:"url"`
	// Expected describes the known answer ("204 No Content").
	Expected   string `json:"expected"`
	StatusCode int    `json:"status_code,omitempty"`
	Portal     bool   `json:"portal"`
	// RedirectTo is where a portal tried to send us.
	RedirectTo string `json:"redirect_to,omitempty"`
}

func (*CaptiveDetails) details() {}

// PublicIPDetails sets the public IP and country Cloudflare sees beside the
// IP the resolver's DNS whoami reports; when they disagree, traffic leaves
// through a different path than DNS does (split tunnel, proxy, VPN leak).
type PublicIPDetails struct {
	TraceIP  string `json:"trace_ip,omitempty"`
	TraceLoc string `json:"trace_loc,omitempty"`
	// TraceResult is the edge-trace result the IP came from.
	TraceResult string `json:"trace_result,omitempty"`
	WhoamiIP    string `json:"whoami_ip,omitempty"`
	// WhoamiSource names the whoami query ("whoami.cloudflare CH TXT via
	// 1.1.1.1:53").
	WhoamiSource string `json:"whoami_source,omitempty"`
	// Agree is nil when one side is missing.
	Agree *bool `json:"agree,omitempty"`
	// CountrySupported is whether TraceLoc is on OpenAI's supported list
	// (nil when unknown); SupportedListDate is that list's date.
	CountrySupported  *bool  `json:"country_supported,omitempty"`
	SupportedListDate string `json:"supported_list_date,omitempty"`
}

func (*PublicIPDetails) details() {}
