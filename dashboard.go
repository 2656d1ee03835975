package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/config"
	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/ui"
	"github.com/gptdoctor/gptdoctor/watch"
	"golang.org/x/term"
)

// Refresh interval limits for the dashboard. Re-running the diagnosis
// sends a dozen requests to Cloudflare-fronted hosts; doing that every few
// seconds is itself a cause of 1015 rate-limit blocks, so the floor is not
// a matter of taste: it is watch's, for the same reason.
const (
	defaultInterval = time.Minute
	minInterval     = watch.MinInterval
	maxInterval     = 24 * time.Hour
)

// Below this size the dashboard cannot even say which size it needs; it
// refuses to start instead of drawing garbage.
const minTermCols, minTermRows = 20, 3

// dashboardFlagSet is the flags of `gptdoctor` alone: check's, plus the
// dashboard's own.
func dashboardFlagSet() *parsedFlags {
	p := newFlagSet("gptdoctor", true, nil)
	p.addDashboardFlags()
	return p
}

// addDashboardFlags declares --interval and --mouse, for the commands that
// open the dashboard on a terminal (gptdoctor alone, demo).
func (p *parsedFlags) addDashboardFlags() {
	p.fs.DurationVar(&p.interval, "interval", defaultInterval,
		"how often the dashboard re-runs the diagnosis; 0 only on demand (r), never below 10s")
	p.fs.BoolVar(&p.mouse, "mouse", false,
		"dashboard: wheel scrolling and click-to-focus (the terminal's own text selection then needs shift)")
}

// dashboardOptions fills the dashboard's options: flag, else configuration
// file, else default. Commands without the dashboard flags skip it.
func (p *parsedFlags) dashboardOptions(o *options, file config.File, set map[string]bool) error {
	if p.fs.Lookup("interval") == nil {
		return nil
	}
	interval, name := p.interval, "--interval"
	if !set["interval"] && file.Interval != "" {
		d, err := time.ParseDuration(file.Interval)
		if err != nil {
			return usagef("config: %s: interval %q is not a duration like 60s", file.Path, file.Interval)
		}
		interval, name = d, "config: "+file.Path+": interval"
	}
	if err := checkInterval(name, interval); err != nil {
		return err
	}
	o.interval = interval
	o.mouse = p.mouse
	if !set["mouse"] && file.Mouse != nil {
		o.mouse = *file.Mouse
	}
	return nil
}

// intervalFloorWhy is why an interval under the floor is refused, worded
// once for the dashboard's --interval and watch's.
const intervalFloorWhy = "re-running more often is itself a cause of Cloudflare 1015 rate limits"

// checkInterval refuses refresh intervals that would hammer the site, and
// says why in the message.
func checkInterval(name string, d time.Duration) error {
	switch {
	case d == 0:
		return nil
	case d < minInterval:
		return usagef("%s %s: at least %s, or 0 for only on demand: %s", name, d, minInterval, intervalFloorWhy)
	case d > maxInterval:
		return usagef("%s %s: at most %s (0 re-runs only on demand)", name, d, maxInterval)
	}
	return nil
}

// cmdDefault is `gptdoctor` with no command: the dashboard when a person
// is at a terminal, else the check summary exactly as `gptdoctor check`
// prints it, so scripts and pipes see no change. --json asks for the
// document, so it is headless too.
func cmdDefault(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	p := dashboardFlagSet()
	pos, err := p.parse(args)
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usagef("unexpected argument %q (commands: %s)", pos[0], commandList)
	}
	if p.json || !interactive(stdin, stdout) {
		f, err := newSystemFace("check", p, stderr)
		if err != nil {
			return 0, err
		}
		doc := f.sess.Document(f.probe(ctx, stderr))
		return doc.Outcome.ExitCode, f.render(doc, stdout)
	}
	f, err := newSystemFace("dashboard", p, stderr)
	if err != nil {
		return 0, err
	}
	return f.dashboard(ctx, "", stdin, stdout)
}

// interactive reports that a person is at a terminal on both ends: the
// dashboard reads keys from in and draws on out.
func interactive(in io.Reader, out io.Writer) bool {
	return isTerminal(in) && isTerminal(out)
}

// dashboard runs the full-screen dashboard over the face's session until
// the user quits, then prints the path of every report written. scenario
// names the lab scenario in a demo.
func (f *face) dashboard(ctx context.Context, scenario string, stdin io.Reader, stdout io.Writer) (int, error) {
	in, out := stdin.(*os.File), stdout.(*os.File) // interactive() said both are terminals
	if err := checkTermSize(out); err != nil {
		return 0, err
	}
	dir, _ := os.Getwd() // absolute, so the printed path can be found; "" is the current directory
	opts := ui.Options{
		Session:   f.sess,
		Interval:  f.opts.interval,
		Mouse:     f.opts.mouse,
		ReportDir: dir,
		Demo:      scenario != "",
		Now:       f.sess.Now,
		NoColor:   f.opts.noColor,
	}
	// Run prints the path of every report written once the screen is
	// restored, so the paths stay on the user's screen.
	err := runRestoring(in, out, func() error { return ui.Run(ctx, opts, in, out) })
	switch {
	case ctx.Err() != nil:
		return exitInterrupted, nil // a signal, not a key
	case err != nil:
		return 0, fmt.Errorf("dashboard: %w", err)
	}
	return exitOK, nil
}

// checkTermSize refuses a terminal too small to show even the dashboard's
// "needs a larger window" screen; anything larger opens, and the dashboard
// says what it needs until the window grows.
func checkTermSize(out *os.File) error {
	w, h, err := term.GetSize(int(out.Fd()))
	if err != nil {
		return fmt.Errorf("dashboard: read the terminal's size: %w", err)
	}
	if w < minTermCols || h < minTermRows {
		return fmt.Errorf("dashboard: the terminal is %dx%d, too small to draw on (the dashboard needs %dx%d); enlarge it, or run 'gptdoctor check' for the summary", w, h, ui.MinWidth, ui.MinHeight)
	}
	return nil
}

// pickScenario lets the user choose a lab scenario on the terminal; "" when
// they quit without choosing.
func pickScenario(ctx context.Context, stdin io.Reader, stdout io.Writer) (string, error) {
	in, out := stdin.(*os.File), stdout.(*os.File) // interactive() said both are terminals
	if err := checkTermSize(out); err != nil {
		return "", err
	}
	var scenarios []ui.Scenario
	for _, s := range lab.Scenarios() {
		scenarios = append(scenarios, ui.Scenario{Name: s.Name, Description: s.Description})
	}
	var name string
	err := runRestoring(in, out, func() error {
		var err error
		name, err = ui.Pick(ctx, scenarios, in, out)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("demo: scenario picker: %w", err)
	}
	return name, nil
}

// runRestoring runs the dashboard and, should it panic outside the event
// loop (which restores the terminal itself), puts the terminal back the
// way it was (cooked mode, main screen, cursor shown, mouse and paste
// reporting off) and turns the panic into a one-line error.
func runRestoring(in, out *os.File, run func() error) (err error) {
	fd := int(in.Fd())
	saved, serr := term.GetState(fd)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if serr == nil {
			term.Restore(fd, saved) //nolint:errcheck // best effort on the way out
		}
		io.WriteString(out, leaveFullScreen) //nolint:errcheck
		err = fmt.Errorf("internal error: %v", r)
	}()
	return run()
}

// leaveFullScreen undoes what a full-screen program turns on: mouse
// reporting (1000, 1002, 1003, 1006), bracketed paste, the alternate
// screen, and a hidden cursor.
const leaveFullScreen = "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?1049l\x1b[?25h"
