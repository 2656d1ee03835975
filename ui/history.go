package ui

import (
	"slices"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// historyCap bounds the samples kept per endpoint cell: more than a
// sparkline can show on any screen, and a few kilobytes per cell for a
// session left open for days.
const historyCap = 120

// sampleKind is how one run of one cell ended. Failures and timeouts keep
// their own kind (and glyph and colour) in the sparkline: a lost answer is
// never drawn as a short bar or a gap.
type sampleKind uint8

const (
	sampleOK      sampleKind = iota // answered as expected; latency is meaningful
	sampleFail                      // answered with a block or error, or refused
	sampleTimeout                   // no answer in time
	sampleUnknown                   // cancelled or out of budget: says nothing
	sampleSkipped                   // did not run
)

type sample struct {
	kind    sampleKind
	latency time.Duration
	seq     int
}

// ring is one cell's samples, oldest first, at most historyCap, with
// their numbers worked out when a run is added rather than every frame.
type ring struct {
	s     []sample
	stats cellStats
}

func (r *ring) add(x sample) {
	if len(r.s) == historyCap {
		copy(r.s, r.s[1:])
		r.s = r.s[:historyCap-1]
	}
	r.s = append(r.s, x)
	r.stats = statsOf(r.s)
}

// history holds a ring per endpoint result ID across the session's runs.
type history struct {
	cells map[string]*ring
	seqs  map[int]bool // runs already added, so a run is never counted twice
}

func newHistory() *history {
	return &history{cells: map[string]*ring{}, seqs: map[int]bool{}}
}

// addRun adds every endpoint result of a finished run. A run is added once,
// however often it is offered (the session's history and the live run
// overlap when the dashboard opens on a session that already ran).
func (h *history) addRun(seq int, snap probes.Snapshot) {
	if seq > 0 {
		if h.seqs[seq] {
			return
		}
		h.seqs[seq] = true
	}
	for _, r := range snap.Results {
		if r.Kind != probes.KindEndpoint {
			continue
		}
		c := h.cells[r.ID]
		if c == nil {
			c = &ring{}
			h.cells[r.ID] = c
		}
		c.add(sampleOf(r, seq))
	}
}

func (h *history) of(id string) []sample {
	if c := h.cells[id]; c != nil {
		return c.s
	}
	return nil
}

// stats are the numbers of a cell's history.
func (h *history) stats(id string) cellStats {
	if c := h.cells[id]; c != nil {
		return c.stats
	}
	return cellStats{}
}

// sampleOf reads one endpoint result as a sample.
func sampleOf(r probes.Result, seq int) sample {
	x := sample{seq: seq}
	d, _ := r.Details.(*probes.EndpointDetails)
	if d != nil {
		x.latency = d.Timings.Total.D()
	}
	switch {
	case r.Status == probes.StatusSkipped:
		x.kind = sampleSkipped
	case r.Status == probes.StatusPass || r.Status == probes.StatusWarn && d != nil && d.StatusCode != 0 && d.Failure == "":
		x.kind = sampleOK
	case isTimeout(r):
		x.kind = sampleTimeout
	case r.Status == probes.StatusUnknown:
		x.kind = sampleUnknown
	default:
		x.kind = sampleFail
	}
	return x
}

// isTimeout: the request got no answer in time (a stalled handshake counts:
// it is a silence, not a refusal).
func isTimeout(r probes.Result) bool {
	if r.Error != nil && r.Error.Timeout {
		return true
	}
	if d, ok := r.Details.(*probes.EndpointDetails); ok {
		return strings.Contains(d.Failure, "timeout") || d.Failure == "tls_stall"
	}
	return false
}

// cellStats are the numbers beside a sparkline.
type cellStats struct {
	runs, failures int
	p50, p95       time.Duration
	haveLatency    bool
}

func statsOf(samples []sample) cellStats {
	var st cellStats
	var lat []time.Duration
	for _, x := range samples {
		switch x.kind {
		case sampleOK:
			st.runs++
			lat = append(lat, x.latency)
		case sampleFail, sampleTimeout:
			st.runs++
			st.failures++
		}
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		st.p50 = percentile(lat, 50)
		st.p95 = percentile(lat, 95)
		st.haveLatency = true
	}
	return st
}

// percentile of sorted durations, nearest rank.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (p*len(sorted) + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

var bars = []rune("▁▂▃▄▅▆▇█")

// Sparkline glyphs for samples that have no latency to draw.
const (
	glyphFail    = "✗"
	glyphTimeout = "⧖"
	glyphUnknown = "?"
	glyphSkipped = "-"
)

// sparkline draws the newest width samples, one cell each, scaled between
// the fastest and slowest answer shown. Failures, timeouts, unknowns and
// skips keep their own glyph and style.
func (s *Styles) sparkline(samples []sample, width int) string {
	if width <= 0 || len(samples) == 0 {
		return ""
	}
	if len(samples) > width {
		samples = samples[len(samples)-width:]
	}
	var lo, hi time.Duration = -1, 0
	for _, x := range samples {
		if x.kind != sampleOK {
			continue
		}
		if lo < 0 || x.latency < lo {
			lo = x.latency
		}
		hi = max(hi, x.latency)
	}
	var b strings.Builder
	// Runs of the same kind are styled together: one escape sequence per
	// run rather than per cell keeps the frame small.
	var cur strings.Builder
	curKind := sampleKind(255)
	flush := func() {
		if cur.Len() == 0 {
			return
		}
		switch curKind {
		case sampleOK:
			b.WriteString(s.Pass.Render(cur.String()))
		case sampleFail:
			b.WriteString(s.Fail.Render(cur.String()))
		case sampleTimeout:
			b.WriteString(s.Warn.Render(cur.String()))
		case sampleUnknown:
			b.WriteString(s.Unknown.Render(cur.String()))
		default:
			b.WriteString(s.Skipped.Render(cur.String()))
		}
		cur.Reset()
	}
	for _, x := range samples {
		if x.kind != curKind {
			flush()
			curKind = x.kind
		}
		switch x.kind {
		case sampleOK:
			// A flat history sits mid-height: "all equal", not "all fast".
			i := len(bars) / 2
			if hi > lo {
				i = int(int64(len(bars)-1) * int64(x.latency-lo) / int64(hi-lo))
			}
			cur.WriteRune(bars[i])
		case sampleFail:
			cur.WriteString(glyphFail)
		case sampleTimeout:
			cur.WriteString(glyphTimeout)
		case sampleUnknown:
			cur.WriteString(glyphUnknown)
		default:
			cur.WriteString(glyphSkipped)
		}
	}
	flush()
	return b.String()
}
