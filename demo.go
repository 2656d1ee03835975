package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/lab"
)

// demoFlags are the flags only demo has.
type demoFlags struct {
	list    bool
	latency time.Duration
	fix     string
	yes     bool
}

// demoFlagSet is demo's flags, filling d.
func demoFlagSet(d *demoFlags) *parsedFlags {
	p := newFlagSet("demo", false, func(fs *flag.FlagSet) {
		fs.BoolVar(&d.list, "list", false, "list the lab's scenarios and exit")
		fs.DurationVar(&d.latency, "latency", 0, "delay per round trip in the slow scenario (default: the scenario's own)")
		fs.StringVar(&d.fix, "fix", "", "apply this remedy to the lab's staged machine, as 'gptdoctor fix ID' would here, and re-check")
		fs.BoolVar(&d.yes, "yes", false, "with --fix: answer yes to the confirmation (disruptive actions and sudo still ask)")
	})
	p.addDashboardFlags()
	return p
}

// cmdDemo runs the diagnosis against one lab scenario: a staged failure on
// loopback, so anyone can see what a real 1020 looks like offline. On a
// terminal it opens the dashboard (after a picker when no scenario is
// named); elsewhere, with --json or with --fix it prints the summary, as
// check and fix do.
func cmdDemo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	var df demoFlags
	p := demoFlagSet(&df)
	pos, err := p.parse(args)
	if err != nil {
		return 0, err
	}
	if df.list {
		return exitOK, listScenarios(stdout)
	}
	// A person at a terminal gets the dashboard; --json and --fix ask for
	// the printed answer.
	onTerminal := !p.json && df.fix == "" && interactive(stdin, stdout)
	if len(pos) == 0 && onTerminal {
		name, err := pickScenario(ctx, stdin, stdout)
		switch {
		case ctx.Err() != nil:
			return exitInterrupted, nil
		case err != nil || name == "":
			return exitOK, err // quitting the picker is not a failure
		}
		pos = []string{name}
	}
	if len(pos) == 0 {
		return 0, usagef("demo: name a scenario, e.g. 'gptdoctor demo block-1020' ('gptdoctor demo --list' shows them all)")
	}
	if len(pos) > 1 {
		return 0, usagef("demo: one scenario at a time (got %s)", strings.Join(pos, ", "))
	}
	if df.fix != "" {
		if err := knownRemedy("demo --fix", df.fix); err != nil {
			return 0, err
		}
	}
	if df.latency < 0 || df.latency > lab.MaxLatency {
		return 0, usagef("--latency %s: want a duration between 0 and %s", df.latency, lab.MaxLatency)
	}
	name := pos[0]
	if err := knownScenario("demo", name); err != nil {
		return 0, err
	}
	o, err := p.options(os.LookupEnv)
	if err != nil {
		return 0, err
	}
	l, err := lab.Start(name, lab.Options{Latency: df.latency})
	if err != nil {
		return 0, fmt.Errorf("demo: start the lab: %w", err)
	}
	defer l.Close()

	cfg := l.Config()
	if !p.setFlags()["timeout"] {
		// The slow scenario needs more than the default budget.
		o.cfg.Budget = max(o.cfg.Budget, cfg.Budget)
	}
	cfg.Budget = o.cfg.Budget
	o.cfg = cfg
	// The staged user is not root: admin remedies go through the staged
	// sudo, and are asked about as they would be here.
	f := newFace("demo", name, o, l.MachineWorld(), func() bool { return false }, stderr)
	if df.fix != "" {
		return f.fix(ctx, df.fix, fixFlags{yes: df.yes}, terminalPrompter(ctx, stdin, stderr), stdout, stderr)
	}
	if onTerminal {
		return f.dashboard(ctx, name, stdin, stdout)
	}
	doc := f.sess.Document(f.probe(ctx, stderr))
	return doc.Outcome.ExitCode, f.render(doc, stdout)
}

func listScenarios(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tWHAT IT STAGES")
	for _, s := range lab.Scenarios() {
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Description)
	}
	fmt.Fprintln(tw, "\nRun one with: gptdoctor demo SCENARIO")
	return tw.Flush()
}

// knownScenario checks a scenario name for cmd (demo, report --demo),
// suggesting the nearest one for a typo.
func knownScenario(cmd, name string) error {
	if _, ok := lab.Lookup(name); ok {
		return nil
	}
	if near := nearestScenario(name); near != "" {
		return usagef("%s: no scenario %q; did you mean %s? ('gptdoctor demo --list' shows them all)", cmd, name, near)
	}
	return usagef("%s: no scenario %q ('gptdoctor demo --list' shows them all)", cmd, name)
}

// nearestScenario suggests what a typo most likely meant: the scenarios the
// name begins (up to three), else the one within two edits.
func nearestScenario(name string) string {
	best, bestDist := "", 3
	var prefixed []string
	for _, s := range lab.Scenarios() {
		if strings.HasPrefix(s.Name, name) {
			prefixed = append(prefixed, s.Name)
		}
		if d := editDistance(name, s.Name); d < bestDist {
			best, bestDist = s.Name, d
		}
	}
	if len(prefixed) > 0 && len(prefixed) <= 3 {
		return strings.Join(prefixed, " or ")
	}
	return best
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
