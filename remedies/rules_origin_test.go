package remedies

import (
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

// TestMalformedAnswerIsAnAnswer: a response that is not valid HTTP came from
// something in the path; it is an unexpected answer, not silence.
func TestMalformedAnswerIsAnAnswer(t *testing.T) {
	bad := func(host, cell string) probes.Result {
		return epFail(host, cell, "request", "request: "+host+": malformed MIME header line", withFailure("bad_response"))
	}
	got := Diagnose(snap(bad("api.openai.com", "default"), bad("chatgpt.com", "direct-ipv4-plain")), DiagnoseContext{GOOS: "linux"})
	f := findingFor(t, got, CauseOriginError)
	if f.Confidence != Likely || !strings.Contains(f.Summary, "a malformed HTTP answer (malformed MIME header line)") {
		t.Errorf("%s: %q", f.Confidence, f.Summary)
	}
	for _, g := range got {
		if g.Cause == CauseNoConnectivity {
			t.Errorf("a malformed answer read as no connectivity: %q", g.Summary)
		}
	}
}
