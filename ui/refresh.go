package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
	"github.com/gptdoctor/gptdoctor/session"
)

// Back-off while the answers are rate limits: each rate-limited run doubles
// the wait, up to maxBackoff, and never below what the server asked for.
const maxBackoff = 15 * time.Minute

func (m *Model) updateBackoff(d session.Diagnosis) {
	limited, retryAfter := rateLimited(d.Snapshot)
	if !limited {
		m.backoff, m.wait = 0, 0
		return
	}
	m.backoff++
	if m.opts.Interval <= 0 {
		return
	}
	w := m.opts.Interval
	for i := 0; i < m.backoff && w < maxBackoff; i++ {
		w *= 2
	}
	w = min(w, max(maxBackoff, m.opts.Interval))
	m.wait = max(w, retryAfter)
}

// rateLimited: some answer of the run is a rate limit (Cloudflare 1015 or
// an API 429 rate_limit_exceeded; an exhausted quota does not lift by
// waiting, so it does not count), and the longest wait one asked for.
func rateLimited(s probes.Snapshot) (bool, time.Duration) {
	limited, longest := false, time.Duration(0)
	for _, r := range s.Results {
		var v *classify.Verdict
		switch d := r.Details.(type) {
		case *probes.EndpointDetails:
			v = &d.Verdict
		case *probes.TraceDetails:
			v = &d.Verdict
		}
		if v == nil {
			continue
		}
		if v.Kind == classify.VerdictCFRateLimit || v.Kind == classify.VerdictOpenAIRateLimit {
			limited = true
			longest = max(longest, time.Duration(v.RetryAfterSeconds)*time.Second)
		}
	}
	return limited, longest
}

// refreshWait is the wait before the next scheduled run.
func (m *Model) refreshWait() time.Duration {
	if m.wait > 0 {
		return m.wait
	}
	return m.opts.Interval
}

// scheduleRefresh arms the interval timer from now: the countdown starts
// when a run ends, so a slow run never overlaps the next.
func (m *Model) scheduleRefresh() tea.Cmd {
	if m.opts.Interval <= 0 || m.paused {
		return nil
	}
	w := m.refreshWait()
	m.refreshGen++
	m.nextRefresh = m.now().Add(w)
	return m.arm(&m.timers.refresh, w, refreshMsg{gen: m.refreshGen})
}

func (m *Model) togglePause() tea.Cmd {
	m.paused = !m.paused
	m.refreshGen++ // the armed timer no longer counts
	m.timers.refresh.disarm()
	if m.paused {
		m.logf(logInfo, "refresh paused")
		return nil
	}
	m.logf(logInfo, "refresh resumed")
	if m.opts.Interval <= 0 || m.cur != nil {
		return nil
	}
	left := m.nextRefresh.Sub(m.now())
	if m.nextRefresh.IsZero() || left <= 0 {
		return m.startRun(purposeRefresh, nil)
	}
	return m.arm(&m.timers.refresh, left, refreshMsg{gen: m.refreshGen})
}

func (m *Model) onTick(msg tickMsg) tea.Cmd {
	if msg.gen != m.tickGen {
		return nil
	}
	m.frame++
	if m.toast != "" && m.now().Sub(m.toastAt) > toastTTL {
		m.toast = ""
	}
	if m.busy() {
		m.sync()
		return m.arm(&m.timers.tick, busyTick, tickMsg{gen: m.tickGen})
	}
	return m.arm(&m.timers.tick, m.idleWait(), tickMsg{gen: m.tickGen})
}
