package classify

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchBody builds a 256 KiB page that looks like a real single-page app
// (markup, inline script, words the scanner watches for such as "error",
// "location" and "login" scattered through it), with tail appended at the
// very end.
func benchBody(tb testing.TB, tail string) []byte {
	tb.Helper()
	chunk := `<div class="msg" data-id="c-1"><p>Error handling in the client: when location changes, the login form ` +
		`resets. Ray tracing aside, the portal shows data.</p><a href="/c/abc?x=1&amp;y=2">link</a></div>` + "\n" +
		`<script>window.__state={"user":null,"flags":{"a":true},"error":null};function f(e){if(e&&e.code){console.log("err",e)}}</script>` + "\n"
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><title>ChatGPT</title></head><body>\n")
	for b.Len()+len(chunk)+len(tail)+16 < maxClassifyBody {
		b.WriteString(chunk)
	}
	for b.Len()+len(tail)+16 < maxClassifyBody {
		b.WriteByte(' ')
	}
	b.WriteString(tail)
	b.WriteString("</body></html>\n")
	return []byte(b.String())
}

// BenchmarkClassify256KiB measures a full 256 KiB body: with Cloudflare
// block-page markers at its very end (the scanner must still find them),
// and with none at all (the common case of a normal page).
func BenchmarkClassify256KiB(b *testing.B) {
	waf, err := os.ReadFile(filepath.Join("testdata", "classify", "cf_waf.html"))
	if err != nil {
		b.Fatal(err)
	}
	h := http.Header{}
	h.Set("server", "cloudflare")
	h.Set("content-type", "text/html")
	for _, bc := range []struct {
		name   string
		status int
		body   []byte
		want   VerdictKind
	}{
		{"markers-at-end", 403, benchBody(b, string(waf)), VerdictCFBlock},
		{"no-markers", 200, benchBody(b, ""), VerdictOK},
	} {
		b.Run(bc.name, func(b *testing.B) {
			in := ClassifyInput{Status: bc.status, Header: h, Body: bc.body, ExpectCloudflare: true}
			if v := Classify(in); v.Kind != bc.want {
				b.Fatalf("kind %s, want %s (%+v)", v.Kind, bc.want, v)
			}
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				Classify(in)
			}
		})
	}
}
