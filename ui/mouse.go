package ui

import (
	tea "charm.land/bubbletea/v2"
)

// paneAt is the pane under a screen cell, or -1.
func (m *Model) paneAt(x, y int) paneID {
	rects := m.lay.Panes
	if m.lay.Stacked {
		rects = stackRects(m.lay.Body, m.focus)
	}
	for p, r := range rects {
		if x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H {
			return paneID(p)
		}
	}
	return -1
}

// handleClick focuses the pane clicked (only with --mouse: otherwise the
// terminal keeps the mouse for selecting text).
func (m *Model) handleClick(ms tea.Mouse) tea.Cmd {
	if !m.opts.Mouse || m.lay.TooSmall || m.dlg != nil || m.exp != nil || m.details != nil {
		return nil
	}
	if p := m.paneAt(ms.X, ms.Y); p >= 0 && ms.Button == tea.MouseLeft {
		m.setFocus(p)
	}
	return nil
}

// handleWheel scrolls the pane under the pointer (or the details view).
func (m *Model) handleWheel(ms tea.Mouse) tea.Cmd {
	if !m.opts.Mouse || m.lay.TooSmall {
		return nil
	}
	d := 1
	if ms.Button == tea.MouseWheelUp {
		d = -1
	}
	if m.details != nil {
		m.details.offset = clampOffset(m.details.offset+d, len(m.details.lines), m.details.h)
		return nil
	}
	p := m.paneAt(ms.X, ms.Y)
	if p < 0 {
		p = m.focus
	}
	if p == paneEndpoints {
		m.endpoints.move(d, 0)
	} else if lp := m.listPane(p); lp != nil {
		lp.move(d)
	}
	return nil
}
