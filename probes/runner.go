package probes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// DefaultCommandTimeout bounds one OS command when ExecRunner.Timeout is
// zero. The commands probes run (scutil, gsettings, netsh) answer from
// local state in tens of milliseconds; three seconds covers a cold start on
// a loaded machine and still keeps a wedged D-Bus or WMI call from eating
// the run budget.
const DefaultCommandTimeout = 3 * time.Second

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
// scutil not found" rather than fail.
type ExecRunner struct {
	// Timeout bounds each command; zero means DefaultCommandTimeout. The
	// context passed to Run can only shorten it.
	Timeout time.Duration
}

// Run runs name with args and returns its standard output.
func (r ExecRunner) Run(ctx context.Context, name string, args ...string) ([]byte, error) {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultCommandTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

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
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return out, fmt.Errorf("%s: timed out after %s: %w", label, timeout, context.DeadlineExceeded)
		}
		return out, fmt.Errorf("%s: %w", label, ctx.Err())
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
