package ui

import (
	tea "charm.land/bubbletea/v2"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestWidthAgreesWithAnsi: the fast path counts exactly what
// ansi.StringWidth counts, and anything it does not know falls back.
func TestWidthAgreesWithAnsi(t *testing.T) {
	st := newStyles(true, false)
	for _, s := range []string{
		"", "plain ascii", st.Fail.Render("✗ fail") + " 403 1020", "╭─ 4 Endpoints ─╮", "▁▂▃▄▅▆▇█✗⧖?-", "⠋ pending",
		"日本語 wide", "e\u0301 combining", "emoji 🙂 here", "tab\there", "→ ‹1-5 of 6› … · ◐ ● ○ ▶ ▸ ›", "x\x1b]8;;url\x1b\\link",
		strings.Repeat("€", 10),
	} {
		if got, want := width(s), ansi.StringWidth(s); got != want {
			t.Errorf("width(%q) = %d, ansi says %d", s, got, want)
		}
		for w := range 14 {
			if got, want := truncate(s, w), ansi.Truncate(s, w, "…"); got != want {
				t.Errorf("truncate(%q, %d) = %q, ansi says %q", s, w, got, want)
			}
		}
	}
}

// TestNoColor: with NO_COLOR the frame carries no colour sequences, and
// every status still reads as glyph and word.
func TestNoColor(t *testing.T) {
	c := &clock{t: epoch}
	s := labSession(t, "block-1020")
	colored := newTestModel(s, c, 120, 40, 0)
	feedRun(t, colored, c, nil, purposeRefresh)
	if !strings.Contains(colored.View().Content, "\x1b[") {
		t.Fatal("the coloured frame has no colour")
	}
	m := New(Options{Session: s, Now: c.now, NoColor: true})
	m.after = noTimer
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	feedRun(t, m, c, nil, purposeRefresh)
	out := m.View().Content
	for _, seq := range []string{"\x1b[3", "\x1b[9", "38;", "\x1b[1;3"} {
		if strings.Contains(out, seq) {
			t.Fatalf("NO_COLOR frame has a colour sequence %q", seq)
		}
	}
	plain := ansi.Strip(out)
	for _, w := range []string{"✗ fail", "✓ ok", "◐ likely"} {
		if !strings.Contains(plain, w) {
			t.Errorf("NO_COLOR frame lacks %q", w)
		}
	}
}
