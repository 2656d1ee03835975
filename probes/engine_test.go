package probes

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sleepy returns a probe that sleeps d (honouring ctx) and passes.
func sleepy(id string, d time.Duration) Probe {
	return Probe{ID: id, Kind: KindEndpoint, Title: id, Run: func(ctx context.Context) Result {
		select {
		case <-time.After(d):
			return Result{Status: StatusPass, Reason: "done"}
		case <-ctx.Done():
			return Result{Status: StatusUnknown, Reason: "stopped: " + ctx.Err().Error()}
		}
	}}
}

// testGrace replaces the engine's returnGrace in tests whose probes never
// return: the wait for them is the point, not its length.
const testGrace = 20 * time.Millisecond

// stubborn ignores its context entirely.
func stubborn(id string, block chan struct{}) Probe {
	return Probe{ID: id, Kind: KindEndpoint, Run: func(context.Context) Result {
		<-block
		return Result{Status: StatusFail, Reason: "late"}
	}}
}

func TestEngineRunsProbesConcurrently(t *testing.T) {
	var running, peak atomic.Int32
	gate := make(chan struct{})
	var plan Plan
	const n = 8
	for i := range n {
		plan.Probes = append(plan.Probes, Probe{ID: fmt.Sprintf("p%d", i), Kind: KindDNS, Run: func(ctx context.Context) Result {
			cur := running.Add(1)
			for {
				old := peak.Load()
				if cur <= old || peak.CompareAndSwap(old, cur) {
					break
				}
			}
			if cur == n {
				close(gate)
			}
			select {
			case <-gate:
			case <-ctx.Done():
			}
			return Result{Status: StatusPass, Reason: "ok"}
		}})
	}
	snap := (&Engine{Budget: 30 * time.Second}).Start(context.Background(), plan).Wait()
	if peak.Load() != n {
		t.Fatalf("peak concurrency %d, want %d: probes ran in sequence", peak.Load(), n)
	}
	if len(snap.Results) != n {
		t.Fatalf("got %d results", len(snap.Results))
	}
	for i, r := range snap.Results {
		if r.ID != fmt.Sprintf("p%d", i) {
			t.Fatalf("snapshot not in plan order: %d is %s", i, r.ID)
		}
		if r.Status != StatusPass {
			t.Fatalf("%s: %s", r.ID, r.Status)
		}
	}
}

func TestEngineStreamsResultsTaggedWithRunID(t *testing.T) {
	release := make(chan struct{})
	plan := Plan{Probes: []Probe{
		{ID: "fast", Kind: KindDNS, Run: func(context.Context) Result { return Result{Status: StatusPass} }},
		{ID: "slow", Kind: KindDNS, Run: func(ctx context.Context) Result {
			select {
			case <-release:
			case <-ctx.Done():
			}
			return Result{Status: StatusPass}
		}},
	}}
	run := (&Engine{Budget: 30 * time.Second}).Start(context.Background(), plan)
	first := <-run.Results()
	if first.ID != "fast" {
		t.Fatalf("first streamed result is %s; the fast probe should arrive while the slow one still runs", first.ID)
	}
	if first.RunID == "" || first.RunID != run.ID {
		t.Fatalf("result RunID %q, run ID %q", first.RunID, run.ID)
	}
	close(release)
	second := <-run.Results()
	if second.ID != "slow" || second.RunID != run.ID {
		t.Fatalf("second = %+v", second)
	}
	if _, open := <-run.Results(); open {
		t.Fatal("channel still open after every probe reported")
	}
}

func TestEngineBudgetMarksUnfinishedProbesUnknown(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	plan := Plan{Probes: []Probe{
		sleepy("quick", 0),
		sleepy("polite-but-slow", time.Hour),
		stubborn("ignores-context", block),
	}}
	start := time.Now()
	snap := (&Engine{Budget: 200 * time.Millisecond, ReturnGrace: testGrace}).Start(context.Background(), plan).Wait()
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("run took %s despite a 200ms budget", el)
	}
	byID := map[string]Result{}
	for _, r := range snap.Results {
		byID[r.ID] = r
	}
	if byID["quick"].Status != StatusPass {
		t.Fatalf("quick: %+v", byID["quick"])
	}
	for _, id := range []string{"polite-but-slow", "ignores-context"} {
		r := byID[id]
		if r.Status != StatusUnknown {
			t.Fatalf("%s: status %s, want unknown (did not finish is not failed)", id, r.Status)
		}
	}
	if r := byID["ignores-context"]; !strings.Contains(r.Reason, "budget") {
		t.Fatalf("reason %q does not name the budget", r.Reason)
	}
}

func TestEngineProbeTimeoutIsNamedSeparately(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	p := stubborn("own-limit", block)
	p.Timeout = 50 * time.Millisecond
	snap := (&Engine{Budget: 30 * time.Second, ReturnGrace: testGrace}).Start(context.Background(), Plan{Probes: []Probe{p}}).Wait()
	r := snap.Results[0]
	if r.Status != StatusUnknown || !strings.Contains(r.Reason, "50ms limit") {
		t.Fatalf("got %s %q; want unknown naming the probe's own limit", r.Status, r.Reason)
	}
}

func TestEngineCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	run := (&Engine{Budget: time.Minute}).Start(ctx, Plan{Probes: []Probe{sleepy("a", time.Hour), sleepy("b", time.Hour)}})
	cancel()
	snap := run.Wait()
	if len(snap.Results) != 2 {
		t.Fatalf("got %d results after cancel", len(snap.Results))
	}
	for _, r := range snap.Results {
		if r.Status != StatusUnknown {
			t.Fatalf("%s: %s %q", r.ID, r.Status, r.Reason)
		}
	}
}

func TestEngineRunCancel(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	run := (&Engine{Budget: time.Minute, ReturnGrace: testGrace}).Start(context.Background(), Plan{Probes: []Probe{stubborn("x", block)}})
	run.Cancel()
	r := run.Wait().Results[0]
	if r.Status != StatusUnknown || !strings.Contains(r.Reason, "cancelled") {
		t.Fatalf("got %s %q", r.Status, r.Reason)
	}
}

func TestEngineSurvivesPanicsAndEmptyProbes(t *testing.T) {
	plan := Plan{Probes: []Probe{
		{ID: "boom", Kind: KindProxy, Run: func(context.Context) Result { panic("nil map") }},
		{ID: "empty", Kind: KindProxy},
		{ID: "nostatus", Kind: KindProxy, Run: func(context.Context) Result { return Result{} }},
	}}
	snap := (&Engine{Budget: time.Minute}).Start(context.Background(), plan).Wait()
	want := map[string]Status{"boom": StatusUnknown, "empty": StatusSkipped, "nostatus": StatusUnknown}
	for _, r := range snap.Results {
		if r.Status != want[r.ID] {
			t.Errorf("%s: %s, want %s", r.ID, r.Status, want[r.ID])
		}
		if strings.Contains(r.Reason, "goroutine") {
			t.Errorf("%s: stack trace leaked into reason", r.ID)
		}
	}
}

func TestEngineDerivationsSeeAllResults(t *testing.T) {
	plan := Plan{
		Probes: []Probe{sleepy("a", 0), sleepy("b", 0)},
		Derive: []Derivation{func(rs []Result) []Result {
			return []Result{{ID: "derived", Kind: KindIdentity, Status: StatusWarn, Reason: fmt.Sprintf("saw %d", len(rs))}}
		}},
	}
	run := (&Engine{}).Start(context.Background(), plan)
	var streamed []string
	for r := range run.Results() {
		streamed = append(streamed, r.ID)
	}
	snap := run.Wait()
	if len(streamed) != 3 || streamed[2] != "derived" {
		t.Fatalf("streamed %v", streamed)
	}
	d, ok := snap.Get("derived")
	if !ok || d.Reason != "saw 2" || d.RunID != run.ID {
		t.Fatalf("derived = %+v", d)
	}
}

// TestEngineDerivationPanicIsReported: a derivation that panics leaves an
// unknown result naming the panic; the other derivations still run.
func TestEngineDerivationPanicIsReported(t *testing.T) {
	plan := Plan{
		Probes: []Probe{sleepy("a", 0)},
		Derive: []Derivation{
			func([]Result) []Result { panic("index out of range") },
			func([]Result) []Result { return []Result{{ID: "fine", Kind: KindIdentity, Status: StatusPass}} },
		},
	}
	snap := (&Engine{Budget: time.Minute}).Start(context.Background(), plan).Wait()
	d, ok := snap.Get("derive:1")
	if !ok || d.Status != StatusUnknown || !strings.Contains(d.Reason, "index out of range") || d.Error == nil || d.RunID == "" {
		t.Errorf("crashed derivation: %+v (found %v)", d, ok)
	}
	if _, ok := snap.Get("fine"); !ok || len(snap.Results) != 3 {
		t.Errorf("results %+v", snap.Results)
	}
}

func TestStatusRank(t *testing.T) {
	order := []Status{StatusPass, StatusSkipped, StatusUnknown, StatusWarn, StatusFail}
	for i := 1; i < len(order); i++ {
		if order[i-1].Rank() >= order[i].Rank() {
			t.Fatalf("%s should rank below %s", order[i-1], order[i])
		}
	}
	s := Snapshot{Results: []Result{{Status: StatusPass}, {Status: StatusWarn}, {Status: StatusSkipped}}}
	if s.Worst() != StatusWarn {
		t.Fatalf("Worst = %s", s.Worst())
	}
}

// stepClock advances by step each time it is read.
type stepClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

// TestEngineDurationFromItsClock: a probe's Duration is measured on the
// engine's clock, like Started, so a run stamped by a fake clock is
// consistent (Started + Duration is when that clock saw the probe end),
// whatever the wall clock did meanwhile.
func TestEngineDurationFromItsClock(t *testing.T) {
	clock := &stepClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), step: 7 * time.Second}
	snap := (&Engine{Clock: clock, Budget: time.Minute}).Start(context.Background(), Plan{Probes: []Probe{sleepy("a", 0)}}).Wait()
	r := snap.Results[0]
	// The clock is read when the run starts, when the probe starts, when
	// it ends and when the run finishes.
	if start := snap.Started.Add(clock.step); !r.Started.Equal(start) || !snap.Finished.Equal(start.Add(2*clock.step)) {
		t.Errorf("run %s..%s, probe started %s: the clock was not read in the expected order", snap.Started, snap.Finished, r.Started)
	}
	if r.Duration.D() != clock.step {
		t.Errorf("duration %s on a clock that stepped %s between start and end; want the clock's, not the wall's", r.Duration.D(), clock.step)
	}
	if r.Started.Before(snap.Started) || snap.Finished.Before(r.Started.Add(r.Duration.D())) {
		t.Errorf("run %s..%s does not hold probe %s+%s", snap.Started, snap.Finished, r.Started, r.Duration.D())
	}
}

// TestEngineReturnGrace: the engine waits the injected grace, not the
// default, for a probe to hand back its own result after its limit. The
// probe answers 300 ms after its context ends: well past the default grace
// (which would write "timed out" on its behalf), well inside the injected
// minute. The check does not depend on how fast this machine is: a slow
// machine can only delay the default timer, which makes the probe's own
// answer more likely, never less.
func TestEngineReturnGrace(t *testing.T) {
	const late = 2 * returnGrace
	p := Probe{ID: "slow-to-return", Kind: KindEndpoint, Timeout: 10 * time.Millisecond, Run: func(ctx context.Context) Result {
		<-ctx.Done()
		time.Sleep(late)
		return Result{Status: StatusFail, Reason: "own answer"}
	}}
	snap := (&Engine{Budget: time.Minute, ReturnGrace: time.Minute}).Start(context.Background(), Plan{Probes: []Probe{p}}).Wait()
	if r := snap.Results[0]; r.Reason != "own answer" {
		t.Errorf("got %s %q: the default %s grace was used instead of the injected one", r.Status, r.Reason, returnGrace)
	}
}
