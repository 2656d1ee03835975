package classify

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// verdictStrings lists every string a Verdict carries, wherever it sits.
func verdictStrings(v Verdict) []string {
	var out []string
	var walk func(reflect.Value)
	walk = func(x reflect.Value) {
		switch x.Kind() {
		case reflect.String:
			out = append(out, x.String())
		case reflect.Pointer:
			if !x.IsNil() {
				walk(x.Elem())
			}
		case reflect.Struct:
			for i := 0; i < x.NumField(); i++ {
				walk(x.Field(i))
			}
		case reflect.Slice:
			for i := 0; i < x.Len(); i++ {
				walk(x.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(v))
	return out
}

// unsafeRune reports runes a sanitised string must not contain: C0 and C1
// controls, DEL, bidirectional overrides and isolates.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0xfeff:
		return true
	}
	return false
}

// checkVerdictSafe asserts the invariants every Verdict keeps, whatever it
// was fed.
func checkVerdictSafe(t testing.TB, v Verdict) {
	t.Helper()
	for _, s := range verdictStrings(v) {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 in %q", s)
		}
		for _, r := range s {
			if unsafeRune(r) {
				t.Fatalf("unsafe rune %U in %q", r, s)
			}
		}
	}
	if len(v.Markers) > maxMarkers {
		t.Fatalf("%d markers", len(v.Markers))
	}
	for _, m := range v.Markers {
		if n := utf8.RuneCountInString(m); n > maxMarkerLen || n == 0 {
			t.Fatalf("marker of %d runes: %q", n, m)
		}
	}
	if v.RayID != "" && !isRayID(v.RayID) {
		t.Fatalf("bad Ray ID %q", v.RayID)
	}
	if v.Colo != "" && !isColo(v.Colo) {
		t.Fatalf("bad colo %q", v.Colo)
	}
	if v.ClientIP != "" {
		if _, ok := parseIP(v.ClientIP); !ok {
			t.Fatalf("bad client IP %q", v.ClientIP)
		}
	}
	if v.Country != "" && !isCountry(v.Country) {
		t.Fatalf("bad country %q", v.Country)
	}
	if v.RetryAfterSeconds < 0 || v.RetryAfterSeconds > maxRetryAfter {
		t.Fatalf("retry after %d", v.RetryAfterSeconds)
	}
	if !knownVerdictKinds[v.Kind] {
		t.Fatalf("unknown kind %q", v.Kind)
	}
	if v.Summary == "" {
		t.Fatalf("empty summary")
	}
	// A bare "sk-" (in "task-", or "sk-" then a space) is not a key; what
	// the key pattern Secrets redacts is.
	if k := sanitize.LeakedKey(strings.Join(verdictStrings(v), "\n")); k != "" {
		t.Fatalf("API key %q survived: %+v", k, v)
	}
}

var knownVerdictKinds = map[VerdictKind]bool{
	VerdictOK: true, VerdictCFBlock: true, VerdictCFRateLimit: true, VerdictCFBrowserSignature: true,
	VerdictCFCountryBlock: true, VerdictCFIPBan: true, VerdictCFMalicious: true, VerdictCFOther1xxx: true,
	VerdictCFChallenge: true, VerdictCF5xx: true, VerdictCFUnknown: true,
	VerdictOpenAIInvalidKey: true, VerdictOpenAIMissingKey: true, VerdictOpenAIIPNotAuthorized: true,
	VerdictOpenAIRegion: true, VerdictOpenAIRateLimit: true, VerdictOpenAIQuota: true,
	VerdictOpenAIServerError: true, VerdictOpenAIOverloaded: true, VerdictOpenAIOther: true,
	VerdictOriginError: true, VerdictCaptivePortal: true, VerdictUnexpected: true,
}

// A hostile page carries terminal escape sequences everywhere the
// classifier quotes from: title, headers, IP and country lines, the
// challenge zone, the OpenAI message.
func TestClassifyHostilePageIsSanitised(t *testing.T) {
	const esc = "\x1b]0;owned\x07\x1b[2J\x1b[31m\u202e\x9b31m\x00\x7f"
	pages := []struct {
		status int
		header map[string]string
		body   string
	}{
		{403, map[string]string{"server": "cloudflare" + esc, "cf-ray": "8f1c2e3d4b5a6978-SJC" + esc, "retry-after": "3" + esc},
			`<html><head><title>Access denied` + esc + ` | evil.example used Cloudflare to restrict access</title></head><body>
<div id="cf-wrapper"><span data-translate="error">Error</span><span>10` + esc + `20</span>
Country: D` + esc + `E  Data center: fra` + esc + `08  IP: 203.0.` + esc + `113.9
Cloudflare Ray ID: <strong>8f1c2e3d` + esc + `4b5a6978</strong> Your IP: 2001:db8::` + esc + `1</div></body></html>`},
		{403, map[string]string{"cf-mitigated": "challenge"},
			`<script>window._cf_chl_opt={cType: 'man` + esc + `aged', cZone: 'chat` + esc + `gpt.com', cRay: '8f1c` + esc + `'};</script>`},
		{200, map[string]string{"server": "nginx"},
			`<html><head><title>` + esc + `Hotel ` + esc + `WiFi` + esc + `</title></head><body><input type="password"> login ` + esc + `</body></html>`},
		{401, map[string]string{"content-type": "application/json", "x-request-id": "req_1" + esc},
			`{"error":{"message":"Incorrect API key provided: sk-abc` + "\\u001b[0m" + `123***wxyz` + "\\u001b]0;x\\u0007" + `. Bye","type":"invalid_request_error` + "\\u001b" + `","param":null,"code":"invalid_api_key"}}`},
		{429, map[string]string{"content-type": "application/json"},
			`{"type":"x","cloudflare_error":true,"error_code":1015,"error_name":"rate` + "\\u001b" + `_limited","error_category":"rate_limit\u202e","ray_id":"8f1c2e3d4b5a6978` + "\\u001b" + `","retry_after":30}`},
		{403, nil, "---\ncloudflare_error: true\nerror_code: 1020\nerror_name: fire\x1b[31mwall\nray_id: 8f1c2e3d4b5a6978\x1b[0m\n---\n"},
		{200, map[string]string{"server": "nginx"}, "<html><head><title>\x1b[1;31mBLOCKED\x1b[0m\u202e</title></head></html>"},
	}
	for i, p := range pages {
		h := http.Header{}
		for k, val := range p.header {
			h.Set(k, val)
		}
		v := Classify(ClassifyInput{Status: p.status, Header: h, Body: []byte(p.body), ExpectCloudflare: true, Host: "chatgpt.com"})
		checkVerdictSafe(t, v)
		all := strings.Join(verdictStrings(v), "\n")
		for _, bad := range []string{"owned", "[2J", "[31m", "wxyz", "abc123"} {
			if strings.Contains(all, bad) {
				t.Errorf("page %d: %q survived in %+v", i, bad, v)
			}
		}
	}
}

// The 401 message echoes the key the client sent, partly masked in several
// styles. None of it may survive, nor may a key quoted elsewhere.
func TestClassifyOpenAIMessageDropsKeys(t *testing.T) {
	for _, msg := range []string{
		"Incorrect API key provided: sk-abc1***…wxyz. You can find your API key at https://platform.openai.com/account/api-keys.",
		"Incorrect API key provided: sk-abc1****************wxyz. You can find your API key at https://platform.openai.com/account/api-keys.",
		"Incorrect API key provided: sk-proj-abc1********************************************wxyz. You can find your API key at https://platform.openai.com/account/api-keys.",
		"Incorrect API key provided: abc1*****wxyz. You can find your API key at https://platform.openai.com/account/api-keys.",
		"Incorrect API key provided: sk-abc1…wxyz",
		"The key sk-abc1defghijklmnwxyz was revoked.",
		"Incorrect API key provided: \"sk-abc1***…wxyz\". Check it.",
	} {
		body := `{"error":{"message":` + jsonQuote(msg) + `,"type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`
		v := Classify(ClassifyInput{Status: 401, Header: http.Header{}, Body: []byte(body)})
		if v.Kind != VerdictOpenAIInvalidKey || v.OpenAI == nil {
			t.Fatalf("%q: got %+v", msg, v)
		}
		checkVerdictSafe(t, v)
		for _, s := range verdictStrings(v) {
			if strings.Contains(s, "abc1") || strings.Contains(s, "wxyz") || strings.Contains(s, "sk-") {
				t.Errorf("key fragment survived in %q (from %q)", s, msg)
			}
		}
		if !strings.Contains(v.OpenAI.Message, "[redacted]") {
			t.Errorf("message %q lost its redaction marker", v.OpenAI.Message)
		}
	}
}

func jsonQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Bodies that are not text at all, or are cut mid-structure, classify
// without panicking and keep the invariants.
func TestClassifyOddBodies(t *testing.T) {
	bodies := [][]byte{
		nil,
		{0xff, 0xfe, 0x00, 0x1b, 0x9b, 0xc2},
		[]byte(strings.Repeat("\x00\xff", 1<<17)),
		[]byte(`{"error":`),
		[]byte(`{"error":{"message":null}}`),
		[]byte(`{"cloudflare_error":true,"error_code":"1020"`),
		[]byte("---\ncloudflare_error: true\nerror_code: 1020\n"),
		[]byte("<title>" + strings.Repeat("a", 5000)),
		[]byte(strings.Repeat("<title>", 10000)),
		[]byte(strings.Repeat("Ray ID: ", 50000)),
		[]byte("error code: 99999"),
		[]byte(strings.Repeat("x", maxClassifyBody+1000) + "error code: 1020"),
	}
	for i, b := range bodies {
		for _, status := range []int{200, 403, 429, 503, 530} {
			h := http.Header{}
			h.Set("server", "cloudflare")
			v := Classify(ClassifyInput{Status: status, Header: h, Body: b, ExpectCloudflare: true})
			checkVerdictSafe(t, v)
			if i == len(bodies)-1 && v.Code == 1020 {
				t.Errorf("a marker past the 256 KiB cap was read")
			}
		}
	}
}
