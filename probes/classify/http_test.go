package classify

import (
	"net"
	"net/http"
	"testing"
	"time"
)

// TestClassifierHTTPFacts holds the classifier's copies of net/http's
// status texts and date parsing to the originals.
func TestClassifierHTTPFacts(t *testing.T) {
	for c := 100; c < 1000; c++ {
		want := ""
		if c >= 400 {
			want = http.StatusText(c)
		}
		if got := statusText(c); got != want {
			t.Errorf("statusText(%d) = %q, net/http says %q", c, got, want)
		}
	}
	for code, want := range map[int]int{statusNoContent: http.StatusNoContent, statusNotModified: http.StatusNotModified,
		statusForbidden: http.StatusForbidden, statusTooManyRequests: http.StatusTooManyRequests} {
		if code != want {
			t.Errorf("status constant %d, net/http says %d", code, want)
		}
	}
	at := time.Date(2026, 12, 7, 19, 4, 5, 0, time.UTC)
	for _, s := range []string{at.Format(http.TimeFormat), at.Format(time.RFC850), at.Format(time.ANSIC), "soon", ""} {
		want, wantErr := http.ParseTime(s)
		got, err := parseHTTPTime(s)
		if !got.Equal(want) || (err == nil) != (wantErr == nil) {
			t.Errorf("parseHTTPTime(%q) = %v, %v; net/http: %v, %v", s, got, err, want, wantErr)
		}
	}
}

func TestSplitHostPortMatchesNet(t *testing.T) {
	for _, hp := range []string{"chatgpt.com", "chatgpt.com:443", "host:", ":80", "[::1]:8443", "[::1]", "::1", "a:b:c",
		"[::1]x:1", "[a]:[b]", "a]:1", "a[:1", "[[::1]]:1", "", ":", "[]:1", "CHATGPT.COM:80"} {
		wantHost, _, err := net.SplitHostPort(hp)
		host, ok := splitHostPort(hp)
		if ok != (err == nil) || (ok && host != wantHost) {
			t.Errorf("splitHostPort(%q) = %q, %v; net: %q, %v", hp, host, ok, wantHost, err)
		}
	}
}
