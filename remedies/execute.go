package remedies

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// Command limits.
const (
	// commandTimeout bounds one remedy command. Cache flushes and
	// clipboard copies finish in milliseconds; 30 s leaves room for a slow
	// polkit agent or nmcli waiting on NetworkManager, and still ends a
	// hung tool (which gets SIGTERM, see command.ExecRunner).
	commandTimeout = command.DefaultTimeout
	// escalationTimeout bounds a command run through sudo: long enough to
	// type a password (sudo itself gives up after five minutes by default,
	// but a person who has not answered in two has walked away).
	escalationTimeout = 2 * time.Minute
	// maxRecordOutput caps command output kept in a record.
	maxRecordOutput = 4000
)

// Execute runs a plan the user agreed to through r, under ctx, and
// returns the record of what ran. It asks nothing and re-checks nothing:
// the face asked (Plan.Questions) and the session re-checks and concludes.
// A blocked plan runs nothing and comes back failed; an instruction-only
// one comes back as shown; a re-check-only one (bypass-proxy, retry) has
// nothing to run and comes back pending its re-check.
func Execute(ctx context.Context, r command.Runner, p Plan, now func() time.Time) ActionRecord {
	if now == nil {
		now = time.Now
	}
	rec := newRecord(p, now())
	finish := func(o Outcome, err error) ActionRecord {
		rec.Outcome = o
		rec.Duration = probes.Millis(now().Sub(rec.Started))
		if err != nil {
			rec.Err, rec.failure = cleanErr(err), err
		}
		return rec
	}
	if err := p.Err(); err != nil {
		return finish(OutcomeFailed, err)
	}
	rec.Escalated = p.Escalate
	switch p.Action.Kind {
	case KindInstructions:
		return finish(OutcomeInstructions, nil)
	case KindReprobe, KindRetry:
		rec.ExitCode = 0
		return finish(OutcomeNotRechecked, nil)
	case KindOpen:
		for _, c := range p.Commands {
			if err := r.Launch(c); err != nil {
				return finish(OutcomeFailed, fixErr(ErrCommandFailed, "could not start %s: %s", CommandLine(p.GOOS, c), cleanErr(err)))
			}
		}
		rec.ExitCode = 0
		return finish(OutcomeDone, nil)
	}
	var stdin []byte
	if p.Action.Kind == KindClipboard {
		stdin = []byte(p.Ticket)
	}
	timeout := commandTimeout
	if p.Escalate {
		timeout = escalationTimeout
	}
	var outputs []string
	for _, c := range p.Commands {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		res, err := r.Run(cctx, c, stdin)
		cancel()
		rec.ExitCode = res.ExitCode
		if s := strings.TrimSpace(res.Combined()); s != "" {
			outputs = append(outputs, s)
		}
		rec.Output = sanitize.Text(sanitize.Secrets(strings.Join(outputs, "\n")), maxRecordOutput)
		if errors.Is(err, command.ErrNotFound) {
			return finish(OutcomeFailed, fixErr(command.ErrNotFound, "%s", missingTool(p.Action, c[0])))
		}
		if err != nil {
			return finish(OutcomeFailed, fixErr(ErrCommandFailed, "%s failed: %s", CommandLine(p.GOOS, c), cleanErr(err)))
		}
	}
	if p.Action.Recheck {
		return finish(OutcomeNotRechecked, nil)
	}
	return finish(OutcomeDone, nil)
}

// newRecord starts the record of a plan.
func newRecord(p Plan, at time.Time) ActionRecord {
	return ActionRecord{Action: p.Action.ID, Title: p.Action.Title, Commands: p.Commands, Started: at, ExitCode: -1}
}

// DryRun is the record of a plan only shown (fix --dry-run): what it would
// run, nothing ran.
func DryRun(p Plan, at time.Time) ActionRecord {
	rec := newRecord(p, at)
	rec.DryRun, rec.Outcome = true, OutcomeDryRun
	return rec
}

// Refused is the record of a plan that did not run because of why: the
// user said no (nil why), nobody could be asked (ErrNeedsConfirmation),
// both declined; or the escalation could not be asked for
// (ErrNeedsPrivilege), failed.
func Refused(p Plan, at time.Time, why error) ActionRecord {
	rec := newRecord(p, at)
	if why == nil {
		why = fixErr(ErrDeclined, "%s not run: declined", p.Action.ID)
	}
	rec.Outcome = OutcomeFailed
	if errors.Is(why, ErrDeclined) || errors.Is(why, ErrNeedsConfirmation) {
		rec.Outcome = OutcomeDeclined
	}
	rec.Err, rec.failure = cleanErr(why), why
	return rec
}

// Failure is why the action did not complete, as an error for exit codes
// (errors.Is against the Err values and command.ErrNotFound); nil when it
// did. A record read back from JSON has only Err's words, and its failure
// reads as ErrCommandFailed.
func (r ActionRecord) Failure() error {
	switch {
	case r.failure != nil:
		return r.failure
	case r.Err != "":
		return &FixError{Kind: ErrCommandFailed, Msg: r.Err}
	}
	return nil
}

// Ran reports whether the record's commands ran to the end: the re-check
// is worth its time only then.
func (r ActionRecord) Ran() bool {
	return r.Err == "" && (r.Outcome == OutcomeNotRechecked || r.Outcome == OutcomeDone)
}

// Conclude judges a record by its re-check: before is the check the
// action was planned from, after the re-check run with the plan's Mutate.
// It fills Before, After, the outcome and, for a what-if re-check, what it
// proved (Verdict). A record that did not run, or whose action does not
// re-check, is returned unchanged.
func Conclude(p Plan, rec ActionRecord, before, after probes.Snapshot) ActionRecord {
	if !rec.Ran() || !p.Action.Recheck {
		return rec
	}
	c := newRecheck(before, after)
	rec.Before, rec.After = c.before.summary(c.before.hosts), c.after.summary(c.hosts())
	rec.Outcome = c.outcome()
	if p.Action.Kind == KindReprobe {
		rec.Outcome, rec.Verdict = c.whatIf(p.Action.Suspect)
	}
	return rec
}

// Healthy reports whether after measured every target before measured and
// all of them work: the retry kind stops there.
func Healthy(before, after probes.Snapshot) bool {
	return newRecheck(before, after).healthy()
}

// Stopped is a record whose re-check was cut short (the retry's wait was
// cancelled after attempts re-checks): what was measured so far is kept,
// and it proves nothing.
func Stopped(p Plan, rec ActionRecord, before, after probes.Snapshot, attempts int, err error) ActionRecord {
	c := newRecheck(before, after)
	rec.Before, rec.After = c.before.summary(c.before.hosts), c.after.summary(c.hosts())
	rec.Outcome = OutcomeNotRechecked
	why := fixErr(ErrDeclined, "%s stopped after %d attempt(s): %v", p.Action.ID, attempts, err)
	rec.Err, rec.failure = cleanErr(why), why
	return rec
}
