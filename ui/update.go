package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/session"
)

// toastTTL is how long a transient message stays in the help bar.
const toastTTL = 6 * time.Second

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	if m.busy() != m.tickFast || m.retick {
		m.retick = false
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
		m.help.Styles = helpStyles(m.isDark, m.opts.NoColor)
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
	case browsersMsg:
		m.found = msg
		return nil
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
	c.run, c.id, c.whatIf, c.planned = r, r.ID, r.WhatIf, r.Planned
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
	took := d.Snapshot.Finished.Sub(d.Snapshot.Started)
	if took >= time.Second {
		took = took.Round(100 * time.Millisecond)
	} else {
		took = took.Round(time.Millisecond) // a lab run takes tens of ms: not "0s"
	}
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
		if again, c := m.retryAgain(d); again {
			cmds = append(cmds, c)
			break
		}
		m.finishAction(m.actions.Conclude(m.flow.plan, m.flow.rec, d))
	case m.flow.stage == flowQueued:
		cmds = append(cmds, m.recheck())
	}
	cmds = append(cmds, m.scheduleRefresh())
	m.sync()
	return tea.Batch(cmds...)
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
		m.logf(logChange, "%s: %s %s → %s %s", r.Title, old.Status.Glyph(), statusWord(old.Status), r.Status.Glyph(), statusWord(r.Status))
	}
}

// notify shows a message in the help bar for a while and logs it.
func (m *Model) notify(kind logKind, text string) {
	m.toast, m.toastAt = text, m.now()
	m.retick = true // an idle tick may be a minute away; the message expires sooner
	m.logf(kind, "%s", text)
}
