package remedies

import (
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

// TestHijackCitesRangesOnceAndAsksAnotherResolverFirst: the ranges' date is
// one fact however many hosts are forged, and a forging resolver is
// replaced before its cache is flushed.
func TestHijackCitesRangesOnceAndAsksAnotherResolverFirst(t *testing.T) {
	forged := func(host string) probes.Result {
		return lookup(host, true, answer("system", "system", "NOERROR", privAddr), answer("1.1.1.1:53", "udp", "NOERROR", cfAddr))
	}
	f := findingFor(t, Diagnose(snap(forged("chatgpt.com"), forged("api.openai.com")), DiagnoseContext{GOOS: "linux"}), CauseDNSHijack)
	var text []string
	for _, e := range f.Evidence {
		text = append(text, e.Text)
	}
	if n := strings.Count(strings.Join(text, "\n"), "Cloudflare ranges as of"); n != 1 {
		t.Errorf("ranges cited %d times:\n%s", n, strings.Join(text, "\n"))
	}
	if len(f.Remedies) == 0 || f.Remedies[0] != "use-independent-dns" {
		t.Errorf("remedies %v", f.Remedies)
	}
}
