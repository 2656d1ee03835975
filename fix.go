package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// fixFlags are the flags only fix has.
type fixFlags struct {
	list, yes, dryRun bool
}

// fixFlagSet is fix's flags, filling f.
func fixFlagSet(f *fixFlags) *parsedFlags {
	return newFlagSet("fix", true, func(fs *flag.FlagSet) {
		fs.BoolVar(&f.list, "list", false, "list the remedies available on this system and exit")
		fs.BoolVar(&f.yes, "yes", false, "answer yes to the confirmation (disruptive actions and sudo still ask)")
		fs.BoolVar(&f.dryRun, "dry-run", false, "show exactly what would run, run nothing")
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
	if !ff.list && !slices.Contains(remedies.ActionIDs, pos[0]) {
		return 0, usagef("fix: no remedy %q (known: %s)", pos[0], strings.Join(remedies.ActionIDs, ", "))
	}
	f, err := newSystemFace("fix", p)
	if err != nil {
		return 0, err
	}
	o := f.opts
	runner := remedies.ExecRunner{}
	env := remedies.ActionEnv{
		GOOS:       f.sess.GOOS(),
		LookPath:   runner.LookPath,
		Getenv:     os.Getenv,
		StatusPage: remedies.StatusPageFor(o.cfg.StatusURL),
	}
	if ff.list {
		// Listing needs only the resolver stack (flush-dns) and the egress
		// interface (renew-dhcp).
		snap := f.sess.ProbeOnly(ctx, "dns:config", "identity:egress")
		return exitOK, listActions(stdout, remedies.PlanActions(snap, env), env.GOOS)
	}

	fmt.Fprintln(stderr, "Checking first, so the result can be compared …")
	first := f.probe(ctx, stderr)
	before := first.Snapshot
	// The document describes the last check of the machine as it is: after
	// the action when it re-checked. A what-if re-check (bypass-proxy) ran
	// with a configuration the machine does not have, so it only shows in
	// the action's record.
	latest := first
	var sess remedies.Session
	// The plan and the questions go to stderr, where "Checking first" went:
	// with stdout redirected the person still sees what they are asked.
	// Stdout carries the result, or the document with --json.
	out := stdout
	if o.json {
		out = stderr
	}
	deps := remedies.FixDeps{
		Runner: runner,
		Out:    out,
		Plan:   stderr,
		Probe: func(ctx context.Context, mutate func(*probes.Config)) probes.Snapshot {
			run := f.sess.Start(ctx, mutate)
			d := run.Wait()
			if mutate == nil {
				latest = d
			}
			return d.Snapshot
		},
		Before:   before,
		Env:      env,
		Diagnose: f.sess.DiagnoseContext(),
		Session:  &sess,
	}
	if isTerminal(stdin) {
		deps.Confirm = prompter(stdin, stderr)
	}
	rec, fixErr := remedies.Fix(ctx, pos[0], remedies.FixOptions{Yes: ff.yes, DryRun: ff.dryRun}, deps)
	for _, r := range sess.Records {
		f.sess.AddAction(r)
	}
	if o.json {
		doc := f.sess.Document(latest)
		if err := f.render(doc, stdout); err != nil {
			return exitCannotRun, err
		}
	}
	return fixExitCode(rec, fixErr), quietFixError(fixErr)
}

// fixExitCode: 0 the remedy ran (or a dry run / instructions were shown) and
// nothing got worse; 1 it ran but the problem remains, made things worse,
// failed, or was declined, or it was a what-if re-check (confirmed or
// ruled-out), which changes nothing, so the problem remains; 2 it could
// not run here at all.
func fixExitCode(rec remedies.ActionRecord, err error) int {
	switch {
	case errors.Is(err, remedies.ErrUnavailable), errors.Is(err, remedies.ErrToolMissing),
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
// no, and end of input is no.
func prompter(in io.Reader, out io.Writer) func(string) bool {
	r := bufio.NewReader(in)
	return func(q string) bool {
		fmt.Fprintf(out, "%s [y/N] ", q)
		line, err := r.ReadString('\n')
		if err != nil && line == "" {
			fmt.Fprintln(out)
			return false
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true
		}
		return false
	}
}

// listActions prints what each remedy does on this system.
func listActions(w io.Writer, actions []remedies.Action, goos string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tWHAT IT DOES\tRISK\tPRIVILEGE")
	for _, a := range actions {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.ID, a.Title, a.Risk, a.Privilege)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, a := range actions {
		fmt.Fprintf(w, "%s — %s\n", a.ID, a.Description)
		for _, c := range a.Commands {
			fmt.Fprintf(w, "    runs: %s\n", remedies.CommandLine(goos, c))
		}
		for _, in := range a.Instructions {
			fmt.Fprintf(w, "    %s\n", in)
		}
		if a.Unavailable != "" {
			fmt.Fprintf(w, "    not available here: %s\n", a.Unavailable)
		}
	}
	fmt.Fprintln(w, "\nApply one with: gptdoctor fix ID [--dry-run] [--yes]")
	return nil
}
