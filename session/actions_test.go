package session

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// staleSession is a session over the stale-dns lab, whose staged user is
// not root (so flush-dns goes through the staged sudo), checked once.
func staleSession(t *testing.T) (*Session, Diagnosis) {
	t.Helper()
	l, err := lab.Start("stale-dns", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s := New(Options{Mode: "demo", Scenario: "stale-dns", Config: l.Config(), World: l.MachineWorld(),
		IsAdmin: func() bool { return false }})
	first := s.Start(context.Background(), nil).Wait()
	if first.Outcome.Status != OutcomeProblem || len(first.Findings) == 0 || first.Findings[0].Cause != remedies.CauseDNSHijack {
		t.Fatalf("stale-dns diagnosed as %+v", first.Outcome)
	}
	return s, first
}

// TestApplyFlushesTheStagedCache: the whole cycle through the session API
// against the lab. The plan names the exact sudo form and asks twice (the
// action, then sudo); Apply runs it on the staged machine (whose cache it
// empties), re-checks and concludes fixed: before, chatgpt.com led to the
// stale private address and was refused; after, it answers 200.
func TestApplyFlushesTheStagedCache(t *testing.T) {
	s, first := staleSession(t)
	plan, err := s.PlanAction(remedies.ActionFlushDNS)
	if err != nil || plan.Blocked != "" {
		t.Fatalf("plan: %v %q", err, plan.Blocked)
	}
	if !plan.Escalate || !slices.Equal(plan.Lines, []string{"sudo -- resolvectl flush-caches"}) || plan.Basis != first.Seq {
		t.Fatalf("plan: escalate %v, lines %q, basis %d", plan.Escalate, plan.Lines, plan.Basis)
	}
	if qs := plan.Questions(false); len(qs) != 2 || qs[0].Sudo || !qs[1].Sudo {
		t.Errorf("questions %+v", qs)
	}

	rec := s.Apply(context.Background(), plan)
	if rec.Outcome != remedies.OutcomeFixed || !rec.Escalated || rec.ExitCode != 0 || rec.Err != "" {
		t.Fatalf("record %+v", rec)
	}
	if !strings.Contains(rec.Before, "chatgpt.com: no answer") || !strings.Contains(rec.Before, "10.20.0.15") || !strings.Contains(rec.After, "chatgpt.com: 200 OK") {
		t.Errorf("before %q, after %q", rec.Before, rec.After)
	}
	if acts := s.Actions(); len(acts) != 1 || acts[0].Outcome != remedies.OutcomeFixed {
		t.Errorf("session actions %+v", acts)
	}
	runs, _ := s.History()
	if len(runs) != 2 || runs[1].Outcome.Status != OutcomeReachable {
		t.Errorf("history: %d runs, latest %+v", len(runs), runs[len(runs)-1].Outcome)
	}
}

// TestExecuteThenConclude: the dashboard's way through the same cycle,
// one step at a time. Without sudo the staged resolvectl refuses, as
// Debian's polkit does, and the record says so without a re-check.
func TestExecuteThenConclude(t *testing.T) {
	s, _ := staleSession(t)
	plan, err := s.PlanAction(remedies.ActionFlushDNS)
	if err != nil {
		t.Fatal(err)
	}
	direct := plan
	direct.Commands, direct.Escalate = plan.Action.Commands, false
	if rec := s.Execute(context.Background(), direct); rec.Ran() || !strings.Contains(rec.Err, "Access denied") || rec.ExitCode != 1 {
		t.Errorf("unescalated flush: %+v", rec)
	}
	if len(s.Actions()) != 0 {
		t.Error("Execute recorded the action; Conclude should")
	}

	rec := s.Execute(context.Background(), plan)
	if !rec.Ran() || rec.Outcome != remedies.OutcomeNotRechecked {
		t.Fatalf("executed %+v", rec)
	}
	after := s.Start(context.Background(), plan.Mutate).Wait()
	rec = s.Conclude(plan, rec, after)
	if rec.Outcome != remedies.OutcomeFixed || len(s.Actions()) != 1 {
		t.Errorf("concluded %+v; %d actions", rec, len(s.Actions()))
	}
}

// TestApplyRetryWaitsOnTheSchedule: the retry kind waits each step of its
// back-off on the session's sleeper (here instant), re-checks after each,
// and gives up unchanged when the limit never lifts; cancelled during the
// first wait, it re-checks nothing.
func TestApplyRetryWaitsOnTheSchedule(t *testing.T) {
	l, err := lab.Start("rate-1015", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var waits []time.Duration
	s := New(Options{Config: l.Config(), World: l.MachineWorld(), Sleep: func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}})
	s.Start(context.Background(), nil).Wait()
	plan, err := s.PlanAction(remedies.ActionRetry)
	if err != nil || plan.Blocked != "" || len(plan.Retry) != 5 || plan.Retry[0] != 30*time.Second {
		t.Fatalf("plan %v %q retry %v", err, plan.Blocked, plan.Retry)
	}
	rec := s.Apply(context.Background(), plan)
	if !slices.Equal(waits, plan.Retry) || rec.Outcome != remedies.OutcomeUnchanged {
		t.Errorf("waits %v, outcome %s", waits, rec.Outcome)
	}
	if runs, _ := s.History(); len(runs) != 1+len(plan.Retry) {
		t.Errorf("%d runs, want the check and %d re-checks", len(runs), len(plan.Retry))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	waits = nil
	before, _ := s.History()
	rec = s.Apply(ctx, plan)
	if after, _ := s.History(); len(after) != len(before) || rec.Outcome != remedies.OutcomeNotRechecked || !errors.Is(rec.Failure(), remedies.ErrDeclined) {
		t.Errorf("cancelled: %d new runs, record %+v", len(after)-len(before), rec)
	}
}

// fakeRunner finds the tools it was given and records what it was asked.
type fakeRunner struct {
	mu       sync.Mutex
	tools    []string
	runs     [][]string
	stdins   []string
	launched [][]string
}

func (f *fakeRunner) LookPath(name string) (string, error) {
	if slices.Contains(f.tools, name) {
		return "/usr/bin/" + name, nil
	}
	return "", command.NotFound(name)
}
func (f *fakeRunner) Run(_ context.Context, argv []string, stdin []byte) (command.Output, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runs, f.stdins = append(f.runs, argv), append(f.stdins, string(stdin))
	return command.Output{}, nil
}
func (f *fakeRunner) Launch(argv []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.launched = append(f.launched, argv)
	return nil
}

// TestApplyWithAFakeRunner: actions that re-check nothing run through the
// world's runner and land in the session; a blocked one runs nothing; a
// declined one is recorded; the ticket's "already tried" is the session's.
func TestApplyWithAFakeRunner(t *testing.T) {
	r := &fakeRunner{tools: []string{"xdg-open", "xclip"}}
	s := New(Options{World: probes.World{GOOS: "linux", Runner: r, Clock: probes.SystemClock{},
		LookupEnv: func(string) (string, bool) { return "", false }}, IsAdmin: func() bool { return true }})
	ctx := context.Background()

	open, _ := s.PlanAction(remedies.ActionOpenStatus)
	if rec := s.Apply(ctx, open); rec.Outcome != remedies.OutcomeDone || len(r.launched) != 1 || r.launched[0][0] != "xdg-open" {
		t.Errorf("open-status: %+v launched %q", rec, r.launched)
	}
	flush, _ := s.PlanAction(remedies.ActionFlushDNS)
	if rec := s.Apply(ctx, flush); rec.Outcome != remedies.OutcomeFailed || len(r.runs) != 0 || !strings.Contains(rec.Err, "resolvectl is not installed") {
		t.Errorf("flush-dns without resolvectl: %+v ran %q", rec, r.runs)
	}
	if _, err := s.PlanAction("reboot-the-internet"); !errors.Is(err, remedies.ErrUnknownAction) {
		t.Errorf("unknown id: %v", err)
	}
	renew, _ := s.PlanAction(remedies.ActionRenewDHCP)
	if rec := s.Decline(renew); rec.Outcome != remedies.OutcomeDeclined {
		t.Errorf("declined: %+v", rec)
	}
	ticket, _ := s.PlanAction(remedies.ActionCopyTicket)
	if rec := s.Apply(ctx, ticket); rec.Outcome != remedies.OutcomeDone || len(r.stdins) != 1 {
		t.Fatalf("copy-ticket: %+v", rec)
	}
	// Opening the status page was tried; the declined renewal was not.
	if got := r.stdins[0]; !strings.Contains(got, "open-status: ran xdg-open") || strings.Contains(got, "renew-dhcp") {
		t.Errorf("ticket:\n%s", got)
	}
	if acts := s.Actions(); len(acts) != 4 {
		t.Errorf("%d actions recorded, want 4", len(acts))
	}
}
