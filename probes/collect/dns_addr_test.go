package collect

import (
	"net/netip"
	"testing"
)

func TestClassifyAddr(t *testing.T) {
	cases := map[string]string{
		"104.18.32.47":         addrPublic,
		"2606:4700::6812:202f": addrPublic,
		"0.0.0.0":              addrUnspecified,
		"::":                   addrUnspecified,
		"127.0.0.1":            addrLoopback,
		"127.0.0.53":           addrLoopback,
		"::1":                  addrLoopback,
		"10.10.34.35":          addrPrivate, // a well-known ISP block page
		"172.16.0.1":           addrPrivate,
		"192.168.1.1":          addrPrivate,
		"fd00::1":              addrPrivate,
		"100.64.0.1":           addrCGNAT,
		"100.100.100.100":      addrCGNAT,
		"169.254.1.1":          addrLinkLocal,
		"fe80::1%en0":          addrLinkLocal,
		"192.0.2.1":            addrDocumentation,
		"198.51.100.7":         addrDocumentation,
		"203.0.113.9":          addrDocumentation,
		"2001:db8::1":          addrDocumentation,
		"3fff::1":              addrDocumentation,
		"64:ff9b::6812:202f":   addrNAT64,
		"64:ff9b:1::1":         addrNAT64,
		"224.0.0.1":            addrMulticast,
		"ff02::1":              addrMulticast,
		"0.1.2.3":              addrReserved,
		"240.0.0.1":            addrReserved,
		"255.255.255.255":      addrReserved,
		"198.18.0.1":           addrReserved,
		"192.0.0.8":            addrReserved,
		"fec0::1":              addrReserved,
		"::ffff:10.0.0.1":      addrPrivate,
		"::ffff:104.18.32.47":  addrPublic,
		"100::1":               addrReserved,
		"2001:4860:4860::8888": addrPublic,
	}
	for s, want := range cases {
		if got := classifyAddr(netip.MustParseAddr(s)); got != want {
			t.Errorf("ClassifyAddr(%s) = %s, want %s", s, got, want)
		}
	}
	if got := classifyAddr(netip.Addr{}); got != addrInvalid {
		t.Errorf("zero Addr: %s", got)
	}
}

func TestDescribeAddrNAT64(t *testing.T) {
	// A DNS64 resolver synthesises 64:ff9b::<IPv4>: still Cloudflare.
	a := describeAddr(netip.MustParseAddr("64:ff9b::6812:202f"))
	if !a.Cloudflare || a.Class != addrNAT64 {
		t.Fatalf("describeAddr(NAT64 of 104.18.32.47) = %+v", a)
	}
	b := describeAddr(netip.MustParseAddr("::ffff:104.18.32.47"))
	if b.IP != "104.18.32.47" || !b.Cloudflare {
		t.Fatalf("mapped address not unmapped: %+v", b)
	}
}
