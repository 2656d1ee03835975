package collect

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

const sampleTrace = "fl=80f417\nh=chatgpt.com\nip=203.0.113.7\nts=1772941360.629\nvisit_scheme=https\n" +
	"uag=Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/145.0.0.0 Safari/537.36 a=b==c\n" +
	"colo=TPE\nsliver=none\nhttp=http/2\nloc=TW\ntls=TLSv1.3\nsni=plaintext\nwarp=off\ngateway=off\nrbi=off\nkex=X25519MLKEM768\n"

func TestParseTrace(t *testing.T) {
	f := parseTrace([]byte(sampleTrace))
	want := map[string]string{
		"fl": "80f417", "h": "chatgpt.com", "ip": "203.0.113.7", "ts": "1772941360.629", "loc": "TW", "colo": "TPE",
		"uag":    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/145.0.0.0 Safari/537.36 a=b==c",
		"sliver": "none", "kex": "X25519MLKEM768", "rbi": "off",
	}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s = %q, want %q", k, f[k], v)
		}
	}
	if len(f) != 16 {
		t.Errorf("%d fields, want 16", len(f))
	}

	odd := parseTrace([]byte("\r\nloc=DE\r\nno equals here\n=novalue\nip=\x1b[31m198.51.100.1\x1b[0m\nnew_field=x\nloc=FR\nuag=\n"))
	if odd["loc"] != "FR" || odd["ip"] != "198.51.100.1" || odd["new_field"] != "x" || odd["uag"] != "" || len(odd) != 4 {
		t.Errorf("odd trace parsed as %q", odd)
	}
	// Keys are Cloudflare's words; a hostile key of any other text is not
	// a field (it would be shown and written as it came).
	hostile := parseTrace([]byte("ip=198.51.100.1\nsk-proj-abc123=x\n\x1b]0;t=y\nOK_Key9=z\nx-lab=v\na.b=c\n" + strings.Repeat("k", 33) + "=w\n"))
	if len(hostile) != 4 || hostile["OK_Key9"] != "z" || hostile["x-lab"] != "v" || hostile["a.b"] != "c" {
		t.Errorf("hostile keys parsed as %q", hostile)
	}

	var flood strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&flood, "k%d=v\n", i)
	}
	if n := len(parseTrace([]byte(flood.String()))); n != maxTraceFields {
		t.Errorf("flood kept %d fields, want %d", n, maxTraceFields)
	}
	if len(parseTrace(nil)) != 0 || looksLikeTrace(parseTrace([]byte("<html>a=b</html>"))) {
		t.Error("non-trace bodies read as traces")
	}
}

func TestParseTraceTS(t *testing.T) {
	ts, ok := parseTraceTS("1772941360.629")
	if !ok || ts.Unix() != 1772941360 || ts.Nanosecond() != 629*int(time.Millisecond) {
		t.Errorf("ts = %v %v", ts, ok)
	}
	for _, bad := range []string{"", "abc", "-5", "NaN", "1e300"} {
		if _, ok := parseTraceTS(bad); ok {
			t.Errorf("parseTraceTS(%q) accepted", bad)
		}
	}
}

func TestTraceProbesPlan(t *testing.T) {
	env := map[string]string{}
	w := probes.World{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	cfg := probes.DefaultConfig()
	cfg.Targets = append(cfg.Targets, probes.WebTarget("https://chatgpt.com/backend-api/"), probes.Target{URL: "https://example.net/", Kind: probes.TargetWeb})
	ids := func() string {
		var s []string
		for _, p := range traceProbes(cfg, w) {
			s = append(s, p.ID)
			if p.Kind != probes.KindEdgeTrace || !strings.HasSuffix(p.Target, "/cdn-cgi/trace") {
				t.Errorf("probe %s kind %s target %s", p.ID, p.Kind, p.Target)
			}
		}
		return strings.Join(s, " ")
	}
	if got, want := ids(), "trace:chatgpt.com:direct trace:chat.openai.com:direct trace:api.openai.com:direct"; got != want {
		t.Errorf("ids %s, want %s", got, want)
	}
	env["HTTPS_PROXY"] = "http://proxy.corp:3128"
	env["NO_PROXY"] = "api.openai.com"
	if got, want := ids(), "trace:chatgpt.com:direct trace:chatgpt.com:proxy trace:chat.openai.com:direct trace:chat.openai.com:proxy trace:api.openai.com:direct"; got != want {
		t.Errorf("with proxy: %s, want %s", got, want)
	}
}

type offsetClock struct{ d time.Duration }

func (c offsetClock) Now() time.Time { return time.Now().Add(c.d) }

func TestTraceProbeRuns(t *testing.T) {
	traceHandler := func(w http.ResponseWriter, r *http.Request) {
		cfHeaders(w)
		w.Header().Set("Content-Type", "text/plain")
		ts := float64(time.Now().UnixMilli()) / 1000
		body := strings.Replace(sampleTrace, "ts=1772941360.629", fmt.Sprintf("ts=%.3f", ts), 1)
		_, _ = io.WriteString(w, body)
	}
	cases := []struct {
		name    string
		handler http.HandlerFunc
		noDNS   bool
		status  probes.Status
		reason  string
		check   func(t *testing.T, d *probes.TraceDetails)
	}{
		{
			name: "trace", handler: traceHandler, status: probes.StatusPass,
			reason: "Cloudflare sees this machine as 203.0.113.7 in TW via data centre TPE",
			check: func(t *testing.T, d *probes.TraceDetails) {
				if d.IP != "203.0.113.7" || d.Loc != "TW" || d.Warp != "off" || d.UAG == "" || d.Fields["sliver"] != "none" || d.TS.IsZero() {
					t.Errorf("details %+v", d)
				}
				// The local clock runs five minutes behind the edge.
				if d.ClockSkew == nil || d.ClockSkew.D() < 4*time.Minute || d.ClockSkew.D() > 6*time.Minute {
					t.Errorf("skew %v, want about +5m", d.ClockSkew)
				}
			},
		},
		{
			name: "trace itself blocked", handler: block1020, status: probes.StatusFail,
			reason: "even the trace on chatgpt.com was blocked",
			check: func(t *testing.T, d *probes.TraceDetails) {
				if !d.FromBlockPage || d.Verdict.Kind != classify.VerdictCFBlock {
					t.Errorf("details %+v", d)
				}
			},
		},
		{
			name: "not behind Cloudflare", status: probes.StatusSkipped,
			handler: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			reason:  "chatgpt.com is not behind Cloudflare",
		},
		{
			name: "no such host", noDNS: true, status: probes.StatusFail,
			reason: "no Cloudflare trace: DNS: chatgpt.com does not exist",
			check: func(t *testing.T, d *probes.TraceDetails) {
				if d.Failure != "nxdomain" {
					t.Errorf("failure %q", d.Failure)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tw := newTestWorld(t)
			tw.clock = offsetClock{-5 * time.Minute}
			if !tc.noDNS {
				mux := http.NewServeMux()
				mux.HandleFunc("/cdn-cgi/trace", tc.handler)
				srv := tw.serve(mux)
				tw.host("chatgpt.com", cgV4, "", addr(srv))
			}
			cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
			r := runProbe(t, probeByID(t, traceProbes(cfg, tw.World()), "trace:chatgpt.com:direct"))
			d, ok := r.Details.(*probes.TraceDetails)
			if !ok {
				t.Fatalf("details %T", r.Details)
			}
			if r.Status != tc.status || !strings.HasPrefix(r.Reason, tc.reason) {
				t.Errorf("got %s %q, want %s %q…", r.Status, r.Reason, tc.status, tc.reason)
			}
			if d.URL != "https://chatgpt.com/cdn-cgi/trace" || d.Host != "chatgpt.com" || d.Route != probes.RouteDirect {
				t.Errorf("url %s host %s route %s", d.URL, d.Host, d.Route)
			}
			if tc.check != nil {
				tc.check(t, d)
			}
			assertClean(t, r)
		})
	}
}
