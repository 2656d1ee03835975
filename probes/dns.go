package probes

// Resolver stacks DNSConfigDetails.Stack names. The DNS flush remedy and the
// rules switch on them, so they are constants, not prose.
const (
	// DNSStackResolvedStub: /etc/resolv.conf sends everything to
	// systemd-resolved's stub at 127.0.0.53 (or .54).
	DNSStackResolvedStub = "systemd-resolved-stub"
	// DNSStackResolvedUplink: /etc/resolv.conf is resolved's list of real
	// upstream servers; programs reading it bypass resolved.
	DNSStackResolvedUplink = "systemd-resolved-uplink"
	// DNSStackResolvedForeign: resolved runs but someone else wrote
	// /etc/resolv.conf; glibc may still reach resolved through nss-resolve.
	DNSStackResolvedForeign = "systemd-resolved-foreign"
	// DNSStackNMDnsmasq: NetworkManager's dnsmasq plugin at 127.0.1.1.
	DNSStackNMDnsmasq = "NetworkManager-dnsmasq"
	// DNSStackDnsmasq, DNSStackUnbound, DNSStackDNSCrypt: a local caching
	// resolver on 127.0.0.1 / ::1, named after the process found running.
	DNSStackDnsmasq  = "dnsmasq"
	DNSStackUnbound  = "unbound"
	DNSStackDNSCrypt = "dnscrypt-proxy"
	// DNSStackLocalCache: a resolver on 127.0.0.1 / ::1 whose process was
	// not identified (Pi-hole in a container, a VPN client's DNS proxy …).
	DNSStackLocalCache = "local-cache"
	// DNSStackWSL: WSL2, where the Windows host answers DNS.
	DNSStackWSL = "wsl"
	// DNSStackPlain: /etc/resolv.conf lists remote servers that glibc and
	// Go ask directly.
	DNSStackPlain = "plain"
	// DNSStackMissing: no usable /etc/resolv.conf; glibc and Go fall back
	// to 127.0.0.1:53.
	DNSStackMissing = "missing"
	// DNSStackMacOS and DNSStackWindows: the OS resolver (mDNSResponder,
	// the DNS Client service) configured per interface.
	DNSStackMacOS   = "macos"
	DNSStackWindows = "windows"
)

// DNSConfigDetails is how this machine resolves names: which stack, which
// servers, what else is running that caches.
type DNSConfigDetails struct {
	// Source is where the configuration was read (/etc/resolv.conf,
	// scutil --dns, GetAdaptersAddresses).
	Source string `json:"source"`
	// Stack names the resolver stack: one of the DNSStack constants
	// (systemd-resolved stub | uplink | foreign, NetworkManager-dnsmasq,
	// dnsmasq, unbound, wsl, plain, macos, windows …).
	Stack string `json:"stack"`
	// Servers are the nameservers the system asks first (127.0.0.53 for a
	// resolved stub); Upstreams the real servers behind a local stub.
	Servers   []string `json:"servers,omitempty"`
	Upstreams []string `json:"upstreams,omitempty"`
	// Search lists the DNS search domains: suffixes tried for short names.
	Search []string `json:"search,omitempty"`
	// Caches lists local caching resolvers found running (nscd, dnsmasq,
	// unbound, systemd-resolved, dnscrypt-proxy, mDNSResponder); the DNS
	// flush remedy uses it.
	Caches []string `json:"caches,omitempty"`
	// Notes say in words what the configuration implies or what could not
	// be read ("the default resolver sits on utun4, a tunnel: every query
	// goes through the VPN").
	Notes []string `json:"notes,omitempty"`

	// ResolvConfLink is where /etc/resolv.conf points when it is a
	// symlink (absolute, cleaned); empty for a regular file.
	ResolvConfLink string `json:"resolv_conf_link,omitempty"`
	// Manager is who wrote the configuration, from the file's header or
	// link (systemd-resolved, NetworkManager, resolvconf, wsl, tailscale …).
	Manager string `json:"manager,omitempty"`
	// Options are resolv.conf options (ndots:2, rotate, edns0 …).
	Options []string `json:"options,omitempty"`
	// NSSwitchHosts is the hosts: line of /etc/nsswitch.conf: "resolve"
	// there means glibc asks systemd-resolved whatever resolv.conf says.
	NSSwitchHosts string `json:"nsswitch_hosts,omitempty"`
	// Running lists DNS-related daemons seen running that are not caches
	// themselves (NetworkManager).
	Running []string `json:"running,omitempty"`
	// Scopes are per-interface or per-domain resolvers: macOS scoped and
	// split (VPN) resolvers, systemd-resolved links, Windows adapters.
	Scopes []DNSScope `json:"scopes,omitempty"`
}

// DNSScope is one resolver that answers only for an interface or for some
// domains. A VPN that routes "~." or every query to its own server shows up
// here.
type DNSScope struct {
	// Interface is the link or adapter name ("en0", "wg0", "Wi-Fi").
	Interface string `json:"interface,omitempty"`
	// Servers are the DNS servers of this scope.
	Servers []string `json:"servers,omitempty"`
	// Domains the scope answers for; "~." (resolved) means every name.
	Domains []string `json:"domains,omitempty"`
	// Default is true when this scope may answer names outside Domains
	// (resolved's DefaultRoute, macOS's unscoped resolver).
	Default bool `json:"default,omitempty"`
	// Current is the server the OS is using now, where it says.
	Current string `json:"current,omitempty"`
}

func (*DNSConfigDetails) details() {}

// DNSLookupDetails compares the answers for one target host from the system
// resolver and from independent resolvers.
type DNSLookupDetails struct {
	// Host is the name looked up.
	Host string `json:"host"`
	// Answers holds one answer per resolver: the system resolver first, then
	// the independent ones.
	Answers []ResolverAnswer `json:"answers"`
	// Consistent is true when every resolver that answered agrees on
	// whether the host is Cloudflare-fronted and none was hijacked.
	Consistent bool `json:"consistent"`
	// Hijacked is true when the system resolver's answer is 0.0.0.0,
	// loopback, private, or outside Cloudflare's ranges while independent
	// resolvers return Cloudflare addresses. HijackReason says which.
	Hijacked     bool   `json:"hijacked,omitempty"`
	HijackReason string `json:"hijack_reason,omitempty"`
	// RangesDate is the date Cloudflare's published ranges were taken.
	RangesDate string `json:"ranges_date"`

	// ExpectCloudflare is copied from the target: the host is known to
	// sit behind Cloudflare.
	ExpectCloudflare bool `json:"expect_cloudflare"`
	// HostsFileEntry is the hosts-file line that names the host, when one
	// does: the system resolver answers from it before any DNS server.
	HostsFileEntry string `json:"hosts_file_entry,omitempty"`
}

// ResolverAnswer is one resolver's answer for one host.
type ResolverAnswer struct {
	// Resolver is "system" or the server address / DoH URL.
	Resolver string `json:"resolver"`
	// Transport is system, udp or doh (tcp when a truncated UDP answer
	// was retried over TCP).
	Transport string `json:"transport"`
	// RCode is NOERROR, NXDOMAIN, SERVFAIL, REFUSED, TIMEOUT or ERROR:
	// the A and AAAA outcomes combined (see RCodeA and RCodeAAAA).
	RCode string `json:"rcode"`
	// Addrs are the A and AAAA addresses returned.
	Addrs []AddressInfo `json:"addrs,omitempty"`
	// Time is how long the slower of the A and AAAA queries took.
	Time Millis `json:"time_ms"`
	// Error says why a query failed ("dns: resolve chatgpt.com via 1.1.1.1:53:
	// timeout").
	Error string `json:"error,omitempty"`

	// RCodeA and RCodeAAAA are the outcomes per query type.
	RCodeA    string `json:"rcode_a,omitempty"`
	RCodeAAAA string `json:"rcode_aaaa,omitempty"`
}

// AddressInfo is one resolved address with what is known about it.
type AddressInfo struct {
	// IP is the resolved address.
	IP string `json:"ip"`
	// Cloudflare is true when the address lies in Cloudflare's published
	// ranges (for a NAT64 address, the IPv4 address inside it); a Cloudflare
	// host resolving elsewhere points at DNS tampering.
	Cloudflare bool `json:"cloudflare"`
	// Class is public, private, loopback, unspecified, link_local,
	// documentation, cgnat, nat64, multicast or reserved.
	Class string `json:"class"`
}

func (*DNSLookupDetails) details() {}

// DNSWhoamiDetails says which resolver really answers for this machine on
// the internet, and what public IP DNS sees.
type DNSWhoamiDetails struct {
	// ResolverEgress is the IP the system resolver's queries come from
	// (whoami.ds.akahelp.net "ns"); ECS the client subnet it forwarded.
	ResolverEgress string `json:"resolver_egress,omitempty"`
	ECS            string `json:"ecs,omitempty"`
	// PublicIP is this machine's IP as Cloudflare's resolver saw the
	// query (whoami.cloudflare CH TXT), with the server asked.
	PublicIP string `json:"public_ip,omitempty"`
	// PublicIPVia names the query and server behind PublicIP
	// ("whoami.cloudflare CH TXT via 1.1.1.1:53").
	PublicIPVia string `json:"public_ip_via,omitempty"`

	// ResolverEgressCloudflare is true when the resolver's egress lies in
	// Cloudflare's published ranges: Cloudflare's resolver (1.1.1.1, which
	// WARP also sends DNS to) answers for this machine. WARP's own egress
	// addresses (104.28.x) are not in those ranges.
	ResolverEgressCloudflare bool `json:"resolver_egress_cloudflare,omitempty"`
	// ClientIP is the "ip" value akahelp reports, where it does.
	ClientIP string `json:"client_ip,omitempty"`
	// ResolverError and PublicIPError say why either half is missing.
	ResolverError string `json:"resolver_error,omitempty"`
	PublicIPError string `json:"public_ip_error,omitempty"`
}

func (*DNSWhoamiDetails) details() {}
