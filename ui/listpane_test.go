package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestWrappingRows: a row with a hang wraps under its lead when the pane
// has room for every row, up to maxWrap lines; without the room, or for a
// selectable row, it stays one line cut at the edge.
func TestWrappingRows(t *testing.T) {
	st := newStyles(true, true)
	long := "     because " + strings.Repeat("word ", 40)
	rows := []row{{text: "1. a finding", key: "finding:0"}, {text: long, hang: len("     because ")}, {text: "   ▸ a remedy", key: "remedy:0:x"}}
	body := func(p *listPane, w, h int) []string {
		lines := p.View(st, w, h, false)
		for i, l := range lines {
			lines[i] = strings.TrimRight(ansi.Strip(l), " │")
		}
		return lines[1 : len(lines)-1]
	}

	var p listPane
	p.Set(rows)
	got := body(&p, 60, 10)
	if !strings.HasPrefix(got[2], "│              word") || !strings.HasPrefix(got[3], "│              word") || !strings.HasSuffix(got[3], "…") {
		t.Errorf("with room, the evidence wraps onto %d lines under its lead:\n%s", maxWrap, strings.Join(got, "\n"))
	}
	if !strings.Contains(got[4], "▸ a remedy") {
		t.Errorf("the rows after it moved wrong:\n%s", strings.Join(got, "\n"))
	}
	// A click finds the row under the pointer on the wrapped screen.
	for line, want := range []int{0, 1, 1, 1, 2, -1} {
		if r := p.rowAt(line); r != want {
			t.Errorf("line %d shows row %d, want %d", line, r, want)
		}
	}

	got = body(&p, 60, 5) // three rows fit, five lines do not
	if !strings.HasSuffix(got[1], "…") || !strings.Contains(got[2], "▸ a remedy") {
		t.Errorf("without room, the evidence stays one cut line:\n%s", strings.Join(got, "\n"))
	}
	if r := p.rowAt(2); r != 2 {
		t.Errorf("unwrapped, line 2 shows row %d", r)
	}

	p.Set([]row{{text: long, key: "finding:0", hang: 13}})
	if got = body(&p, 60, 10); strings.TrimSpace(strings.Trim(got[1], "│")) != "" {
		t.Errorf("a selectable row wrapped:\n%s", strings.Join(got, "\n"))
	}
}
