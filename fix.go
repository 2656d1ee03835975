package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// fixFlags are the flags only fix has.
type fixFlags struct {
	list, yes, dryRun bool
}

// fixFlagSet is fix's flags, filling f.
func fixFlagSet(f *fixFlags) *parsedFlags {
	return newFlagSet("fix", true, func(fs *flag.FlagSet) {
		fs.BoolVar(&f.list, "list", false, "list the remedies, those that can run here first, and exit")
		fs.BoolVar(&f.yes, "yes", false, "answer yes to the confirmation (disruptive actions and sudo still ask)")
		fs.BoolVar(&f.dryRun, "dry-run", false, "show exactly what would run, run nothing and send nothing")
	})
}

// cmdFix applies one remedy headless: check first, show the exact commands
// with risk and privilege, ask, run, check again, print before and after.
func cmdFix(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	var ff fixFlags
	p := fixFlagSet(&ff)
	pos, err := p.parse(args)
	if err != nil {
		return 0, err
	}
	switch {
	case ff.list && len(pos) > 0:
		return 0, usagef("fix: --list takes no remedy ID")
	case !ff.list && len(pos) == 0:
		return 0, usagef("fix: name a remedy, e.g. 'gptdoctor fix flush-dns' ('gptdoctor fix --list' shows them)")
	case len(pos) > 1:
		return 0, usagef("fix: one remedy at a time (got %s)", strings.Join(pos, ", "))
	}
	if !ff.list {
		if err := knownRemedy("fix", pos[0]); err != nil {
			return 0, err
		}
	}
	f, err := newSystemFace("fix", p, stderr)
	if err != nil {
		return 0, err
	}
	if ff.list {
		// Listing needs only the resolver stack (flush-dns) and the egress
		// interface (renew-dhcp).
		snap := f.sess.ProbeOnly(ctx, "dns:config", "identity:egress")
		var plans []remedies.Plan
		for _, id := range remedies.ActionIDs {
			pl, err := f.sess.PlanActionFrom(snap, id)
			if err != nil {
				return exitCannotRun, err
			}
			plans = append(plans, pl)
		}
		if f.opts.json {
			return exitOK, listActionsJSON(stdout, plans, f.sess.GOOS())
		}
		return exitOK, listActions(stdout, plans, f.sess.GOOS())
	}
	return f.fix(ctx, pos[0], ff, terminalPrompter(ctx, stdin, stderr), stdout, stderr)
}

// knownRemedy refuses an ID that names no remedy before anything runs.
func knownRemedy(cmd, id string) error {
	if !slices.Contains(remedies.ActionIDs, id) {
		return usagef("%s: no remedy %q (known: %s)", cmd, id, strings.Join(remedies.ActionIDs, ", "))
	}
	return nil
}

// terminalPrompter asks on the terminal, or is nil when stdin is not one:
// then nobody can be asked, and anything needing a yes --yes does not give
// is refused.
func terminalPrompter(ctx context.Context, stdin io.Reader, stderr io.Writer) func(string) bool {
	if !isTerminal(stdin) {
		return nil
	}
	return prompter(ctx, stdin, stderr)
}

// fix is the fix front-end over the session: it checks first (a dry run
// only reads the local DNS configuration, so it sends nothing), prints the
// plan and asks on stderr, applies, and prints the result on stdout (the
// session's document with --json). The plan and the questions go to
// stderr, where "Checking first" went: with stdout redirected the person
// still sees what they are asked.
func (f *face) fix(ctx context.Context, id string, ff fixFlags, confirm func(string) bool, stdout, stderr io.Writer) (int, error) {
	out := stdout
	if f.opts.json {
		out = stderr
	}
	var (
		plan remedies.Plan
		err  error
	)
	if ff.dryRun {
		plan, err = f.sess.PlanActionFrom(f.sess.ProbeLocal(ctx), id)
	} else {
		fmt.Fprintln(stderr, "Checking first, so the result can be compared …")
		f.probe(ctx, stderr)
		plan, err = f.sess.PlanAction(id)
	}
	if err != nil {
		return exitCannotRun, err
	}
	describe(stderr, plan)
	f.retries = len(plan.Retry)
	rec, fixErr := f.apply(ctx, plan, ff, confirm, out, stderr)
	if f.opts.json {
		if err := f.render(f.fixDocument(ff.dryRun), stdout); err != nil {
			return exitCannotRun, err
		}
	}
	return fixExitCode(rec, fixErr), quietFixError(fixErr)
}

// apply walks the plan through the lifecycle: blocked, instructions, dry
// run, the questions, then the session applies it.
func (f *face) apply(ctx context.Context, plan remedies.Plan, ff fixFlags, confirm func(string) bool, out, stderr io.Writer) (remedies.ActionRecord, error) {
	s, a := f.sess, plan.Action
	if ctx.Err() != nil { // interrupted while checking: nothing runs after Ctrl-C
		return interrupted(s, plan)
	}
	dryTicket := ff.dryRun && a.Kind == remedies.KindClipboard
	switch {
	case plan.Blocked != "" && !dryTicket:
		if a.Kind == remedies.KindClipboard && plan.Ticket != "" {
			fmt.Fprintf(out, "\n%s\n", plan.Ticket)
		}
		rec := s.Apply(ctx, plan) // runs nothing: records why
		return rec, plan.Err()
	case a.Kind == remedies.KindInstructions:
		for _, step := range a.Instructions {
			fmt.Fprintf(out, "- %s\n", step)
		}
		return s.Apply(ctx, plan), nil
	case ff.dryRun:
		if a.Kind == remedies.KindClipboard {
			fmt.Fprintf(out, "it would put this on the clipboard:\n%s\n", plan.Ticket)
			fmt.Fprintln(out, "(a dry run measures nothing; without --dry-run gptdoctor checks first and the ticket carries the results)")
		}
		if len(plan.Lines) > 0 && plan.Blocked == "" {
			fmt.Fprintf(out, "dry run: nothing was run; it would run %s\n", strings.Join(plan.Lines, " then "))
		} else {
			fmt.Fprintln(out, "dry run: nothing was run.")
		}
		rec := remedies.DryRun(plan, s.Now())
		s.AddAction(rec)
		return rec, nil
	}
	if confirm == nil {
		if err := plan.Unasked(ff.yes); err != nil {
			rec := remedies.Refused(plan, s.Now(), err)
			s.AddAction(rec)
			return rec, err
		}
	}
	for _, q := range plan.Questions(ff.yes) {
		if confirm == nil || !confirm(q.Prompt) {
			if ctx.Err() != nil {
				return interrupted(s, plan)
			}
			fmt.Fprintln(out, "not run.")
			rec := s.Decline(plan)
			return rec, rec.Failure()
		}
	}
	if a.Recheck && a.Kind != remedies.KindRetry {
		fmt.Fprintln(stderr, "re-checking …")
	}
	if ctx.Err() != nil {
		return interrupted(s, plan)
	}
	rec := s.Apply(ctx, plan)
	printResult(out, plan, rec)
	return rec, rec.Failure()
}

// interrupted records that a signal stopped the remedy before it ran: an
// interrupted check or question is not a yes, whatever --yes said.
func interrupted(s *session.Session, plan remedies.Plan) (remedies.ActionRecord, error) {
	why := fmt.Errorf("%s not run: interrupted", plan.Action.ID)
	rec := remedies.Refused(plan, s.Now(), why)
	s.AddAction(rec)
	return rec, why
}

// fixDocument is the document fix --json writes: the last check of the
// machine as it is (after the action when it re-checked; a what-if
// re-check only shows in the action's record). A dry run checked nothing,
// and its document says so rather than call the machine reachable.
func (f *face) fixDocument(dryRun bool) session.Document {
	latest, ok := f.sess.Latest()
	if ok || !dryRun {
		return f.sess.Document(latest)
	}
	doc := f.sess.Document(session.Diagnosis{})
	doc.Outcome = session.Outcome{Status: session.OutcomeNotChecked, ExitCode: exitOK, Counts: doc.Outcome.Counts,
		Headline: "Dry run: nothing was checked, run or sent"}
	return doc
}

// describe prints what the action is and exactly what it runs.
func describe(w io.Writer, p remedies.Plan) {
	a := p.Action
	fmt.Fprintf(w, "%s: %s\n", a.ID, a.Title)
	if a.Description != "" {
		fmt.Fprintf(w, "  %s\n", a.Description)
	}
	for _, c := range a.Commands {
		fmt.Fprintf(w, "  runs:       %s\n", remedies.CommandLine(p.GOOS, c))
	}
	fmt.Fprintf(w, "  privilege:  %s\n  risk:       %s\n  scope:      %s\n", a.Privilege, a.Risk, a.Scope)
	if a.Recheck {
		fmt.Fprintln(w, "  afterwards: runs the checks again and compares")
	}
	if a.Warning != "" {
		fmt.Fprintf(w, "  warning:    %s\n", a.Warning)
	}
	if a.Unavailable != "" {
		fmt.Fprintf(w, "  unavailable: %s\n", a.Unavailable)
	}
	if a.Kind != remedies.KindInstructions { // those are the result, printed on their own
		for _, s := range a.Instructions {
			fmt.Fprintf(w, "  - %s\n", s)
		}
	}
	switch {
	case p.Escalate:
		fmt.Fprintf(w, "%s needs root, and gptdoctor is not running as root. With sudo it runs:\n  %s\n", a.ID, strings.Join(p.Lines, "\n  "))
	case errors.Is(p.BlockedBy, remedies.ErrNeedsPrivilege) && p.GOOS == "windows":
		fmt.Fprintf(w, "%s needs administrator rights, and this terminal is not elevated. Open an elevated terminal (right-click Start, Terminal (Admin)) and run:\n  %s\n",
			a.ID, strings.Join(p.Lines, "\n  "))
	}
}

// printResult prints what ran and, after a re-check, before, after and the
// outcome.
func printResult(w io.Writer, p remedies.Plan, rec remedies.ActionRecord) {
	switch {
	case rec.Outcome == remedies.OutcomeFailed:
		fmt.Fprintln(w, rec.Err)
		return
	case p.Action.Kind == remedies.KindOpen:
		for _, l := range p.Lines {
			fmt.Fprintf(w, "started %s\n", l)
		}
	case len(p.Lines) > 0:
		for _, l := range p.Lines {
			fmt.Fprintf(w, "ran %s: exit 0\n", l)
		}
	}
	if p.Action.Kind == remedies.KindClipboard {
		fmt.Fprintln(w, "The support ticket is on the clipboard.")
	}
	if rec.Before != "" && rec.Err == "" {
		verdict := ""
		if rec.Verdict != "" {
			verdict = ": " + rec.Verdict
		}
		fmt.Fprintf(w, "before: %s\nafter:  %s\nresult: %s%s\n", rec.Before, rec.After, rec.Outcome, verdict)
	}
}

// fixExitCode: 0 the remedy ran (or a dry run / instructions were shown) and
// nothing got worse; 1 it ran but the problem remains, made things worse,
// failed, or was declined, or it was a what-if re-check (confirmed or
// ruled-out), which changes nothing, so the problem remains; 2 it could
// not run here at all.
func fixExitCode(rec remedies.ActionRecord, err error) int {
	switch {
	case errors.Is(err, remedies.ErrUnavailable), errors.Is(err, command.ErrNotFound),
		errors.Is(err, remedies.ErrNeedsPrivilege), errors.Is(err, remedies.ErrNeedsConfirmation),
		errors.Is(err, remedies.ErrUnknownAction):
		return exitCannotRun
	case err != nil:
		return exitProblem
	}
	switch rec.Outcome {
	case remedies.OutcomeUnchanged, remedies.OutcomeWorse, remedies.OutcomeFailed, remedies.OutcomeDeclined,
		remedies.OutcomeConfirmed, remedies.OutcomeRuledOut:
		return exitProblem
	}
	return exitOK
}

// quietFixError turns a declined action into a silent exit: the user said
// no, and the output already says "not run".
func quietFixError(err error) error {
	if errors.Is(err, remedies.ErrDeclined) {
		return nil
	}
	return err
}

// prompter asks yes/no questions on the terminal; anything but y or yes is
// no, and end of input is no. An interrupt (ctx cancelled) is no too, at
// once: the read of the answer blocks on the terminal, which a signal does
// not wake, so it waits on its own goroutine, and a question asked after
// the interrupt is not asked at all. An abandoned read ends with the process.
func prompter(ctx context.Context, in io.Reader, out io.Writer) func(string) bool {
	r := bufio.NewReader(in)
	type answer struct {
		line string
		err  error
	}
	return func(q string) bool {
		if ctx.Err() != nil {
			return false
		}
		fmt.Fprintf(out, "%s [y/N] ", q)
		got := make(chan answer, 1)
		go func() {
			line, err := r.ReadString('\n')
			got <- answer{line, err}
		}()
		var a answer
		select {
		case a = <-got:
		case <-ctx.Done():
			fmt.Fprintln(out)
			return false
		}
		if a.err != nil && a.line == "" {
			fmt.Fprintln(out)
			return false
		}
		switch strings.ToLower(strings.TrimSpace(a.line)) {
		case "y", "yes":
			return true
		}
		return false
	}
}

// remedyList is what fix --list --json prints: every remedy as planned
// for this machine, so a script or a fleet inventory can ask which ones
// would run here and exactly what they would run. Its fields are its own
// (not remedies.Plan's), so the document changes only on purpose.
type remedyList struct {
	// SchemaVersion is this document's version: 1. It changes only when a
	// field is removed or changes meaning.
	SchemaVersion int    `json:"schema_version"`
	GOOS          string `json:"goos"`
	// Remedies are in the catalogue's order (remedies.ActionIDs).
	Remedies []listedRemedy `json:"remedies"`
}

// listedRemedy is one remedy as planned here.
type listedRemedy struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// CanRun is false when the remedy cannot run on this machine; WhyNot
	// then says why and what to do instead.
	CanRun    bool                `json:"can_run"`
	WhyNot    string              `json:"why_not,omitempty"`
	Kind      remedies.ActionKind `json:"kind"`
	Risk      remedies.Risk       `json:"risk"`
	Privilege remedies.Privilege  `json:"privilege"`
	Scope     string              `json:"scope"`
	// Escalate: it would run through sudo (gptdoctor lacks root).
	Escalate      bool `json:"escalate"`
	Confirmations int  `json:"confirmations"`
	// Commands are the exact argvs it would run, in order; Lines the same
	// as a person would type them on GOOS.
	Commands     [][]string `json:"commands,omitempty"`
	Lines        []string   `json:"lines,omitempty"`
	Instructions []string   `json:"instructions,omitempty"`
	Warning      string     `json:"warning,omitempty"`
	// RetryMS are the retry remedy's waits before each re-check.
	RetryMS []int64 `json:"retry_ms,omitempty"`
}

const remedyListVersion = 1

func listActionsJSON(w io.Writer, plans []remedies.Plan, goos string) error {
	l := remedyList{SchemaVersion: remedyListVersion, GOOS: goos, Remedies: []listedRemedy{}}
	for _, p := range plans {
		a := p.Action
		why := p.Blocked
		if why == "" {
			why = a.Unavailable
		}
		r := listedRemedy{ID: a.ID, Title: a.Title, Description: a.Description, CanRun: why == "", WhyNot: why,
			Kind: a.Kind, Risk: a.Risk, Privilege: a.Privilege, Scope: a.Scope, Escalate: p.Escalate,
			Confirmations: p.Confirmations, Commands: p.Commands, Lines: p.Lines, Instructions: a.Instructions, Warning: a.Warning}
		for _, d := range p.Retry {
			r.RetryMS = append(r.RetryMS, d.Milliseconds())
		}
		l.Remedies = append(l.Remedies, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(l)
}

// listActions prints what each remedy does on this system, those that can
// run here first, then those that cannot with the reason and what to do
// instead: a list titled "available" that is mostly "not available here"
// helps nobody.
func listActions(w io.Writer, plans []remedies.Plan, goos string) error {
	var can, cannot []remedies.Plan
	for _, p := range plans {
		if p.Blocked != "" || p.Action.Unavailable != "" {
			cannot = append(cannot, p)
		} else {
			can = append(can, p)
		}
	}
	fmt.Fprintf(w, "CAN RUN HERE (%d)\n", len(can))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tWHAT IT DOES\tRISK\tPRIVILEGE")
	for _, p := range can {
		a := p.Action
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.ID, a.Title, a.Risk, a.Privilege)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, p := range can {
		a := p.Action
		fmt.Fprintf(w, "  %s — %s\n", a.ID, a.Description)
		for _, c := range a.Commands {
			fmt.Fprintf(w, "      runs: %s\n", remedies.CommandLine(goos, c))
		}
		for _, in := range a.Instructions {
			fmt.Fprintf(w, "      %s\n", in)
		}
	}
	if len(cannot) > 0 {
		fmt.Fprintf(w, "\nCANNOT RUN HERE (%d)\n", len(cannot))
		for _, p := range cannot {
			why := p.Blocked
			if why == "" {
				why = p.Action.Unavailable
			}
			fmt.Fprintf(w, "  %s — %s: %s\n", p.Action.ID, p.Action.Title, why)
		}
	}
	fmt.Fprintln(w, "\nApply one with: gptdoctor fix ID [--dry-run] [--yes]")
	return nil
}
