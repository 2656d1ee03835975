package watch

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
	"github.com/gptdoctor/gptdoctor/session"
)

// TestRateLimitsAreRead: a 1015 (with its 30 s Retry-After) and an API
// 429 make the loop back off; a 1020 does not.
func TestRateLimitsAreRead(t *testing.T) {
	for _, tt := range []struct {
		scenario string
		limited  bool
		after    time.Duration
	}{
		{"rate-1015", true, 30 * time.Second},
		{"api-429-rate", true, 0},
		{"block-1020", false, 0},
		{"healthy", false, 0},
	} {
		got := rateLimited(diagnose(t, tt.scenario).Snapshot)
		if got.RateLimited != tt.limited || (tt.after > 0 && got.RetryAfter != tt.after) {
			t.Errorf("%s: %+v, want rate limited %v, Retry-After %s", tt.scenario, got, tt.limited, tt.after)
		}
	}
}

// TestOnceExportsAndLogs: one run updates the metrics and appends its
// document, the check --json schema, as one line that decodes back.
func TestOnceExportsAndLogs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watch.jsonl")
	jl, err := OpenLog(path, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer jl.Close()
	s := labSession(t, "rate-1015")
	w := New(Options{Session: s, Log: jl})
	out := w.Once(context.Background())
	if !out.RateLimited {
		t.Error("a 1015 run was not read as rate limited")
	}
	lines := readLines(t, path)
	if len(lines) != 1 {
		t.Fatalf("%d log lines after one run", len(lines))
	}
	// The line reads back as the document, typed details included.
	var doc session.Document
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != session.SchemaVersion || doc.Mode != "watch" || doc.Scenario != "rate-1015" ||
		len(doc.Results) == 0 || doc.Outcome.Status != session.OutcomeProblem {
		t.Errorf("logged document: schema %d, mode %q, scenario %q, %d results, outcome %q",
			doc.SchemaVersion, doc.Mode, doc.Scenario, len(doc.Results), doc.Outcome.Status)
	}
	limited := false
	for _, r := range doc.Results {
		if d, ok := r.Details.(*probes.EndpointDetails); ok && d.Verdict.Kind == classify.VerdictCFRateLimit {
			limited = true
		}
	}
	if !limited {
		t.Error("the logged document lost the 1015 verdict")
	}
	if v := series(t, w.Exporter().Registry(), MetricVerdict); !strings.Contains(strings.Join(v, "\n"), `code="1015",kind="cf_rate_limit"`) {
		t.Errorf("no 1015 verdict in\n%s", strings.Join(v, "\n"))
	}
}

// TestStopMidRunLogsNothing: stopping while a run waits on a server that
// never answers ends it within the grace period, and the cut-short run is
// neither logged nor exported.
func TestStopMidRunLogsNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watch.jsonl")
	jl, err := OpenLog(path, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer jl.Close()
	w := New(Options{Session: labSession(t, "blackhole"), Log: jl, Schedule: Schedule{Interval: time.Hour}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	time.AfterFunc(100*time.Millisecond, cancel)
	select {
	case <-done:
	case <-time.After(DefaultStopGrace + time.Second):
		t.Fatal("the watcher did not stop within its grace period")
	}
	if b, _ := os.ReadFile(path); len(b) != 0 {
		t.Errorf("a cut-short run was logged: %.200s", b)
	}
	if n := len(series(t, w.Exporter().Registry(), MetricVerdict)); n != 0 {
		t.Errorf("a cut-short run exported %d verdicts", n)
	}
}

// TestHealthz: 200 while the loop runs, 503 before and after; /metrics
// answers in the exposition format.
func TestHealthz(t *testing.T) {
	w := New(Options{Session: labSession(t, "healthy"), Schedule: Schedule{Interval: time.Hour}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stopServer := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(sctx, ln, w.Handler()) }()
	base := "http://" + ln.Addr().String()
	get := func(p string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("healthz before the loop: %d", code)
	}
	ran := make(chan struct{})
	w.opts.Finished = func(session.Diagnosis, session.Document, time.Duration) { close(ran) }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	<-ran
	if code, body := get("/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("healthz while running: %d %q", code, body)
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, MetricVerdict+"{") {
		t.Errorf("metrics: %d without verdicts", code)
	}
	cancel()
	<-done
	if code, _ := get("/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("healthz after the loop: %d", code)
	}
	stopServer()
	if err := <-served; err != nil {
		t.Error(err)
	}
}
