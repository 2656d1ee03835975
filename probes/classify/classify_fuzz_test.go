package classify

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/sanitize/fuzzcheck"
)

// fuzzBodyCap is the collectors' body cap (collect.maxBody): the
// classifier never sees more.
const fuzzBodyCap = 256 << 10

// FuzzClassify feeds arbitrary statuses, headers and bodies. Classify must
// never panic, must answer within fuzzcheck.PerInput, and every verdict
// must keep its invariants: sanitised strings, no API key (a real key
// shape, not any "sk-"), no planted Authorization or cookie value,
// validated Ray ID / colo / IP / country, bounded markers, a known kind.
func FuzzClassify(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "classify", "*"))
	for _, name := range files {
		body, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(403, "server: cloudflare\ncf-ray: 8f1c2e3d4b5a6978-SJC\ncontent-type: text/html", body, true)
	}
	f.Add(429, "retry-after: 30\nserver: cloudflare", []byte("error code: 1015"), false)
	f.Add(503, "cf-mitigated: challenge", []byte("<title>Just a moment...</title>"), true)
	f.Add(401, "x-request-id: req_abc\ncontent-type: application/json", []byte(`{"error":{"message":"Incorrect API key provided: sk-abc1***…wxyz.","code":"invalid_api_key"}}`), false)
	f.Add(302, "location: http://10.0.0.1/login", []byte(nil), true)
	// Canaries where a hostile or echoing server puts them: a full key in
	// the OpenAI message, an echoed Authorization header and cookie in
	// the body, credentials in a redirect target.
	f.Add(401, "content-type: application/json\nx-request-id: req_1", []byte(`{"error":{"message":"Incorrect API key provided: `+fuzzcheck.Key+`. You can find your API key at https://platform.openai.com","type":"invalid_request_error","code":"invalid_api_key"}}`), false)
	f.Add(400, "server: cloudflare\ncf-ray: 8f1c2e3d4b5a6978-AMS", []byte("<title>400 Bad Request</title><pre>Authorization: Bearer "+fuzzcheck.TokenCore+"\nCookie: __cf_bm="+fuzzcheck.CookieCore+"</pre>"), true)
	f.Add(302, "location: http://user:"+fuzzcheck.PasswordCore+"@10.0.0.1/login", []byte(nil), false)
	f.Add(429, "x-ratelimit-limit-requests: 500\nx-ratelimit-reset-requests: 1m30.5s\nx-ratelimit-reset-tokens: 6ms\ncontent-type: application/json", []byte(`{"error":{"message":"Rate limit reached for gpt-4o","type":"requests","code":"rate_limit_exceeded"}}`), false)
	f.Fuzz(func(t *testing.T, status int, headers string, body []byte, expect bool) {
		if len(body) > fuzzBodyCap {
			body = body[:fuzzBodyCap]
		}
		h := http.Header{}
		for i, line := range strings.Split(headers, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			if i%2 == 0 {
				h.Add(k, strings.TrimSpace(v))
			} else {
				h[k] = append(h[k], v) // raw, non-canonical keys too
			}
		}
		var v Verdict
		fuzzcheck.Within(t, func() {
			v = Classify(ClassifyInput{Status: status, Header: h, Body: body, ExpectCloudflare: expect, Host: "chatgpt.com"})
		})
		checkVerdictSafe(t, v)
		fuzzcheck.Strings(t, v, fuzzcheck.Options{Forbidden: fuzzcheck.Planted(headers, string(body))})
		if v.Status != status {
			t.Fatalf("status %d, want %d", v.Status, status)
		}
	})
}

// TestClassifyAtTheCap holds the classifier to the fuzz bounds on bodies
// as large as production reads (the fuzzer's own inputs are mostly a few
// KiB): real Cloudflare pages padded to the cap, and bodies made of the
// one token the scanners look for, repeated.
func TestClassifyAtTheCap(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "classify", "*"))
	var bodies [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, b)
	}
	for _, unit := range []string{"sk-", "<", "error code: 1", "Ray ID: ", `{"error":{`, "Bearer ", "\x1b[", "cf-", "\u202e"} {
		bodies = append(bodies, []byte(unit))
	}
	for _, b := range bodies {
		body := bytes.Repeat(b, fuzzBodyCap/len(b)+1)[:fuzzBodyCap]
		h := http.Header{"Server": {"cloudflare"}, "Cf-Ray": {"8f1c2e3d4b5a6978-SJC"}, "Content-Type": {"text/html"}}
		var v Verdict
		fuzzcheck.Within(t, func() {
			v = Classify(ClassifyInput{Status: 403, Header: h, Body: body, ExpectCloudflare: true, Host: "chatgpt.com"})
		})
		checkVerdictSafe(t, v)
		fuzzcheck.Strings(t, v, fuzzcheck.Options{})
	}
}
