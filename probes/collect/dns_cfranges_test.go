package collect

import (
	"net/netip"
	"os"
	"strings"
	"testing"
)

func TestCloudflareRangesEmbedded(t *testing.T) {
	p := cloudflarePrefixes()
	var v4, v6 int
	for _, x := range p {
		if x.Addr().Is4() {
			v4++
		} else {
			v6++
		}
	}
	if v4 != 15 || v6 != 7 {
		t.Fatalf("embedded ranges: %d IPv4, %d IPv6; want 15 and 7", v4, v6)
	}
	entries, err := os.ReadDir("data")
	if err != nil {
		t.Fatal(err)
	}
	var dated int
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "cloudflare-ips-") {
			if !strings.Contains(e.Name(), cloudflareRangesDate) {
				t.Errorf("%s does not carry CloudflareRangesDate %s", e.Name(), cloudflareRangesDate)
			}
			dated++
		}
	}
	if dated != 2 {
		t.Errorf("found %d range files, want 2", dated)
	}
}

func TestIsCloudflareIP(t *testing.T) {
	cases := map[string]bool{
		"104.18.32.47":         true,  // chatgpt.com
		"172.64.155.209":       true,  // chatgpt.com
		"104.16.0.0":           true,  // first of 104.16.0.0/13
		"104.23.255.255":       true,  // last of it
		"104.27.255.255":       true,  // last of 104.24.0.0/14
		"104.28.0.1":           false, // WARP egress, not in the list
		"162.159.0.1":          true,
		"198.41.255.255":       true,
		"1.1.1.1":              false, // the resolver is not in the edge list
		"8.8.8.8":              false,
		"10.0.0.1":             false,
		"2606:4700::6812:202f": true,
		"2a06:98c7:ffff::1":    true, // inside 2a06:98c0::/29
		"2a06:98c8::1":         false,
		"2001:db8::1":          false,
		"::ffff:104.18.32.47":  true, // IPv4-mapped
		"fe80::1%eth0":         false,
	}
	for s, want := range cases {
		if got := isCloudflareIP(netip.MustParseAddr(s)); got != want {
			t.Errorf("IsCloudflareIP(%s) = %v, want %v", s, got, want)
		}
	}
	if isCloudflareIP(netip.Addr{}) {
		t.Error("zero Addr judged Cloudflare")
	}
}

func TestParsePrefixListSkipsJunk(t *testing.T) {
	got := parsePrefixList("# comment\n\n 103.21.244.0/22 \nnot-a-prefix\n10.1.2.3/8\n")
	if len(got) != 2 || got[0].String() != "103.21.244.0/22" || got[1].String() != "10.0.0.0/8" {
		t.Fatalf("parsePrefixList = %v", got)
	}
}

func BenchmarkIsCloudflareIP(b *testing.B) {
	ip := netip.MustParseAddr("8.8.8.8")
	for b.Loop() {
		isCloudflareIP(ip)
	}
}
