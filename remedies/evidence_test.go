package remedies

import (
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// TestEvidenceFoldsIdenticalAnswers: requests that got the same answer
// read as one line with a count, in words that agree with the count.
func TestEvidenceFoldsIdenticalAnswers(t *testing.T) {
	for n, want := range map[int]string{
		2: "(1 other request to chatgpt.com got the same answer)",
		4: "(3 other requests to chatgpt.com got the same answer)",
	} {
		variants := []string{"direct-ipv4-plain", "direct-ipv4-browser", "direct-ipv6-plain", "direct-ipv6-browser"}[:n]
		s := snap(ep("chatgpt.com", variants[0], v1020))
		for _, v := range variants[1:] {
			s.Results = append(s.Results, ep("chatgpt.com", v, v1020))
		}
		var lines []string
		for _, f := range Diagnose(s, DiagnoseContext{GOOS: "linux"}) {
			for _, e := range f.Evidence {
				lines = append(lines, e.Text)
			}
		}
		if all := strings.Join(lines, "\n"); !strings.Contains(all, want) {
			t.Errorf("%d identical blocks: no %q in\n%s", n, want, all)
		}
	}
}

// TestEvidenceSaysRetryAfterOnce: a verdict whose summary already gives the
// wait is not followed by it again.
func TestEvidenceSaysRetryAfterOnce(t *testing.T) {
	v := classify.Verdict{Kind: classify.VerdictCFRateLimit, Status: 429, Code: 1015, Cloudflare: true, RetryAfterSeconds: 30,
		Summary: "Cloudflare error 1015: you are being rate limited (retry after 30 s)"}
	for _, f := range Diagnose(snap(ep("chatgpt.com", "direct-ipv4-plain", v)), DiagnoseContext{GOOS: "linux"}) {
		for _, e := range f.Evidence {
			if strings.Count(e.Text, "retry after") > 1 {
				t.Errorf("%q", e.Text)
			}
		}
	}
}

// TestEvidenceSaysTheStatusOnce: a verdict summary that names the status
// is not prefixed with it again ("HTTP 503, HTTP 503 through Cloudflare").
func TestEvidenceSaysTheStatusOnce(t *testing.T) {
	v := classify.Verdict{Kind: classify.VerdictCFUnknown, Status: 503, Cloudflare: true, Summary: "HTTP 503 through Cloudflare"}
	for _, f := range Diagnose(snap(ep("chatgpt.com", "direct-ipv4-plain", v)), DiagnoseContext{GOOS: "linux"}) {
		for _, e := range f.Evidence {
			if strings.Count(e.Text, "HTTP 503") > 1 {
				t.Errorf("%q", e.Text)
			}
		}
	}
}
