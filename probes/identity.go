package probes

// HostDetails is the machine's own identity: name, OS and interfaces.
type HostDetails struct {
	// Facts are the host name, OS and versions as the OS reports them.
	Facts HostFacts `json:"facts"`
	// Interfaces are the machine's network interfaces with their addresses.
	Interfaces []Interface `json:"interfaces"`
}

func (*HostDetails) details() {}

// EgressDetails is the path the kernel really uses to reach the internet,
// per address family, found with a UDP connect (which sends no packet and
// honours policy routing, OpenVPN's def1 routes and wg-quick's fwmark table).
type EgressDetails struct {
	// IPv4 and IPv6 are the route out for each address family; absent when the
	// family has none.
	IPv4 *EgressPath `json:"ipv4,omitempty"`
	IPv6 *EgressPath `json:"ipv6,omitempty"`
	// IPv4Available / IPv6Available: the family has a route out.
	IPv4Available bool `json:"ipv4_available"`
	IPv6Available bool `json:"ipv6_available"`
	// IPv4Reason / IPv6Reason say why a family is unavailable ("no route:
	// connect: network is unreachable") or was not probed.
	IPv4Reason string `json:"ipv4_reason,omitempty"`
	IPv6Reason string `json:"ipv6_reason,omitempty"`
}

// EgressPath is the interface and source address for one family.
type EgressPath struct {
	// Probe is the address the route was asked for ("1.1.1.1:53").
	Probe string `json:"probe"`
	// Source is the local IP address the kernel picked for the route.
	Source string `json:"source"`
	// Interface is the interface that owns Source: the one traffic leaves by.
	Interface string `json:"interface,omitempty"`
	// Description is the adapter description (Windows), empty elsewhere.
	Description string `json:"description,omitempty"`
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
	Product string `json:"product,omitempty"`
	// Evidence lists why the interface counts as a tunnel
	// ("sysfs uevent DEVTYPE=wireguard").
	Evidence []string `json:"evidence"`
}

func (*EgressDetails) details() {}

// VPNDetails gathers every sign of a VPN or tunnel on this machine.
type VPNDetails struct {
	// Active is true when a tunnel carries the default route, or a VPN
	// process runs and a tunnel interface is up.
	Active bool `json:"active"`
	// OnEgress is true when the egress interface itself is a tunnel.
	OnEgress bool `json:"on_egress"`
	// Signals are the observations that point at a VPN, one per route,
	// interface, adapter, process or listener.
	Signals []VPNSignal `json:"signals,omitempty"`
	// Products are the distinct VPN products the signals name.
	Products []string `json:"products,omitempty"`
	// Limits say what the probe could not see and why ("could not list
	// processes: permission denied"), so "no VPN found" is never claimed
	// from half a look.
	Limits []string `json:"limits,omitempty"`
}

// VPNSignal is one observation ("interface wg0: DEVTYPE=wireguard",
// "process tailscaled running").
type VPNSignal struct {
	// Source is route (the egress interface is a tunnel), interface (a
	// tunnel interface is up), adapter (a Windows adapter description),
	// scutil (macOS lists a VPN server), process (a VPN client runs) or
	// listener (a VPN's local proxy answers, e.g. WARP proxy mode).
	Source string `json:"source"`
	// Product is the VPN product the signal points at ("Tailscale"); empty
	// when unknown.
	Product string `json:"product,omitempty"`
	// Evidence is the observation in words
	// ("process tailscaled running (pid 412)").
	Evidence string `json:"evidence"`
}

func (*VPNDetails) details() {}

// TorDetails says whether Tor runs here and listens for SOCKS.
type TorDetails struct {
	// Running is true when a Tor process runs or a Tor SOCKS port answers on
	// loopback: traffic sent through Tor leaves from exits Cloudflare often
	// blocks.
	Running bool `json:"running"`
	// Processes are the Tor and Tor Browser processes found ("tor (pid 812)").
	Processes []string `json:"processes,omitempty"`
	// Listeners are the loopback SOCKS ports that accepted a connection
	// and answered the SOCKS5 greeting ("127.0.0.1:9050").
	Listeners []string `json:"listeners,omitempty"`
}

func (*TorDetails) details() {}

// CaptiveDetails is the answer to a plain-HTTP "are we behind a login
// page?" request.
type CaptiveDetails struct {
	// URL is the check URL fetched over plain HTTP, credentials redacted.
	URL string `json:"url"`
	// Expected describes the known answer ("204 No Content").
	Expected string `json:"expected"`
	// StatusCode is the HTTP status that answered; absent when nothing did.
	StatusCode int `json:"status_code,omitempty"`
	// Portal is true when anything but an empty 204 answered: something on
	// this network intercepts plain HTTP, usually a sign-in page.
	Portal bool `json:"portal"`
	// RedirectTo is where a portal tried to send us (scheme, host and path:
	// portals put session tokens in the query, so it is dropped).
	RedirectTo string `json:"redirect_to,omitempty"`
	// Title is the sanitised <title> of a page that answered instead.
	Title string `json:"title,omitempty"`
	// BodyBytes is how much of the answer's body was read.
	BodyBytes int `json:"body_bytes,omitempty"`
}

func (*CaptiveDetails) details() {}

// PublicIPDetails sets the public IP and country Cloudflare sees beside the
// IP the resolver's DNS whoami reports; when they disagree, traffic leaves
// through a different path than DNS does (split tunnel, proxy, VPN leak).
type PublicIPDetails struct {
	// TraceIP and TraceLoc are the public IP and country code Cloudflare's
	// edge trace saw (T1 is Tor, XX unknown).
	TraceIP  string `json:"trace_ip,omitempty"`
	TraceLoc string `json:"trace_loc,omitempty"`
	// TraceResult is the edge-trace result the IP came from; TraceRoute its
	// route (direct is preferred: it is what a browser without a proxy
	// shows Cloudflare).
	TraceResult string `json:"trace_result,omitempty"`
	TraceRoute  string `json:"trace_route,omitempty"`
	// WhoamiIP is the public IP an independent resolver saw the DNS whoami
	// query come from.
	WhoamiIP string `json:"whoami_ip,omitempty"`
	// WhoamiSource names the whoami query ("whoami.cloudflare CH TXT via
	// 1.1.1.1:53").
	WhoamiSource string `json:"whoami_source,omitempty"`
	// Agree is nil when one side is missing.
	Agree *bool `json:"agree,omitempty"`
	// CountrySupported is whether TraceLoc is on OpenAI's supported list
	// (nil when unknown); SupportedListDate is that list's date.
	CountrySupported  *bool  `json:"country_supported,omitempty"`
	SupportedListDate string `json:"supported_list_date,omitempty"`
	// Tor is true when Cloudflare places the IP in its Tor pseudo-country
	// (loc=T1).
	Tor bool `json:"tor,omitempty"`
}

func (*PublicIPDetails) details() {}
