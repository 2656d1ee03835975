package classify

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzClassify feeds arbitrary statuses, headers and bodies. Classify must
// never panic and every verdict must keep its invariants: sanitised strings,
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
	f.Fuzz(func(t *testing.T, status int, headers string, body []byte, expect bool) {
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
		v := Classify(ClassifyInput{Status: status, Header: h, Body: body, ExpectCloudflare: expect, Host: "chatgpt.com"})
		checkVerdictSafe(t, v)
		if v.Status != status {
			t.Fatalf("status %d, want %d", v.Status, status)
		}
	})
}
