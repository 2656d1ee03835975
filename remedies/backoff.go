package remedies

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// Retry schedule. The first wait of 2 s clears a momentary overload without
// making a person stare at a spinner; doubling keeps a rate-limited client
// from extending its own block (Cloudflare warns that retrying during a 1015
// can prolong it); the 60 s cap and five attempts bound the whole wait to
// about a minute without hints (2+4+8+16+32 s) and under five minutes with
// them. Waits are deterministic (no jitter): one person retrying does not
// synchronise with anyone.
const (
	retryBase     = 2 * time.Second
	retryCap      = 60 * time.Second
	retryAttempts = 5
	// maxRetryHint is the longest server-requested wait gptdoctor sits
	// through; beyond it the user is told to come back later.
	maxRetryHint = 5 * time.Minute
)

// Backoff returns the waits before each of n attempts: the server's hint (or
// retryBase) first, then doubling, capped at retryCap (or at the hint when
// the hint is longer).
func Backoff(hint time.Duration, n int) []time.Duration {
	wait := retryBase
	if hint > wait {
		wait = hint
	}
	limit := retryCap
	if hint > limit {
		limit = hint
	}
	out := make([]time.Duration, 0, n)
	for range n {
		out = append(out, wait)
		wait *= 2
		if wait > limit {
			wait = limit
		}
	}
	return out
}

func scheduleWords(s []time.Duration) string {
	var w []string
	for _, d := range s {
		w = append(w, humanDuration(d))
	}
	return strings.Join(w, ", ")
}

// retryHint is the longest wait the failing answers asked for: Retry-After
// (seconds or an HTTP date), a structured error's retry_after, or the API's
// x-ratelimit-reset-* durations ("6m0s", "120ms"). Healthy answers carry
// reset headers too and are ignored: they ask for nothing.
func retryHint(s probes.Snapshot) time.Duration {
	var hint time.Duration
	take := func(d time.Duration) {
		if d > hint {
			hint = d
		}
	}
	for _, r := range s.Results {
		if !usable(r) {
			continue
		}
		switch d := r.Details.(type) {
		case *probes.EndpointDetails:
			if d.StatusCode == 0 || d.Expected || d.Verdict.Kind == classify.VerdictOK {
				continue
			}
			take(time.Duration(d.Verdict.RetryAfterSeconds) * time.Second)
			take(parseRetryAfter(d.Headers["retry-after"], d.Headers["date"]))
			take(rateLimitReset(d.Headers))
		case *probes.APIKeyDetails:
			if d.Outcome == probes.KeyRateLimited || d.Outcome == probes.KeyServerError {
				take(time.Duration(d.Verdict.RetryAfterSeconds) * time.Second)
				take(rateLimitReset(d.RateLimit))
			}
		}
	}
	return hint
}

// parseRetryAfter reads Retry-After as delta-seconds or as an HTTP date
// relative to the response's own Date header (so a wrong local clock does
// not distort it).
func parseRetryAfter(v, date string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	now, err := http.ParseTime(date)
	if err != nil {
		return 0
	}
	if d := at.Sub(now); d > 0 {
		return d
	}
	return 0
}

// rateLimitReset is the wait until the exhausted rate-limit window resets.
// A window whose remaining count is known and above zero is not the one
// that refused, so its reset is ignored.
func rateLimitReset(h map[string]string) time.Duration {
	var longest time.Duration
	for _, w := range []string{"requests", "tokens"} {
		if rem := strings.TrimSpace(h["x-ratelimit-remaining-"+w]); rem != "" && rem != "0" {
			continue
		}
		if d, err := time.ParseDuration(strings.TrimSpace(h["x-ratelimit-reset-"+w])); err == nil && d > longest {
			longest = d
		}
	}
	return longest
}
