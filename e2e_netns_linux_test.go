//go:build linux

package main

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/netnstest"
	"github.com/gptdoctor/gptdoctor/probes"
)

// TestVPNEgressThroughTheBinary runs the real binary inside a network
// namespace whose only way out is a TUN device named like NordVPN's, and
// expects the identity panes of `check --json` to name it: egress through
// the tunnel, VPN active on the egress. The namespace has no link to the
// outside, so nothing the binary sends can leave this machine; every
// outside address is also pointed at a dead loopback port.
func TestVPNEgressThroughTheBinary(t *testing.T) {
	ns := netnsWith(t, [][]string{
		{"tuntap", "add", "dev", "nordlynx", "mode", "tun"},
		{"addr", "add", "10.5.0.2/32", "dev", "nordlynx"},
		{"link", "set", "nordlynx", "up"},
		{"route", "add", "default", "dev", "nordlynx"},
	})
	dead := "127.0.0.1:9"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := ns.Command(ctx, binPath, "check", "--json", "--timeout", "3s",
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

// TestOfflineWithTheDefaults runs the real binary with its default
// targets, resolvers, DoH, status and captive-portal URLs, from a network
// namespace whose default routes lead into a link nobody answers on (a veth
// pair whose other end stays down, the gateways' MAC addresses fixed so no
// ARP fails fast). Every packet is dropped inside the namespace. The
// binary must classify it as no connectivity within its budget, with
// every endpoint failed, not unknown, and exit 1. The budget is the
// default: under a shorter one the stalls are "too short to tell".
func TestOfflineWithTheDefaults(t *testing.T) {
	t.Parallel() // its namespace is its own; the wait is the defaults'
	ns := netnsWith(t, [][]string{
		{"link", "add", "v0", "type", "veth", "peer", "name", "v1"},
		{"addr", "add", "10.99.0.2/24", "dev", "v0"},
		{"-6", "addr", "add", "2001:db8:99::2/64", "dev", "v0", "nodad"},
		{"link", "set", "v0", "up"},
		{"neigh", "add", "10.99.0.1", "lladdr", "02:00:00:00:00:01", "dev", "v0", "nud", "permanent"},
		{"-6", "neigh", "add", "2001:db8:99::1", "lladdr", "02:00:00:00:00:01", "dev", "v0", "nud", "permanent"},
		{"route", "add", "default", "via", "10.99.0.1"},
		{"-6", "route", "add", "default", "via", "2001:db8:99::1"},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := ns.Command(ctx, binPath, "check", "--json")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	out, err := cmd.Output()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("exit %d (%v), want 1\n%s", code, err, out)
	}
	assertClean(t, "stdout", out)
	doc := decodeDoc(t, out)
	if len(doc.Findings) == 0 || doc.Findings[0].Cause != "no-connectivity" {
		t.Errorf("findings %+v, want no-connectivity first", doc.Findings)
	}
	if doc.Outcome.Status != "problem" {
		t.Errorf("outcome %q, want problem", doc.Outcome.Status)
	}
	endpoints := 0
	for _, r := range doc.Results {
		if r.Kind != string(probes.KindEndpoint) || strings.Contains(r.ID, ":matrix") {
			continue
		}
		endpoints++
		if r.Status != string(probes.StatusFail) {
			t.Errorf("%s: %s (%s), want fail", r.ID, r.Status, r.Reason)
		}
	}
	if endpoints == 0 {
		t.Error("no endpoint results")
	}
}

// netnsWith is a fresh namespace (internal/netnstest) with the given
// `ip -n NS ...` commands run in it; a step that fails skips the test.
func netnsWith(t *testing.T, setup [][]string) netnstest.NS {
	t.Helper()
	ns := netnstest.New(t, "gd-e2e")
	for _, args := range setup {
		if err := ns.Run(args...); err != nil {
			t.Skipf("skipped: %v", err)
		}
	}
	return ns
}
