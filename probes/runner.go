package probes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// commandTimeout bounds one OS command a probe runs (resolvectl, scutil,
// gsettings, netsh). They answer from local state in tens of
// milliseconds; two seconds covers a cold start on a swapping machine and
// still keeps a wedged D-Bus, configd or WMI call from eating the run
// budget. runCommand applies it; the probe's own deadline can only
// shorten it.
const commandTimeout = 2 * time.Second

// commandWaitDelay is how long Wait waits for the output pipes after the
// process is killed: a grandchild holding stdout open must not hold the
// probe past its deadline.
const commandWaitDelay = 200 * time.Millisecond

// maxCommandOutput caps what one command may print into memory. The
// largest output parsed here (scutil --proxy with many scoped services) is
// a few kilobytes.
const maxCommandOutput = 4 << 20

// maxStderrInError is how much of a failing command's stderr goes into its
// error message: enough for "No such schema", short enough for one line.
const maxStderrInError = 200

// ExecRunner runs OS commands for real. It never uses a shell: name and args
// go to the OS as an argv, so nothing in them is interpreted. Standard
// output is returned; standard error is folded, sanitised and shortened,
// into the error of a failing command. A command that is not installed
// yields an error wrapping ErrCommandNotFound, so probes can say "unknown:
// scutil not found" rather than fail. The caller's context bounds the
// command (runCommand gives it commandTimeout).
type ExecRunner struct{}

// Run runs name with args and returns its standard output.
func (ExecRunner) Run(ctx context.Context, name string, args ...string) ([]byte, error) {
	label := commandLabel(name, args)
	cmd := exec.CommandContext(ctx, name, args...)
	configureCommand(cmd)
	cmd.WaitDelay = commandWaitDelay
	var stdout, stderr cappedBuffer
	stdout.max = maxCommandOutput
	stderr.max = 4096
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	out := stdout.Bytes()
	switch {
	case err == nil:
		if stdout.truncated {
			return out, fmt.Errorf("%s: output exceeded %d bytes", label, maxCommandOutput)
		}
		return out, nil
	case errors.Is(err, exec.ErrNotFound):
		return nil, fmt.Errorf("%s: %w", name, ErrCommandNotFound)
	case ctx.Err() != nil:
		return out, fmt.Errorf("%s: stopped: %w", label, ctx.Err())
	}
	msg := strings.TrimSpace(sanitize.LineN(sanitize.Secrets(stderr.String()), maxStderrInError))
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if msg != "" {
			return out, fmt.Errorf("%s: exit status %d: %s", label, exitErr.ExitCode(), msg)
		}
		return out, fmt.Errorf("%s: exit status %d", label, exitErr.ExitCode())
	}
	return out, fmt.Errorf("%s: %s", label, sanitize.Line(err.Error()))
}

// commandTimedOutError marks a command stopped by the command limit
// (commandTimeout), as opposed to one stopped by the probe's own deadline,
// so the message names the limit that really fired.
type commandTimedOutError struct{ limit time.Duration }

func (e *commandTimedOutError) Error() string { return fmt.Sprintf("no output within %s", e.limit) }
func (e *commandTimedOutError) Unwrap() error { return context.DeadlineExceeded }

// runCommand runs an OS command through the world's runner under the
// world's command limit (commandTimeout unless Limits says otherwise).
func runCommand(ctx context.Context, w World, name string, args ...string) ([]byte, error) {
	if w.Runner == nil {
		return nil, fmt.Errorf("%s: %w", name, ErrCommandNotFound)
	}
	limit := w.Limits.orDefaults().Command
	cctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	out, err := w.Runner.Run(cctx, name, args...)
	if err != nil && cctx.Err() != nil && ctx.Err() == nil {
		err = fmt.Errorf("%s: %w", name, &commandTimedOutError{limit: limit})
	}
	return out, err
}

// commandProblem says in a few words why a command gave nothing, in the
// "unknown: scutil not found" style.
func commandProblem(name string, err error) string {
	var timedOut *commandTimedOutError
	switch {
	case errors.Is(err, ErrCommandNotFound):
		return name + " not found"
	case errors.As(err, &timedOut):
		return name + " did not answer within " + timedOut.limit.String()
	case errors.Is(err, context.DeadlineExceeded):
		return name + " did not answer before the probe's time ran out"
	case errors.Is(err, fs.ErrPermission):
		return name + ": permission denied"
	default:
		return name + " failed: " + errLine(err)
	}
}

// fileProblem says in a few words why a file could not be read (fully).
func fileProblem(name string, err error) string {
	var cut *fileCutError
	switch {
	case errors.As(err, &cut):
		return name + " is " + cut.Error()
	case errors.Is(err, fs.ErrNotExist):
		return name + " does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "cannot read " + name + ": permission denied"
	default:
		return "cannot read " + name + ": " + errLine(err)
	}
}

// commandLabel names a command in errors ("scutil --proxy").
func commandLabel(name string, args []string) string {
	return sanitize.LineN(sanitize.Secrets(strings.Join(append([]string{name}, args...), " ")), 120)
}

// cappedBuffer keeps the first max bytes written and drops the rest, so a
// runaway command cannot exhaust memory; it never fails a write, so the
// command is not killed by SIGPIPE mid-output.
type cappedBuffer struct {
	bytes.Buffer
	max       int
	truncated bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	room := b.max - b.Len()
	if room <= 0 {
		b.truncated = b.truncated || len(p) > 0
		return len(p), nil
	}
	if len(p) > room {
		b.truncated = true
		b.Buffer.Write(p[:room])
		return len(p), nil
	}
	return b.Buffer.Write(p)
}
