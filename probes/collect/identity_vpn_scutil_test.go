package collect

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
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
		file    string
		wantErr bool
		vpn     map[string]string
	}{
		{file: "en0-only.txt", vpn: map[string]string{}},
		{file: "vpn-utun.txt", vpn: map[string]string{"utun4": "185.159.157.10"}},
		{file: "ipv6-only.txt", vpn: map[string]string{"utun2": "2001:db8:ffff::1"}},
		{file: "no-network.txt", vpn: map[string]string{}},
		{file: "many.txt", vpn: map[string]string{"utun9": "127.0.0.1"}},
		{file: "empty.txt", wantErr: true},
		{file: "not-a-table.txt", wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			n, err := parseScutilNWI(readTestdataString(t, "identity", "scutil-nwi", c.file))
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if !c.wantErr && !maps.Equal(n.VPNServers, c.vpn) {
				t.Errorf("VPN servers %v, want %v", n.VPNServers, c.vpn)
			}
		})
	}
}

// TestParseScutilNWIOddNames: an entry whose name is not an interface's
// (a raw byte, a vertical tab, longer than IFNAMSIZ) is skipped whole,
// and its VPN server is not credited to the entry before it.
func TestParseScutilNWIOddNames(t *testing.T) {
	out := "Network information\n\nIPv4 network interface information\n" +
		"   utun4 : flags      : 0x5 (IPv4,DNS)\n           address    : 10.2.0.2\n           VPN server : 185.159.157.10\n" +
		"   wg\xe90 : flags      : 0x5 (IPv4,DNS)\n           VPN server : 203.0.113.9\n" +
		"   0\v0 : flags      : 0x5 (IPv4,DNS)\n           VPN server : 203.0.113.10\n" +
		"   " + strings.Repeat("u", 16) + " : flags : 0x5 (IPv4,DNS)\n           VPN server : 203.0.113.11\n" +
		"   utun5 : flags      : 0x5 (IPv4,DNS)\n           VPN server : 198.51.100.5\n"
	n, err := parseScutilNWI(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"utun4": "185.159.157.10", "utun5": "198.51.100.5"}; !maps.Equal(n.VPNServers, want) {
		t.Errorf("VPN servers %v, want %v", n.VPNServers, want)
	}
}
