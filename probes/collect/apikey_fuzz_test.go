package collect

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/sanitize/fuzzcheck"
	"github.com/gptdoctor/gptdoctor/probes"
)

// rawHTTPServer answers every connection with one fixed HTTP/1.1
// response written as raw bytes (so headers may be anything a hostile
// server sends), then closes: nothing waits out a timeout.
type rawHTTPServer struct{ response []byte }

func (s rawHTTPServer) DialContext(context.Context, string, string) (net.Conn, error) {
	client, server := net.Pipe()
	go func() {
		defer server.Close()
		if _, err := http.ReadRequest(bufio.NewReader(server)); err != nil {
			return
		}
		_, _ = server.Write(s.response)
	}()
	return client, nil
}

func (rawHTTPServer) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("192.0.2.10")}, nil
}

func (rawHTTPServer) LookupTXT(context.Context, string) ([]string, error) { return nil, nil }

// rawResponse builds the response: a status line, the header lines as
// given (one per "\n"), and the body, its length unstated, ended by the
// close.
func rawResponse(status int, headers string, body []byte) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %03d Fuzz\r\n", status)
	for line := range strings.SplitSeq(headers, "\n") {
		if line = strings.TrimRight(line, "\r"); line != "" {
			b.WriteString(line + "\r\n")
		}
	}
	b.WriteString("Connection: close\r\n\r\n")
	return append([]byte(b.String()), body...)
}

// FuzzAPIKey feeds the API key check what an OpenAI endpoint, or whatever
// answers in its place, sends back: status, headers (x-ratelimit-*,
// x-request-id, retry-after, set-cookie) and the error body, through the
// real request path (fetch, the classifier, the rate-limit headers, the
// outcome). The key sent is fuzzcheck.Key, so a server echoing it is
// covered. Invariants: no panic, bounded time, a known outcome, the status
// code recorded as received, clean strings, and neither the key nor any
// planted token, cookie or password in the result.
func FuzzAPIKey(f *testing.F) {
	seedFiles(f, "../../classify/testdata/classify", func(b []byte) {
		if strings.HasPrefix(string(b), "{") {
			f.Add(401, "content-type: application/json\nx-request-id: req_123", b)
		}
	})
	f.Add(429, "content-type: application/json\nx-ratelimit-limit-requests: 500\nx-ratelimit-remaining-requests: 0\nx-ratelimit-reset-requests: 1m30.5s\nretry-after: 90", []byte(`{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`))
	f.Add(401, "content-type: application/json\nset-cookie: __cf_bm="+fuzzcheck.CookieCore+"; path=/", []byte(`{"error":{"message":"Incorrect API key provided: `+fuzzcheck.Key+`.","code":"invalid_api_key"}}`))
	f.Add(400, "x-echo: Authorization: Bearer "+fuzzcheck.TokenCore, []byte("Authorization: Bearer "+fuzzcheck.Key+"\n\x1b]0;owned\x07"))
	f.Add(302, "location: http://user:"+fuzzcheck.PasswordCore+"@portal.example/login", []byte(nil))
	f.Add(200, "content-type: application/json\ncontent-length: 99999", []byte(`{"data":[]}`))
	target := probes.Target{URL: "http://api.openai.example/v1/models", Kind: probes.TargetAPI}
	f.Fuzz(func(t *testing.T, status int, headers string, body []byte) {
		if status < 100 || status > 999 {
			status = 200 + (status%800+800)%800
		}
		srv := rawHTTPServer{response: rawResponse(status, capString(headers, 64<<10), capBytes(body, maxBody+1))}
		w := probes.World{Dialer: srv, Resolver: srv, LookupEnv: func(string) (string, bool) { return "", false }}
		var res probes.Result
		fuzzcheck.Within(t, func() {
			res = runAPIKey(context.Background(), target, "OPENAI_API_KEY", fuzzcheck.Key, probes.RouteDirect, w, timeoutsFor(0, fastLimits()))
		})
		checkFuzzResult(t, res, append(fuzzcheck.Planted(headers, string(body)), fuzzcheck.KeyCore))
		d, ok := res.Details.(*probes.APIKeyDetails)
		if !ok {
			t.Fatalf("details %T", res.Details)
		}
		if d.StatusCode != 0 && d.StatusCode != status {
			t.Fatalf("status %d recorded, %d sent", d.StatusCode, status)
		}
		for k := range d.RateLimit {
			if !strings.HasPrefix(k, "x-ratelimit-") {
				t.Fatalf("rate-limit header %q", k)
			}
		}
		switch d.Outcome {
		case probes.KeyValid, probes.KeyInvalid, probes.KeyMissing, probes.KeyQuotaExhausted, probes.KeyRateLimited,
			probes.KeyIPNotAuthorized, probes.KeyRegion, probes.KeyServerError, probes.KeyUnknown:
		default:
			t.Fatalf("outcome %q", d.Outcome)
		}
	})
}
