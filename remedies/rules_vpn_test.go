package remedies

import (
	"slices"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

// TestVPNFindingNamesEachExitOnce: WARP seen both as a tunnel and in the
// edge trace is one exit, and a block with no proxy configured does not
// offer to bypass one; through a proxy it does.
func TestVPNFindingNamesEachExitOnce(t *testing.T) {
	warp := vpnResult(true, probes.StatusWarn)
	warp.Details.(*probes.VPNDetails).Signals = []probes.VPNSignal{{Source: "route", Product: "Cloudflare WARP",
		Evidence: "IPv4 default route leaves through CloudflareWARP, a tun tunnel (Cloudflare WARP)"}}
	s := snap(concat(web("chatgpt.com", v1020), one(warp,
		trace("direct", "104.28.197.122", "NL", func(d *probes.TraceDetails) { d.Warp = "on" })))...)
	got := findingFor(t, Diagnose(s, DiagnoseContext{GOOS: "linux"}), CauseVPNProxyTor)
	if !strings.Contains(got.Summary, "leaves through a VPN (Cloudflare WARP):") || strings.Count(got.Summary, "Cloudflare WARP") != 1 {
		t.Errorf("summary names the exit more than once: %q", got.Summary)
	}
	if slices.Contains(got.Remedies, "bypass-proxy") || !slices.Contains(got.Remedies, "disable-vpn") {
		t.Errorf("remedies without a proxy: %v", got.Remedies)
	}

	s = snap(ep("api.openai.com", "proxy-any-plain", v1020), proxyEnv("http://proxy.example:3128"))
	got = findingFor(t, Diagnose(s, DiagnoseContext{GOOS: "linux"}), CauseVPNProxyTor)
	if !slices.Contains(got.Remedies, "bypass-proxy") {
		t.Errorf("remedies through a proxy: %v", got.Remedies)
	}
}

func findingFor(t *testing.T, fs []Finding, cause string) Finding {
	t.Helper()
	for _, f := range fs {
		if f.Cause == cause {
			return f
		}
	}
	t.Fatalf("no %s finding in\n%s", cause, dump(fs))
	return Finding{}
}

// TestNoVPNAdviceWhenTheCheckFoundNone: "turn off the VPN" is offered only
// when the VPN check did not run or found something.
func TestNoVPNAdviceWhenTheCheckFoundNone(t *testing.T) {
	blocked := concat(web("chatgpt.com", v1020), one(trace("direct", "203.0.113.7", "DE")))
	for _, c := range []struct {
		name  string
		extra []probes.Result
		want  bool
	}{
		{"no VPN check", nil, true},
		{"the check found none", []probes.Result{vpnResult(false, probes.StatusPass)}, false},
	} {
		f := findingFor(t, Diagnose(snap(append(slices.Clone(blocked), c.extra...)...), DiagnoseContext{GOOS: "linux"}), CauseFlaggedIP)
		if got := slices.Contains(f.Remedies, "disable-vpn"); got != c.want {
			t.Errorf("%s: disable-vpn offered %v, want %v (%v)", c.name, got, c.want, f.Remedies)
		}
	}
}
