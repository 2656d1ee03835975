package probes

// DNSConfigDetails is how this machine resolves names: which stack, which
// servers, what else is running that caches.
type DNSConfigDetails struct {
	// Source is where the configuration was read (/etc/resolv.conf,
	// scutil --dns, GetAdaptersAddresses).
	Source string `json:"source"`
	// Stack names the resolver stack: systemd-resolved (stub | uplink |
	// foreign), NetworkManager-dnsmasq, dnsmasq, unbound, wsl, plain,
	// macos, windows.
	Stack string `json:"stack"`
	// Servers are the nameservers the system asks first (127.0.0.53 for a
	// resolved stub); Upstreams the real servers behind a local stub.
	Servers   []string `json:"servers,omitempty"`
	Upstreams []string `json:"upstreams,omitempty"`
	Search    []string `json:"search,omitempty"`
	// Caches lists local caching resolvers found running (nscd, dnsmasq,
	// unbound, systemd-resolved); the DNS flush remedy uses it.
	Caches []string `json:"caches,omitempty"`
	Notes  []string `json:"notes,omitempty"`
}

func (*DNSConfigDetails) details() {}

// DNSLookupDetails compares the answers for one target host from the system
// resolver and from independent resolvers.
type DNSLookupDetails struct {
	Host    string           `json:"host"`
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
}

// ResolverAnswer is one resolver's answer for one host.
type ResolverAnswer struct {
	// Resolver is "system" or the server address / DoH URL.
	Resolver string `json:"resolver"`
	// Transport is system, udp or doh.
	Transport string `json:"transport"`
	// RCode is NOERROR, NXDOMAIN, SERVFAIL, REFUSED, TIMEOUT or ERROR.
	RCode string        `json:"rcode"`
	Addrs []AddressInfo `json:"addrs,omitempty"`
	Time  Millis        `json:"time_ms"`
	Error string        `json:"error,omitempty"`
}

// AddressInfo is one resolved address with what is known about it.
type AddressInfo struct {
	IP         string `json:"ip"`
	Cloudflare bool   `json:"cloudflare"`
	// Class is public, private, loopback, unspecified, link_local or
	// documentation.
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
	// PublicIP is this machine's IP as an independent resolver saw the
	// query (whoami.cloudflare CH TXT), with the server asked.
	PublicIP    string `json:"public_ip,omitempty"`
	PublicIPVia string `json:"public_ip_via,omitempty"`
}

func (*DNSWhoamiDetails) details() {}
