package ui

import (
	tea "charm.land/bubbletea/v2"
	"context"
	"github.com/gptdoctor/gptdoctor/session"
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
	// Not closed: Bubble Tea's input reader may still be blocked in Read
	// after Run returns, and Close is not safe against it.
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

// applyOnTheLab runs the real program on a lab scenario, selects remedy
// (by its title) in the Remedies pane, confirms it and waits for want.
func applyOnTheLab(t *testing.T, scenario, title, want string) *session.Session {
	t.Helper()
	s := labSession(t, scenario)
	em := vt.NewSafeEmulator(120, 40)
	// Not closed: Bubble Tea's input reader may still be blocked in Read
	// after Run returns, and Close is not safe against it.
	em.Write([]byte(ansi.SetModeLineFeedNewLine))
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), Options{Session: s}, em, em, tea.WithWindowSize(120, 40))
	}()
	waitScreen(t, em, "the findings", func(s string) bool { return strings.Contains(s, title) })
	em.SendText("5")
	waitScreen(t, em, "focus on Remedies", func(s string) bool { return strings.Contains(s, "▶5 Remedies") })
	for range 30 {
		cur := selectedLine(em)
		if strings.Contains(cur, "▸ "+title) {
			break
		}
		em.SendText("j")
		waitScreen(t, em, "the selection moving", func(string) bool { return selectedLine(em) != cur })
	}
	em.SendText("a")
	waitScreen(t, em, "the dialog", func(s string) bool { return strings.Contains(s, "[ Cancel ]") })
	em.SendKey(vt.KeyPressEvent{Code: vt.KeyTab})
	em.SendKey(vt.KeyPressEvent{Code: vt.KeyEnter})
	waitScreen(t, em, want, func(s string) bool { return strings.Contains(s, want) })
	em.SendText("q")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return s
}

// selectedLine is the screen line holding the focused selection.
func selectedLine(em *vt.SafeEmulator) string {
	for _, l := range strings.Split(ansi.Strip(em.Render()), "\n") {
		if i := strings.Index(l, "┃›"); i >= 0 {
			return l[i:]
		}
	}
	return ""
}

// TestRemedyOnTheLab applies bypass-proxy through the real program and
// the session's actions on the proxy scenario: the what-if re-check runs
// and the outcome lands under the remedy and in the activity log.
func TestRemedyOnTheLab(t *testing.T) {
	s := applyOnTheLab(t, "proxy", "Test without the proxy", "bypass-proxy: confirmed")
	if a := s.Actions(); len(a) != 1 || a[0].Outcome != "confirmed" {
		t.Fatalf("session records %+v", a)
	}
}

// TestFlushOnStaleDNS: in the demo the flush runs on the lab's staged
// machine (through its sudo), clears the stale answer, and the re-check
// shows it fixed.
func TestFlushOnStaleDNS(t *testing.T) {
	// The fix removes the finding the remedy was listed under; the
	// outcome stays at the head of the pane.
	s := applyOnTheLab(t, "stale-dns", "Flush the DNS cache", "✓ fixed flush-dns")
	if a := s.Actions(); len(a) != 1 || a[0].Outcome != "fixed" || !a[0].Escalated {
		t.Fatalf("session records %+v", a)
	}
}

// TestRunEndsWhenCancelled: a cancelled context (a signal in main) ends
// Run without an error, whatever is in flight.
func TestRunEndsWhenCancelled(t *testing.T) {
	s := labSession(t, "slow")
	em := vt.NewSafeEmulator(100, 30)
	em.Write([]byte(ansi.SetModeLineFeedNewLine))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, Options{Session: s}, em, em, tea.WithWindowSize(100, 30)) }()
	waitScreen(t, em, "a run in flight", func(s string) bool { return strings.Contains(s, "pending") })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run returned %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end after its context was cancelled")
	}
}
