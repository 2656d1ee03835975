package session

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// labSession starts a lab scenario and a session over its staged machine.
func labSession(t *testing.T, scenario string, history int) *Session {
	t.Helper()
	l, err := lab.Start(scenario, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return New(Options{Mode: "demo", Scenario: scenario, Version: "test", Config: l.Config(), World: l.MachineWorld(), History: history})
}

// TestRunStreamsAndDiagnoses: a run lists its plan before any answer,
// streams one result per planned probe tagged with its run ID, and ends in
// a diagnosis that names the block, recorded as the session's latest run.
func TestRunStreamsAndDiagnoses(t *testing.T) {
	s := labSession(t, "block-1020", 0)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run := s.Start(ctx, nil)
	if len(run.Planned) == 0 || run.Seq != 1 || run.ID == "" {
		t.Fatalf("run: %d planned, seq %d, id %q", len(run.Planned), run.Seq, run.ID)
	}
	planned := map[string]bool{}
	for _, p := range run.Planned {
		planned[p.ID] = true
	}
	got := 0
	for r := range run.Results() {
		if r.RunID != run.ID {
			t.Errorf("result %s carries run %q, want %q", r.ID, r.RunID, run.ID)
		}
		if planned[r.ID] {
			got++
		}
	}
	if got != len(run.Planned) {
		t.Errorf("%d of %d planned probes reported", got, len(run.Planned))
	}
	d := run.Wait()
	if d.Outcome.Status != OutcomeProblem || d.Outcome.ExitCode != 1 || len(d.Findings) == 0 {
		t.Fatalf("outcome %+v with %d findings, want a problem", d.Outcome, len(d.Findings))
	}
	if again := run.Wait(); again.Seq != d.Seq {
		t.Error("a second Wait returned another diagnosis")
	}
	latest, ok := s.Latest()
	if !ok || latest.Snapshot.RunID != run.ID {
		t.Fatalf("latest run is %q, want %q", latest.Snapshot.RunID, run.ID)
	}
	if runs, _ := s.History(); len(runs) != 1 {
		t.Errorf("history holds %d runs after one Wait twice, want 1", len(runs))
	}

	// The document carries the diagnosis and decodes back.
	doc := s.Document(d)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Outcome Outcome `json:"outcome"`
		RunID   string  `json:"run_id"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Outcome.Headline != d.Outcome.Headline || back.RunID != run.ID {
		t.Errorf("document says %q for run %q", back.Outcome.Headline, back.RunID)
	}
}

// TestWhatIfRunStaysOutOfHistory: a run with a changed configuration
// proves something but is not the machine's state.
func TestWhatIfRunStaysOutOfHistory(t *testing.T) {
	s := labSession(t, "healthy", 0)
	ctx := context.Background()
	first := s.Start(ctx, nil).Wait()
	whatIf := s.Start(ctx, func(c *probes.Config) { c.BypassProxy = true })
	d := whatIf.Wait()
	if !d.WhatIf || d.Seq != 2 {
		t.Errorf("what-if run: WhatIf %v, seq %d", d.WhatIf, d.Seq)
	}
	if latest, _ := s.Latest(); latest.Seq != first.Seq {
		t.Errorf("latest is run %d, want the real run %d", latest.Seq, first.Seq)
	}
}

// TestHistoryIsBounded: the oldest runs go first, and how many went is
// kept, so a session left refreshing for days stays small.
func TestHistoryIsBounded(t *testing.T) {
	s := New(Options{History: 2, World: probes.World{Clock: probes.SystemClock{}}})
	for i := 1; i <= 5; i++ {
		s.record(Diagnosis{Seq: i})
	}
	runs, dropped := s.History()
	if len(runs) != 2 || runs[0].Seq != 4 || runs[1].Seq != 5 || dropped != 3 {
		t.Errorf("history %+v, dropped %d; want runs 4 and 5, 3 dropped", runs, dropped)
	}
}

// TestGOOSComesFromTheWorld: remedies are planned for the world's system,
// so a demo on macOS reasons as the lab's Linux machine.
func TestGOOSComesFromTheWorld(t *testing.T) {
	s := New(Options{World: probes.World{GOOS: "windows", LookupEnv: func(k string) (string, bool) {
		return "sk-canary", k == "MY_KEY"
	}}, Config: probes.Config{APIKeyEnv: "MY_KEY"}})
	dc := s.DiagnoseContext()
	if dc.GOOS != "windows" || !dc.APIKeyConfigured {
		t.Errorf("diagnose context %+v", dc)
	}
	s.AddAction(remedies.ActionRecord{Action: remedies.ActionFlushDNS})
	if a := s.Actions(); len(a) != 1 || a[0].Action != remedies.ActionFlushDNS {
		t.Errorf("actions %+v", a)
	}
}
