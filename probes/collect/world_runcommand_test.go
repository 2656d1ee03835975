package collect

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/probes"
)

// noTools completes a test runner: probes only Run commands, so finding
// and launching programs is never asked of it.
type noTools struct{}

func (noTools) LookPath(name string) (string, error) { return "", command.NotFound(name) }
func (noTools) Launch(argv []string) error           { return command.NotFound(argv[0]) }

// blockingRunner never finishes a command before its context ends.
type blockingRunner struct{ noTools }

func (blockingRunner) Run(ctx context.Context, _ []string, _ []byte) (command.Output, error) {
	<-ctx.Done()
	return command.Output{}, ctx.Err()
}

// runnerFunc calls fn with each command's context and answers at once.
type runnerFunc struct {
	noTools
	fn func(ctx context.Context)
}

func (f runnerFunc) Run(ctx context.Context, _ []string, _ []byte) (command.Output, error) {
	f.fn(ctx)
	return command.Output{}, nil
}

// TestRunCommandNamesTheLimitThatFired: the command limit (commandTimeout
// unless the world's Limits set one) is named only when it fired; the
// probe's own deadline is reported as such, not as "within 2s".
func TestRunCommandNamesTheLimitThatFired(t *testing.T) {
	t.Parallel()
	w := probes.World{Runner: blockingRunner{}, Limits: fastLimits()}
	t.Run("command timeout", func(t *testing.T) {
		t.Parallel()
		start := time.Now()
		_, err := runCommand(context.Background(), w, "resolvectl", "status")
		if el := time.Since(start); el < w.Limits.Command {
			t.Fatalf("returned after %s, before the command limit", el)
		}
		if got := commandProblem("resolvectl", err); !errors.Is(err, context.DeadlineExceeded) || got != "resolvectl did not answer within 200ms" {
			t.Fatalf("%v: %q", err, got)
		}
	})
	t.Run("default command limit", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var limit time.Duration
		r := runnerFunc{fn: func(cctx context.Context) {
			if d, ok := cctx.Deadline(); ok {
				limit = time.Until(d)
			}
		}}
		_, _ = runCommand(ctx, probes.World{Runner: r}, "resolvectl", "status")
		if limit <= commandTimeout-time.Second || limit > commandTimeout {
			t.Fatalf("a world without limits gave the command %s, want commandTimeout (%s)", limit, commandTimeout)
		}
	})
	t.Run("probe deadline", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := runCommand(ctx, w, "scutil", "--dns")
		got := commandProblem("scutil", err)
		if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(got, "within") || !strings.Contains(got, "before the probe's time ran out") {
			t.Fatalf("%v: %q", err, got)
		}
	})
	t.Run("no runner", func(t *testing.T) {
		t.Parallel()
		_, err := runCommand(context.Background(), probes.World{}, "netsh")
		if got := commandProblem("netsh", err); got != "netsh not found" {
			t.Fatalf("%q", got)
		}
	})
}
