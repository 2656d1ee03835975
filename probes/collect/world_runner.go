package collect

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/probes"
)

// commandTimeout bounds one OS command a probe runs (resolvectl, scutil,
// gsettings, netsh). They answer from local state in tens of
// milliseconds; two seconds covers a cold start on a swapping machine and
// still keeps a wedged D-Bus, configd or WMI call from eating the run
// budget. runCommand applies it; the probe's own deadline can only
// shorten it.
const commandTimeout = 2 * time.Second

// commandTimedOutError marks a command stopped by the command limit
// (commandTimeout), as opposed to one stopped by the probe's own deadline,
// so the message names the limit that really fired.
type commandTimedOutError struct{ limit time.Duration }

func (e *commandTimedOutError) Error() string { return fmt.Sprintf("no output within %s", e.limit) }
func (e *commandTimedOutError) Unwrap() error { return context.DeadlineExceeded }

// runCommand runs an OS command through the world's runner under the
// world's command limit (commandTimeout unless Limits says otherwise) and
// returns its standard output. A failing command's
// error quotes the start of its stderr (command.ExitError); output longer
// than the runner keeps is an error, so a parser never reads half a
// document as a whole one.
func runCommand(ctx context.Context, w probes.World, name string, args ...string) ([]byte, error) {
	if w.Runner == nil {
		return nil, command.NotFound(name)
	}
	limit := withDefaults(w.Limits).Command
	cctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	argv := append([]string{name}, args...)
	out, err := w.Runner.Run(cctx, argv, nil)
	if err != nil && cctx.Err() != nil && ctx.Err() == nil {
		err = fmt.Errorf("%s: %w", name, &commandTimedOutError{limit: limit})
	}
	if err == nil && out.Truncated {
		err = fmt.Errorf("%s: output exceeded %d bytes", command.Label(argv), len(out.Stdout))
	}
	return []byte(out.Stdout), err
}

// commandProblem says in a few words why a command gave nothing, in the
// "unknown: scutil not found" style.
func commandProblem(name string, err error) string {
	var timedOut *commandTimedOutError
	switch {
	case errors.Is(err, command.ErrNotFound):
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
