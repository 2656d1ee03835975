package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/report"
	"github.com/gptdoctor/gptdoctor/session"
)

// runState is the run whose results the panes show as they stream in.
type runState struct {
	run     *session.Run
	id      string
	whatIf  bool
	purpose runPurpose
	planned []session.Planned
	results map[string]probes.Result
	order   []string
}

// Model is the dashboard. It is the only tea.Model; the panes are plain
// structs it feeds and draws.
type Model struct {
	opts    Options
	sess    *session.Session
	now     func() time.Time
	actions Actioner
	ctx     context.Context
	writes  writes // reports being written; Run waits for them
	cancel  context.CancelFunc
	// after is the timer every wait goes through (tests swap it); waits
	// are armed through a timerSlot (arm), which stops the one they replace.
	after  func(context.Context, time.Duration, tea.Msg) tea.Cmd
	timers struct{ tick, refresh, retry timerSlot }

	keys    keyMap
	help    help.Model
	styles  *Styles
	isDark  bool
	lay     layout
	focus   paneID
	touched bool // the user moved focus; the dashboard stops choosing it

	// Runs: cur is the run streaming now (nil when idle); last is the
	// newest finished run of the machine as it is.
	cur          *runState
	last         *session.Diagnosis
	lastFinished time.Time
	hist         *history
	runsSeen     int
	board        *board

	// Refresh: the interval timer's generation, when it fires, and the
	// back-off while answers are rate limits.
	paused      bool
	refreshGen  int
	nextRefresh time.Time
	backoff     int
	wait        time.Duration

	// Tick loop: one at a time, identified by generation.
	tickGen  int
	tickFast bool
	retick   bool // the idle tick must be re-armed sooner (a message appeared)
	frame    int

	// Panes.
	identity, dns, proxy, remedies, activity listPane
	endpoints                                endpointsPane
	log                                      []logEntry

	// Remedy flow, dialogs and overlays.
	flow     flow
	outcomes map[string]remedies.ActionRecord
	applied  []remedies.ActionRecord // every record of the session, oldest first
	dlg      *dialog
	exp      *exportDialog
	details  *detailsView
	showHelp bool
	share    bool
	private  report.Private      // the user, home and host names share mode hides
	mask     func(string) string // share mode's masking for what is on screen now
	toast    string
	toastAt  time.Time
	reports  []string
	found    []string // browsers installed on the session's machine
}

// New builds the dashboard for a session. Nothing runs until the program
// calls Init.
func New(opts Options) *Model { return newModel(context.Background(), opts) }

// newModel builds the dashboard whose runs and actions live until ctx ends
// or the dashboard stops.
func newModel(parent context.Context, opts Options) *Model {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithCancel(parent)
	m := &Model{
		opts:     opts,
		sess:     opts.Session,
		now:      now,
		actions:  opts.Actions,
		ctx:      ctx,
		cancel:   cancel,
		keys:     newKeyMap(),
		help:     help.New(),
		isDark:   true,
		hist:     newHistory(),
		focus:    paneEndpoints,
		outcomes: map[string]remedies.ActionRecord{},
		private:  report.PrivateFromOS(),
		mask:     func(s string) string { return s },
	}
	m.after = after
	m.styles = newStyles(true, opts.NoColor)
	m.help.Styles = helpStyles(true, opts.NoColor)
	m.identity.id, m.dns.id, m.proxy.id, m.remedies.id, m.activity.id = paneIdentity, paneDNS, paneProxy, paneRemedies, paneActivity
	if m.actions == nil && m.sess != nil {
		m.actions = m.sess
	}
	if m.sess != nil {
		runs, _ := m.sess.History()
		for _, d := range runs {
			m.hist.addRun(d.Seq, d.Snapshot)
		}
		if d, ok := m.sess.Latest(); ok {
			m.last = &d
			m.lastFinished = d.Snapshot.Finished
			m.runsSeen = len(runs)
		}
	}
	m.layoutFor(0, 0)
	m.sync()
	return m
}

// Reports are the paths of the reports written in this session.
func (m *Model) Reports() []string { return append([]string(nil), m.reports...) }

// stop cancels whatever is still running when the program ends.
func (m *Model) stop() {
	if m.cur != nil && m.cur.run != nil { // nil while the run's plan is still being built
		m.cur.run.Cancel()
	}
	m.cancel()
}

// Init starts the first run and the tick loop, and asks the terminal for
// its background colour (the answer may never come; dark is the default).
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.startRun(purposeRefresh, nil), m.restartTick(), tea.RequestBackgroundColor, findBrowsers(m.sess))
}

// startRun starts a run unless one is streaming (r while a run is in
// flight waits for it: a second run would only double the requests).
func (m *Model) startRun(p runPurpose, mutate func(*probes.Config)) tea.Cmd {
	if m.sess == nil || m.cur != nil {
		return nil
	}
	// A placeholder marks the run as starting, so a second r before the
	// plan arrives does not start another.
	m.cur = &runState{purpose: p, results: map[string]probes.Result{}}
	return startRun(m.ctx, m.sess, p, mutate)
}

func (m *Model) restartTick() tea.Cmd {
	m.tickGen++
	m.tickFast = m.busy()
	if m.tickFast {
		return m.arm(&m.timers.tick, busyTick, tickMsg{gen: m.tickGen})
	}
	return m.arm(&m.timers.tick, m.idleWait(), tickMsg{gen: m.tickGen})
}

// idleWait is how long nothing on screen changes while idle: until the
// header's age reaches its next minute, or a message in the help bar
// expires.
func (m *Model) idleWait() time.Duration {
	wait := time.Minute
	now := m.now()
	if !m.lastFinished.IsZero() {
		age := now.Sub(m.lastFinished)
		wait = time.Minute - age%time.Minute
	}
	if m.toast != "" {
		wait = min(wait, m.toastAt.Add(toastTTL).Sub(now))
	}
	return max(wait, 100*time.Millisecond)
}

// busy: something is in flight, so the spinner turns.
func (m *Model) busy() bool {
	return m.cur != nil || m.flow.active()
}

func (m *Model) clean(s string) string {
	s = sanitize.Line(s)
	if m.share {
		s = m.mask(s)
	}
	return s
}

func (m *Model) layoutFor(w, h int) {
	m.lay = computeLayout(w, h)
	m.help.SetWidth(max(w-1, 0))
}

// helpStyles are the help bar's: Bubbles' defaults, or none at all with
// colour off.
func helpStyles(isDark, noColor bool) help.Styles {
	if noColor {
		return help.Styles{}
	}
	return help.DefaultStyles(isDark)
}
