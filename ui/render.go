package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/gptdoctor/gptdoctor/probes"
)

// render draws the whole screen. It reads the model and changes nothing
// but the panes' scroll offsets.
func (m *Model) render() string {
	l := m.lay
	if l.W == 0 || l.H == 0 {
		return "gptdoctor: starting…"
	}
	if l.TooSmall {
		return m.tooSmall()
	}
	m.keysFor()
	screen := make([]string, 0, l.H)
	head := m.headerLines()
	for i := range l.Header.H {
		h := ""
		if i < len(head) {
			h = head[i]
		}
		screen = append(screen, fit(h, l.W))
	}
	body := m.body()
	screen = append(screen, body...)
	screen = append(screen, fit(m.footer(), l.W))
	switch {
	case m.dlg != nil:
		var off int
		screen, off = m.drawBox(screen, m.dialogBox())
		m.dlg.scroll = off
	case m.exp != nil:
		screen, _ = m.drawBox(screen, m.exportBox())
	case m.showHelp:
		screen, _ = m.drawBox(screen, m.helpBox())
	}
	return strings.Join(screen, "\n")
}

// tooSmall says the size the dashboard needs; q still quits.
func (m *Model) tooSmall() string {
	msg := []string{
		"Terminal too small for the dashboard",
		fmt.Sprintf("now %d×%d, needs at least %d×%d", m.lay.W, m.lay.H, MinWidth, MinHeight),
		"enlarge the window, or press q to quit",
	}
	var out []string
	top := max(0, (m.lay.H-len(msg))/2)
	for range top {
		out = append(out, "")
	}
	for _, s := range msg {
		s = ansi.Truncate(s, max(m.lay.W, 0), "…")
		out = append(out, strings.Repeat(" ", max(0, (m.lay.W-width(s))/2))+s)
	}
	return strings.Join(out, "\n")
}

// body draws the panes (or the details view in their place).
func (m *Model) body() []string {
	l := m.lay
	b := l.Body
	if m.details != nil {
		return m.details.View(m.styles, b.W, b.H)
	}
	rects := m.rects()
	lines := make([]string, b.H)
	for p := range paneCount {
		r := rects[p]
		if r.H <= 0 || r.W <= 0 {
			continue
		}
		var pl []string
		if r.H == 1 {
			pl = []string{m.collapsed(p, r.W)}
		} else {
			pl = m.paneView(p, r.W, r.H)
		}
		for i, s := range pl {
			if y := r.Y - b.Y + i; y >= 0 && y < len(lines) && i < r.H {
				lines[y] += s
			}
		}
	}
	for i := range lines {
		lines[i] = fit(lines[i], b.W)
	}
	return lines
}

func (m *Model) paneView(p paneID, w, h int) []string {
	focused := p == m.focus
	if p == paneEndpoints {
		return m.endpoints.View(m.styles, w, h, focused)
	}
	return m.listPane(p).View(m.styles, w, h, focused)
}

// collapsed is a stacked pane's one line: its number, title and summary.
func (m *Model) collapsed(p paneID, w int) string {
	st := m.styles
	head := st.Border.Render("─ ") + st.Title.Render(fmt.Sprintf("%d %s", p+1, paneTitles[p])) + " "
	return fit(head+m.summary(p)+" ", w)
}

// summary is a pane's state in a few words for its collapsed line.
func (m *Model) summary(p paneID) string {
	b := m.board
	st := m.styles
	var kinds []probes.Kind
	switch p {
	case paneIdentity:
		kinds = []probes.Kind{probes.KindIdentity}
	case paneDNS:
		kinds = []probes.Kind{probes.KindDNS}
	case paneProxy:
		kinds = []probes.Kind{probes.KindProxy}
	case paneEndpoints:
		kinds = []probes.Kind{probes.KindEndpoint, probes.KindStatusPage, probes.KindAPIKey}
	case paneRemedies:
		if m.last == nil || len(m.last.Findings) == 0 {
			return st.Muted.Render("no findings")
		}
		f := m.last.Findings[0]
		more := ""
		if n := len(m.last.Findings) - 1; n > 0 {
			more = fmt.Sprintf(" (+%d more)", n)
		}
		return confidenceMark(st, f.Confidence) + " " + m.clean(f.Title) + st.Muted.Render(more)
	case paneActivity:
		if len(m.log) == 0 {
			return ""
		}
		e := m.log[len(m.log)-1]
		return st.Muted.Render(e.at) + " " + m.clean(e.text)
	}
	var rs []probes.Result
	pending := 0
	for _, k := range kinds {
		for _, id := range b.ofKind(k) {
			if b.pending[id] {
				pending++
			} else if r, ok := b.get(id); ok {
				rs = append(rs, r)
			}
		}
	}
	s := st.badge(worst(rs))
	counts := map[probes.Status]int{}
	for _, r := range rs {
		counts[r.Status]++
	}
	var c []string
	for _, k := range []probes.Status{probes.StatusFail, probes.StatusWarn, probes.StatusUnknown, probes.StatusPass, probes.StatusSkipped} {
		if counts[k] > 0 {
			c = append(c, fmt.Sprintf("%d %s", counts[k], statusWord(k)))
		}
	}
	if pending > 0 {
		c = append(c, fmt.Sprintf("%s %d pending", b.spin, pending))
	}
	if len(rs) == 0 && pending == 0 {
		return st.Muted.Render("nothing measured")
	}
	return s + " " + st.Muted.Render(strings.Join(c, ", "))
}

// footer is the help bar, or a transient message over it.
func (m *Model) footer() string {
	if m.toast != "" {
		return " " + m.styles.Accent.Render("» ") + m.clean(m.toast)
	}
	if m.exp != nil {
		return " " + m.styles.Muted.Render("tab/↑↓ field · ←/→ change · enter write · esc cancel")
	}
	if m.dlg != nil {
		return " " + m.help.ShortHelpView(dialogKeys{&m.keys}.ShortHelp())
	}
	return " " + m.help.ShortHelpView(m.keys.ShortHelp())
}

// box is a framed overlay: a title, lines and a button row.
type box struct {
	title   string
	lines   []string
	buttons []string
	focus   int
	w       int
	offset  int // first text line shown when the text must scroll
}

// drawBox centres a box over the screen, clamped to it, and returns the
// text offset it used (clamped to the text).
func (m *Model) drawBox(screen []string, bx box) ([]string, int) {
	st := m.styles
	w := min(bx.w, m.lay.W-2)
	inner := w - 4
	var text []string
	for _, l := range bx.lines {
		text = append(text, wrap(l, inner)...)
	}
	var foot []string
	if len(bx.buttons) > 0 {
		var bs []string
		for i, b := range bx.buttons {
			label := "[ " + b + " ]"
			if i == bx.focus {
				bs = append(bs, st.ButtonFocused.Render(label))
			} else {
				bs = append(bs, st.Button.Render(label))
			}
		}
		foot = []string{"", strings.Join(bs, " ")}
	}
	// The buttons always show; text that does not fit scrolls (↑/↓), and
	// says so, so no command of a plan is hidden without a sign.
	room := max(2, m.lay.H-2-2-len(foot))
	off := 0
	if len(text) > room {
		off = clampOffset(bx.offset, len(text), room-1)
		more := fmt.Sprintf("↑/↓ scroll: lines %d-%d of %d", off+1, off+room-1, len(text))
		text = append(append([]string(nil), text[off:off+room-1]...), st.Muted.Render(more))
	}
	var lines []string
	for _, c := range append(text, foot...) {
		lines = append(lines, " "+c)
	}
	framed := st.frameTitled(bx.title, lines, w, len(lines)+2)
	x := max(0, (m.lay.W-w)/2)
	y := max(0, (m.lay.H-len(framed))/2)
	return overlay(screen, framed, x, y), off
}

// wrap breaks a line into lines of at most w cells, at spaces where it can.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	if width(s) <= w {
		return []string{s}
	}
	return strings.Split(ansi.Wrap(s, w, " "), "\n")
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
