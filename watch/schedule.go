package watch

import (
	"math/rand/v2"
	"time"
)

// MinInterval is the shortest interval between runs a user may ask for.
// Probing more often shows a dashboard nothing new, and a burst of
// requests from one address is exactly what Cloudflare answers with a 1015
// rate limit: a monitor that probes too often causes the block it reports.
const MinInterval = 10 * time.Second

// DefaultBackoffCap bounds the back-off while answers are rate limits: long
// enough for any 1015 or API rate-limit window to pass, short enough that
// the dashboard notices the recovery within the hour.
const DefaultBackoffCap = 30 * time.Minute

// DefaultJitter spreads a fleet's runs by ±10 % of the interval so machines
// started together do not probe in lockstep.
const DefaultJitter = 0.1

// Schedule decides how long to wait before the next run. It is a pure
// function of its fields and arguments; Rand is injectable so tests can pin
// the jitter.
type Schedule struct {
	// Interval is the wait between runs when answers are not rate limits.
	Interval time.Duration
	// Floor is the shortest wait ever returned, jitter included; zero
	// means no floor (tests). The watch command sets MinInterval.
	Floor time.Duration
	// Cap bounds the back-off; zero means DefaultBackoffCap, and it is
	// never below Interval.
	Cap time.Duration
	// Jitter is the fraction of the wait added or removed at random.
	Jitter float64
	// Rand returns a number in [0, 1); nil means math/rand/v2.
	Rand func() float64
}

// Next is the wait after a run. streak counts consecutive runs whose
// answers were rate limits (0 when the last one was clear): each doubles
// the interval, up to the cap. retryAfter is the longest wait a rate-limit
// answer asked for; it is honoured up to the cap too.
func (s Schedule) Next(streak int, retryAfter time.Duration) time.Duration {
	capd := s.Cap
	if capd <= 0 {
		capd = DefaultBackoffCap
	}
	capd = max(capd, s.Interval)
	d := s.Interval
	for i := 0; i < streak && d < capd; i++ {
		d *= 2
	}
	d = min(max(d, retryAfter), capd)
	if s.Jitter > 0 {
		r := s.Rand
		if r == nil {
			r = rand.Float64
		}
		d = time.Duration(float64(d) * (1 + s.Jitter*(2*r()-1)))
	}
	return max(d, s.Floor)
}
