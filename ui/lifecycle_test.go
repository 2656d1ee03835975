package ui

import (
	"context"
	"testing"
	"time"
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
