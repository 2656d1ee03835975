package ui

import "charm.land/bubbles/v2/key"

// helpBox is the ? overlay, built from the same bindings as the help bar:
// a binding that does nothing here is not listed.
func (m *Model) helpBox() box {
	st := m.styles
	var lines []string
	for _, col := range m.keys.FullHelp() {
		for _, b := range col {
			if !b.Enabled() {
				continue
			}
			lines = append(lines, helpLine(st, b))
		}
		lines = append(lines, "")
	}
	lines = append(lines, st.Muted.Render("Statuses: ✓ ok  ! warn  ✗ fail  ? unknown  - skipped  ⠋ pending"))
	lines = append(lines, st.Muted.Render("History: ▁▂▃▅▇ latency  ✗ failure  ⧖ timeout  ? unknown  - not run"))
	if m.opts.Mouse {
		lines = append(lines, st.Muted.Render("Mouse on: wheel scrolls, click focuses; shift+drag selects text."))
	} else {
		lines = append(lines, st.Muted.Render("The mouse is left to the terminal: select a Ray ID or an address to copy it."))
	}
	lines = append(lines, "", st.Muted.Render("esc or ? closes"))
	return box{title: "Keys", lines: lines, w: 72}
}

func helpLine(st *Styles, b key.Binding) string {
	h := b.Help()
	return st.Key.Render(pad(h.Key, 12)) + " " + h.Desc
}
