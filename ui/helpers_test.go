package ui

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"strings"
	"sync"
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
	// As in the demo, gptdoctor is no admin on the staged machine.
	return session.New(session.Options{Mode: "demo", Scenario: scenario, Version: "test", Config: l.Config(), World: l.MachineWorld(),
		IsAdmin: func() bool { return false }})
}

// newTestModel is a dashboard over s at w×h with a pinned clock.
func newTestModel(s *session.Session, c *clock, w, h int, interval time.Duration) *Model {
	m := New(Options{Session: s, Interval: interval, Now: c.now, Demo: true, NoColor: false})
	m.after = noTimer
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
	// The headline quotes the Ray ID: diagnose the pinned snapshot again.
	pinned := m.sess.Diagnose(d.Snapshot)
	d.Findings, d.Outcome = pinned.Findings, pinned.Outcome
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
	// Evidence quotes the measured timings too.
	ev := make([]string, len(r.Evidence))
	for i, e := range r.Evidence {
		if strings.HasPrefix(e, "timings:") || strings.HasPrefix(e, "timing:") {
			e = "timings: (pinned)"
		}
		ev[i] = e
	}
	r.Evidence = ev
	orig, ok := r.Details.(*probes.EndpointDetails)
	if !ok {
		return
	}
	// A copy: the engine still reads the original while the run streams.
	cp := *orig
	cp.Headers = maps.Clone(orig.Headers)
	d := &cp
	r.Details = d
	if d.Verdict.RayID != "" {
		// The lab makes up a fresh Ray ID per answer.
		ray := fmt.Sprintf("%016x", uint64(h.Sum32())*2654435761)
		if _, colo, ok := strings.Cut(d.Verdict.RayID, "-"); ok {
			ray += "-" + colo
		}
		d.Verdict.RayID = ray
		if _, ok := d.Headers["cf-ray"]; ok {
			d.Headers["cf-ray"] = ray
		}
	}
	// Phases that happened keep happening, at pinned lengths.
	t := &d.Timings
	for _, ph := range []struct {
		p   *probes.Millis
		div time.Duration
	}{{&t.DNS, 10}, {&t.Connect, 5}, {&t.TLS, 4}, {&t.FirstByte, 3}, {&t.Total, 1}} {
		if *ph.p > 0 {
			*ph.p = probes.Millis(ms / ph.div)
		}
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

// lockedBuffer passes writes to w and remembers what came after the
// program ended (the report paths Run prints).
type lockedBuffer struct {
	mu  sync.Mutex
	w   io.Writer
	all bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.all.Write(p)
	b.mu.Unlock()
	return b.w.Write(p)
}

func (b *lockedBuffer) tail() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.all.String()
}

// noTimer replaces the dashboard's timers: tests deliver timer messages
// themselves and never wait.
func noTimer(context.Context, time.Duration, tea.Msg) tea.Cmd { return nil }
