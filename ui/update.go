package ui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// toastTTL is how long a transient message stays in the help bar.
const toastTTL = 6 * time.Second

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	if m.busy() != m.tickFast {
		cmd = tea.Batch(cmd, m.restartTick())
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.layoutFor(msg.Width, msg.Height)
		return nil
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		*m.styles = *newStyles(m.isDark, m.opts.NoColor)
		m.help.Styles = help.DefaultStyles(m.isDark)
		m.sync()
		return nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseClickMsg:
		return m.handleClick(msg.Mouse())
	case tea.MouseWheelMsg:
		return m.handleWheel(msg.Mouse())
	case runStartedMsg:
		return m.onRunStarted(msg)
	case resultMsg:
		return m.onResult(msg)
	case resultsClosedMsg:
		return waitRun(msg.run)
	case runDoneMsg:
		return m.onRunDone(msg)
	case refreshMsg:
		if msg.gen != m.refreshGen || m.paused || m.cur != nil {
			return nil
		}
		return m.startRun(purposeRefresh, nil)
	case tickMsg:
		return m.onTick(msg)
	case planMsg:
		return m.onPlan(msg)
	case actionRanMsg:
		return m.onActionRan(msg)
	case retryWaitMsg:
		if m.flow.stage != flowWaiting || msg.id != m.flow.id {
			return nil
		}
		return m.recheck()
	case exportedMsg:
		if msg.err != nil {
			m.notify(logError, "report not written: "+msg.err.Error())
			return nil
		}
		m.reports = append(m.reports, msg.path)
		m.notify(logInfo, "report written to "+msg.path)
		return nil
	}
	return nil
}

func (m *Model) onRunStarted(msg runStartedMsg) tea.Cmd {
	r := msg.run
	if m.cur == nil || m.cur.run != nil {
		// Not the run this model asked for (it quit, or a test fed a
		// stray message): let it finish unseen.
		r.Cancel()
		return nextResult(r)
	}
	c := m.cur
	c.run, c.id, c.seq, c.whatIf, c.planned = r, r.ID, r.Seq, r.WhatIf, r.Planned
	c.started = m.now()
	for _, p := range r.Planned {
		c.order = append(c.order, p.ID)
	}
	what := "run"
	if msg.purpose == purposeRecheck {
		what = "re-check"
		m.flow.runID = r.ID
		if r.WhatIf {
			what = "what-if re-check"
		}
	}
	m.logf(logRun, "%s #%d started: %d probes", what, r.Seq, len(r.Planned))
	m.sync()
	return nextResult(r)
}

func (m *Model) onResult(msg resultMsg) tea.Cmd {
	if m.cur == nil || msg.runID != m.cur.id {
		// A result of an older run: drained so its probes can finish,
		// never shown over a newer run's.
		return nextResult(msg.run)
	}
	if _, seen := m.cur.results[msg.res.ID]; !seen && !m.cur.planned0(msg.res.ID) {
		m.cur.order = append(m.cur.order, msg.res.ID)
	}
	m.cur.results[msg.res.ID] = msg.res
	m.sync()
	return nextResult(msg.run)
}

func (c *runState) planned0(id string) bool {
	for _, p := range c.planned {
		if p.ID == id {
			return true
		}
	}
	return false
}

func (m *Model) onRunDone(msg runDoneMsg) tea.Cmd {
	if m.cur == nil || msg.runID != m.cur.id {
		return nil
	}
	d := msg.diag
	purpose := m.cur.purpose
	took := d.Snapshot.Finished.Sub(d.Snapshot.Started).Round(100 * time.Millisecond)
	m.cur = nil
	var cmds []tea.Cmd
	if !d.WhatIf {
		m.logChanges(d)
		m.last = &d
		m.lastFinished = m.now()
		m.runsSeen++
		m.hist.addRun(d.Seq, d.Snapshot)
		m.logf(logRun, "run #%d finished in %s: %s", d.Seq, took, d.Outcome.Headline)
		m.updateBackoff(d)
		if !m.touched && len(d.Findings) > 0 && m.focus == paneEndpoints && m.runsSeen == 1 {
			m.focus = paneRemedies
		}
	} else {
		m.logf(logRun, "what-if re-check #%d finished in %s", d.Seq, took)
	}
	switch {
	case purpose == purposeRecheck && m.flow.stage == flowRecheck && m.flow.runID == msg.runID:
		m.finishAction(m.actions.Conclude(m.flow.plan, m.flow.rec, d))
	case m.flow.stage == flowQueued:
		cmds = append(cmds, m.recheck())
	}
	cmds = append(cmds, m.scheduleRefresh())
	m.sync()
	return tea.Batch(cmds...)
}

// Back-off while the answers are rate limits: each rate-limited run doubles
// the wait, up to maxBackoff, and never below what the server asked for.
const maxBackoff = 15 * time.Minute

func (m *Model) updateBackoff(d session.Diagnosis) {
	limited, retryAfter := rateLimited(d.Snapshot)
	if !limited {
		m.backoff, m.wait = 0, 0
		return
	}
	m.backoff++
	if m.opts.Interval <= 0 {
		return
	}
	w := m.opts.Interval
	for i := 0; i < m.backoff && w < maxBackoff; i++ {
		w *= 2
	}
	w = min(w, max(maxBackoff, m.opts.Interval))
	m.wait = max(w, retryAfter)
}

// rateLimited: some answer of the run is a rate limit (Cloudflare 1015 or
// an API 429 rate_limit_exceeded; an exhausted quota does not lift by
// waiting, so it does not count), and the longest wait one asked for.
func rateLimited(s probes.Snapshot) (bool, time.Duration) {
	limited, longest := false, time.Duration(0)
	for _, r := range s.Results {
		var v *probes.Verdict
		switch d := r.Details.(type) {
		case *probes.EndpointDetails:
			v = &d.Verdict
		case *probes.TraceDetails:
			v = &d.Verdict
		}
		if v == nil {
			continue
		}
		if v.Kind == probes.VerdictCFRateLimit || v.Kind == probes.VerdictOpenAIRateLimit {
			limited = true
			longest = max(longest, time.Duration(v.RetryAfterSeconds)*time.Second)
		}
	}
	return limited, longest
}

// refreshWait is the wait before the next scheduled run.
func (m *Model) refreshWait() time.Duration {
	if m.wait > 0 {
		return m.wait
	}
	return m.opts.Interval
}

// scheduleRefresh arms the interval timer from now: the countdown starts
// when a run ends, so a slow run never overlaps the next.
func (m *Model) scheduleRefresh() tea.Cmd {
	if m.opts.Interval <= 0 || m.paused {
		return nil
	}
	w := m.refreshWait()
	m.refreshGen++
	m.nextRefresh = m.now().Add(w)
	return refreshAfter(w, m.refreshGen)
}

func (m *Model) togglePause() tea.Cmd {
	m.paused = !m.paused
	m.refreshGen++ // the armed timer no longer counts
	if m.paused {
		m.logf(logInfo, "refresh paused")
		return nil
	}
	m.logf(logInfo, "refresh resumed")
	if m.opts.Interval <= 0 || m.cur != nil {
		return nil
	}
	left := m.nextRefresh.Sub(m.now())
	if m.nextRefresh.IsZero() || left <= 0 {
		return m.startRun(purposeRefresh, nil)
	}
	return refreshAfter(left, m.refreshGen)
}

func (m *Model) onTick(msg tickMsg) tea.Cmd {
	if msg.gen != m.tickGen {
		return nil
	}
	m.frame++
	if m.toast != "" && m.now().Sub(m.toastAt) > toastTTL {
		m.toast = ""
	}
	if m.busy() {
		m.sync()
		return tick(busyTick, m.tickGen)
	}
	return tick(idleTick, m.tickGen)
}

// logChanges notes the results whose status changed since the last run.
func (m *Model) logChanges(d session.Diagnosis) {
	if m.last == nil {
		return
	}
	for _, r := range d.Snapshot.Results {
		old, ok := m.last.Snapshot.Get(r.ID)
		if !ok || old.Status == r.Status {
			continue
		}
		m.logf(logChange, "%s: %s %s → %s %s", r.Title, statusGlyph(old.Status), statusWord(old.Status), statusGlyph(r.Status), statusWord(r.Status))
	}
}

// notify shows a message in the help bar for a while and logs it.
func (m *Model) notify(kind logKind, text string) {
	m.toast, m.toastAt = text, m.now()
	m.logf(kind, "%s", text)
}

func (m *Model) setFocus(p paneID) {
	m.focus = (p + paneCount) % paneCount
	m.touched = true
}

// keysFor enables the bindings that do something now.
func (m *Model) keysFor() {
	k := &m.keys
	idle := !m.flow.active() && m.flow.stage != flowPlanning
	k.Apply.SetEnabled(m.focus == paneRemedies && m.selectedRemedy() != "" && idle)
	k.Refresh.SetEnabled(m.cur == nil)
	k.Pause.SetEnabled(m.opts.Interval > 0)
	if m.paused {
		k.Pause.SetHelp("space", "resume refresh")
	} else {
		k.Pause.SetHelp("space", "pause refresh")
	}
	if m.share {
		k.Share.SetHelp("s", "share mode off")
	} else {
		k.Share.SetHelp("s", "share mode")
	}
	have := m.last != nil
	k.Export.SetEnabled(have)
	k.ExportDialog.SetEnabled(have)
	k.Copy.SetEnabled(have)
	k.Status.SetEnabled(have && idle)
	k.Details.SetEnabled(m.selectedKey() != "")
	k.Left.SetEnabled(m.focus == paneEndpoints)
	k.Right.SetEnabled(m.focus == paneEndpoints)
	k.Back.SetEnabled(m.details != nil || m.showHelp)
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		m.stop()
		return tea.Quit
	}
	if m.lay.TooSmall {
		if key.Matches(msg, m.keys.Quit) {
			m.stop()
			return tea.Quit
		}
		return nil
	}
	if m.dlg != nil {
		return m.dialogKey(msg)
	}
	if m.exp != nil {
		return m.exportKey(msg)
	}
	m.keysFor()
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		m.stop()
		return tea.Quit
	case m.showHelp:
		if key.Matches(msg, k.Back, k.Help) {
			m.showHelp = false
		}
		return nil
	case m.details != nil:
		return m.detailsKey(msg)
	case key.Matches(msg, k.Help):
		m.showHelp = true
	case key.Matches(msg, k.Next):
		m.setFocus(m.focus + 1)
	case key.Matches(msg, k.Prev):
		m.setFocus(m.focus - 1)
	case key.Matches(msg, k.Focus):
		m.setFocus(paneID(msg.String()[0] - '1'))
	case key.Matches(msg, k.Up):
		m.move(-1, 0)
	case key.Matches(msg, k.Down):
		m.move(1, 0)
	case key.Matches(msg, k.Left):
		m.move(0, -1)
	case key.Matches(msg, k.Right):
		m.move(0, 1)
	case key.Matches(msg, k.Details):
		m.openDetails()
	case key.Matches(msg, k.Apply):
		return m.apply()
	case key.Matches(msg, k.Refresh):
		m.logf(logInfo, "re-run requested")
		return m.startRun(purposeRefresh, nil)
	case key.Matches(msg, k.Pause):
		return m.togglePause()
	case key.Matches(msg, k.Export):
		return m.exportNow("text", m.share, "")
	case key.Matches(msg, k.ExportDialog):
		m.openExportDialog()
	case key.Matches(msg, k.Copy):
		return m.copySummary()
	case key.Matches(msg, k.Status):
		m.flow.stage = flowPlanning
		return planAction(m.actions, remedies.ActionOpenStatus, "check-status", true, true)
	case key.Matches(msg, k.Share):
		m.share = !m.share
		if m.share {
			m.notify(logInfo, "share mode on: addresses and names are masked on screen")
		} else {
			m.notify(logInfo, "share mode off")
		}
		m.sync()
	}
	return nil
}

// move moves the selection of the focused pane.
func (m *Model) move(dy, dx int) {
	switch m.focus {
	case paneEndpoints:
		m.endpoints.move(dy, dx)
	default:
		if p := m.listPane(m.focus); p != nil && dy != 0 {
			p.move(dy)
		}
	}
}

func (m *Model) listPane(p paneID) *listPane {
	switch p {
	case paneIdentity:
		return &m.identity
	case paneDNS:
		return &m.dns
	case paneProxy:
		return &m.proxy
	case paneRemedies:
		return &m.remedies
	case paneActivity:
		return &m.activity
	}
	return nil
}

// selectedKey is what enter opens in the focused pane.
func (m *Model) selectedKey() string {
	if m.focus == paneEndpoints {
		return m.endpoints.selectedID()
	}
	if p := m.listPane(m.focus); p != nil {
		return p.selectedKey()
	}
	return ""
}

// copySummary puts the support summary (Ray IDs, IP, time, what was
// tried) on the clipboard through the terminal (OSC 52), which works over
// SSH and needs no clipboard tool.
func (m *Model) copySummary() tea.Cmd {
	if m.last == nil {
		return nil
	}
	t := remedies.SupportTicket(m.last.Snapshot, m.last.Findings, remedies.Session{Records: m.sess.Actions()})
	if m.share {
		t = m.masker.mask(t)
	}
	m.notify(logInfo, fmt.Sprintf("support summary copied to the clipboard (%d lines, via the terminal)", lines(t)))
	return tea.SetClipboard(t)
}

func lines(s string) int {
	n := 0
	for _, c := range s {
		if c == '\n' {
			n++
		}
	}
	return n
}

// View implements tea.Model.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "gptdoctor"
	if m.opts.Mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}
