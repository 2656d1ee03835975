package collect

import (
	"slices"
	"testing"
)

func TestParseResolvectlStatus(t *testing.T) {
	links := parseResolvectlStatus(readTestdata(t, "resolvectl", "status-v252-wg.txt"))
	if len(links) != 4 {
		t.Fatalf("%d sections: %+v", len(links), links)
	}
	g := links[0]
	if g.Name != "Global" || g.ResolvConfMode != "stub" || g.CurrentServer != "1.1.1.1#cloudflare-dns.com" ||
		!slices.Equal(g.Servers, []string{"1.1.1.1#cloudflare-dns.com", "9.9.9.9#dns.quad9.net"}) {
		t.Errorf("global: %+v", g)
	}
	eth := links[1]
	if eth.Index != 2 || eth.Name != "enp0s31f6" || !eth.DefaultRoute || eth.CurrentServer != "192.168.1.1" ||
		!slices.Equal(eth.Servers, []string{"192.168.1.1", "fe80::1%2", "2001:db8:1::1"}) || !slices.Equal(eth.Domains, []string{"lan"}) {
		t.Errorf("enp0s31f6 (IPv6 continuation line): %+v", eth)
	}
	if wl := links[2]; wl.DefaultRoute || len(wl.Servers) != 0 {
		t.Errorf("wlp3s0: %+v", wl)
	}
	if wg := links[3]; wg.Name != "wg0" || !wg.DefaultRoute || !slices.Equal(wg.Domains, []string{"~."}) || !slices.Equal(wg.Servers, []string{"10.64.0.1"}) {
		t.Errorf("wg0: %+v", wg)
	}

	old := parseResolvectlStatus(readTestdata(t, "resolvectl", "status-v245.txt"))
	if len(old) != 3 {
		t.Fatalf("v245: %d sections", len(old))
	}
	if len(old[0].Servers) != 0 || len(old[0].Domains) != 0 {
		t.Errorf("v245 global picked up NTA continuation lines: %+v", old[0])
	}
	if d := old[1]; d.Name != "docker0" || d.DefaultRoute {
		t.Errorf("docker0: %+v", d)
	}
	if e := old[2]; e.Name != "ens3" || !e.DefaultRoute || !slices.Equal(e.Servers, []string{"10.0.0.2", "10.0.0.3"}) || !slices.Equal(e.Domains, []string{"ec2.internal"}) {
		t.Errorf("ens3: %+v", e)
	}
	if got := parseResolvectlStatus(readTestdata(t, "resolvectl", "empty.txt")); len(got) != 0 {
		t.Errorf("empty: %+v", got)
	}
}

func TestResolvectlKey(t *testing.T) {
	cases := []struct {
		line     string
		key, val string
		ok       bool
	}{
		{"DNS Servers: 1.1.1.1", "DNS Servers", "1.1.1.1", true},
		{"resolv.conf mode: stub", "resolv.conf mode", "stub", true},
		{"DNS Domain:", "DNS Domain", "", true},
		{"fe80::1%2", "", "", false},
		{"2001:db8::53", "", "", false},
		{"abcd::", "", "", false},
		{"16.172.in-addr.arpa", "", "", false},
	}
	for _, c := range cases {
		k, v, ok := resolvectlKey(c.line)
		if k != c.key || v != c.val || ok != c.ok {
			t.Errorf("resolvectlKey(%q) = %q, %q, %v", c.line, k, v, ok)
		}
	}
}
