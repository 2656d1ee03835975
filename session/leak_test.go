package session

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
)

// leakLimits are the probes' waits in the leak tests: short enough that a
// stalled handshake, a blackhole or a dripping body ends in well under a
// second, long enough that each is still seen as that phase's stall.
func leakLimits() probes.Limits {
	return probes.Limits{
		Probe: 800 * time.Millisecond, DNS: 200 * time.Millisecond, Connect: 300 * time.Millisecond,
		TLS: 300 * time.Millisecond, Header: 400 * time.Millisecond, BodyReserve: 150 * time.Millisecond,
		DNSQuery: 300 * time.Millisecond, DNSRetransmit: 100 * time.Millisecond, Command: 200 * time.Millisecond,
	}
}

// leakSession starts a lab scenario and a session over it with short
// limits; the caller closes the lab, so the check for leftovers can run
// after everything the test started has been told to stop.
func leakSession(t *testing.T, scenario string) (*Session, *lab.Lab) {
	t.Helper()
	l, err := lab.Start(scenario, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := l.MachineWorld()
	w.Limits = leakLimits()
	cfg := l.Config()
	cfg.Budget = 2 * time.Second
	return New(Options{Mode: "demo", Scenario: scenario, Version: "test", Config: cfg, World: w}), l
}

// hostileScenarios are the lab's servers that try to hold a client: huge
// and dripping bodies, a redirect loop, a handshake that never ends, a
// blackhole, escape sequences; healthy is the baseline.
var hostileScenarios = []string{"healthy", "escapes", "huge-body", "drip-body", "redirect-loop", "tls-stall", "blackhole", "reset"}

// TestRunsLeaveNoGoroutines: after a run against each hostile scenario
// (concurrently, as a dashboard refreshing would) has been waited for and
// the lab closed, every goroutine the runs started has ended: no
// connection's read loop, body reader, timer or probe left behind.
func TestRunsLeaveNoGoroutines(t *testing.T) {
	if testing.Short() {
		t.Skip("runs eight lab scenarios")
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var wg sync.WaitGroup
	for _, name := range hostileScenarios {
		s, l := leakSession(t, name)
		wg.Go(func() {
			defer l.Close()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			d := s.Start(ctx, nil).Wait()
			if len(d.Snapshot.Results) == 0 {
				t.Errorf("%s: the run has no results", name)
			}
		})
	}
	wg.Wait()
}

// TestCancelledRunLeavesNoGoroutines: a run cancelled while its probes are
// stuck in a blackhole, a stalled handshake and a dripping body ends, and
// so does everything it started.
func TestCancelledRunLeavesNoGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, name := range []string{"blackhole", "tls-stall", "drip-body"} {
		s, l := leakSession(t, name)
		ctx, cancel := context.WithCancel(context.Background())
		run := s.Start(ctx, nil)
		<-run.Results() // the local probes answer at once; the network ones hang
		cancel()
		d := run.Wait()
		if d.Outcome.Status != OutcomeIncomplete && d.Outcome.Status != OutcomeProblem {
			t.Errorf("%s: a cancelled run reads %s", name, d.Outcome.Status)
		}
		l.Close()
	}
}

// TestRunLeavesNoConnections: with the lab still serving, a finished run
// against each hostile scenario has closed every connection it opened, so
// nothing (a keep-alive connection's read and write loops on both ends, a
// body reader, a stalled handshake) outlives it by more than the moment
// goleak waits: a dashboard refreshing every ten seconds would otherwise
// hold each run's connections into the next. (It caught the DoH client's
// connection, open for its 4 s idle timeout after every run, and under
// -race an HTTP/2 page connection whose body was cut at the cap, open
// until the server's idle timeout.)
func TestRunLeavesNoConnections(t *testing.T) {
	for _, name := range hostileScenarios {
		t.Run(name, func(t *testing.T) {
			s, l := leakSession(t, name)
			defer l.Close()
			baseline := goleak.IgnoreCurrent()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			s.Start(ctx, nil).Wait()
			goleak.VerifyNone(t, baseline)
		})
	}
}
