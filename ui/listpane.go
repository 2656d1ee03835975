package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// row is one line of a list pane. key names what enter opens (a result
// ID, "finding:N" or "remedy:N:ID"); rows without a key are not
// selectable (sub-lines, headings).
type row struct {
	text string
	key  string
	// hang, when set, lets an unselectable row wrap onto up to maxWrap
	// lines, continuation lines indented by hang cells (the width of the
	// row's lead, "     because "), whenever every row of the pane then
	// still fits: a wide pane with room to spare shows the evidence whole
	// instead of cutting it at the edge.
	hang int
}

// maxWrap is how many lines a wrapping row may take.
const maxWrap = 3

// listPane is a pane of rows with a selection that skips unselectable rows
// and a scroll offset that follows it.
type listPane struct {
	id     paneID
	rows   []row
	sel    int
	offset int
	h      int // inner height at the last render, for paging and follow
	// lineRow maps each line of the last render to its row when rows
	// wrapped (nil: one line per row), for a mouse click.
	lineRow []int
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
	p.lineRow = nil
	if wrapped, rowOf, ok := p.wrapped(lines, w-3); ok {
		lines, p.lineRow = wrapped, rowOf // everything fits: no scrolling, offset 0
	}
	return st.frame(int(p.id)+1, paneTitles[p.id], lines, p.offset, w, h, focused)
}

// wrapped is lines with the wrapping rows wrapped to w cells, the row each
// line belongs to, and whether the result fits the pane's height (and
// wraps anything at all).
func (p *listPane) wrapped(lines []string, w int) ([]string, []int, bool) {
	if len(p.rows) > p.h {
		return nil, nil, false
	}
	var out []string
	var rowOf []int
	grew := false
	for i, r := range p.rows {
		if r.hang <= 0 || r.key != "" || width(r.text) <= w || w-r.hang < 20 {
			out, rowOf = append(out, lines[i]), append(rowOf, i)
			continue
		}
		lead, body := ansi.Cut(r.text, 0, r.hang), ansi.Cut(r.text, r.hang, width(r.text))
		parts := strings.Split(ansi.Wrap(body, w-r.hang, ""), "\n")
		if len(parts) > maxWrap {
			parts[maxWrap-1] = ansi.Truncate(strings.Join(parts[maxWrap-1:], " "), w-r.hang, "…")
			parts = parts[:maxWrap]
		}
		out, rowOf = append(out, " "+lead+parts[0]), append(rowOf, i)
		for _, l := range parts[1:] {
			out, rowOf = append(out, " "+strings.Repeat(" ", r.hang)+l), append(rowOf, i)
		}
		grew = grew || len(parts) > 1
	}
	return out, rowOf, grew && len(out) <= p.h
}

// rowAt is the row drawn on line i of the pane's inside (0 is the first
// line under the top edge), or -1.
func (p *listPane) rowAt(i int) int {
	if p.lineRow != nil {
		if i < 0 || i >= len(p.lineRow) {
			return -1
		}
		return p.lineRow[i]
	}
	return p.offset + i
}
