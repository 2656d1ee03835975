package probes

import (
	"net/netip"
	"testing"
)

func TestClassifyAddr(t *testing.T) {
	cases := map[string]string{
		"104.18.32.47":         AddrPublic,
		"2606:4700::6812:202f": AddrPublic,
		"0.0.0.0":              AddrUnspecified,
		"::":                   AddrUnspecified,
		"127.0.0.1":            AddrLoopback,
		"127.0.0.53":           AddrLoopback,
		"::1":                  AddrLoopback,
		"10.10.34.35":          AddrPrivate, // a well-known ISP block page
		"172.16.0.1":           AddrPrivate,
		"192.168.1.1":          AddrPrivate,
		"fd00::1":              AddrPrivate,
		"100.64.0.1":           AddrCGNAT,
		"100.100.100.100":      AddrCGNAT,
		"169.254.1.1":          AddrLinkLocal,
		"fe80::1%en0":          AddrLinkLocal,
		"192.0.2.1":            AddrDocumentation,
		"198.51.100.7":         AddrDocumentation,
		"203.0.113.9":          AddrDocumentation,
		"2001:db8::1":          AddrDocumentation,
		"3fff::1":              AddrDocumentation,
		"64:ff9b::6812:202f":   AddrNAT64,
		"64:ff9b:1::1":         AddrNAT64,
		"224.0.0.1":            AddrMulticast,
		"ff02::1":              AddrMulticast,
		"0.1.2.3":              AddrReserved,
		"240.0.0.1":            AddrReserved,
		"255.255.255.255":      AddrReserved,
		"198.18.0.1":           AddrReserved,
		"192.0.0.8":            AddrReserved,
		"fec0::1":              AddrReserved,
		"::ffff:10.0.0.1":      AddrPrivate,
		"::ffff:104.18.32.47":  AddrPublic,
		"100::1":               AddrReserved,
		"2001:4860:4860::8888": AddrPublic,
	}
	for s, want := range cases {
		if got := ClassifyAddr(netip.MustParseAddr(s)); got != want {
			t.Errorf("ClassifyAddr(%s) = %s, want %s", s, got, want)
		}
	}
	if got := ClassifyAddr(netip.Addr{}); got != AddrInvalid {
		t.Errorf("zero Addr: %s", got)
	}
}

func TestDescribeAddrNAT64(t *testing.T) {
	// A DNS64 resolver synthesises 64:ff9b::<IPv4>: still Cloudflare.
	a := describeAddr(netip.MustParseAddr("64:ff9b::6812:202f"))
	if !a.Cloudflare || a.Class != AddrNAT64 {
		t.Fatalf("describeAddr(NAT64 of 104.18.32.47) = %+v", a)
	}
	b := describeAddr(netip.MustParseAddr("::ffff:104.18.32.47"))
	if b.IP != "104.18.32.47" || !b.Cloudflare {
		t.Fatalf("mapped address not unmapped: %+v", b)
	}
}
