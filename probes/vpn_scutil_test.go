package probes

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func readTestdataString(t *testing.T, parts ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseScutilNWI(t *testing.T) {
	cases := []struct {
		file       string
		wantErr    bool
		primary4   string
		primary6   string
		vpn        map[string]string
		interfaces []string
		n4, n6     int
	}{
		{file: "en0-only.txt", primary4: "en0", interfaces: []string{"en0"}, n4: 1},
		{file: "vpn-utun.txt", primary4: "utun4", primary6: "en0", n4: 2, n6: 1,
			vpn: map[string]string{"utun4": "185.159.157.10", "en0": ""}, interfaces: []string{"utun4", "en0"}},
		{file: "ipv6-only.txt", primary6: "en0", n6: 2, vpn: map[string]string{"utun2": "2001:db8:ffff::1"}, interfaces: []string{"en0", "utun2"}},
		{file: "no-network.txt"},
		{file: "many.txt", primary4: "en7", n4: 4, vpn: map[string]string{"utun9": "127.0.0.1", "bridge100": ""}, interfaces: []string{"en7", "en0", "utun9"}},
		{file: "empty.txt", wantErr: true},
		{file: "not-a-table.txt", wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			n, err := ParseScutilNWI(readTestdataString(t, "identity", "scutil-nwi", c.file))
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if c.wantErr {
				return
			}
			if got := n.Primary(FamilyIPv4); got != c.primary4 {
				t.Errorf("primary IPv4 = %q, want %q", got, c.primary4)
			}
			if got := n.Primary(FamilyIPv6); got != c.primary6 {
				t.Errorf("primary IPv6 = %q, want %q", got, c.primary6)
			}
			if len(n.IPv4) != c.n4 || len(n.IPv6) != c.n6 {
				t.Errorf("entries = %d/%d, want %d/%d", len(n.IPv4), len(n.IPv6), c.n4, c.n6)
			}
			for ifn, want := range c.vpn {
				if got := n.VPNServer(ifn); got != want {
					t.Errorf("VPNServer(%s) = %q, want %q", ifn, got, want)
				}
			}
			if !slices.Equal(n.Interfaces, c.interfaces) {
				t.Errorf("interfaces = %v, want %v", n.Interfaces, c.interfaces)
			}
		})
	}
	n, _ := ParseScutilNWI(readTestdataString(t, "identity", "scutil-nwi", "vpn-utun.txt"))
	if n.IPv4[0].Address != "10.2.0.2" || n.IPv4[0].Reach != "0x00000003 (Reachable,Transient Connection)" || n.IPv4Reach == "" {
		t.Errorf("fields not read: %+v reach %q", n.IPv4[0], n.IPv4Reach)
	}
}
