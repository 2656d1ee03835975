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

// TestAllPassCountsOnlyFinishedRequests: requests that ran out of time are
// not successes, and the summary says how many did not finish.
func TestAllPassCountsOnlyFinishedRequests(t *testing.T) {
	s := healthy(probes.Result{ID: "endpoint:chat.openai.com:direct-ipv4-browser", Kind: probes.KindEndpoint, Status: probes.StatusUnknown,
		Reason: "too short to tell", Details: &probes.EndpointDetails{URL: "https://chat.openai.com/"}})
	f := findingFor(t, Diagnose(s, DiagnoseContext{GOOS: "linux"}), CauseBrowserState)
	if strings.Contains(f.Summary, "every request from here succeeded") || !strings.Contains(f.Summary, "1 request to chat.openai.com did not finish") {
		t.Errorf("%q", f.Summary)
	}
}
