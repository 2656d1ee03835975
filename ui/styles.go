package ui

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
)

// palette is the dashboard's colours by meaning. Only the 16 named ANSI
// colours are used, so every terminal theme draws them the way its user
// chose; light and dark differ only where a colour would vanish.
type palette struct {
	ok, warn, fail, unknown, skipped color.Color
	accent, muted, text, selBg       color.Color
}

func newPalette(isDark bool) palette {
	ld := lipgloss.LightDark(isDark)
	return palette{
		ok:      ld(lipgloss.Green, lipgloss.BrightGreen),
		warn:    ld(lipgloss.Color("3"), lipgloss.BrightYellow),
		fail:    ld(lipgloss.Red, lipgloss.BrightRed),
		unknown: ld(lipgloss.Magenta, lipgloss.BrightMagenta),
		skipped: ld(lipgloss.Color("8"), lipgloss.BrightBlack),
		accent:  ld(lipgloss.Blue, lipgloss.BrightCyan),
		muted:   ld(lipgloss.Color("8"), lipgloss.BrightBlack),
		text:    ld(lipgloss.Black, lipgloss.White),
		selBg:   ld(lipgloss.Color("7"), lipgloss.Color("8")),
	}
}

// Styles is every style the dashboard draws with, expanded once from the
// palette; nothing else in the package makes a style. With colour off
// (NO_COLOR) the styles keep bold and reverse video only: the glyphs and
// words beside each status carry the meaning.
type Styles struct {
	Pass, Warn, Fail, Unknown, Skipped         paint
	Title, TitleFocused, Border, BorderFocused paint
	Muted, Bold, Accent, Selected, Key         paint
	Verdict, Dialog, Button, ButtonFocused     paint
}

// paint is a style reduced to the escape sequences around its text. A
// frame paints a few thousand spans; Lip Gloss's Render measures and
// re-wraps each one, which alone would blow the 1 ms frame budget, and
// these styles have no width, padding or border to lay out.
type paint struct{ open, close string }

// sentinel is what a style is rendered around to find its sequences.
const sentinel = "\u2063"

func paintOf(st lipgloss.Style) paint {
	out := st.Render(sentinel)
	open, close, ok := strings.Cut(out, sentinel)
	if !ok {
		return paint{}
	}
	return paint{open: open, close: close}
}

// Render paints s.
func (p paint) Render(s string) string {
	if p.open == "" || s == "" {
		return s
	}
	return p.open + s + p.close
}

func newStyles(isDark, noColor bool) *Styles {
	ls := newLipStyles(isDark, noColor)
	return &Styles{
		Pass: paintOf(ls.Pass), Warn: paintOf(ls.Warn), Fail: paintOf(ls.Fail), Unknown: paintOf(ls.Unknown), Skipped: paintOf(ls.Skipped),
		Title: paintOf(ls.Title), TitleFocused: paintOf(ls.TitleFocused), Border: paintOf(ls.Border), BorderFocused: paintOf(ls.BorderFocused),
		Muted: paintOf(ls.Muted), Bold: paintOf(ls.Bold), Accent: paintOf(ls.Accent), Selected: paintOf(ls.Selected), Key: paintOf(ls.Key),
		Verdict: paintOf(ls.Verdict), Dialog: paintOf(ls.Dialog), Button: paintOf(ls.Button), ButtonFocused: paintOf(ls.ButtonFocused),
	}
}

// lipStyles are the styles as Lip Gloss describes them, before they are
// reduced to paints.
type lipStyles struct {
	Pass, Warn, Fail, Unknown, Skipped          lipgloss.Style
	Title, TitleFocused, Border, BorderFocused  lipgloss.Style
	Muted, Bold, Accent, Selected, Key, Verdict lipgloss.Style
	Dialog, Button, ButtonFocused               lipgloss.Style
}

func newLipStyles(isDark, noColor bool) *lipStyles {
	p := newPalette(isDark)
	fg := func(c color.Color) lipgloss.Style {
		if noColor {
			return lipgloss.NewStyle()
		}
		return lipgloss.NewStyle().Foreground(c)
	}
	s := &lipStyles{
		Pass:          fg(p.ok),
		Warn:          fg(p.warn),
		Fail:          fg(p.fail).Bold(true),
		Unknown:       fg(p.unknown),
		Skipped:       fg(p.skipped),
		Title:         lipgloss.NewStyle().Bold(true),
		TitleFocused:  fg(p.accent).Bold(true),
		Border:        fg(p.muted),
		BorderFocused: fg(p.accent),
		Muted:         fg(p.muted),
		Bold:          lipgloss.NewStyle().Bold(true),
		Accent:        fg(p.accent),
		Selected:      lipgloss.NewStyle().Reverse(true),
		Key:           fg(p.accent).Bold(true),
		Verdict:       lipgloss.NewStyle().Bold(true),
		Button:        lipgloss.NewStyle(),
		ButtonFocused: lipgloss.NewStyle().Reverse(true).Bold(true),
	}
	s.Dialog = s.BorderFocused
	return s
}
