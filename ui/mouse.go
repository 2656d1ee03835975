package ui

import (
	tea "charm.land/bubbletea/v2"
)

// rects are where the panes are drawn now.
func (m *Model) rects() [paneCount]rect {
	if m.lay.Stacked {
		return stackRects(m.lay.Body, m.focus)
	}
	return m.lay.Panes
}

func (m *Model) paneRect(p paneID) rect { return m.rects()[p] }

// paneAt is the pane under a screen cell, or -1.
func (m *Model) paneAt(x, y int) paneID {
	for p, r := range m.rects() {
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
	p := m.paneAt(ms.X, ms.Y)
	if p < 0 || ms.Button != tea.MouseLeft {
		return nil
	}
	m.setFocus(p)
	// A click on a row of a list pane selects it too (the first line is
	// the frame's top edge).
	if lp := m.listPane(p); lp != nil {
		r := m.paneRect(p)
		if i := lp.rowAt(ms.Y - r.Y - 1); ms.Y > r.Y && lp.selectable(i) {
			lp.sel = i
		}
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
