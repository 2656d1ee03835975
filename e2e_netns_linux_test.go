//go:build linux

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// TestVPNEgressThroughTheBinary runs the real binary inside a network
// namespace whose only way out is a TUN device named like NordVPN's, and
// expects the identity panes of `check --json` to name it: egress through
// the tunnel, VPN active on the egress. The namespace has no link to the
// outside, so nothing the binary sends can leave this machine; every
// outside address is also pointed at a dead loopback port.
func TestVPNEgressThroughTheBinary(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skipf("skipped: creating a network namespace needs root (running as uid %d)", os.Geteuid())
	}
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("skipped: ip (iproute2) is not installed")
	}
	ns := fmt.Sprintf("gd-e2e-%d", os.Getpid())
	run := func(args ...string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, ip, args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	if err := run("netns", "add", ns); err != nil {
		t.Skipf("skipped: cannot create a network namespace here: %v", err)
	}
	t.Cleanup(func() { _ = run("netns", "del", ns) })
	for _, args := range [][]string{
		{"-n", ns, "link", "set", "lo", "up"},
		{"-n", ns, "tuntap", "add", "dev", "nordlynx", "mode", "tun"},
		{"-n", ns, "addr", "add", "10.5.0.2/32", "dev", "nordlynx"},
		{"-n", ns, "link", "set", "nordlynx", "up"},
		{"-n", ns, "route", "add", "default", "dev", "nordlynx"},
	} {
		if err := run(args...); err != nil {
			t.Skipf("skipped: %v", err)
		}
	}
	dead := "127.0.0.1:9"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ip, "netns", "exec", ns, binPath, "check", "--json", "--timeout", "3s",
		"--resolver", dead, "--compare-resolver", dead, "--doh-url", "", "--status-url", "", "--captive-url", "",
		"--egress-probe", "192.0.2.1:53", "--target", "https://chatgpt.com/")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	out, err := cmd.Output()
	if err != nil && cmd.ProcessState.ExitCode() > 1 {
		t.Fatalf("binary failed: %v\n%s", err, out)
	}
	assertClean(t, "stdout", out)
	doc := decodeDoc(t, out)
	var egress probes.EgressDetails
	var vpn probes.VPNDetails
	for _, r := range doc.Results {
		switch r.ID {
		case "identity:egress":
			mustUnmarshal(t, r.Details, &egress)
		case "identity:vpn":
			mustUnmarshal(t, r.Details, &vpn)
			if r.Status != string(probes.StatusWarn) {
				t.Errorf("identity:vpn status %s (%s), want warn", r.Status, r.Reason)
			}
		}
	}
	if egress.IPv4 == nil || egress.IPv4.Interface != "nordlynx" || egress.IPv4.Tunnel == nil {
		t.Fatalf("egress = %+v, want IPv4 through the nordlynx tunnel", egress.IPv4)
	}
	if egress.IPv4.Tunnel.Product != "NordVPN" {
		t.Errorf("tunnel product %q, want NordVPN", egress.IPv4.Tunnel.Product)
	}
	if !vpn.Active || !vpn.OnEgress {
		t.Errorf("vpn = %+v, want active on the egress", vpn)
	}
	raw, _ := json.Marshal(vpn)
	if !strings.Contains(string(raw), "nordlynx") {
		t.Errorf("VPN evidence does not name the interface: %s", raw)
	}
}
