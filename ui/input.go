package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/report"
)

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
		return m.exportNow(report.Markdown, m.share, "")
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
