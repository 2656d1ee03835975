package watch

import (
	"context"
	"time"
)

// Outcome is what the loop needs to know about one run to plan the next.
type Outcome struct {
	// RateLimited is true when an answer was a rate limit (Cloudflare
	// 1015, HTTP 429): the loop backs off instead of making it worse.
	RateLimited bool
	// RetryAfter is the longest wait a rate-limit answer asked for.
	RetryAfter time.Duration
}

// Loop runs Once, waits as Schedule says, and repeats until its context
// ends. Nothing in it touches the network or the real clock unless After
// does, so tests drive it with a fake timer.
type Loop struct {
	Schedule Schedule
	// Once performs one run. It is called with the loop's context and must
	// return soon after that context ends.
	Once func(ctx context.Context) Outcome
	// After is time.After unless a test injects its own timer.
	After func(time.Duration) <-chan time.Time
	// Waiting, when set, hears each wait before it starts and whether the
	// loop is backing off (the exporter shows both).
	Waiting func(wait time.Duration, backingOff bool)
}

// Run loops until ctx ends and returns then; the first run starts at once.
func (l *Loop) Run(ctx context.Context) {
	after := l.After
	if after == nil {
		after = time.After
	}
	streak := 0
	for {
		out := l.Once(ctx)
		if ctx.Err() != nil {
			return
		}
		if out.RateLimited {
			streak++
		} else {
			streak = 0
		}
		wait := l.Schedule.Next(streak, out.RetryAfter)
		if l.Waiting != nil {
			l.Waiting(wait, streak > 0)
		}
		select {
		case <-ctx.Done():
			return
		case <-after(wait):
		}
	}
}
