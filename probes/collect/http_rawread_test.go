package collect

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// TestParseRawNamesTheViolations: the lenient read keeps the status line,
// the well-formed headers and the body, names what broke HTTP, and lets
// no control byte into a header value.
func TestParseRawNamesTheViolations(t *testing.T) {
	cases := []struct {
		name      string
		raw       string
		complete  bool
		status    int
		violation string
		body      string
	}{
		{"ESC in a header line", "HTTP/1.1 403 Forbidden\r\nServer: cloud\x1b]0;pwned\x07flare\r\nCf-Ray: 8a1b2c3d4e5f6a7b-FRA\r\n\r\nerror code: 1020",
			true, 403, "a control byte (such as ESC) in a header line", "error code: 1020"},
		{"a header without a colon", "HTTP/1.1 403 Forbidden\r\nServer: cloudflare\r\nthis line has no colon\r\n\r\nerror code: 1020",
			true, 403, "a header line without a colon", "error code: 1020"},
		{"a truncated body", "HTTP/1.1 403 Forbidden\r\nContent-Length: 40\r\n\r\nerror code: 1020",
			true, 403, "the body stops at 16 of the 40 bytes it announced", "error code: 1020"},
		{"a cap is not a truncation", "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\nhello",
			false, 200, "", "hello"},
		{"headers that never end", "HTTP/1.1 502 Bad Gateway\r\nServer: x",
			true, 502, "the headers never end", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, ok := parseRaw([]byte(tc.raw), tc.complete)
			if !ok || a.Status != tc.status || string(a.Body) != tc.body {
				t.Fatalf("ok %v status %d body %q", ok, a.Status, a.Body)
			}
			if got := strings.Join(a.Violations, "; "); tc.violation == "" && got != "" || !strings.Contains(got, tc.violation) {
				t.Errorf("violations %q, want %q", got, tc.violation)
			}
			for k, vs := range a.Header {
				for _, v := range vs {
					if hasControl([]byte(k + v)) {
						t.Errorf("header %q: %q keeps a control byte", k, v)
					}
				}
			}
		})
	}
	if _, ok := parseRaw([]byte("\x1b[2Jnot http at all\r\n\r\n"), true); ok {
		t.Error("bytes without a status line read as an answer")
	}
}

// TestBrokenAnswersAreReadFromTheirBytes: an answer Go's parser rejects
// (an escape byte in a header, a header line without a colon) is read
// again the way curl would: the 403 and "error code: 1020" classify it,
// the violation is named, and no escape byte reaches the result. A body
// that stops short of its Content-Length is classified from the bytes
// that arrived.
func TestBrokenAnswersAreReadFromTheirBytes(t *testing.T) {
	t.Parallel()
	const page = "error code: 1020\n\x1b[2J\x1b]0;pwned\x07"
	cases := []struct {
		name      string
		answer    string
		failure   string
		violation string
	}{
		{"escape bytes in a header and the body", "HTTP/1.1 403 Forbidden\r\nServer: cloudflare\r\nCf-Ray: 8a1b2c3d4e5f6a7b-FRA\x1b]0;pwned\x07\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s",
			probes.FailureBadResponse, "a control byte (such as ESC) in a header line"},
		{"a header line without a colon", "HTTP/1.1 403 Forbidden\r\nServer: cloudflare\r\nCf-Ray: 8a1b2c3d4e5f6a7b-FRA\r\nno colon here\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s",
			probes.FailureBadResponse, "a header line without a colon"},
		{"a truncated body", "HTTP/1.1 403 Forbidden\r\nServer: cloudflare\r\nCf-Ray: 8a1b2c3d4e5f6a7b-FRA\r\nContent-Type: text/plain\r\nContent-Length: 9%d\r\n\r\n%s",
			"", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tw := newTestWorld(t)
			a := tw.rawTLS(func(c net.Conn, _ *http.Request) {
				_, _ = io.WriteString(c, fmt.Sprintf(tc.answer, len(page), page))
			})
			tw.host("chatgpt.com", cgV4, "", a)
			w := tw.World()
			w.Limits = fastLimits()
			cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
			r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, w), "endpoint:chatgpt.com:direct-ipv4-plain"))
			d := endpointDetails(t, r)
			if d.StatusCode != 403 || d.Verdict.Kind != classify.VerdictCFBlock || d.Verdict.Code != 1020 {
				t.Errorf("HTTP %d verdict %s code %d (%s): want the 403 and its 1020 read from the bytes", d.StatusCode, d.Verdict.Kind, d.Verdict.Code, r.Reason)
			}
			if d.Failure != tc.failure || !strings.Contains(r.Reason, tc.violation) {
				t.Errorf("failure %q reason %q: want %q naming %q", d.Failure, r.Reason, tc.failure, tc.violation)
			}
			if r.Status != probes.StatusFail {
				t.Errorf("status %s, want fail", r.Status)
			}
			assertClean(t, r, "pwned")
		})
	}
}
