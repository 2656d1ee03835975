package collect

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gptdoctor/gptdoctor/probes"
)

func TestClassifyTunnelWindowsManyAdapters(t *testing.T) {
	var ifcs []probes.Interface
	if err := json.Unmarshal([]byte(readTestdataString(t, "vpn", "windows-many-adapters.json")), &ifcs); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{}
	sc := bufio.NewScanner(strings.NewReader(readTestdataString(t, "vpn", "windows-many-adapters.expected")))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if f[1] == "not" {
			want[f[0]] = [2]string{}
		} else {
			want[f[0]] = [2]string{f[1], strings.TrimPrefix(f[2], "-")}
		}
	}
	if len(want) != len(ifcs) {
		t.Fatalf("expected file has %d rows for %d adapters", len(want), len(ifcs))
	}
	for _, ifc := range ifcs {
		got := classifyTunnel(ifc, tunnelContext{goos: "windows"})
		w := want[ifc.Name]
		switch {
		case w == [2]string{} && got != nil:
			t.Errorf("%s (%s): classified as %+v, want not a tunnel", ifc.Name, ifc.Description, got)
		case w != [2]string{} && got == nil:
			t.Errorf("%s (%s): not classified, want %v", ifc.Name, ifc.Description, w)
		case got != nil && (got.Type != w[0] || got.Product != w[1]):
			t.Errorf("%s: got %s/%s, want %s/%s", ifc.Name, got.Type, got.Product, w[0], w[1])
		}
		if got != nil && len(got.Evidence) == 0 {
			t.Errorf("%s: no evidence", ifc.Name)
		}
	}
}

func TestClassifyTunnelLinuxSysfs(t *testing.T) {
	fsys := fstest.MapFS{
		"sys/class/net/wg0/uevent":           {Data: []byte("DEVTYPE=wireguard\nINTERFACE=wg0\nIFINDEX=5\n")},
		"sys/class/net/wg0/type":             {Data: []byte("65534\n")},
		"sys/class/net/nordlynx/uevent":      {Data: []byte("DEVTYPE=wireguard\nINTERFACE=nordlynx\n")},
		"sys/class/net/tun0/uevent":          {Data: []byte("INTERFACE=tun0\nIFINDEX=7\n")},
		"sys/class/net/tun0/type":            {Data: []byte("65534\n")},
		"sys/class/net/tun0/tun_flags":       {Data: []byte("0x1001\n")},
		"sys/class/net/tap9/uevent":          {Data: []byte("INTERFACE=tap9\n")},
		"sys/class/net/tap9/tun_flags":       {Data: []byte("0x1002\n")},
		"sys/class/net/tailscale0/uevent":    {Data: []byte("INTERFACE=tailscale0\n")},
		"sys/class/net/tailscale0/tun_flags": {Data: []byte("0x1001\n")},
		"sys/class/net/ppp0/type":            {Data: []byte("512\n")},
		"sys/class/net/eth0/uevent":          {Data: []byte("INTERFACE=eth0\nIFINDEX=2\n")},
		"sys/class/net/eth0/type":            {Data: []byte("1\n")},
		"sys/class/net/tunl0/type":           {Data: []byte("768\n")},
		"sys/class/net/vti0/type":            {Data: []byte("768\n")},
		"sys/class/net/wgfake/uevent":        {Data: []byte("INTERFACE=wgfake\n")},
		"sys/class/net/wgfake/type":          {Data: []byte("1\n")},
	}
	cases := []struct {
		name, typ, product, evidence string
	}{
		{"wg0", tunnelWireGuard, "WireGuard", "DEVTYPE=wireguard"},
		{"nordlynx", tunnelWireGuard, "NordVPN", "DEVTYPE=wireguard"},
		{"tun0", tunnelTUN, "", "tun_flags=0x1001 (TUN)"},
		{"tap9", tunnelTAP, "", "(TAP)"},
		{"tailscale0", tunnelTUN, "Tailscale", "tun_flags"},
		{"ppp0", tunnelPPP, "", "type 512"},
		{"vti0", tunnelIPsec, "", "type 768"},
		{"eth0", "", "", ""},
		{"tunl0", "", "", ""},
		// sysfs says an Ethernet device: the name alone does not make it WireGuard.
		{"wgfake", "", "", ""},
		// no sysfs entry (another namespace): the name table decides.
		{"wg-mullvad", tunnelWireGuard, "Mullvad", "matches wg-mullvad*"},
		{"docker0", "", "", ""},
	}
	for _, c := range cases {
		got := classifyTunnel(probes.Interface{Name: c.name}, tunnelContext{goos: "linux", fsys: fsys})
		if c.typ == "" {
			if got != nil {
				t.Errorf("%s: classified as %+v, want not a tunnel", c.name, got)
			}
			continue
		}
		if got == nil {
			t.Errorf("%s: not classified, want %s", c.name, c.typ)
			continue
		}
		if got.Type != c.typ || got.Product != c.product || !strings.Contains(strings.Join(got.Evidence, "|"), c.evidence) {
			t.Errorf("%s: got %+v, want %s/%s with evidence %q", c.name, got, c.typ, c.product, c.evidence)
		}
	}
	// Without any file system, Linux falls back to names.
	if got := classifyTunnel(probes.Interface{Name: "tailscale0"}, tunnelContext{goos: "linux"}); got == nil || got.Product != "Tailscale" {
		t.Errorf("tailscale0 without sysfs: %+v", got)
	}
	// Path tricks never reach outside sys/class/net.
	if got := classifyTunnel(probes.Interface{Name: "../../etc"}, tunnelContext{goos: "linux", fsys: fsys}); got != nil {
		t.Errorf("path name classified: %+v", got)
	}
}

func TestClassifyTunnelDarwinUTUN(t *testing.T) {
	nwi, err := parseScutilNWI(readTestdataString(t, "identity", "scutil-nwi", "vpn-utun.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got := classifyTunnel(probes.Interface{Name: "utun4"}, tunnelContext{goos: "darwin", nwi: &nwi}); got == nil || got.Type != tunnelUTUN ||
		!strings.Contains(got.Evidence[0], "VPN server 185.159.157.10") {
		t.Errorf("utun4 with VPN server: %+v", got)
	}
	// macOS makes utun0..utun3 for itself: not a VPN unless it carries the default route.
	if got := classifyTunnel(probes.Interface{Name: "utun0"}, tunnelContext{goos: "darwin", nwi: &nwi}); got != nil {
		t.Errorf("system utun0 classified: %+v", got)
	}
	if got := classifyTunnel(probes.Interface{Name: "utun0"}, tunnelContext{goos: "darwin"}); got != nil {
		t.Errorf("utun0 without scutil classified: %+v", got)
	}
	if got := classifyTunnel(probes.Interface{Name: "utun7"}, tunnelContext{goos: "darwin", defaultRoute: true}); got == nil ||
		!strings.Contains(got.Evidence[0], "default route") {
		t.Errorf("utun7 on the default route: %+v", got)
	}
	if got := classifyTunnel(probes.Interface{Name: "ppp0"}, tunnelContext{goos: "darwin"}); got == nil || got.Type != tunnelPPP {
		t.Errorf("ppp0: %+v", got)
	}
	if got := classifyTunnel(probes.Interface{Name: "en0"}, tunnelContext{goos: "darwin", defaultRoute: true}); got != nil {
		t.Errorf("en0: %+v", got)
	}
}
