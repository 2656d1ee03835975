package ui

import (
	"context"
	"hash/fnv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/session"
)

// epoch is the pinned "now" of the tests: goldens never depend on the
// clock.
var epoch = time.Date(2026, 12, 7, 20, 41, 3, 0, time.UTC)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// labSession starts a lab scenario and a demo session over its staged
// machine.
func labSession(t testing.TB, scenario string) *session.Session {
	t.Helper()
	l, err := lab.Start(scenario, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return session.New(session.Options{Mode: "demo", Scenario: scenario, Version: "test", Config: l.Config(), World: l.MachineWorld()})
}

// newTestModel is a dashboard over s at w×h with a pinned clock.
func newTestModel(s *session.Session, c *clock, w, h int, interval time.Duration) *Model {
	m := New(Options{Session: s, Interval: interval, Now: c.now, Demo: true, NoColor: false})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// feedRun runs the session once for real (the lab answers) and feeds the
// run to the model as the messages its commands would deliver, with every
// measured time pinned so renders are deterministic.
func feedRun(t testing.TB, m *Model, c *clock, mutate func(*probes.Config), purpose runPurpose) session.Diagnosis {
	t.Helper()
	if m.cur == nil {
		m.startRun(purpose, mutate)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run := m.sess.Start(ctx, mutate)
	m.Update(runStartedMsg{run: run, purpose: purpose})
	for r := range run.Results() {
		pin(&r, c)
		m.Update(resultMsg{runID: run.ID, run: run, res: r})
	}
	d := run.Wait()
	d.Snapshot.Started = c.now().Add(-3 * time.Second)
	d.Snapshot.Finished = c.now()
	for i := range d.Snapshot.Results {
		pin(&d.Snapshot.Results[i], c)
	}
	m.Update(runDoneMsg{runID: run.ID, diag: d})
	return d
}

// pin replaces a result's measured times with values derived from its ID.
func pin(r *probes.Result, c *clock) {
	h := fnv.New32a()
	h.Write([]byte(r.ID))
	ms := time.Duration(20+h.Sum32()%180) * time.Millisecond
	r.Started = c.now().Add(-time.Second)
	r.Duration = probes.Millis(ms)
	if d, ok := r.Details.(*probes.EndpointDetails); ok && d.Timings.Total > 0 {
		d.Timings = probes.PhaseTimings{DNS: probes.Millis(ms / 10), Connect: probes.Millis(ms / 5), TLS: probes.Millis(ms / 4), FirstByte: probes.Millis(ms / 3), Total: probes.Millis(ms)}
	}
}

// screen is the model's frame without escape sequences.
func screen(m *Model) string { return ansi.Strip(m.View().Content) }

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}
