package watch

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestScheduleJitterBounds: the wait stays within ±10 % of the interval
// and never under the floor, so a fleet spreads out without anyone
// probing faster than allowed.
func TestScheduleJitterBounds(t *testing.T) {
	for _, r := range []float64{0, 0.25, 0.5, 0.999999} {
		s := Schedule{Interval: time.Minute, Jitter: DefaultJitter, Rand: func() float64 { return r }}
		got := s.Next(0, 0)
		if got < 54*time.Second || got > 66*time.Second {
			t.Errorf("rand %v: wait %s outside 54s..66s", r, got)
		}
	}
	lo := Schedule{Interval: time.Minute, Jitter: DefaultJitter, Rand: func() float64 { return 0 }}.Next(0, 0)
	hi := Schedule{Interval: time.Minute, Jitter: DefaultJitter, Rand: func() float64 { return 0.999999 }}.Next(0, 0)
	if lo != 54*time.Second || hi < 65*time.Second {
		t.Errorf("jitter spans %s..%s, want 54s..66s", lo, hi)
	}
	floor := Schedule{Interval: MinInterval, Floor: MinInterval, Jitter: DefaultJitter, Rand: func() float64 { return 0 }}
	if got := floor.Next(0, 0); got != MinInterval {
		t.Errorf("jitter took the wait to %s, under the %s floor", got, MinInterval)
	}
}

// TestScheduleBacksOff: each rate-limited run doubles the wait up to the
// cap, a Retry-After longer than that is honoured up to the cap, and the
// interval returns once the answers are clear.
func TestScheduleBacksOff(t *testing.T) {
	s := Schedule{Interval: time.Minute, Cap: 10 * time.Minute}
	for streak, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 10 * time.Minute, 10 * time.Minute} {
		if got := s.Next(streak, 0); got != want {
			t.Errorf("streak %d: %s, want %s", streak, got, want)
		}
	}
	if got := s.Next(1, 5*time.Minute); got != 5*time.Minute {
		t.Errorf("Retry-After 5m after one rate limit: %s", got)
	}
	if got := s.Next(1, 5*time.Hour); got != 10*time.Minute {
		t.Errorf("Retry-After 5h: %s, want the 10m cap", got)
	}
	if got := (Schedule{Interval: time.Hour}).Next(3, 0); got != time.Hour {
		t.Errorf("an interval above the default cap: %s, want the interval", got)
	}
	if got := (Schedule{Interval: time.Minute}).Next(1000, 0); got != DefaultBackoffCap {
		t.Errorf("a long streak: %s, want %s", got, DefaultBackoffCap)
	}
}

// fakeTimer hands the loop channels the test fires, and records each wait.
type fakeTimer struct {
	mu    sync.Mutex
	waits []time.Duration
	fire  chan time.Time
}

func (f *fakeTimer) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.mu.Unlock()
	return f.fire
}

// TestLoopBacksOffAndResets drives the loop with a fake timer: the first
// run starts at once, rate-limited runs double the wait, a clear run
// resets it, and the loop stops when its context ends.
func TestLoopBacksOffAndResets(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	script := []Outcome{{}, {RateLimited: true}, {RateLimited: true}, {RateLimited: true, RetryAfter: 30 * time.Minute}, {}, {}}
	ft := &fakeTimer{fire: make(chan time.Time, len(script))}
	for range script {
		ft.fire <- time.Time{}
	}
	runs := 0
	var backoffs []bool
	l := Loop{
		Schedule: Schedule{Interval: time.Minute, Cap: 20 * time.Minute},
		After:    ft.After,
		Once: func(context.Context) Outcome {
			if runs == len(script) {
				cancel()
				return Outcome{}
			}
			runs++
			return script[runs-1]
		},
		Waiting: func(_ time.Duration, b bool) { backoffs = append(backoffs, b) },
	}
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the loop did not stop when its context ended")
	}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 20 * time.Minute, time.Minute, time.Minute}
	if len(ft.waits) != len(want) {
		t.Fatalf("waits %v, want %v", ft.waits, want)
	}
	for i := range want {
		if ft.waits[i] != want[i] {
			t.Errorf("wait %d: %s, want %s (all: %v)", i, ft.waits[i], want[i], ft.waits)
		}
	}
	if wantB := []bool{false, true, true, true, false, false}; !slices.Equal(backoffs, wantB) {
		t.Errorf("backing off %v, want %v", backoffs, wantB)
	}
}

// TestLoopStopsWhileWaiting: a stop during the wait ends the loop at once,
// without another run.
func TestLoopStopsWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ft := &fakeTimer{fire: make(chan time.Time)} // never fires
	runs := 0
	l := Loop{Schedule: Schedule{Interval: time.Hour}, After: ft.After,
		Once:    func(context.Context) Outcome { runs++; return Outcome{} },
		Waiting: func(time.Duration, bool) { cancel() }}
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the loop kept waiting after its context ended")
	}
	if runs != 1 {
		t.Errorf("%d runs, want 1", runs)
	}
}
