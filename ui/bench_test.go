package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/session"
)

// eightTargets turns a lab diagnosis of three targets into one of eight:
// every endpoint cell, matrix and DNS lookup of chatgpt.com is copied for
// five more hosts, so the matrix has eight rows.
func eightTargets(d session.Diagnosis) session.Diagnosis {
	var extra []probes.Result
	for i := range 5 {
		host := fmt.Sprintf("host%d.example", i)
		for _, r := range d.Snapshot.Results {
			if !strings.Contains(r.ID, "chatgpt.com") || r.Kind == probes.KindEdgeTrace {
				continue
			}
			c := r
			c.ID = strings.ReplaceAll(r.ID, "chatgpt.com", host)
			c.Title = strings.ReplaceAll(r.Title, "chatgpt.com", host)
			extra = append(extra, c)
		}
	}
	d.Snapshot.Results = append(append([]probes.Result(nil), d.Snapshot.Results...), extra...)
	return d
}

// BenchmarkView200x60 renders the full dashboard at 200×60 with eight
// targets and 100 runs of history per cell, the size the issue sets the
// 1 ms budget for.
func BenchmarkView200x60(b *testing.B) {
	c := &clock{t: epoch}
	s := labSession(b, "block-1020")
	m := newTestModel(s, c, 200, 60, time.Minute)
	d := eightTargets(feedRun(b, m, c, nil, purposeRefresh))
	for i := range 100 {
		for j := range d.Snapshot.Results {
			r := &d.Snapshot.Results[j]
			if ed, ok := r.Details.(*probes.EndpointDetails); ok {
				cp := *ed
				cp.Timings.Total = probes.Millis(time.Duration(40+(i*7+j*13)%90) * time.Millisecond)
				r.Details = &cp
				r.Status = probes.StatusPass
				if (i+j)%9 == 0 {
					r.Status = probes.StatusFail
				}
			}
		}
		m.hist.addRun(1000+i, d.Snapshot)
	}
	m.last = &d
	m.sync()
	if n := len(m.endpoints.targets); n != 8 {
		b.Fatalf("%d targets, want 8", n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}
