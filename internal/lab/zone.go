package lab

import (
	"net/netip"
	"strings"
)

// Host names the lab serves.
const (
	hostChatGPT    = "chatgpt.com"
	hostChat       = "chat.openai.com"
	hostAPI        = "api.openai.com"
	hostStatus     = "status.openai.com"
	hostDoH        = "cloudflare-dns.com"
	hostOneOneOne  = "one.one.one.one"
	hostCloudflare = "cloudflare.com"
	hostCaptive    = "cp.cloudflare.com"
	hostPortal     = "login.hotspot.example"
	hostWhoamiAka  = "whoami.ds.akahelp.net"
	hostWhoamiCF   = "whoami.cloudflare"
)

// record is one name the lab's DNS knows, with the addresses an honest
// resolver returns. All are inside Cloudflare's published ranges, except
// the captive portal's login host.
type record struct {
	name   string
	a      netip.Addr
	aaaa   netip.Addr // zero when the name has no AAAA
	openai bool       // an OpenAI host: what blocks, hijacks and outages hit
}

// honestZone is the public DNS as 1.1.1.1 would answer it.
var honestZone = []record{
	{name: hostChatGPT, a: mustAddr("104.18.32.47"), aaaa: mustAddr("2606:4700::6812:202f"), openai: true},
	{name: hostChat, a: mustAddr("104.18.37.228"), aaaa: mustAddr("2606:4700::6812:25e4"), openai: true},
	{name: hostAPI, a: mustAddr("162.159.140.245"), aaaa: mustAddr("2606:4700::a29f:8cf5"), openai: true},
	{name: hostStatus, a: mustAddr("104.18.41.158"), aaaa: mustAddr("2606:4700::6812:299e"), openai: true},
	{name: hostDoH, a: mustAddr("104.16.248.249"), aaaa: mustAddr("2606:4700::6810:f8f9")},
	{name: hostOneOneOne, a: mustAddr("1.1.1.1"), aaaa: mustAddr("2606:4700:4700::1111")},
	{name: hostCloudflare, a: mustAddr("104.16.132.229"), aaaa: mustAddr("2606:4700::6810:84e5")},
	{name: hostCaptive, a: mustAddr("104.16.133.229"), aaaa: mustAddr("2606:4700::6810:85e5")},
}

// Addresses outside the zone that URLs or configuration name directly.
var (
	// cloudflareResolvers are 1.1.1.1's addresses. Port 53 is the
	// resolver (the default resolvers and egress probes name some
	// of them); 443 and 80 are Cloudflare's edge, serving DoH and the
	// resolver's site (https://1.1.1.1/cdn-cgi/trace), with a certificate
	// that names these IPs.
	cloudflareResolvers = []netip.Addr{mustAddr("1.1.1.1"), mustAddr("1.0.0.1"),
		mustAddr("2606:4700:4700::1111"), mustAddr("2606:4700:4700::1001")}
	// googleResolvers are 8.8.8.8's addresses, port 53.
	googleResolvers = []netip.Addr{mustAddr("8.8.8.8"), mustAddr("8.8.4.4"),
		mustAddr("2001:4860:4860::8888")}
	// ispBlockAddr serves the ISP block page the hijacking resolver points
	// at; portalAddr is the hotspot's login server.
	ispBlockAddr = mustAddr("198.51.100.7")
	portalAddr   = mustAddr("10.64.0.1")
	// staleChatGPT4 and staleChatGPT6 are what the stale-dns machine's
	// cache still holds for chatgpt.com: the answer of the office VPN's
	// resolver (its filtering proxy inside the office network), cached
	// before the VPN was disconnected. Off the VPN they refuse
	// connections.
	staleChatGPT4 = mustAddr("10.20.0.15")
	staleChatGPT6 = mustAddr("fd00:20::15")
	unspecified4  = mustAddr("0.0.0.0")
	unspecified6  = mustAddr("::")
)

// Resolver egress addresses: what whoami.ds.akahelp.net reports as "ns".
const (
	ispResolverEgress        = "192.0.2.53"
	hijackingResolverEgress  = "198.51.100.53"
	cloudflareResolverEgress = "172.69.8.53"
	googleResolverEgress     = "74.125.80.53"
)

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// lookupRecord finds a name (case-insensitive, trailing dot optional).
func lookupRecord(zone []record, name string) (record, bool) {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	for _, r := range zone {
		if r.name == name {
			return r, true
		}
	}
	return record{}, false
}
