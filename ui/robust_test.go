package ui

import (
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestAnyKeysAnySize drives the dashboard with a seeded stream of every
// key it knows, resizing now and then: no panic, and every frame is
// exactly the window's height and never wider than it.
func TestAnyKeysAnySize(t *testing.T) {
	m, c, _ := proxyModel(t, 120, 40)
	keys := []string{"tab", "shift+tab", "1", "2", "3", "4", "5", "6", "up", "down", "left", "right", "j", "k", "h", "l",
		"enter", "esc", "a", "r", "space", "E", "y", "s", "?", "n", "x", "G", "pgdown"}
	sizes := [][2]int{{60, 16}, {80, 24}, {100, 30}, {120, 40}, {200, 60}, {61, 17}, {119, 31}, {30, 10}}
	rng := rand.New(rand.NewPCG(1, 2))
	w, h := 120, 40
	for i := range 3000 {
		if i%97 == 0 {
			sz := sizes[rng.IntN(len(sizes))]
			w, h = sz[0], sz[1]
			m.Update(tea.WindowSizeMsg{Width: w, Height: h})
		}
		// The commands keys return are not run: no I/O, only state.
		k := keys[rng.IntN(len(keys))]
		m.Update(press(k))
		if m.exp != nil && rng.IntN(3) == 0 {
			m.Update(press("esc"))
		}
		c.advance(graceDelay)
		out := m.View().Content
		lines := strings.Split(out, "\n")
		if w >= MinWidth && h >= MinHeight && len(lines) != h {
			t.Fatalf("step %d (%s) at %dx%d: %d lines", i, k, w, h, len(lines))
		}
		for _, l := range lines {
			if lw := ansi.StringWidth(l); lw > w {
				t.Fatalf("step %d (%s) at %dx%d: a line is %d wide: %q", i, k, w, h, lw, ansi.Strip(l))
			}
		}
	}
}
