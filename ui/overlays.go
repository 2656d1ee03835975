package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/gptdoctor/gptdoctor/probes"
)

// helpBox is the ? overlay, built from the same bindings as the help bar:
// a binding that does nothing here is not listed. The bindings flow into
// as many columns as the width allows, so the overlay fits 80×24.
func (m *Model) helpBox() box {
	st := m.styles
	var entries []string
	for _, col := range m.keys.FullHelp() {
		for _, b := range col {
			if b.Enabled() {
				entries = append(entries, helpLine(st, b))
			}
		}
	}
	w := min(96, m.lay.W-2)
	const colW = 36
	cols := max(1, (w-4)/colW)
	rows := (len(entries) + cols - 1) / cols
	var lines []string
	for r := range rows {
		line := ""
		for c := range cols {
			if i := c*rows + r; i < len(entries) {
				line += pad(entries[i], colW)
			}
		}
		lines = append(lines, line)
	}
	lines = append(lines, "",
		st.Muted.Render("Statuses: "+statusLegend()+"  "+spinFrames[0]+" pending"),
		st.Muted.Render("History: ▁▂▃▅▇ latency  ✗ failure  ⧖ timeout  ? unknown  - not run"))
	if m.opts.Mouse {
		lines = append(lines, st.Muted.Render("Mouse on: wheel scrolls, click focuses; shift+drag selects text."))
	} else {
		lines = append(lines, st.Muted.Render("The mouse is left to the terminal: select a Ray ID or an address to copy it."))
	}
	lines = append(lines, "", st.Muted.Render("esc or ? closes"))
	return box{title: "Keys", lines: lines, w: w}
}

func helpLine(st *Styles, b key.Binding) string {
	h := b.Help()
	return st.Key.Render(pad(h.Key, 10)) + " " + h.Desc
}

// statusLegend is every status as the panes draw it, glyph and word, so
// the help cannot drift from the model's glyphs (it drew "-" for skipped
// where the panes draw "–").
func statusLegend() string {
	var parts []string
	for _, st := range []probes.Status{probes.StatusPass, probes.StatusWarn, probes.StatusFail, probes.StatusUnknown, probes.StatusSkipped} {
		parts = append(parts, st.Glyph()+" "+statusWord(st))
	}
	return strings.Join(parts, "  ")
}
