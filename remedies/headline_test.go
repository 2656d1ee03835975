package remedies

import (
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

// withBrokenHTTP marks an answer as read again from its bytes after Go's
// parser rejected it, as the endpoint probe reports it.
func withBrokenHTTP(violation string) epOpt {
	return func(r *probes.Result, d *probes.EndpointDetails) {
		d.Failure = probes.FailureBadResponse
		r.Status = probes.StatusFail
		r.Reason = "a broken HTTP answer (" + violation + "); read the way curl reads it, it says HTTP 403"
		r.Error = &probes.StepError{Step: "request", Message: "request: chatgpt.com: " + r.Reason}
	}
}

// TestHeadline: the headline names what the user saw (the code they would
// search for), built from the answers, then the most likely cause.
func TestHeadline(t *testing.T) {
	cases := []struct {
		name       string
		s          probes.Snapshot
		code       string
		says       []string
		mostLikely string
	}{
		{
			name:       "1020 names the code, the hosts, the Ray ID and what Cloudflare saw",
			s:          snap(concat(web("chatgpt.com", v1020), web("chat.openai.com", v1020), one(trace("direct", "203.0.113.77", "DE")))...),
			code:       "1020",
			says:       []string{"Error 1020 — Cloudflare's firewall denies chatgpt.com and chat.openai.com (Ray 8a1b2c3d4e5f6a7b-FRA, seen as 203.0.113.77 in DE)"},
			mostLikely: "Most likely: flagged or shared IP address [likely]. First: switch network",
		},
		{
			name: "1015 says when to retry",
			s:    snap(web("chatgpt.com", v1015)...),
			code: "1015",
			says: []string{"Error 1015 — Cloudflare rate-limits chatgpt.com, retry after 30s"},
		},
		{
			name: "an API rate limit names the limit that ran out and its reset",
			s: snap(ep("chatgpt.com", "direct-ipv4-browser", vOK), ep("api.openai.com", "default", vMissing),
				func() probes.Result {
					r := apiKey(probes.KeyRateLimited, 429, probes.StatusFail)
					r.Details.(*probes.APIKeyDetails).RateLimit = map[string]string{"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "20s"}
					return r
				}()),
			code: "429 rate_limit_exceeded",
			says: []string{"HTTP 429 rate_limit_exceeded — api.openai.com rate-limits the key in OPENAI_API_KEY (requests reset in 20s)"},
		},
		{
			name: "a 1020 whose bytes break HTTP keeps its code and says the answer is mangled",
			s:    snap(ep("chatgpt.com", "direct-ipv4-plain", v1020, withBrokenHTTP("a control byte (such as ESC) in a header line"))),
			code: "1020",
			says: []string{"Error 1020 — Cloudflare's firewall denies chatgpt.com", "the answer's bytes break HTTP (a control byte (such as ESC) in a header line): something between you and Cloudflare mangles answers"},
		},
		{
			name:       "a working run says nothing here blocks ChatGPT, then what is left in the browser",
			s:          snap(concat(web("chatgpt.com", vOK), one(ep("api.openai.com", "default", vMissing)))...),
			code:       "",
			says:       []string{"Nothing on this machine or network blocks ChatGPT: chatgpt.com and api.openai.com answer normally from here"},
			mostLikely: "If it still fails in your browser: clear chatgpt.com cookies and cached data",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			found := Diagnose(tc.s, DiagnoseContext{GOOS: "linux"})
			h := HeadlineOf(tc.s, found, DiagnoseContext{})
			if h.Code != tc.code {
				t.Errorf("code %q, want %q (%s)", h.Code, tc.code, h.Text)
			}
			for _, want := range tc.says {
				if !strings.Contains(h.Text, want) {
					t.Errorf("headline\n%s\nlacks\n%s", h.Text, want)
				}
			}
			if !strings.HasPrefix(h.MostLikely, tc.mostLikely) {
				t.Errorf("second line %q, want it to start %q", h.MostLikely, tc.mostLikely)
			}
			if strings.ContainsAny(h.Text+h.MostLikely, "\x1b\x07") {
				t.Errorf("control byte in %q", h.Text)
			}
		})
	}
}
