package remedies

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// Why Fix stopped. Fix returns a *FixError wrapping one of these, with a
// message that says what to do; the CLI maps them to exit codes with
// errors.Is.
var (
	ErrUnknownAction     = errors.New("unknown action")
	ErrUnavailable       = errors.New("action unavailable here")
	ErrDeclined          = errors.New("declined")
	ErrNeedsConfirmation = errors.New("needs confirmation")
	ErrNeedsPrivilege    = errors.New("needs administrator rights")
	ErrCommandFailed     = errors.New("command failed")
)

// FixError is a Fix failure: Kind for errors.Is, Msg for people.
type FixError struct {
	// Kind is one of the Err values above, for the exit code.
	Kind error
	// Msg says what happened and what to do instead.
	Msg string
}

func (e *FixError) Error() string { return e.Msg }
func (e *FixError) Unwrap() error { return e.Kind }

func fixErr(kind error, format string, args ...any) error {
	return &FixError{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// cleanErr is an error's message fit to print and record: a command's
// error can quote its output, which may hold escape sequences or secrets.
func cleanErr(err error) string { return sanitize.Line(sanitize.Secrets(err.Error())) }

// FixOptions are the user's flags.
type FixOptions struct {
	// Yes answers the first confirmation; a disruptive action's second one
	// and the sudo escalation are still asked.
	Yes bool
	// DryRun shows exactly what would run and runs nothing.
	DryRun bool
}

// FixDeps is everything Fix touches, injected.
type FixDeps struct {
	// Runner runs and finds commands.
	Runner Runner
	// Out receives the result: what ran, what a dry run would run, and the
	// before, after and outcome; nil discards.
	Out io.Writer
	// Plan receives what the person deciding reads: the plan (exact
	// commands, risk, privilege) and progress. The CLI points it, and its
	// questions, at stderr, so a redirected stdout keeps the result without
	// hiding the question the run waits on. Nil uses Out.
	Plan io.Writer
	// Confirm asks the user; nil means nobody can be asked, so anything
	// needing a yes is refused unless Yes covers it.
	Confirm func(prompt string) bool
	// IsAdmin says whether the process already has admin rights; nil uses
	// the package's IsAdmin.
	IsAdmin func() bool
	// Probe re-runs the checks, with mutate applied to the configuration
	// for that run only (nil mutate: unchanged). Nil skips re-checking.
	Probe func(ctx context.Context, mutate func(*probes.Config)) probes.Snapshot
	// Before is the snapshot the action is planned from and compared with.
	Before probes.Snapshot
	// Env describes the machine for planning. LookPath defaults to the
	// Runner's and GOOS to runtime.GOOS.
	Env ActionEnv
	// Diagnose is the context for the findings the support ticket quotes.
	Diagnose DiagnoseContext
	// Session receives the record of the action when non-nil; its earlier
	// records are the ticket's "already tried".
	Session *Session
	// Sleep waits between retries; nil uses a timer that honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock for records; nil uses time.Now.
	Now func() time.Time
}

// maxRecordOutput caps command output kept in a record.
const maxRecordOutput = 4000

// escalationTimeout bounds a command run through sudo: long enough to type
// a password (sudo itself gives up after five minutes by default, but a
// person who has not answered in two has walked away).
const escalationTimeout = 2 * time.Minute

// Fix applies one action headless: it shows the exact argv with its risk and
// privilege, asks as the action requires, runs it (through sudo only when
// the user agrees), re-checks, and records before and after. The record is
// returned (and added to deps.Session) whatever happened.
func Fix(ctx context.Context, id string, opts FixOptions, deps FixDeps) (ActionRecord, error) {
	deps = deps.withDefaults()
	out, plan := deps.Out, deps.Plan
	rec := ActionRecord{Action: id, DryRun: opts.DryRun, Started: deps.Now(), ExitCode: -1}
	finish := func(o Outcome, err error) (ActionRecord, error) {
		rec.Outcome = o
		rec.Duration = probes.Millis(deps.Now().Sub(rec.Started))
		if err != nil {
			rec.Err = cleanErr(err)
		}
		if deps.Session != nil {
			deps.Session.Add(rec)
		}
		return rec, err
	}

	env := deps.Env
	if id == ActionCopyTicket {
		var prior Session
		if deps.Session != nil {
			prior = *deps.Session
		}
		env.Ticket = SupportTicket(deps.Before, Diagnose(deps.Before, deps.Diagnose), prior)
	}
	a, ok := PlanAction(deps.Before, env, id)
	if !ok {
		return finish(OutcomeFailed, fixErr(ErrUnknownAction, "unknown action %q; known actions: %s (gptdoctor fix --list explains them)", id, strings.Join(ActionIDs, ", ")))
	}
	rec.Title = a.Title
	describe(plan, a, env.GOOS)

	if a.Unavailable != "" {
		if a.Kind == KindClipboard && a.Stdin != "" {
			fmt.Fprintf(out, "\n%s\n", a.Stdin)
		}
		return finish(OutcomeFailed, fixErr(ErrUnavailable, "%s is not available here: %s", id, a.Unavailable))
	}
	if a.Kind == KindInstructions {
		for _, step := range a.Instructions {
			fmt.Fprintf(out, "- %s\n", step)
		}
		return finish(OutcomeInstructions, nil)
	}

	// Tools first: there is no point asking for sudo to run a missing tool.
	for _, c := range a.Commands {
		if _, err := deps.Runner.LookPath(c[0]); err != nil {
			return finish(OutcomeFailed, missingTool(a, c[0]))
		}
	}
	escalate := a.Privilege == PrivilegeAdmin && len(a.Commands) > 0 && !deps.IsAdmin()
	cmds := a.Commands
	if escalate {
		cmds = escalationPlan(plan, a, env.GOOS)
	}
	rec.Commands = cmds
	if opts.DryRun {
		if a.Kind == KindClipboard {
			fmt.Fprintf(out, "it would put this on the clipboard:\n%s\n", a.Stdin)
		}
		if len(cmds) > 0 {
			fmt.Fprintf(out, "dry run: nothing was run; it would run %s\n", strings.Join(commandLines(env.GOOS, cmds), " then "))
		} else {
			fmt.Fprintln(out, "dry run: nothing was run.")
		}
		return finish(OutcomeDryRun, nil)
	}
	if escalate {
		// Refuse before asking anything when escalation cannot happen here.
		if err := canEscalate(a, env.GOOS, cmds, deps); err != nil {
			return finish(OutcomeFailed, err)
		}
	}
	if err := confirm(out, a, opts, deps); err != nil {
		return finish(outcomeFor(err), err)
	}
	if escalate {
		if !deps.Confirm(fmt.Sprintf("Run it with sudo (sudo may ask for your password)? %s", strings.Join(commandLines(env.GOOS, cmds), " then "))) {
			fmt.Fprintln(out, "not run.")
			return finish(OutcomeDeclined, fixErr(ErrDeclined, "%s not run: sudo declined", a.ID))
		}
		rec.Escalated = true
	}

	switch a.Kind {
	case KindCommand, KindClipboard:
		var stdin []byte
		if a.Kind == KindClipboard {
			stdin = []byte(a.Stdin)
		}
		timeout := DefaultCommandTimeout
		if rec.Escalated {
			timeout = escalationTimeout
		}
		var outputs []string
		for _, c := range cmds {
			cctx, cancel := context.WithTimeout(ctx, timeout)
			res, err := deps.Runner.Run(cctx, c, stdin)
			cancel()
			rec.ExitCode = res.ExitCode
			if s := strings.TrimSpace(res.Combined()); s != "" {
				outputs = append(outputs, s)
			}
			rec.Output = sanitize.Text(sanitize.Secrets(strings.Join(outputs, "\n")), maxRecordOutput)
			if err != nil {
				fmt.Fprintf(out, "%s failed: %s\n", CommandLine(env.GOOS, c), cleanErr(err))
				if errors.Is(err, ErrToolMissing) {
					return finish(OutcomeFailed, missingTool(a, c[0]))
				}
				return finish(OutcomeFailed, fixErr(ErrCommandFailed, "%s failed: %s", CommandLine(env.GOOS, c), cleanErr(err)))
			}
			fmt.Fprintf(out, "ran %s: exit %d\n", CommandLine(env.GOOS, c), res.ExitCode)
		}
		if a.Kind == KindClipboard {
			fmt.Fprintln(out, "The support ticket is on the clipboard.")
		}
	case KindOpen:
		for _, c := range cmds {
			if err := deps.Runner.Launch(c); err != nil {
				return finish(OutcomeFailed, fixErr(ErrCommandFailed, "could not start %s: %v", CommandLine(env.GOOS, c), err))
			}
			fmt.Fprintf(out, "started %s\n", CommandLine(env.GOOS, c))
		}
		rec.ExitCode = 0
	case KindRetry:
		return retryLoop(ctx, out, a, &rec, deps, finish)
	}

	if !a.Recheck || deps.Probe == nil {
		if a.Kind == KindReprobe {
			return finish(OutcomeNotRechecked, fixErr(ErrUnavailable, "%s needs a re-check, and none is available here", id))
		}
		return finish(OutcomeDone, nil)
	}
	fmt.Fprintln(plan, "re-checking …")
	after := deps.Probe(ctx, a.Mutate)
	return finish(recordChange(out, &rec, newRecheck(deps.Before, after), a), nil)
}

func (d FixDeps) withDefaults() FixDeps {
	if d.Out == nil {
		d.Out = io.Discard
	}
	if d.Plan == nil {
		d.Plan = d.Out
	}
	if d.IsAdmin == nil {
		d.IsAdmin = IsAdmin
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Sleep == nil {
		d.Sleep = sleepCtx
	}
	if d.Env.GOOS == "" {
		d.Env.GOOS = runtime.GOOS
	}
	if d.Runner == nil {
		d.Runner = ExecRunner{}
	}
	if d.Env.LookPath == nil {
		d.Env.LookPath = d.Runner.LookPath
	}
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// describe prints what the action is and exactly what it runs.
func describe(out io.Writer, a Action, goos string) {
	fmt.Fprintf(out, "%s: %s\n", a.ID, a.Title)
	if a.Description != "" {
		fmt.Fprintf(out, "  %s\n", a.Description)
	}
	for _, c := range a.Commands {
		fmt.Fprintf(out, "  runs:       %s\n", CommandLine(goos, c))
	}
	fmt.Fprintf(out, "  privilege:  %s\n  risk:       %s\n  scope:      %s\n", a.Privilege, a.Risk, a.Scope)
	if a.Recheck {
		fmt.Fprintln(out, "  afterwards: runs the checks again and compares")
	}
	if a.Warning != "" {
		fmt.Fprintf(out, "  warning:    %s\n", a.Warning)
	}
	if a.Unavailable != "" {
		fmt.Fprintf(out, "  unavailable: %s\n", a.Unavailable)
	}
	if a.Kind != KindInstructions { // those are the result, printed on their own
		for _, s := range a.Instructions {
			fmt.Fprintf(out, "  - %s\n", s)
		}
	}
}

// escalationPlan says that an admin action needs rights this process lacks
// and returns what would run instead: the sudo argvs on Unix, the same
// commands (to be run from an elevated terminal) on Windows, which has no
// sudo to hand the terminal to.
func escalationPlan(out io.Writer, a Action, goos string) [][]string {
	if goos == osWindows {
		fmt.Fprintf(out, "%s needs administrator rights, and this terminal is not elevated. Open an elevated terminal (right-click Start, Terminal (Admin)) and run:\n  %s\n",
			a.ID, strings.Join(commandLines(goos, a.Commands), "\n  "))
		return a.Commands
	}
	var esc [][]string
	for _, c := range a.Commands {
		esc = append(esc, SudoArgv(c))
	}
	fmt.Fprintf(out, "%s needs root, and gptdoctor is not running as root. With sudo it runs:\n  %s\n",
		a.ID, strings.Join(commandLines(goos, esc), "\n  "))
	return esc
}

// canEscalate refuses, with the exact command to run instead, when an
// admin action cannot be escalated from here: Windows (no sudo to hand the
// terminal to), no sudo, or nobody to ask. Nothing escalates silently, not
// even with --yes: the sudo question is always put to the user.
func canEscalate(a Action, goos string, esc [][]string, deps FixDeps) error {
	lines := strings.Join(commandLines(goos, esc), " then ")
	switch {
	case goos == osWindows:
		return fixErr(ErrNeedsPrivilege, "%s needs administrator rights: open an elevated terminal (right-click Start, Terminal (Admin)) and run %s, or run gptdoctor fix %s there",
			a.ID, lines, a.ID)
	case !hasTool(deps.Runner, "sudo"):
		return fixErr(ErrNeedsPrivilege, "%s needs root and sudo is not installed: run %s as root",
			a.ID, strings.Join(commandLines(goos, a.Commands), " then "))
	case deps.Confirm == nil:
		return fixErr(ErrNeedsPrivilege, "%s needs root: run %s yourself, or run gptdoctor fix %s in an interactive terminal to be asked",
			a.ID, lines, a.ID)
	}
	return nil
}

func hasTool(r Runner, name string) bool {
	_, err := r.LookPath(name)
	return err == nil
}

func commandLines(goos string, cmds [][]string) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, CommandLine(goos, c))
	}
	return out
}

// confirm asks as many times as the action's risk requires. --yes answers
// the first question only: a disruptive action is always asked once more,
// so a script cannot drop someone's connection by accident.
func confirm(out io.Writer, a Action, opts FixOptions, deps FixDeps) error {
	need := a.Confirmations
	first := 0
	if opts.Yes && need > 0 {
		first = 1
	}
	for i := first; i < need; i++ {
		prompt := fmt.Sprintf("Run %s?", a.ID)
		if i == 1 {
			prompt = fmt.Sprintf("%s is disruptive: %s Really continue?", a.ID, a.Warning)
		}
		if deps.Confirm == nil {
			if i == 1 {
				return fixErr(ErrNeedsConfirmation, "%s is disruptive and needs a second confirmation that --yes does not give: run gptdoctor fix %s in an interactive terminal", a.ID, a.ID)
			}
			return fixErr(ErrNeedsConfirmation, "%s needs confirmation: re-run with --yes, or in an interactive terminal", a.ID)
		}
		if !deps.Confirm(prompt) {
			fmt.Fprintln(out, "not run.")
			return fixErr(ErrDeclined, "%s not run: declined", a.ID)
		}
	}
	return nil
}

func outcomeFor(err error) Outcome {
	if errors.Is(err, ErrDeclined) || errors.Is(err, ErrNeedsConfirmation) {
		return OutcomeDeclined
	}
	return OutcomeFailed
}

// missingTool explains a tool that is not installed, with what to do
// instead.
func missingTool(a Action, tool string) error {
	msg := fmt.Sprintf("%s cannot run: %s is not installed", a.ID, tool)
	if len(a.Alternatives) > 0 {
		msg += "; instead: " + strings.Join(a.Alternatives, "; ")
	}
	return fixErr(ErrToolMissing, "%s", msg)
}

// recordChange fills before/after and prints them with the outcome; a
// what-if re-check says what it proved instead of how the machine changed.
func recordChange(out io.Writer, rec *ActionRecord, c recheck, a Action) Outcome {
	rec.Before, rec.After = c.before.summary(c.before.hosts), c.after.summary(c.hosts())
	o, words := c.outcome(), ""
	if a.Kind == KindReprobe {
		o, words = c.whatIf(a.Suspect)
		words = ": " + words
	}
	fmt.Fprintf(out, "before: %s\nafter:  %s\nresult: %s%s\n", rec.Before, rec.After, o, words)
	return o
}

// retryLoop waits on the back-off schedule and re-checks until every target
// answers or the attempts run out.
func retryLoop(ctx context.Context, out io.Writer, a Action, rec *ActionRecord, deps FixDeps,
	finish func(Outcome, error) (ActionRecord, error)) (ActionRecord, error) {
	if deps.Probe == nil {
		return finish(OutcomeNotRechecked, fixErr(ErrUnavailable, "%s needs a re-check, and none is available here", a.ID))
	}
	sched := Backoff(retryHint(deps.Before), retryAttempts)
	c := newRecheck(deps.Before, deps.Before)
	for i, wait := range sched {
		fmt.Fprintf(deps.Plan, "waiting %s (attempt %d of %d) …\n", humanDuration(wait), i+1, len(sched))
		if err := deps.Sleep(ctx, wait); err != nil {
			rec.Before, rec.After = c.before.summary(c.before.hosts), c.after.summary(c.hosts())
			return finish(OutcomeNotRechecked, fixErr(ErrDeclined, "%s stopped after %d attempt(s): %v", a.ID, i, err))
		}
		c.after = newFacts(deps.Probe(ctx, nil), DiagnoseContext{})
		fmt.Fprintf(deps.Plan, "  %s\n", c.after.summary(c.hosts()))
		if c.healthy() {
			break
		}
	}
	rec.ExitCode = 0
	return finish(recordChange(out, rec, c, a), nil)
}
