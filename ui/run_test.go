package ui

import (
	tea "charm.land/bubbletea/v2"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// waitScreen polls the emulator's screen until cond holds or the deadline
// passes (the lab answers in well under a second; the deadline only bounds
// a hang).
func waitScreen(t *testing.T, em *vt.SafeEmulator, what string, cond func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := ansi.Strip(em.Render())
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("screen never showed %s:\n%s", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRunOnTheLab runs the real program loop (commands, streaming, timers)
// on an in-memory terminal against the lab: the panes fill, e writes a
// report, and q returns from Run and prints the report's path.
func TestRunOnTheLab(t *testing.T) {
	s := labSession(t, "block-1020")
	em := vt.NewSafeEmulator(120, 40)
	defer em.Close()
	em.Write([]byte(ansi.SetModeLineFeedNewLine))
	dir := t.TempDir()
	done := make(chan error, 1)
	out := &lockedBuffer{w: em}
	go func() {
		done <- run(context.Background(), Options{Session: s, Interval: time.Minute, ReportDir: dir}, em, out, tea.WithWindowSize(120, 40))
	}()
	waitScreen(t, em, "a finished run", func(s string) bool {
		return strings.Contains(s, "run #1 at") && strings.Contains(s, "Flagged or shared IP")
	})
	em.SendText("e")
	waitScreen(t, em, "the report's path", func(s string) bool { return strings.Contains(s, "report written to "+dir) })
	em.SendText("q")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end Run")
	}
	if !strings.Contains(out.tail(), "report written to "+dir) {
		t.Errorf("Run did not print the report path after the screen was restored")
	}
}

// TestRemedyOnTheLab applies bypass-proxy through the real program and
// the session's actions on the proxy scenario: the what-if re-check runs
// and the outcome lands under the remedy and in the activity log.
func TestRemedyOnTheLab(t *testing.T) {
	s := labSession(t, "proxy")
	em := vt.NewSafeEmulator(120, 40)
	defer em.Close()
	em.Write([]byte(ansi.SetModeLineFeedNewLine))
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), Options{Session: s}, em, em, tea.WithWindowSize(120, 40))
	}()
	waitScreen(t, em, "the findings", func(s string) bool { return strings.Contains(s, "Test without the proxy") })
	em.SendText("5")
	for range 20 {
		scr := ansi.Strip(em.Render())
		if strings.Contains(scr, "›   ▸ Test without the proxy") {
			break
		}
		em.SendText("j")
		time.Sleep(20 * time.Millisecond)
	}
	em.SendText("a")
	waitScreen(t, em, "the dialog", func(s string) bool { return strings.Contains(s, "[ Cancel ]") })
	em.SendKey(vt.KeyPressEvent{Code: vt.KeyTab})
	em.SendKey(vt.KeyPressEvent{Code: vt.KeyEnter})
	waitScreen(t, em, "the outcome", func(s string) bool { return strings.Contains(s, "✓ confirmed") && strings.Contains(s, "bypass-proxy: confirmed") })
	em.SendText("q")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if a := s.Actions(); len(a) != 1 || a[0].Outcome != "confirmed" {
		t.Fatalf("session records %+v", a)
	}
}
