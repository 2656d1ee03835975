package collect

import (
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/sanitize/fuzzcheck"
)

// FuzzParseRaw feeds the lenient re-read of answers Go's HTTP parser
// rejects (capped at rawReadCap, as read). Invariants: no panic, bounded
// time, a three-digit status when accepted, header names and values,
// protocol and violations clean, and the broken-answer text clean.
func FuzzParseRaw(f *testing.F) {
	f.Add([]byte("HTTP/1.1 403 Forbidden\r\nServer: cloudflare\r\nCF-RAY: 8f1c2e3d4b5a6978-SJC\r\nX-Bad\x1b[2J: v\r\nno colon here\r\nContent-Length: 40\r\n\r\nerror code: 1020"), true)
	f.Add([]byte("HTTP/1.0 200 OK\nA: \x1b]0;t\x07b\n\u202eX: y\n\n"), false)
	f.Add([]byte("HTTP/1.1 999\r\nSet-Cookie: __cf_bm="+fuzzcheck.CookieCore+"\r\n"), true)
	f.Fuzz(func(t *testing.T, b []byte, complete bool) {
		b = capBytes(b, rawReadCap)
		var a rawAnswer
		var ok bool
		fuzzcheck.Within(t, func() { a, ok = parseRaw(b, complete) })
		if !ok {
			return
		}
		if a.Status < 100 || a.Status > 999 {
			t.Fatalf("status %d", a.Status)
		}
		fuzzcheck.Strings(t, a, fuzzcheck.Options{})
		fuzzcheck.Strings(t, brokenAnswer(a, "malformed HTTP response"), fuzzcheck.Options{})
	})
}
