package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// startRun begins a run; Session.Start blocks only for the desktop proxy
// read, which is why it runs here and not in Update.
func startRun(ctx context.Context, s *session.Session, purpose runPurpose, mutate func(*probes.Config)) tea.Cmd {
	return func() tea.Msg {
		return runStartedMsg{run: s.Start(ctx, mutate), purpose: purpose}
	}
}

// nextResult reads one result of a run; Update re-issues it until the
// channel closes, so results stream into the panes one message each.
func nextResult(run *session.Run) tea.Cmd {
	return func() tea.Msg {
		r, ok := <-run.Results()
		if !ok {
			return resultsClosedMsg{runID: run.ID, run: run}
		}
		return resultMsg{runID: run.ID, run: run, res: r}
	}
}

// waitRun diagnoses a run whose results are all in (and records it in the
// session's history unless it is a what-if run).
func waitRun(run *session.Run) tea.Cmd {
	return func() tea.Msg {
		return runDoneMsg{runID: run.ID, diag: run.Wait()}
	}
}

// findBrowsers asks the session which browsers the machine has (LookPath
// over the usual install places), for the manual remedies' steps.
func findBrowsers(s *session.Session) tea.Cmd {
	if s == nil {
		return nil
	}
	return func() tea.Msg { return browsersMsg(s.Browsers()) }
}

// busyTick turns the spinner while something is in flight. Idle, nothing
// moves but the age in the header, which changes once a minute (see
// idleWait): a dashboard left open all day should cost next to nothing.
const busyTick = 120 * time.Millisecond

// after delivers msg once d has passed, or nothing once ctx ends: Bubble
// Tea cannot cancel a command, so a plain tea.Tick (an idle tick waits up
// to a minute) would outlive the dashboard by that long, and a superseded
// one would hold its goroutine until it fired only to be ignored. Every
// timer of the dashboard goes through Model.after, so tests replace it and
// never wait.
func after(ctx context.Context, d time.Duration, msg tea.Msg) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return msg
		case <-ctx.Done():
			return nil
		}
	}
}

// timerSlot holds the one armed wait of a kind (the tick, the refresh
// interval, a retry's back-off). Arming a new wait stops the old one, so a
// dashboard refreshing back to back keeps one timer goroutine per kind
// instead of one per restart in the last minute.
type timerSlot struct{ stop context.CancelFunc }

// disarm stops the armed wait, if any; its command returns nothing.
func (s *timerSlot) disarm() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// arm replaces the wait in s with one delivering msg after d. The wait
// ends with the dashboard too: its context is a child of m.ctx.
func (m *Model) arm(s *timerSlot, d time.Duration, msg tea.Msg) tea.Cmd {
	s.disarm()
	ctx, stop := context.WithCancel(m.ctx)
	s.stop = stop
	return m.after(ctx, d, msg)
}

func planAction(a Actioner, id, remedy string, byKey, direct bool) tea.Cmd {
	return func() tea.Msg {
		p, err := a.PlanAction(id)
		return planMsg{plan: p, err: err, remedy: remedy, byKey: byKey, direct: direct}
	}
}

func executeAction(ctx context.Context, a Actioner, p remedies.Plan) tea.Cmd {
	return func() tea.Msg {
		return actionRanMsg{plan: p, rec: a.Execute(ctx, p)}
	}
}

// execAction hands the terminal to an action that needs it (sudo asks for a
// password): Bubble Tea releases the terminal, runs it, and takes it back.
type execAction struct {
	ctx  context.Context
	a    Actioner
	p    remedies.Plan
	out  *actionRanMsg
	term io.Writer // the terminal, handed over by Bubble Tea
	// note is what the terminal shows before sudo asks, cleaned and masked
	// as the confirmation showed it.
	note string
}

// Run says on the terminal what is about to run and why sudo asks, so the
// password prompt does not arrive alone on a blank screen, then runs it.
func (e *execAction) Run() error {
	if e.term != nil && e.note != "" {
		fmt.Fprint(e.term, e.note)
	}
	e.out.plan, e.out.rec = e.p, e.a.Execute(e.ctx, e.p)
	return nil
}

// The session's runner talks to the process's terminal itself (sudo opens
// /dev/tty); only the note before it is written here.
func (e *execAction) SetStdin(io.Reader)    {}
func (e *execAction) SetStdout(w io.Writer) { e.term = w }
func (e *execAction) SetStderr(io.Writer)   {}

func executeInTerminal(ctx context.Context, a Actioner, p remedies.Plan, clean func(string) string) tea.Cmd {
	e := newExecAction(ctx, a, p, clean)
	return tea.Exec(e, func(error) tea.Msg { return *e.out })
}

// newExecAction prepares the hand-over; the note's lines are cleaned (and
// masked in share mode) by clean, as the confirmation showed them.
func newExecAction(ctx context.Context, a Actioner, p remedies.Plan, clean func(string) string) *execAction {
	lines := make([]string, len(p.Lines))
	for i, l := range p.Lines {
		lines[i] = clean(l)
	}
	note := fmt.Sprintf("\ngptdoctor: %s needs root, so it runs through sudo:\n  %s\nsudo may ask for your password; the dashboard returns when it is done.\n\n",
		clean(p.ID()), strings.Join(lines, "\n  "))
	return &execAction{ctx: ctx, a: a, p: p, out: &actionRanMsg{}, note: note}
}
