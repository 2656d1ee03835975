package ui

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"

	"github.com/gptdoctor/gptdoctor/remedies"
)

// TestStopWhileTheFirstRunStarts: a signal can end the dashboard before
// its first run's plan is built (the run is only a placeholder then);
// stopping must not dereference the run that does not exist yet.
func TestStopWhileTheFirstRunStarts(t *testing.T) {
	m := New(Options{Session: labSession(t, "healthy")})
	m.Init() // marks the first run as starting; its plan is built in a command not run here
	if m.cur == nil || m.cur.run != nil {
		t.Fatal("Init no longer leaves a placeholder run: the test proves nothing")
	}
	m.stop()
}

// TestTimersEndWithTheDashboard: the dashboard's timer command returns at
// once when the dashboard's context ends, instead of holding a goroutine
// for the rest of an idle minute after Run has returned.
func TestTimersEndWithTheDashboard(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := after(ctx, time.Hour, "tick")
	cancel()
	got := make(chan any, 1)
	go func() { got <- cmd() }()
	select {
	case msg := <-got:
		if msg != nil {
			t.Errorf("a cancelled timer delivered %v", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the timer still waits after its context ended")
	}
	if msg := after(context.Background(), time.Millisecond, "tick")(); msg != "tick" {
		t.Errorf("a timer that ran out delivered %v, want tick", msg)
	}
}

// TestSupersededTimersStop: re-arming the tick, the refresh interval or a
// retry's back-off stops the wait it replaces, so a dashboard refreshing back to back holds
// one timer goroutine per kind, not one per restart in the last minute
// (about 375 in the 1,000-run soak before this).
func TestSupersededTimersStop(t *testing.T) {
	m := New(Options{Session: labSession(t, "healthy"), Interval: time.Hour})
	defer m.stop()
	const n = 50
	got := make(chan any, 3*n)
	start := func(cmd tea.Cmd) {
		if cmd == nil {
			t.Fatal("no timer armed")
		}
		go func() { got <- cmd() }()
	}
	for range n {
		start(m.restartTick())                                        // an idle tick: up to a minute away
		start(m.scheduleRefresh())                                    // the hour-long interval
		start(m.arm(&m.timers.retry, time.Hour, retryWaitMsg{id: 1})) // a retry's back-off
	}
	for i := range 3*n - 3 {
		select {
		case msg := <-got:
			if msg != nil {
				t.Fatalf("a superseded timer delivered %v", msg)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%d superseded timers still wait", 3*n-3-i)
		}
	}
	select {
	case msg := <-got:
		t.Fatalf("the armed timers ended early: %v", msg)
	case <-time.After(20 * time.Millisecond):
	}
	m.togglePause() // pausing stops the armed refresh
	select {
	case msg := <-got:
		if msg != nil {
			t.Fatalf("a paused refresh delivered %v", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("pausing left the refresh timer waiting")
	}
}

// TestRunWaitsForAnExport: cancelled while a report is being written (a
// signal right after e), Run returns only once the write has ended, so the
// process cannot exit with the write's temporary file still on disk; and
// a write asked for after that is refused.
func TestRunWaitsForAnExport(t *testing.T) {
	s := labSession(t, "block-1020")
	em := vt.NewSafeEmulator(120, 40)
	// Not closed: Bubble Tea's input reader may still be blocked in Read
	// after Run returns, and Close is not safe against it.
	em.Write([]byte(ansi.SetModeLineFeedNewLine))
	writing, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	export := func(string, bool, string) (string, error) {
		close(writing)
		<-release
		finished.Store(true)
		return "", errors.New("interrupted; nothing was written")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, Options{Session: s, Export: export}, em, em, tea.WithWindowSize(120, 40)) }()
	waitScreen(t, em, "a finished run", func(s string) bool { return strings.Contains(s, "run #1 at") })
	em.SendText("e")
	<-writing
	cancel()
	select {
	case <-done:
		t.Fatal("Run returned while the report was still being written")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the write ended")
	}
	if !finished.Load() {
		t.Error("Run returned before the export")
	}
	m := New(Options{Session: s, Export: export})
	m.writes.wait() // as Run does when it ends
	if msg := m.exportNow("md", false, "")(); msg.(exportedMsg).err != errQuitting {
		t.Errorf("an export after quitting: %v, want it refused", msg)
	}
}

// TestSudoNoteIsCleaned: the note written to the terminal before sudo
// asks shows the commands as the confirmation did, sanitised and, in
// share mode, masked.
func TestSudoNoteIsCleaned(t *testing.T) {
	m := New(Options{Session: labSession(t, "healthy")})
	defer m.stop()
	m.share, m.mask = true, func(s string) string { return strings.ReplaceAll(s, "wlp3s0", "[iface]") }
	p := remedies.Plan{Action: remedies.Action{ID: "renew-dhcp"}, Lines: []string{"sudo -- networkctl renew wlp3s0\x1b]0;pwned\x07"}}
	note := newExecAction(context.Background(), nil, p, m.clean).note
	if !strings.Contains(note, "renew-dhcp needs root") || !strings.Contains(note, "sudo -- networkctl renew [iface]") ||
		strings.Contains(note, "wlp3s0") || strings.ContainsRune(note, 0x1b) {
		t.Errorf("note %q", note)
	}
}
