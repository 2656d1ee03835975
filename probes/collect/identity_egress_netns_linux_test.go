package collect

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/netnstest"
	"github.com/gptdoctor/gptdoctor/probes"

	"github.com/gptdoctor/gptdoctor/internal/command"
)

// netnsChildEnv tells the re-executed test binary that it runs inside the
// namespace and where to write what it measured.
const netnsChildEnv = "GPTDOCTOR_NETNS_CHILD_OUT"

// netnsReport is what the child measured with the real machine pieces.
type netnsReport struct {
	EgressStatus probes.Status        `json:"egress_status"`
	EgressReason string               `json:"egress_reason"`
	Egress       probes.EgressDetails `json:"egress"`
	VPNStatus    probes.Status        `json:"vpn_status"`
	VPNReason    string               `json:"vpn_reason"`
	VPN          probes.VPNDetails    `json:"vpn"`
}

// TestEgressAndVPNInNetworkNamespace builds a network namespace whose only
// route out is a TUN device named like NordVPN's interface, then runs the
// egress and VPN probes inside it with the real SystemHost, the real
// net.Dialer (a UDP connect sends no packet), the real /sys and the real
// runner. The namespace has no link to the outside world: its only device
// besides loopback is the TUN, which nothing reads.
func TestEgressAndVPNInNetworkNamespace(t *testing.T) {
	if os.Getenv(netnsChildEnv) != "" {
		t.Skip("this is the namespace child")
	}
	n := netnstest.New(t, "gdtest")
	if err := n.Run("tuntap", "add", "dev", "nordlynx", "mode", "tun"); err != nil {
		t.Skipf("skipped: cannot create a TUN device: %v", err)
	}
	for _, step := range [][]string{
		{"addr", "add", "10.200.0.2/24", "dev", "nordlynx"},
		{"-6", "addr", "add", "fd00:200::2/64", "dev", "nordlynx", "nodad"},
		{"link", "set", "nordlynx", "up"},
	} {
		if err := n.Run(step...); err != nil {
			t.Fatal(err)
		}
	}
	// Before any default route: neither family has a way out.
	none := runNetnsChild(t, n)
	if none.EgressStatus != probes.StatusFail || none.Egress.IPv4Available || none.Egress.IPv6Available ||
		!strings.Contains(none.Egress.IPv4Reason, "unreachable") {
		t.Errorf("without routes: %s %s %+v", none.EgressStatus, none.EgressReason, none.Egress)
	}
	for _, step := range [][]string{
		{"route", "add", "default", "dev", "nordlynx"},
		{"-6", "route", "add", "default", "dev", "nordlynx"},
	} {
		if err := n.Run(step...); err != nil {
			t.Fatal(err)
		}
	}
	// A kernel WireGuard device beside it, when the module exists, must show
	// up as a second (idle) tunnel with DEVTYPE=wireguard.
	wireguard := n.Run("link", "add", "wg0", "type", "wireguard") == nil
	if wireguard {
		if err := n.Run("link", "set", "wg0", "up"); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Log("WireGuard kernel module not available: the wg0 part is not exercised")
	}

	rep := runNetnsChild(t, n)
	t.Logf("egress: %s: %s", rep.EgressStatus, rep.EgressReason)
	t.Logf("vpn: %s: %s", rep.VPNStatus, rep.VPNReason)

	for fam, p := range map[string]*probes.EgressPath{"IPv4": rep.Egress.IPv4, "IPv6": rep.Egress.IPv6} {
		want := map[string]string{"IPv4": "10.200.0.2", "IPv6": "fd00:200::2"}[fam]
		if p == nil || p.Interface != "nordlynx" || p.Source != want || p.Tunnel == nil {
			t.Fatalf("%s egress = %+v", fam, p)
		}
		if p.Tunnel.Type != tunnelTUN || p.Tunnel.Product != "NordVPN" || !strings.Contains(strings.Join(p.Tunnel.Evidence, "|"), "tun_flags") {
			t.Errorf("%s tunnel = %+v", fam, p.Tunnel)
		}
	}
	if rep.EgressStatus != probes.StatusWarn || !strings.Contains(rep.EgressReason, "nordlynx") {
		t.Errorf("egress status %s: %s", rep.EgressStatus, rep.EgressReason)
	}
	if rep.VPNStatus != probes.StatusWarn || !rep.VPN.Active || !rep.VPN.OnEgress || !strings.Contains(strings.Join(rep.VPN.Products, ","), "NordVPN") {
		t.Errorf("vpn %s %s %+v", rep.VPNStatus, rep.VPNReason, rep.VPN)
	}
	routeSignals := 0
	sawWG := false
	for _, s := range rep.VPN.Signals {
		if s.Source == "route" && strings.Contains(s.Evidence, "nordlynx") {
			routeSignals++
		}
		if s.Source == "interface" && strings.Contains(s.Evidence, "wg0") && strings.Contains(s.Evidence, "DEVTYPE=wireguard") {
			sawWG = true
		}
	}
	if routeSignals != 2 {
		t.Errorf("route signals %d in %+v", routeSignals, rep.VPN.Signals)
	}
	if wireguard && !sawWG {
		t.Errorf("wg0 not reported: %+v", rep.VPN.Signals)
	}
}

// runNetnsChild re-executes this test binary inside the namespace and
// reads back what TestNetnsChild measured.
func runNetnsChild(t *testing.T, n netnstest.NS) netnsReport {
	t.Helper()
	outFile := filepath.Join(t.TempDir(), "report.json")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := n.Command(ctx, os.Args[0], "-test.run=^TestNetnsChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), netnsChildEnv+"="+outFile)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child in namespace: %v\n%s", err, out)
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	var rep netnsReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestNetnsChild runs inside the namespace TestEgressAndVPNInNetworkNamespace
// made, with every real-machine piece of the World.
func TestNetnsChild(t *testing.T) {
	out := os.Getenv(netnsChildEnv)
	if out == "" {
		t.Skip("runs only inside the namespace the egress test creates")
	}
	w := probes.World{GOOS: runtime.GOOS, Dialer: &net.Dialer{}, Host: SystemHost{}, FS: os.DirFS("/"),
		Runner: command.ExecRunner{}, LookupEnv: os.LookupEnv, Clock: probes.SystemClock{}}
	cfg := probes.DefaultConfig()
	// Documentation addresses, routed by the namespace's default routes.
	cfg.EgressProbes = []string{"192.0.2.1:53", "[2001:db8::1]:53"}
	ps := identityProbes(cfg, w)
	eg := identRun(t, probeByID(t, ps, "identity:egress"))
	vpn := identRun(t, probeByID(t, ps, "identity:vpn"))
	rep := netnsReport{EgressStatus: eg.Status, EgressReason: eg.Reason, VPNStatus: vpn.Status, VPNReason: vpn.Reason}
	if d, ok := eg.Details.(*probes.EgressDetails); ok {
		rep.Egress = *d
	}
	if d, ok := vpn.Details.(*probes.VPNDetails); ok {
		rep.VPN = *d
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
