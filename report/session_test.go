package report

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// labRun runs one lab scenario once and returns its diagnosis.
func labRun(t *testing.T, scenario string) (session.Diagnosis, session.Header) {
	t.Helper()
	l, err := lab.Start(scenario, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg := l.Config()
	s := session.New(session.Options{Mode: "demo", Scenario: scenario, Version: "v0.0.0-test", Config: cfg, World: l.MachineWorld(),
		Settings: session.Settings{Targets: cfg.Targets, BudgetMS: probes.Millis(8 * time.Second), APIKeyEnv: "OPENAI_API_KEY"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return s.Start(ctx, nil).Wait(), s.Header()
}

// pinnedStart is when every golden session began; cet is the writer's zone
// in the goldens, so local times differ from UTC.
var (
	pinnedStart = time.Date(2026, 11, 26, 6, 30, 0, 0, time.UTC)
	cet         = session.Zone{Name: "CET", OffsetS: 3600}
)

// Text the lab varies from run to run: measured durations, timestamps,
// certificates made at start-up, request IDs and loopback ports.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`), "2026-11-26T06:30:00Z"},
	{regexp.MustCompile(`\b\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?`), "2026-11-26 06:30"},
	{regexp.MustCompile(`\b20\d\d-\d\d-\d\d\b`), "2026-11-26"},
	{regexp.MustCompile(`\b\d+(\.\d+)?(µs|ms|s)\b`), "5ms"},
	{regexp.MustCompile(`\b[0-9a-f]{64}\b`), "0000000000000000000000000000000000000000000000000000000000000000"},
	{regexp.MustCompile(`\b[0-9a-f]{40}\b`), "0000000000000000000000000000000000000000"},
	{regexp.MustCompile(`req_[0-9a-f]{32}`), "req_00000000000000000000000000000000"},
	{regexp.MustCompile(`"ts":\s*"\d+\.\d+"`), `"ts":"1796625000.000"`},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:40000"},
	{regexp.MustCompile(`\[::1\]:\d+`), "[::1]:40000"},
	{regexp.MustCompile(`[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT`), "Thu, 26 Nov 2026 06:30:00 GMT"},
	{regexp.MustCompile(`"(time_ms|clock_skew_ms)":\s*-?[\d.]+`), `"$1":5`},
}

// pin makes a session record reproducible: the volatile text replaced,
// every time and duration set from the run's position, the zone CET.
func pin(t *testing.T, rec session.Record) session.Record {
	t.Helper()
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range volatile {
		b = v.re.ReplaceAll(b, []byte(v.with))
	}
	rec, err = session.DecodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	rec.Started, rec.Zone = pinnedStart, cet
	rec.Tool.OS, rec.Tool.Arch = "linux", "amd64"
	for i := range rec.Runs {
		run := &rec.Runs[i]
		run.Started = pinnedStart.Add(time.Duration(i) * 5 * time.Minute)
		run.Finished = run.Started.Add(1234 * time.Millisecond)
		run.Duration = probes.Millis(1234 * time.Millisecond)
		run.RunID = "run00000000" + string(rune('1'+i))
		for j := range run.Results {
			r := &run.Results[j]
			r.RunID, r.Started, r.Duration = run.RunID, run.Started, probes.Millis(42*time.Millisecond)
			if d, ok := r.Details.(*probes.EndpointDetails); ok {
				d.ClockSkew = nil
				pinPhase(&d.Timings.DNS, 3)
				pinPhase(&d.Timings.Connect, 5)
				pinPhase(&d.Timings.TLS, 9)
				pinPhase(&d.Timings.FirstByte, 30)
				pinPhase(&d.Timings.Total, 48)
			}
		}
	}
	for i := range rec.Actions {
		rec.Actions[i].Started = pinnedStart.Add(2 * time.Minute)
		rec.Actions[i].Duration = probes.Millis(1500 * time.Millisecond)
	}
	return rec
}

// pinPhase keeps a phase that did not happen at zero.
func pinPhase(m *probes.Millis, ms int) {
	if *m != 0 {
		*m = probes.Millis(time.Duration(ms) * time.Millisecond)
	}
}

// goldenSessions are the sessions the goldens render: a 1020, an API
// quota, an outage seen over three runs (one of them timing out), and a
// remedy applied between two runs. The labs run once per test binary;
// each caller gets its own copy to change.
func goldenSessions(t *testing.T) map[string]session.Record {
	t.Helper()
	goldenOnce.Do(func() {
		goldenJSON = map[string][]byte{}
		for name, rec := range runGoldenSessions(t) {
			b, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			goldenJSON[name] = b
		}
	})
	out := map[string]session.Record{}
	for name, b := range goldenJSON {
		rec, err := session.DecodeRecord(b)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rec
	}
	if len(out) == 0 {
		t.Fatal("the golden sessions could not be made")
	}
	return out
}

var (
	goldenOnce sync.Once
	goldenJSON map[string][]byte
)

func runGoldenSessions(t *testing.T) map[string]session.Record {
	single := func(scenario string) session.Record {
		d, h := labRun(t, scenario)
		d.Seq = 1
		return session.BuildRecord(h, pinnedStart, cet, []session.Diagnosis{d}, 0, nil)
	}
	out := map[string]session.Record{
		"block-1020":    single("block-1020"),
		"api-429-quota": single("api-429-quota"),
	}

	// The outage: down, then timing out, then down again.
	down, h := labRun(t, "outage-503")
	down.Seq = 1
	timedOut := timeOut(down)
	timedOut.Seq = 2
	again, _ := labRun(t, "outage-503")
	again.Seq = 3
	out["outage-503"] = session.BuildRecord(h, pinnedStart, cet, []session.Diagnosis{down, timedOut, again}, 0, nil)

	// A stale cached address, the cache flushed through the session's own
	// action lifecycle on the lab's staged machine (sudo and all), and the
	// re-check that shows it fixed.
	out["remedy-flush-dns"] = remedySession(t)

	for name, rec := range out {
		out[name] = pin(t, rec)
	}
	return out
}

// remedySession applies flush-dns in the stale-dns scenario as the
// dashboard and fix do: plan, execute, re-check, conclude.
func remedySession(t *testing.T) session.Record {
	t.Helper()
	l, err := lab.Start("stale-dns", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg := l.Config()
	s := session.New(session.Options{Mode: "demo", Scenario: "stale-dns", Version: "v0.0.0-test", Config: cfg, World: l.MachineWorld(),
		Settings: session.Settings{Targets: cfg.Targets, BudgetMS: probes.Millis(8 * time.Second), APIKeyEnv: "OPENAI_API_KEY"},
		IsAdmin:  func() bool { return false }})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s.Start(ctx, nil).Wait()
	plan, err := s.PlanAction(remedies.ActionFlushDNS)
	if err != nil {
		t.Fatal(err)
	}
	if rec := s.Apply(ctx, plan); rec.Outcome != remedies.OutcomeFixed {
		t.Fatalf("flush-dns in stale-dns: %s (%s)", rec.Outcome, rec.Line())
	}
	rec := s.Record()
	if len(rec.Runs) != 2 || len(rec.Actions) != 1 {
		t.Fatalf("remedy session: %d runs, %d actions", len(rec.Runs), len(rec.Actions))
	}
	return rec
}

// timeOut is a run in which every endpoint request ran out of time: what
// a flaky link between two outage runs looks like.
func timeOut(d session.Diagnosis) session.Diagnosis {
	b, _ := json.Marshal(session.BuildRecord(session.Header{}, pinnedStart, cet, []session.Diagnosis{d}, 0, nil))
	rec, err := session.DecodeRecord(b)
	if err != nil {
		panic(err)
	}
	run := rec.Runs[0]
	for i, r := range run.Results {
		d, ok := r.Details.(*probes.EndpointDetails)
		if !ok {
			continue
		}
		var blank probes.EndpointDetails // a verdict of no answer
		d.StatusCode, d.Failure, d.Verdict = 0, "header_timeout", blank.Verdict
		d.Timings.FirstByte, d.Timings.Total = 0, 0
		r.Status, r.Reason = probes.StatusUnknown, "no answer before the time ran out"
		r.Error = &probes.StepError{Step: "request", Message: "request " + d.URL + ": timeout awaiting response headers", Timeout: true}
		r.Evidence = nil
		run.Results[i] = r
	}
	snap := run.Snapshot()
	findings := remedies.Diagnose(snap, remedies.DiagnoseContext{GOOS: "linux"})
	return session.Diagnosis{Snapshot: snap, Findings: findings, Outcome: session.Decide(snap, findings)}
}

// TestGoldenReports renders every golden session in every format and
// compares with the committed files (go test ./report -update rewrites
// them).
func TestGoldenReports(t *testing.T) {
	for name, rec := range goldenSessions(t) {
		for _, f := range Formats {
			var b bytes.Buffer
			if err := Render(&b, rec, f, Options{}); err != nil {
				t.Fatalf("%s.%s: %v", name, f, err)
			}
			golden(t, "report-"+name+"."+string(f), b.Bytes())
		}
	}
}

// TestFromJSONRendersTheSame: a saved JSON report, read back, renders
// into the same Markdown and HTML as the session it was written from.
func TestFromJSONRendersTheSame(t *testing.T) {
	for name, rec := range goldenSessions(t) {
		var saved, direct bytes.Buffer
		if err := Render(&saved, rec, JSON, Options{}); err != nil {
			t.Fatal(err)
		}
		back, err := session.DecodeRecord(saved.Bytes())
		if err != nil {
			t.Fatalf("%s: read back: %v", name, err)
		}
		for _, f := range []Format{Markdown, HTML, JSON} {
			direct.Reset()
			if err := Render(&direct, rec, f, Options{}); err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			if err := Render(&again, back, f, Options{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(direct.Bytes(), again.Bytes()) {
				t.Errorf("%s: %s from the saved JSON differs from the direct rendering", name, f)
			}
		}
	}
}
