package main

import (
	"context"
	"flag"
	"io"
)

// fixFlags are the flags only fix has.
type fixFlags struct {
	list, yes, dryRun bool
}

func fixExtraFlags(f *fixFlags) func(*flag.FlagSet) {
	return func(fs *flag.FlagSet) {
		fs.BoolVar(&f.list, "list", false, "list the remedies available on this system and exit")
		fs.BoolVar(&f.yes, "yes", false, "answer yes to the confirmation (disruptive actions still ask twice)")
		fs.BoolVar(&f.dryRun, "dry-run", false, "show exactly what would run, run nothing")
	}
}

// cmdFix applies one remedy headless. Wired to the remedies package when it
// lands.
func cmdFix(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	var ff fixFlags
	p := newFlagSet("fix", flagSpec{network: true, output: true}, fixExtraFlags(&ff))
	if _, err := p.parse(args); err != nil {
		return 0, err
	}
	return 0, usagef("fix: not available yet")
}
