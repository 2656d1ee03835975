package ui

import (
	"github.com/charmbracelet/x/ansi"
)

// row is one line of a list pane. key names what enter opens (a result
// ID, "finding:N" or "remedy:N:ID"); rows without a key are not
// selectable (sub-lines, headings).
type row struct {
	text string
	key  string
}

// listPane is a pane of rows with a selection that skips unselectable rows
// and a scroll offset that follows it.
type listPane struct {
	id     paneID
	rows   []row
	sel    int
	offset int
	h      int // inner height at the last render, for paging and follow
}

// Set replaces the rows, keeping the selection on the same key when it is
// still there.
func (p *listPane) Set(rows []row) {
	key := p.selectedKey()
	top := key == "" || p.sel <= p.first()
	p.rows = rows
	if top {
		// At the top it stays at the top: new rows (a newer log line)
		// come into view instead of pushing the selection down.
		p.sel = p.first()
		return
	}
	if key != "" {
		for i, r := range rows {
			if r.key == key {
				p.sel = i
				return
			}
		}
	}
	p.sel = min(p.sel, max(len(rows)-1, 0))
	if !p.selectable(p.sel) {
		p.move(1)
	}
}

// first is the first selectable row (0 when none is).
func (p *listPane) first() int {
	for i := range p.rows {
		if p.selectable(i) {
			return i
		}
	}
	return 0
}

func (p *listPane) selectable(i int) bool {
	return i >= 0 && i < len(p.rows) && p.rows[i].key != ""
}

func (p *listPane) selectedKey() string {
	if p.selectable(p.sel) {
		return p.rows[p.sel].key
	}
	return ""
}

// move goes to the next selectable row in direction d (±1); with none,
// it scrolls instead, so a long unselectable text can still be read.
func (p *listPane) move(d int) {
	for i := p.sel + d; i >= 0 && i < len(p.rows); i += d {
		if p.selectable(i) {
			p.sel = i
			p.offset = follow(p.offset, p.sel, p.h)
			return
		}
	}
	p.offset = clampOffset(p.offset+d, len(p.rows), p.h)
}

// View frames the rows in w×h, the selected row marked with ›, in reverse
// video when the pane has focus.
func (p *listPane) View(st *Styles, w, h int, focused bool) []string {
	p.h = max(h-2, 0)
	p.offset = follow(clampOffset(p.offset, len(p.rows), p.h), p.sel, p.h)
	lines := make([]string, len(p.rows))
	for i, r := range p.rows {
		switch {
		case i == p.sel && r.key != "" && focused:
			lines[i] = st.Selected.Render(fit("›"+ansi.Strip(r.text), w-2))
		default:
			lines[i] = " " + r.text
		}
	}
	return st.frame(int(p.id)+1, paneTitles[p.id], lines, p.offset, w, h, focused)
}
