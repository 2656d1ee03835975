package ui

import (
	"image/color"

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
	Pass, Warn, Fail, Unknown, Skipped                  lipgloss.Style
	Title, TitleFocused, Border, BorderFocused          lipgloss.Style
	Muted, Bold, Accent, Selected, Key, Header, Verdict lipgloss.Style
	Dialog, Button, ButtonFocused                       lipgloss.Style
}

func newStyles(isDark, noColor bool) *Styles {
	p := newPalette(isDark)
	fg := func(c color.Color) lipgloss.Style {
		if noColor {
			return lipgloss.NewStyle()
		}
		return lipgloss.NewStyle().Foreground(c)
	}
	s := &Styles{
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
		Header:        lipgloss.NewStyle().Bold(true),
		Verdict:       lipgloss.NewStyle().Bold(true),
		Button:        lipgloss.NewStyle().Padding(0, 1),
		ButtonFocused: lipgloss.NewStyle().Padding(0, 1).Reverse(true).Bold(true),
	}
	s.Dialog = s.BorderFocused
	return s
}
