package session

import (
	"context"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/probes"
)

// stuckRunner answers no command until its context ends, like a gsettings
// waiting on a D-Bus session that never replies.
type stuckRunner struct{}

func (stuckRunner) Run(ctx context.Context, _ []string, _ []byte) (command.Output, error) {
	<-ctx.Done()
	return command.Output{}, ctx.Err()
}
func (stuckRunner) LookPath(name string) (string, error) { return "/usr/bin/" + name, nil }
func (stuckRunner) Launch([]string) error                { return nil }

// TestStartBudgetBoundsDesktopRead: the desktop proxy read before the
// probes start counts against the budget, so a stuck gsettings cannot add
// its own limits to the run's.
func TestStartBudgetBoundsDesktopRead(t *testing.T) {
	const budget = 100 * time.Millisecond
	s := New(Options{
		Config: probes.Config{Budget: budget},
		World: probes.World{GOOS: "linux", Runner: stuckRunner{}, Clock: probes.SystemClock{},
			LookupEnv: func(string) (string, bool) { return "", false }},
	})
	start := time.Now()
	s.Start(context.Background(), nil).Wait()
	// Unbounded, the read alone waits out the command limit (2 s); the
	// bound here catches that, not a slow machine.
	if took := time.Since(start); took >= 1500*time.Millisecond {
		t.Errorf("a %s budget took %s", budget, took)
	}
}
