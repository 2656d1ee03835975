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
