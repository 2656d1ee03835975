package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/collect"
	"github.com/gptdoctor/gptdoctor/report"
	"github.com/gptdoctor/gptdoctor/session"
)

// cmdCheck diagnoses this machine headless.
func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	p := checkFlagSet()
	pos, err := p.parse(args)
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usagef("check: unexpected argument %q (check takes only flags)", pos[0])
	}
	f, err := newSystemFace("check", p, stderr)
	if err != nil {
		return 0, err
	}
	doc := f.sess.Document(f.probe(ctx, stderr))
	return doc.Outcome.ExitCode, f.render(doc, stdout)
}

// face is a command-line front-end over one session: the session does the
// work, the face holds what only the command line cares about (output
// format, colour, verbosity).
type face struct {
	sess *session.Session
	opts options
	// progress receives what the person waiting reads (stderr).
	progress io.Writer
	// retries is the planned retry's number of attempts, for its
	// progress lines; waited counts the waits so far.
	retries, waited int
}

// newSystemFace reads the options and wires the real machine.
func newSystemFace(mode string, p *parsedFlags, progress io.Writer) (*face, error) {
	o, err := p.options(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	w, err := systemWorld(o)
	if err != nil {
		return nil, err
	}
	return newFace(mode, "", o, w, nil, progress), nil
}

// newFace starts the session a command runs. isAdmin answers whether
// gptdoctor has admin rights on the world's machine (nil: this process's).
func newFace(mode, scenario string, o options, w probes.World, isAdmin func() bool, progress io.Writer) *face {
	f := &face{opts: o, progress: progress}
	f.sess = session.New(session.Options{
		Mode:     mode,
		Scenario: scenario,
		Version:  versionString(),
		Config:   o.cfg,
		World:    w,
		Settings: settingsOf(o, w),
		IsAdmin:  isAdmin,
		Sleep:    f.sleep,
	})
	return f
}

// sleep is the retry's wait, said on the progress stream first.
func (f *face) sleep(ctx context.Context, d time.Duration) error {
	f.waited++
	fmt.Fprintf(f.progress, "waiting %s (attempt %d of %d) …\n", d, f.waited, f.retries)
	return session.Sleep(ctx, d)
}

// probe runs the session's plan once and waits for the diagnosis. Progress
// goes to progress when it is a terminal and the output is not JSON.
func (f *face) probe(ctx context.Context, progress io.Writer) session.Diagnosis {
	run := f.sess.Start(ctx, nil)
	if !f.opts.json && canRedraw(progress, os.LookupEnv) {
		total, done := len(run.Planned), 0
		for range run.Results() {
			done++
			// Cross-checks derived from the planned probes (a matrix's
			// summary) arrive last and count too: the line ends on the
			// number the footer gives.
			total = max(total, done)
			fmt.Fprintf(progress, "\r\x1b[2KProbing… %d of %d probes done", done, total)
		}
		fmt.Fprint(progress, "\r\x1b[2K")
	}
	return run.Wait()
}

// settingsOf records the configuration in documents.
func settingsOf(o options, w probes.World) session.Settings {
	cfg := o.cfg
	st := session.Settings{
		Targets:      cfg.Targets,
		BudgetMS:     probes.Millis(cfg.Budget),
		StatusURL:    cfg.StatusURL,
		Resolvers:    cfg.Resolvers,
		DoHURL:       cfg.DoHURL,
		CaptiveURL:   cfg.CaptiveURL,
		EgressProbes: cfg.EgressProbes,
		APIKeyEnv:    cfg.APIKeyEnv,
		BypassProxy:  cfg.BypassProxy,
		Resolver:     o.resolver,
		UserCAFiles:  o.caFiles,
		PublicRoots:  w.Trust.PublicSource,
		ConfigFile:   o.configPath,
	}
	if c, ok := w.Dialer.(collect.ConnectTo); ok {
		st.ConnectTo = c.Summary()
	}
	return st
}

// render writes the document as JSON or as the readable summary.
func (f *face) render(doc session.Document, stdout io.Writer) error {
	if f.opts.json {
		return report.WriteJSON(stdout, doc)
	}
	return report.WriteText(stdout, doc, report.TextOptions{Color: useColor(stdout, f.opts), Verbose: f.opts.verbose,
		Width: terminalWidth(stdout), Browsers: f.sess.Browsers()})
}
