package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/session"
)

// The charts are plain data laid out here and drawn by the HTML template
// as inline SVG: no script, no external resource, and every label escaped
// by html/template.

// waterfall is one request's phases on a time axis shared by every
// request of the run, so a slow cell stands out next to a fast one.
type waterfall struct {
	Title  string
	Answer string
	Width  int
	Height int
	Rows   []wfRow
	// End marks how the request ended when it got no usable answer:
	// "failure" (refused, reset, blocked before an answer) or "timeout"
	// (it ran out of time; the bar is cut, not finished).
	End    string
	EndX   float64
	EndY   int
	EndLbl string
	Ticks  []tick
	// The time axis under the rows.
	AxisX1, AxisX2, AxisY, TickY int
}

type wfRow struct {
	Label, Value, Class string
	Y                   int
	X, W                float64
	Drawn               bool
}

type tick struct {
	X     float64
	Label string
}

// Chart geometry, in SVG user units (CSS pixels at 100 %).
const (
	chartWidth  = 520
	labelWidth  = 110
	plotWidth   = chartWidth - labelWidth - 70
	rowHeight   = 16
	historyH    = 170
	historyTop  = 26 // the band where runs without a latency are marked
	historyBase = historyH - 22
)

// waterfalls lays out the endpoint requests of a run.
func waterfalls(run session.RunRecord) []waterfall {
	var scale time.Duration = time.Millisecond
	var cells []probes.Result
	for _, r := range run.Results {
		if d, ok := r.Details.(*probes.EndpointDetails); ok {
			cells = append(cells, r)
			scale = max(scale, d.Timings.Total.D(), r.Duration.D())
		}
	}
	var out []waterfall
	for _, r := range cells {
		d := r.Details.(*probes.EndpointDetails)
		out = append(out, layoutWaterfall(r, d, scale))
	}
	return out
}

func layoutWaterfall(r probes.Result, d *probes.EndpointDetails, scale time.Duration) waterfall {
	t := d.Timings
	x := func(v time.Duration) float64 { return labelWidth + float64(v)/float64(scale)*plotWidth }
	w := waterfall{Title: hostOf(d.URL) + " " + d.Variant.Words(), Answer: endpointAnswer(d).withRay(), Width: chartWidth}
	wait := t.FirstByte.D() - t.DNS.D() - t.Connect.D() - t.TLS.D()
	if t.FirstByte == 0 {
		wait = 0
	}
	rest := t.Total.D() - t.FirstByte.D()
	if t.FirstByte == 0 || rest < 0 {
		rest = 0
	}
	phases := []struct {
		label, class string
		d            time.Duration
	}{
		{"DNS", "phase-dns", t.DNS.D()},
		{"connect", "phase-connect", t.Connect.D()},
		{"TLS", "phase-tls", t.TLS.D()},
		{"server wait", "phase-wait", max(wait, 0)},
		{"download", "phase-download", rest},
	}
	var at time.Duration
	y := 4
	for _, p := range phases {
		row := wfRow{Label: p.label, Class: "phase " + p.class, Y: y, Value: "–"}
		if p.d > 0 {
			row.Drawn, row.X, row.W = true, x(at), max(float64(p.d)/float64(scale)*plotWidth, 1)
			row.Value = probes.Millis(p.d).String()
			at += p.d
		}
		w.Rows = append(w.Rows, row)
		y += rowHeight
	}
	w.Height = y + 22
	w.AxisX1, w.AxisX2, w.AxisY, w.TickY = labelWidth, labelWidth+plotWidth, y+2, y+16
	if d.StatusCode == 0 || d.Failure != "" {
		w.End = "failure"
		if isTimeout(r, d.Failure) {
			w.End = "timeout"
		}
		end := max(at, r.Duration.D(), t.Total.D())
		w.EndX, w.EndY = x(end), y-rowHeight+2
		w.EndLbl = "no answer"
		if d.Failure != "" {
			w.EndLbl = d.Failure
		}
	}
	for _, f := range []float64{0, 0.5, 1} {
		w.Ticks = append(w.Ticks, tick{X: labelWidth + f*plotWidth, Label: probes.Millis(time.Duration(f * float64(scale))).String()})
	}
	return w
}

// isTimeout tells a request that ran out of time from one that was
// refused, so the charts draw the two differently.
func isTimeout(r probes.Result, failure string) bool {
	if r.Error != nil && r.Error.Timeout {
		return true
	}
	return strings.Contains(failure, "timeout") || strings.HasSuffix(failure, "_stall") || failure == "budget" ||
		r.Status == probes.StatusUnknown && failure == ""
}

// history is one target's latency across the runs: answered runs as
// points joined only to their answered neighbours, failures and timeouts
// as their own marks, never bridged by a line.
type history struct {
	Host          string
	Width, Height int
	Lines         []string // polyline point lists, one per unbroken stretch
	Points        []hPoint
	Ticks         []hTick
	MaxLabel      string
	BaseY, TopY   int
	TickY         int
}

type hPoint struct {
	X, Y  float64
	Class string // ok, fail (answered, but a failure), timeout, refused (no answer)
	Label string
}

type hTick struct {
	X     float64
	Label string
}

// hostState is one host in one run.
type hostState struct {
	class   string
	latency time.Duration // 0: no answer to measure
	label   string
}

func histories(rec session.Record) []history {
	var hosts []string
	states := make([]map[string]hostState, len(rec.Runs))
	for i, run := range rec.Runs {
		states[i] = runHostStates(run)
		for _, r := range run.Results {
			if d, ok := r.Details.(*probes.EndpointDetails); ok && !slices.Contains(hosts, hostOf(d.URL)) {
				hosts = append(hosts, hostOf(d.URL))
			}
		}
	}
	var out []history
	for _, h := range hosts {
		out = append(out, layoutHistory(h, rec.Runs, states))
	}
	return out
}

// runHostStates judges each host of a run from its endpoint cells: the
// median total of the answered cells, failing when any cell failed, timed
// out when none answered and one ran out of time.
func runHostStates(run session.RunRecord) map[string]hostState {
	type acc struct {
		totals            []time.Duration
		failed, timedOut  bool
		unknown, answered bool
		why               string
	}
	per := map[string]*acc{}
	for _, r := range run.Results {
		d, ok := r.Details.(*probes.EndpointDetails)
		if !ok {
			continue
		}
		a := per[hostOf(d.URL)]
		if a == nil {
			a = &acc{}
			per[hostOf(d.URL)] = a
		}
		if d.StatusCode > 0 {
			a.answered = true
			a.totals = append(a.totals, max(d.Timings.Total.D(), r.Duration.D()))
		}
		switch {
		case r.Status == probes.StatusFail:
			a.failed = true
			if a.why == "" {
				a.why = endpointAnswer(d).String()
			}
		case r.Status == probes.StatusUnknown:
			a.unknown = true
		}
		if d.StatusCode == 0 && isTimeout(r, d.Failure) {
			a.timedOut = true
		}
	}
	out := map[string]hostState{}
	for h, a := range per {
		var s hostState
		if len(a.totals) > 0 {
			slices.Sort(a.totals)
			s.latency = a.totals[len(a.totals)/2]
		}
		switch {
		case a.failed && a.answered:
			s.class, s.label = "fail", a.why
		case !a.answered && a.timedOut:
			s.class, s.label = "timeout", "timed out"
		case a.failed || !a.answered:
			s.class, s.label = "refused", a.why
		case a.unknown:
			s.class, s.label = "timeout", "some requests timed out"
		default:
			s.class, s.label = "ok", probes.Millis(s.latency).String()
		}
		if s.label == "" {
			s.label = "no answer"
		}
		out[h] = s
	}
	return out
}

func layoutHistory(host string, runs []session.RunRecord, states []map[string]hostState) history {
	h := history{Host: host, Width: chartWidth, Height: historyH, BaseY: historyBase, TopY: historyTop, TickY: historyH - 6}
	var top time.Duration = time.Millisecond
	for _, st := range states {
		if s, ok := st[host]; ok && s.class != "timeout" && s.class != "refused" {
			top = max(top, s.latency)
		}
	}
	h.MaxLabel = probes.Millis(top).String()
	left, width := float64(labelWidth-50), float64(plotWidth+50)
	step := width / float64(max(len(runs), 1))
	var line []string
	flush := func() {
		if len(line) > 1 {
			h.Lines = append(h.Lines, strings.Join(line, " "))
		}
		line = nil
	}
	for i, run := range runs {
		x := left + step*(float64(i)+0.5)
		h.Ticks = append(h.Ticks, hTick{X: x, Label: fmt.Sprint(run.Seq)})
		s, ok := states[i][host]
		if !ok {
			flush()
			continue
		}
		p := hPoint{X: x, Class: s.class, Label: fmt.Sprintf("run %d: %s", run.Seq, s.label)}
		switch s.class {
		case "ok", "fail":
			p.Y = float64(historyBase) - float64(s.latency)/float64(top)*float64(historyBase-historyTop-8)
		default:
			p.Y = float64(historyTop) - 10
		}
		h.Points = append(h.Points, p)
		if s.class == "ok" {
			line = append(line, fmt.Sprintf("%.1f,%.1f", p.X, p.Y))
		} else {
			flush()
		}
	}
	flush()
	return h
}
