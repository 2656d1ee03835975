package collect

import (
	"errors"
	"net/netip"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// Address classes classifyAddr returns. A resolver that answers a public
// name with anything but public (or a NAT64-synthesised public address) is
// not telling the truth about the internet: a sinkhole, a filter, a captive
// portal or a hosts-file entry answers instead.
const (
	addrPublic        = "public"
	addrPrivate       = "private"       // RFC 1918, IPv6 ULA fc00::/7
	addrLoopback      = "loopback"      // 127.0.0.0/8, ::1
	addrUnspecified   = "unspecified"   // 0.0.0.0, ::
	addrLinkLocal     = "link_local"    // 169.254.0.0/16, fe80::/10
	addrDocumentation = "documentation" // TEST-NET-1/2/3, 2001:db8::/32, 3fff::/20
	addrCGNAT         = "cgnat"         // 100.64.0.0/10 (RFC 6598), Tailscale's range
	addrNAT64         = "nat64"         // 64:ff9b::/96 and 64:ff9b:1::/48 (DNS64)
	addrMulticast     = "multicast"
	addrReserved      = "reserved" // 0/8, 240/4, broadcast, benchmarking, IETF protocol space
	addrInvalid       = "invalid"
)

var (
	prefixCGNAT        = netip.MustParsePrefix("100.64.0.0/10")
	prefixThisNet      = netip.MustParsePrefix("0.0.0.0/8")
	prefixIETF         = netip.MustParsePrefix("192.0.0.0/24")
	prefixBenchmark    = netip.MustParsePrefix("198.18.0.0/15")
	prefixClassE       = netip.MustParsePrefix("240.0.0.0/4")
	prefixNAT64        = netip.MustParsePrefix("64:ff9b::/96")
	prefixNAT64Local   = netip.MustParsePrefix("64:ff9b:1::/48")
	prefixDiscard6     = netip.MustParsePrefix("100::/64")
	prefixSiteLocal6   = netip.MustParsePrefix("fec0::/10")
	documentationRange = []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("2001:db8::/32"),
		netip.MustParsePrefix("3fff::/20"),
	}
)

// classifyAddr names the kind of address ip is: public, private, loopback,
// unspecified, link_local, documentation, cgnat, nat64, multicast, reserved
// or invalid. Hijack detection and reports use it to say why an answer is
// wrong ("10.10.34.35 is a private address") rather than only that it is.
func classifyAddr(ip netip.Addr) string {
	if !ip.IsValid() {
		return addrInvalid
	}
	ip = ip.Unmap().WithZone("")
	switch {
	case ip.IsUnspecified():
		return addrUnspecified
	case ip.IsLoopback():
		return addrLoopback
	case ip.IsMulticast():
		return addrMulticast
	case ip.IsLinkLocalUnicast():
		return addrLinkLocal
	case ip.IsPrivate():
		return addrPrivate
	case prefixCGNAT.Contains(ip):
		return addrCGNAT
	case prefixNAT64.Contains(ip) || prefixNAT64Local.Contains(ip):
		return addrNAT64
	}
	for _, p := range documentationRange {
		if p.Contains(ip) {
			return addrDocumentation
		}
	}
	if ip.Is4() {
		if prefixThisNet.Contains(ip) || prefixIETF.Contains(ip) || prefixBenchmark.Contains(ip) || prefixClassE.Contains(ip) {
			return addrReserved
		}
		return addrPublic
	}
	if prefixDiscard6.Contains(ip) || prefixSiteLocal6.Contains(ip) {
		return addrReserved
	}
	return addrPublic
}

// addrIsReal reports whether a class is one a public name may legitimately
// resolve to on the internet.
func addrIsReal(class string) bool {
	return class == addrPublic || class == addrNAT64
}

// nat64Embedded returns the IPv4 address a DNS64 resolver embedded in a
// 64:ff9b::/96 address, so a synthesised AAAA for a Cloudflare host is still
// recognised as Cloudflare.
func nat64Embedded(ip netip.Addr) (netip.Addr, bool) {
	ip = ip.WithZone("")
	if !prefixNAT64.Contains(ip) {
		return netip.Addr{}, false
	}
	b := ip.As16()
	return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
}

// describeAddr builds the AddressInfo for one resolved address.
func describeAddr(ip netip.Addr) probes.AddressInfo {
	class := classifyAddr(ip)
	cf := isCloudflareIP(ip)
	if v4, ok := nat64Embedded(ip); ok {
		cf = isCloudflareIP(v4)
	}
	return probes.AddressInfo{IP: ip.Unmap().String(), Cloudflare: cf, Class: class}
}

// parseConfigAddr parses a DNS server address read from a file or a
// tool's output. netip accepts any bytes as an IPv6 zone, so
// "fe80::1%\b" parses, and would be reported (sanitised) as "fe80::1%",
// which is not an address: a zone must be plain text.
func parseConfigAddr(s string) (netip.Addr, error) {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return ip, err
	}
	if z := ip.Zone(); z != "" && sanitize.Line(z) != z {
		return netip.Addr{}, errors.New("zone is not plain text")
	}
	return ip, nil
}
