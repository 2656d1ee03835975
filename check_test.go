package main

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// stuckRunner answers no command until its context ends, like a gsettings
// waiting on a D-Bus session that never replies.
type stuckRunner struct{}

func (stuckRunner) Run(ctx context.Context, _ string, _ ...string) ([]byte, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestProbeBudgetBoundsDesktopRead: the desktop proxy read before the
// probes start counts against --timeout, so a stuck gsettings cannot add
// its own limits to the run's budget.
func TestProbeBudgetBoundsDesktopRead(t *testing.T) {
	const budget = 100 * time.Millisecond
	s := &session{
		opts: options{cfg: probes.Config{Budget: budget}},
		world: probes.World{GOOS: "linux", Runner: stuckRunner{}, Clock: probes.SystemClock{},
			LookupEnv: func(string) (string, bool) { return "", false }},
	}
	start := time.Now()
	s.probe(context.Background(), nil, io.Discard)
	// Unbounded, the read alone waits out the command limit (2 s); the
	// bound here catches that, not a slow machine.
	if took := time.Since(start); took >= 1500*time.Millisecond {
		t.Errorf("a %s budget took %s", budget, took)
	}
}
