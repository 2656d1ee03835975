package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/session"
)

// Options configure the dashboard. Session is required.
type Options struct {
	// Session runs the probes; the dashboard starts its runs and reads its
	// history and actions.
	Session *session.Session
	// Interval is the refresh period: 0 refreshes only on demand (r);
	// otherwise at least 10 s, which the caller validates (hammering the
	// site is itself a cause of 1015 blocks).
	Interval time.Duration
	// Mouse turns on wheel scrolling and click-to-focus. Off by default so
	// people can select a Ray ID or an address with the mouse.
	Mouse bool
	// ReportDir is where e writes reports; "" is the current directory.
	ReportDir string
	// Demo says the session runs against the lab; the header says so.
	Demo bool
	// Now is the clock for ages, timers and file names; nil is time.Now.
	Now func() time.Time

	// Actions plans and applies remedies; nil uses the session (tests
	// supply a fake).
	Actions Actioner
	// Export writes a report of the session in format (a report.Format:
	// "md", "json" or "html") to path ("" = report.DefaultName in
	// ReportDir), masking as report.Share does when share is set, and
	// returns the path written. Nil writes the session's record with
	// report.WriteFile, removing and masking what the report command does.
	Export func(format string, share bool, path string) (string, error)
	// NoColor draws without colour; Run also honours NO_COLOR.
	NoColor bool
}

// frameRate is how often Bubble Tea may draw. Bubble Tea v2.1.1 writes a
// frame only on its frame ticker, which wakes the process that often
// forever: 60 (the default) costs 0.7 % of a core idle on a small VM, 20
// puts the first frame 50 ms after start. 40 keeps both near their
// targets (first frame within 50 ms, idle under 0.5 %); nothing here moves
// faster than the spinner's 120 ms.
const frameRate = 40

// Run runs the dashboard on in and out in the alternate screen and returns
// when the user quits or ctx is cancelled. The paths of reports written
// during the session are printed to out after the screen is restored, so
// they stay visible.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer) error {
	return run(ctx, opts, in, out)
}

// run is Run with extra program options, which tests use to give an
// in-memory terminal a size.
func run(ctx context.Context, opts Options, in io.Reader, out io.Writer, extra ...tea.ProgramOption) error {
	if opts.Session == nil {
		return errors.New("dashboard: no session")
	}
	if os.Getenv("NO_COLOR") != "" {
		opts.NoColor = true
	}
	// Runs and actions live as long as the program: quitting cancels
	// what is still in flight.
	m := newModel(ctx, opts)
	defer m.cancel()
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out), tea.WithFPS(frameRate)}, extra...)...)
	final, err := p.Run()
	if fm, ok := final.(*Model); ok && fm != nil {
		m = fm
	}
	m.stop()
	m.writes.wait()
	for _, path := range m.Reports() {
		fmt.Fprintf(out, "gptdoctor: report written to %s\n", path)
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled) {
		return nil
	}
	if errors.Is(err, tea.ErrInterrupted) {
		return nil
	}
	return err
}
