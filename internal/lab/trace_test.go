package lab

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// parseTrace splits /cdn-cgi/trace as its format requires: on the first
// '=' of each line.
func parseTrace(t *testing.T, body []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("trace line without '=': %q", line)
		}
		out[k] = v
	}
	return out
}

func TestTraceFields(t *testing.T) {
	t.Parallel()
	l := startLab(t, "healthy", Options{})
	w := l.World(probes.World{})
	v4 := variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain)
	ua := "gptdoctor-test/1.0 (a=b)"
	res := fetch(t, w, "https://chatgpt.com/cdn-cgi/trace", fetchOpts{variant: v4, header: http.Header{"User-Agent": {ua}}})
	if res.err != nil || res.status != 200 || res.header.Get("Content-Type") != "text/plain" {
		t.Fatalf("trace: %d %v %q", res.status, res.err, res.header.Get("Content-Type"))
	}
	f := parseTrace(t, res.body)
	want := map[string]string{"h": "chatgpt.com", "ip": "203.0.113.10", "visit_scheme": "https", "uag": ua,
		"colo": "SJC", "sliver": "none", "http": "http/2", "loc": "US", "tls": "TLSv1.3", "sni": "plaintext",
		"warp": "off", "gateway": "off", "rbi": "off"}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("trace %s=%q, want %q", k, f[k], v)
		}
	}
	if f["fl"] == "" || f["kex"] == "" {
		t.Errorf("trace lacks fl or kex: %v", f)
	}
	ts, err := strconv.ParseFloat(f["ts"], 64)
	if err != nil || math.Abs(ts-float64(time.Now().UnixMilli())/1000) > 60 {
		t.Errorf("trace ts=%q is not now", f["ts"])
	}
	if res.header.Get("Cache-Control") != "no-cache" || res.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("trace headers %v", res.header)
	}

	// Plain HTTP, an IP literal without SNI, other hosts, other identity.
	cases := []struct {
		url, family string
		want        map[string]string
	}{
		{"http://chatgpt.com/cdn-cgi/trace", probes.FamilyIPv4, map[string]string{"visit_scheme": "http", "tls": "off", "http": "http/1.1"}},
		{"https://1.1.1.1/cdn-cgi/trace", probes.FamilyIPv4, map[string]string{"h": "1.1.1.1", "sni": "off"}},
		{"https://api.openai.com/cdn-cgi/trace", probes.FamilyIPv6, map[string]string{"h": "api.openai.com", "ip": "2001:db8::10"}},
		{"https://cloudflare.com/cdn-cgi/trace", probes.FamilyIPv4, map[string]string{"h": "cloudflare.com"}},
	}
	for _, c := range cases {
		res := fetch(t, w, c.url, fetchOpts{variant: variant(probes.RouteDirect, c.family, probes.HeadersPlain)})
		if res.err != nil || res.status != 200 {
			t.Fatalf("%s: %d %v", c.url, res.status, res.err)
		}
		f := parseTrace(t, res.body)
		for k, v := range c.want {
			if f[k] != v {
				t.Errorf("%s: %s=%q, want %q", c.url, k, f[k], v)
			}
		}
	}
}

// TestTraceExpectations: every scenario's trace reports the identity its
// Expectation names, on every path that reaches the edge.
func TestTraceExpectations(t *testing.T) {
	t.Parallel()
	for _, sc := range Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			l := startLab(t, sc.Name, Options{Latency: time.Millisecond})
			w := l.World(probes.World{})
			var vs []probes.Variant
			for _, v := range variantsFor(sc) {
				if v.Headers == probes.HeadersPlain {
					vs = append(vs, v)
				}
			}
			results := make([]fetchResult, len(vs))
			var wg sync.WaitGroup
			for i, v := range vs {
				wg.Go(func() {
					// A path expected to answer gets okWait: under -race with
					// every scenario's lab running at once, an answer can
					// take longer than a timeout's short wait.
					wait := timeoutWait
					if _, ok := sc.Expect.Trace[PathKey(v)]; ok {
						wait = okWait
					}
					results[i] = fetch(t, w, "https://chatgpt.com/cdn-cgi/trace", fetchOpts{variant: v, wait: wait})
				})
			}
			wg.Wait()
			for i, v := range vs {
				want, ok := sc.Expect.Trace[PathKey(v)]
				res := results[i]
				if !ok {
					if res.status == 200 {
						t.Errorf("%s: trace answered but no expectation says so", v)
					}
					continue
				}
				if res.status != 200 {
					t.Fatalf("%s: trace %d %v", v, res.status, res.err)
				}
				f := parseTrace(t, res.body)
				got := TraceExpectation{IP: f["ip"], Loc: f["loc"], Colo: f["colo"], Warp: f["warp"]}
				if got != want {
					t.Errorf("%s: trace %+v, want %+v", v, got, want)
				}
				if sc.Name == "escapes" && !strings.Contains(f["x-lab"], "\x1b]0;") {
					t.Errorf("escapes: trace carries no escape sequence")
				}
			}
		})
	}
	// Unsupported-country scenario really is unsupported.
	sc, _ := Lookup("country-1009")
	if loc := sc.Expect.Trace[pathDirect4].Loc; loc != "RU" {
		t.Errorf("country-1009 loc %s", loc)
	}
}
