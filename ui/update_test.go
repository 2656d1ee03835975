package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// fakeActions records what the remedy flow asked for and answers with
// canned plans, so the lifecycle is tested without running anything.
type fakeActions struct {
	plans     map[string]remedies.Plan
	executed  []string
	concluded []session.Diagnosis
	declined  []string
	fail      string
}

func (f *fakeActions) PlanAction(id string) (remedies.Plan, error) {
	p, ok := f.plans[id]
	if !ok {
		return remedies.Plan{}, &os.PathError{Op: "plan", Path: id, Err: os.ErrNotExist}
	}
	return p, nil
}

func (f *fakeActions) Execute(_ context.Context, p remedies.Plan) remedies.ActionRecord {
	f.executed = append(f.executed, p.ID())
	rec := remedies.ActionRecord{Action: p.ID(), Title: p.Action.Title, ExitCode: 0, Outcome: remedies.OutcomeNotRechecked}
	if f.fail != "" {
		rec.Outcome, rec.Err, rec.ExitCode = remedies.OutcomeFailed, f.fail, 1
	}
	return rec
}

func (f *fakeActions) Conclude(p remedies.Plan, rec remedies.ActionRecord, after session.Diagnosis) remedies.ActionRecord {
	f.concluded = append(f.concluded, after)
	if rec.Ran() && p.Action.Recheck {
		rec.Outcome, rec.Before, rec.After = remedies.OutcomeConfirmed, "1020 via proxy", "200 direct"
	}
	return rec
}

func (f *fakeActions) Decline(p remedies.Plan) remedies.ActionRecord {
	f.declined = append(f.declined, p.ID())
	return remedies.ActionRecord{Action: p.ID(), Outcome: remedies.OutcomeDeclined}
}

// proxyModel is the dashboard on the proxy scenario after one run, with
// the fake actioner planning bypass-proxy as a what-if re-check.
func proxyModel(t *testing.T, w, h int) (*Model, *clock, *fakeActions) {
	t.Helper()
	c := &clock{t: epoch}
	s := labSession(t, "proxy")
	fa := &fakeActions{plans: map[string]remedies.Plan{
		remedies.ActionBypassProxy: {Action: remedies.Action{ID: remedies.ActionBypassProxy, Title: "Re-check without the proxy",
			Kind: remedies.KindReprobe, Recheck: true, Risk: remedies.RiskNoChange}, Confirmations: 1,
			Mutate: func(c *probes.Config) { c.BypassProxy = true }},
		remedies.ActionFlushDNS: {Action: remedies.Action{ID: remedies.ActionFlushDNS, Title: "Flush the DNS cache", Kind: remedies.KindCommand,
			Recheck: true, Risk: remedies.RiskDisruptive, Warning: "drops the connection"}, Confirmations: 2,
			Commands: [][]string{{"sudo", "--", "resolvectl", "flush-caches"}}, Lines: []string{"sudo resolvectl flush-caches"}, Escalate: true},
	}}
	m := New(Options{Session: s, Interval: time.Minute, Now: c.now, Actions: fa})
	m.after = noTimer
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	feedRun(t, m, c, nil, purposeRefresh)
	return m, c, fa
}

// selectRemedy moves the Remedies selection to the row of remedy id.
func selectRemedy(t *testing.T, m *Model, id string) {
	t.Helper()
	m.Update(press("5"))
	for i := 0; i < 100 && m.selectedRemedy() != id; i++ {
		m.Update(press("j"))
	}
	if m.selectedRemedy() != id {
		t.Fatalf("no remedy %s in the Remedies pane:\n%s", id, screen(m))
	}
}

func TestFocusKeys(t *testing.T) {
	m := New(Options{Now: (&clock{t: epoch}).now})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if m.focus != paneEndpoints {
		t.Fatalf("starts on %s, want Endpoints", paneTitles[m.focus])
	}
	steps := []struct {
		key  string
		want paneID
	}{{"tab", paneRemedies}, {"tab", paneActivity}, {"tab", paneIdentity}, {"shift+tab", paneActivity}, {"2", paneDNS}, {"6", paneActivity}, {"1", paneIdentity}, {"shift+tab", paneActivity}}
	for _, s := range steps {
		m.Update(press(s.key))
		if m.focus != s.want {
			t.Fatalf("after %s focus is %s, want %s", s.key, paneTitles[m.focus], paneTitles[s.want])
		}
	}
	if !strings.Contains(screen(m), "▶6 Activity") {
		t.Errorf("the focused pane is not marked:\n%s", screen(m))
	}
}

func TestSelectionAndDetails(t *testing.T) {
	m, _, _ := proxyModel(t, 120, 40)
	// The first finished run with findings moves focus to Remedies.
	if m.focus != paneRemedies {
		t.Fatalf("focus %s after the first diagnosis, want Remedies", paneTitles[m.focus])
	}
	first := m.remedies.selectedKey()
	if first != "finding:0" {
		t.Fatalf("selection starts on %q, want the top finding", first)
	}
	m.Update(press("j"))
	if k := m.remedies.selectedKey(); !strings.HasPrefix(k, "remedy:0:") {
		t.Fatalf("j moved to %q: the evidence line is not selectable, the first remedy is", k)
	}
	m.Update(press("k"))
	if k := m.remedies.selectedKey(); k != first {
		t.Fatalf("k moved to %q, want back to %q", k, first)
	}
	m.Update(press("enter"))
	if m.details == nil || !strings.Contains(screen(m), "Evidence") {
		t.Fatalf("enter on a finding shows no evidence:\n%s", screen(m))
	}
	m.Update(press("esc"))
	if m.details != nil {
		t.Fatal("esc did not close the details")
	}

	// Endpoints: rows are targets, columns their cells.
	m.Update(press("4"))
	a := m.endpoints.selectedID()
	m.Update(press("l"))
	b := m.endpoints.selectedID()
	m.Update(press("j"))
	c := m.endpoints.selectedID()
	if a == b || b == c || !strings.HasPrefix(a, "endpoint:chatgpt.com:") || strings.HasPrefix(c, "endpoint:chatgpt.com:") {
		t.Fatalf("cells selected: %q, %q, %q", a, b, c)
	}
	m.Update(press("enter"))
	got := screen(m)
	for _, want := range []string{"Timing", "first byte", "Headers that matter", "total"} {
		if !strings.Contains(got, want) {
			t.Errorf("cell details lack %q:\n%s", want, got)
		}
	}
}

// TestStaleRunRejected: results and diagnoses of a run that is not the
// newest never reach the panes.
func TestStaleRunRejected(t *testing.T) {
	m, _, _ := proxyModel(t, 120, 40)
	before := m.last
	m.cur = &runState{id: "new-run", results: map[string]probes.Result{}, planned: []session.Planned{{ID: "dns:config", Kind: probes.KindDNS}}, order: []string{"dns:config"}}
	m.sync()
	m.Update(resultMsg{runID: "old-run", res: probes.Result{ID: "dns:config", Kind: probes.KindDNS, Status: probes.StatusFail, Reason: "stale"}})
	if _, ok := m.cur.results["dns:config"]; ok {
		t.Fatal("a result of an older run was kept")
	}
	if !m.board.pending["dns:config"] {
		t.Fatal("the newest run's probe no longer shows as pending")
	}
	m.Update(runDoneMsg{runID: "old-run", diag: session.Diagnosis{Seq: 8}})
	if m.last != before || m.cur == nil {
		t.Fatal("the diagnosis of an older run replaced the newest")
	}
	m.Update(resultMsg{runID: "new-run", res: probes.Result{ID: "dns:config", Kind: probes.KindDNS, Status: probes.StatusPass, Reason: "fresh"}})
	if r := m.cur.results["dns:config"]; r.Reason != "fresh" {
		t.Fatal("the newest run's result was not kept")
	}
}

// TestPendingFromFirstFrame: planned probes show as pending rows with the
// spinner before any answer.
func TestPendingFromFirstFrame(t *testing.T) {
	c := &clock{t: epoch}
	s := labSession(t, "healthy")
	m := newTestModel(s, c, 200, 60, 0)
	m.startRun(purposeRefresh, nil)
	run := s.Start(context.Background(), nil)
	defer func() { run.Cancel(); run.Wait() }()
	m.Update(runStartedMsg{run: run, purpose: purposeRefresh})
	got := screen(m)
	if n := strings.Count(got, "pending"); n < 10 {
		t.Fatalf("%d pending rows before any answer:\n%s", n, got)
	}
	if !strings.Contains(got, "Checking how this machine reaches ChatGPT") {
		t.Errorf("header does not say a run is in progress:\n%s", got)
	}
}

func TestRemedyLifecycle(t *testing.T) {
	m, c, fa := proxyModel(t, 120, 40)
	selectRemedy(t, m, "bypass-proxy")

	// a opens the dialog on Cancel; enter declines.
	cmd := m.Update2(press("a"))
	m.Update(cmd())
	if m.dlg == nil || m.dlg.focus != 0 || m.dlg.buttons[0] != "Cancel" {
		t.Fatalf("dialog %+v, want focus on Cancel", m.dlg)
	}
	m.Update(press("enter"))
	if m.dlg != nil || len(fa.declined) != 1 || len(fa.executed) != 0 {
		t.Fatalf("enter on Cancel: declined %v, executed %v", fa.declined, fa.executed)
	}

	// a, tab to Run, enter: runs, re-checks, concludes.
	m.Update(m.Update2(press("a"))())
	m.Update(press("tab"))
	run := m.Update2(press("enter"))
	if m.flow.stage != flowRunning || run == nil {
		t.Fatalf("after Run the flow is %v", m.flow.stage)
	}
	if !strings.Contains(screen(m), "running") {
		t.Errorf("no running mark while the action runs:\n%s", screen(m))
	}
	m.Update(run()) // Execute (fake) -> actionRanMsg -> re-check starts
	if len(fa.executed) != 1 || m.flow.stage != flowRecheck || m.cur == nil {
		t.Fatalf("after Execute: executed %v, stage %v", fa.executed, m.flow.stage)
	}
	feedRun(t, m, c, m.flow.plan.Mutate, purposeRecheck)
	if len(fa.concluded) != 1 || !fa.concluded[0].WhatIf {
		t.Fatalf("conclude got %d diagnoses (want the what-if re-check)", len(fa.concluded))
	}
	got := screen(m)
	for _, want := range []string{"✓ confirmed", "1020 via proxy → 200 direct"} {
		if !strings.Contains(got, want) {
			t.Errorf("outcome %q not shown:\n%s", want, got)
		}
	}
	if !strings.Contains(m.log[len(m.log)-1].text, "bypass-proxy: confirmed") {
		t.Errorf("activity log ends with %q", m.log[len(m.log)-1].text)
	}
	if m.flow.stage != flowIdle {
		t.Errorf("flow %v after the outcome, want idle", m.flow.stage)
	}
}

// Update2 is Update returning only the command.
func (m *Model) Update2(msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

// TestDisruptiveNeedsSecondConfirmation: the second dialog opens without a
// keypress of its own, so it ignores keys for the grace period, and its
// focus is on Cancel again.
func TestDisruptiveNeedsSecondConfirmation(t *testing.T) {
	m, c, fa := proxyModel(t, 120, 40)
	m.flow = flow{stage: flowPlanning, remedy: "flush-dns"}
	m.Update(m.Update2(planMsg{plan: fa.plans[remedies.ActionFlushDNS], remedy: "flush-dns", byKey: true}))
	if !strings.Contains(screen(m), "$ sudo resolvectl flush-caches") || !strings.Contains(screen(m), "disruptive") {
		t.Fatalf("dialog lacks the command or the risk:\n%s", screen(m))
	}
	m.Update(press("tab"))
	m.Update(press("enter"))
	if m.dlg == nil || m.dlg.step != 2 || m.dlg.focus != 0 || len(fa.executed) != 0 {
		t.Fatalf("after the first yes: dialog %+v, executed %v", m.dlg, fa.executed)
	}
	m.Update(press("tab"))
	m.Update(press("enter"))
	if m.dlg == nil || m.dlg.focus != 0 {
		t.Fatal("keys during the grace period answered the second dialog")
	}
	c.advance(graceDelay)
	m.Update(press("tab"))
	cmd := m.Update2(press("enter"))
	if m.dlg != nil || cmd == nil || m.flow.stage != flowRunning {
		t.Fatalf("second yes did not run: dialog %+v, stage %v", m.dlg, m.flow.stage)
	}
}

// TestDialogWithoutKeypressHasGrace: a dialog that opens on its own
// swallows keys for a moment.
func TestDialogWithoutKeypressHasGrace(t *testing.T) {
	m, c, fa := proxyModel(t, 120, 40)
	m.flow = flow{stage: flowPlanning}
	m.Update(planMsg{plan: fa.plans[remedies.ActionBypassProxy], remedy: "bypass-proxy"})
	m.Update(press("esc"))
	if m.dlg == nil {
		t.Fatal("esc closed a dialog during its grace period")
	}
	c.advance(graceDelay + time.Millisecond)
	m.Update(press("esc"))
	if m.dlg != nil || len(fa.declined) != 1 {
		t.Fatal("esc after the grace period did not decline")
	}
}

func TestFailedActionShowsWhy(t *testing.T) {
	m, _, fa := proxyModel(t, 120, 40)
	fa.fail = "resolvectl: not found"
	selectRemedy(t, m, "bypass-proxy")
	m.Update(m.Update2(press("a"))())
	m.Update(press("tab"))
	m.Update(m.Update2(press("enter"))())
	if m.cur != nil || m.flow.stage != flowIdle {
		t.Fatal("a failed action was re-checked")
	}
	if got := screen(m); !strings.Contains(got, "✗ failed") || !strings.Contains(got, "resolvectl: not found") {
		t.Errorf("failure not shown:\n%s", got)
	}
}

// TestRefreshTimingAndBackoff: the interval counts from the end of a run;
// a stale timer is ignored; rate-limited answers double the wait up to the
// cap and the header says so; a clean run resets it.
func TestRefreshTimingAndBackoff(t *testing.T) {
	m, c, _ := proxyModel(t, 200, 60)
	if want := c.now().Add(time.Minute); !m.nextRefresh.Equal(want) {
		t.Fatalf("next refresh %v, want %v", m.nextRefresh, want)
	}
	gen := m.refreshGen
	m.Update(refreshMsg{gen: gen - 1})
	if m.cur != nil {
		t.Fatal("a stale timer started a run")
	}
	c.advance(time.Minute)
	m.Update(refreshMsg{gen: gen})
	if m.cur == nil {
		t.Fatal("the timer did not start a run")
	}

	limited := session.Diagnosis{Seq: 50, Snapshot: probes.Snapshot{Results: []probes.Result{{ID: "endpoint:chatgpt.com:direct-ipv4-plain", Kind: probes.KindEndpoint, Status: probes.StatusFail,
		Details: &probes.EndpointDetails{StatusCode: 429, Verdict: classify.Verdict{Kind: classify.VerdictCFRateLimit, Code: 1015, Cloudflare: true, RetryAfterSeconds: 30}}}}}}
	waits := []time.Duration{2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	for i, want := range waits {
		m.cur = &runState{id: "r", results: map[string]probes.Result{}}
		limited.Seq++
		m.Update(runDoneMsg{runID: "r", diag: limited})
		if got := m.nextRefresh.Sub(c.now()); got != want {
			t.Fatalf("rate-limited run %d: next run in %s, want %s", i+1, got, want)
		}
	}
	if got := screen(m); !strings.Contains(got, "backing off to 15m: rate limited") {
		t.Errorf("header does not say it backs off:\n%s", got)
	}
	m.cur = &runState{id: "r2", results: map[string]probes.Result{}}
	m.Update(runDoneMsg{runID: "r2", diag: session.Diagnosis{Seq: 99}})
	if got := m.nextRefresh.Sub(c.now()); got != time.Minute || m.backoff != 0 {
		t.Fatalf("after a clean run the wait is %s (backoff %d), want the interval", got, m.backoff)
	}
}

func TestPause(t *testing.T) {
	m, c, _ := proxyModel(t, 120, 40)
	gen := m.refreshGen
	m.Update(press("space"))
	if !m.paused || !strings.Contains(screen(m), "paused") {
		t.Fatalf("space did not pause:\n%s", screen(m))
	}
	c.advance(2 * time.Minute)
	m.Update(refreshMsg{gen: gen})
	if m.cur != nil {
		t.Fatal("a paused dashboard refreshed")
	}
	m.Update(press("space"))
	if m.paused || m.cur == nil {
		t.Fatal("resuming after the refresh was due did not run at once")
	}
	// r still works while paused.
	m.cur = nil
	m.Update(press("space"))
	m.Update(press("r"))
	if m.cur == nil {
		t.Fatal("r did not run while paused")
	}
}

func TestResizeAndTooSmall(t *testing.T) {
	m, _, _ := proxyModel(t, 200, 60)
	if m.lay.Stacked || m.lay.TooSmall {
		t.Fatal("200x60 is not a grid")
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if !m.lay.Stacked || len(strings.Split(screen(m), "\n")) != 24 {
		t.Fatalf("80x24: stacked %v, %d lines", m.lay.Stacked, len(strings.Split(screen(m), "\n")))
	}
	m.Update(tea.WindowSizeMsg{Width: 50, Height: 12})
	got := screen(m)
	if !strings.Contains(got, "needs at least 60×16") || !strings.Contains(got, "now 50×12") {
		t.Fatalf("too small screen:\n%s", got)
	}
	m.Update(press("tab"))
	if m.focus != paneRemedies {
		t.Fatal("keys other than q act on a screen too small to show them")
	}
	if _, ok := m.Update2(press("q"))().(tea.QuitMsg); !ok {
		t.Fatal("q does not quit when the window is too small")
	}
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {60, 16}, {119, 31}, {120, 32}, {300, 100}} {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		out := screen(m)
		if sz[0] >= MinWidth {
			if n := len(strings.Split(out, "\n")); n != sz[1] {
				t.Errorf("%dx%d: %d lines", sz[0], sz[1], n)
			}
			for _, l := range strings.Split(out, "\n") {
				if w := len([]rune(l)); w > sz[0] {
					t.Errorf("%dx%d: a line is %d cells wide", sz[0], sz[1], w)
					break
				}
			}
		}
	}
}

func TestShareModeMasks(t *testing.T) {
	m, _, _ := proxyModel(t, 200, 60)
	if !strings.Contains(screen(m), "203.0.113.") {
		t.Skip("the scenario shows no public IP to mask")
	}
	m.Update(press("s"))
	got := screen(m)
	if strings.Contains(got, "203.0.113.10") || strings.Contains(got, "demo-laptop") || !strings.Contains(got, "203.0.113.0/24") || !strings.Contains(got, "[host]") {
		t.Fatalf("share mode leaves addresses or names:\n%s", got)
	}
	m.Update(press("s"))
	if !strings.Contains(screen(m), "203.0.113.") {
		t.Fatal("share mode does not turn off")
	}
}

func TestExportWritesReport(t *testing.T) {
	c := &clock{t: epoch}
	s := labSession(t, "block-1020")
	dir := t.TempDir()
	m := New(Options{Session: s, Now: c.now, ReportDir: dir})
	m.after = noTimer
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	feedRun(t, m, c, nil, purposeRefresh)
	m.Update(m.Update2(press("e"))())
	want := filepath.Join(dir, "gptdoctor-report-20261207-204103.md")
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "# gptdoctor report") || !strings.Contains(string(b), "1020") || len(m.Reports()) != 1 || !strings.Contains(screen(m), "report written to "+want) {
		t.Fatalf("report %q, reports %v, screen:\n%s", string(b)[:80], m.Reports(), screen(m))
	}
	// Share mode masks the file too.
	m.Update(press("s"))
	c.advance(time.Second)
	m.Update(m.Update2(press("e"))())
	b, _ = os.ReadFile(filepath.Join(dir, "gptdoctor-report-20261207-204104.md"))
	if strings.Contains(string(b), "203.0.113.10") {
		t.Error("a share-mode report keeps the public IP")
	}
}

func TestCopySummary(t *testing.T) {
	m, _, _ := proxyModel(t, 120, 40)
	cmd := m.Update2(press("y"))
	if cmd == nil || !strings.Contains(m.toast, "support summary copied") {
		t.Fatalf("y: cmd %v, toast %q", cmd, m.toast)
	}
}

// TestHelpIsTruthful: the ? overlay lists only bindings that act here.
func TestHelpIsTruthful(t *testing.T) {
	m := New(Options{Now: (&clock{t: epoch}).now})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(press("?"))
	got := screen(m)
	if !strings.Contains(got, "quit") || strings.Contains(got, "apply remedy") || strings.Contains(got, "write report") || strings.Contains(got, "pause refresh") {
		t.Fatalf("help shows keys that do nothing without a run or interval:\n%s", got)
	}
	m.Update(press("esc"))
	if m.showHelp {
		t.Fatal("esc did not close help")
	}
}

// TestRetryFollowsItsSchedule: the retry action waits each step of its
// back-off and re-checks until the targets answer or the steps run out,
// then concludes once.
func TestRetryFollowsItsSchedule(t *testing.T) {
	m, c, fa := proxyModel(t, 120, 40)
	fa.plans[remedies.ActionRetry] = remedies.Plan{Action: remedies.Action{ID: remedies.ActionRetry, Title: "Retry", Kind: remedies.KindRetry, Recheck: true},
		Confirmations: 1, Retry: []time.Duration{2 * time.Second, 4 * time.Second}}
	m.flow = flow{stage: flowPlanning, remedy: "wait-retry", id: 7}
	m.Update(planMsg{plan: fa.plans[remedies.ActionRetry], remedy: "wait-retry", byKey: true})
	m.Update(press("tab"))
	m.Update(m.Update2(press("enter"))())
	if m.flow.stage != flowWaiting || m.flow.step != 0 || m.cur != nil {
		t.Fatalf("after Execute: stage %v step %d", m.flow.stage, m.flow.step)
	}
	m.Update(retryWaitMsg{id: 6})
	if m.cur != nil {
		t.Fatal("a timer of an older flow started the re-check")
	}
	m.Update(retryWaitMsg{id: 7})
	if m.flow.stage != flowRecheck || m.cur == nil {
		t.Fatalf("the wait's end did not re-check: stage %v", m.flow.stage)
	}
	feedRun(t, m, c, nil, purposeRecheck) // still blocked through the proxy
	if m.flow.stage != flowWaiting || m.flow.step != 1 || len(fa.concluded) != 0 {
		t.Fatalf("after a failing re-check: stage %v step %d, concluded %d", m.flow.stage, m.flow.step, len(fa.concluded))
	}
	m.Update(retryWaitMsg{id: 7})
	feedRun(t, m, c, nil, purposeRecheck)
	if m.flow.stage != flowIdle || len(fa.concluded) != 1 {
		t.Fatalf("after the last step: stage %v, concluded %d", m.flow.stage, len(fa.concluded))
	}
}

// TestRefreshKeepsLastAnswers: while a refresh streams, a cell that has
// not answered yet shows its last answer dimmed beside the spinner.
func TestRefreshKeepsLastAnswers(t *testing.T) {
	m, _, _ := proxyModel(t, 200, 60)
	m.cur = &runState{id: "next", results: map[string]probes.Result{}, order: []string{"endpoint:chatgpt.com:proxy-any-plain"}}
	m.sync()
	got := screen(m)
	if !strings.Contains(got, "⠋ 1020 blocked") {
		t.Fatalf("a pending cell lost its last answer:\n%s", got)
	}
}

// TestLongDialogKeepsItsButtons: on a small screen a long plan scrolls
// and its buttons stay in sight.
func TestLongDialogKeepsItsButtons(t *testing.T) {
	m, _, fa := proxyModel(t, 80, 16)
	p := fa.plans[remedies.ActionFlushDNS]
	for i := range 20 {
		p.Action.Instructions = append(p.Action.Instructions, fmt.Sprintf("step %d of a long set of instructions", i+1))
	}
	m.flow = flow{stage: flowPlanning}
	m.Update(planMsg{plan: p, remedy: "flush-dns", byKey: true})
	got := screen(m)
	if !strings.Contains(got, "[ Cancel ]") || !strings.Contains(got, "↑/↓ scroll") || !strings.Contains(got, "$ sudo resolvectl flush-caches") {
		t.Fatalf("long dialog at 80x16:\n%s", got)
	}
	for range 40 {
		m.Update(press("down"))
	}
	if got := screen(m); !strings.Contains(got, "step 20 of") || !strings.Contains(got, "[ Cancel ]") {
		t.Fatalf("scrolled to the end:\n%s", got)
	}
	m.Update(press("up"))
	if m.dlg.scroll == 0 || m.dlg.scroll > 40 {
		t.Fatalf("scroll %d after 40 downs and an up: not clamped to the text", m.dlg.scroll)
	}
}

// TestRateLimitedMatrixSaysSo: a target whose every blocked cell is a
// 1015 rate limit is summarised as rate limited, as the result's reason
// says it, not as blocked (which reads as the firewall's 1020).
func TestRateLimitedMatrixSaysSo(t *testing.T) {
	s := labSession(t, "rate-1015")
	c := &clock{t: epoch}
	m := newTestModel(s, c, 200, 60, time.Minute)
	feedRun(t, m, c, nil, purposeRefresh)
	got := screen(m)
	if !strings.Contains(got, "✗ rate limited ") || strings.Contains(got, " blocked") {
		t.Errorf("the matrix summary of a rate-limited target:\n%s", got)
	}
}

// TestCopyTicketNeedsNoClipboardTool: the dashboard copies the ticket
// through the terminal, so a plan blocked for want of a clipboard tool
// still runs here, runs no command, and the dialog does not promise a
// printed ticket.
func TestCopyTicketNeedsNoClipboardTool(t *testing.T) {
	m, _, fa := proxyModel(t, 120, 40)
	fa.plans[remedies.ActionCopyTicket] = remedies.Plan{Action: remedies.Action{ID: remedies.ActionCopyTicket, Title: "Copy the support ticket to the clipboard",
		Kind: remedies.KindClipboard, Unavailable: "no clipboard tool found; the ticket is printed instead, copy it from the terminal"},
		Blocked: "copy-ticket is not available here: no clipboard tool found; the ticket is printed instead", Ticket: "Subject: test ticket"}
	m.flow = flow{stage: flowPlanning}
	m.Update(planMsg{plan: fa.plans[remedies.ActionCopyTicket], remedy: "copy-ticket", byKey: true})
	got := screen(m)
	if strings.Contains(got, "Cannot run here") || strings.Contains(got, "printed instead") || !strings.Contains(got, "[ Run ]") || !strings.Contains(got, "OSC 52") {
		t.Fatalf("the dialog of a terminal copy:\n%s", got)
	}
	cmd := m.closeDialog(true)
	if cmd == nil || m.outcomes[remedies.ActionCopyTicket].Outcome != remedies.OutcomeDone {
		t.Fatalf("copy-ticket did not run: outcome %+v", m.outcomes[remedies.ActionCopyTicket])
	}
}
