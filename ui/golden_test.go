package ui

import (
	tea "charm.land/bubbletea/v2"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

// goldenScenarios cover a block, a healthy machine, an API quota answer,
// an outage, a proxy that only the matrix can blame, and a 1015 rate limit
// (its summary must keep to the target column).
var goldenScenarios = []string{"block-1020", "healthy", "api-429-quota", "outage-503", "proxy", "rate-1015"}

var goldenSizes = [][2]int{{80, 24}, {120, 40}, {200, 60}}

// TestGolden renders each scenario after two runs a minute apart, at each
// size, without escape sequences and with every time pinned. Update with
// go test ./ui -run TestGolden -update.
func TestGolden(t *testing.T) {
	for _, sc := range goldenScenarios {
		t.Run(sc, func(t *testing.T) {
			s := labSession(t, sc)
			for _, sz := range goldenSizes {
				t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
					c := &clock{t: epoch}
					m := newTestModel(s, c, sz[0], sz[1], time.Minute)
					feedRun(t, m, c, nil, purposeRefresh)
					c.advance(time.Minute)
					feedRun(t, m, c, nil, purposeRefresh)
					c.advance(12 * time.Second)
					golden.RequireEqual(t, []byte(unstable(screen(m))))
				})
			}
		})
	}
}

// unstable masks what the lab makes up anew on every start, keeping the
// width: its listening ports, the API's request IDs and the status page's
// update time (the lab's wall clock, shown when the evidence wraps).
func unstable(s string) string {
	s = loopbackPorts.ReplaceAllStringFunc(s, func(m string) string {
		host, port, _ := strings.Cut(m, ":")
		return host + ":" + strings.Repeat("N", len(port))
	})
	s = wallDates.ReplaceAllString(s, "YYYY-MM-DD")
	s = wallMinutes.ReplaceAllString(s, "HH:MM UTC")
	return requestIDs.ReplaceAllStringFunc(s, func(m string) string { return "req_" + strings.Repeat("x", len(m)-4) })
}

var (
	loopbackPorts = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	requestIDs    = regexp.MustCompile(`req_[0-9a-zA-Z]+`)
	wallDates     = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	wallMinutes   = regexp.MustCompile(`\b\d{2}:\d{2} UTC`)
)

// TestGoldenOverlays renders the help overlay at the smallest size, the
// remedy dialog with the session's own plan, and a cell's details.
func TestGoldenOverlays(t *testing.T) {
	c := &clock{t: epoch}
	s := labSession(t, "stale-dns")
	m := newTestModel(s, c, 80, 24, time.Minute)
	feedRun(t, m, c, nil, purposeRefresh)
	m.Update(press("?"))
	t.Run("help-80x24", func(t *testing.T) { golden.RequireEqual(t, []byte(unstable(screen(m)))) })
	m.Update(press("esc"))
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	selectRemedy(t, m, "flush-dns")
	m.Update(m.Update2(press("a"))())
	t.Run("dialog-120x40", func(t *testing.T) { golden.RequireEqual(t, []byte(unstable(screen(m)))) })
	m.Update(press("esc"))
	m.Update(press("4"))
	m.Update(press("enter"))
	t.Run("details-120x40", func(t *testing.T) { golden.RequireEqual(t, []byte(unstable(screen(m)))) })
}
