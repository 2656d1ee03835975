package session

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/lab"
)

// soakRuns is how many refreshes the soak benchmark makes: ten times the
// history a session keeps, so a leak per run shows as growth well past the
// point where the history stopped growing.
const soakRuns = 1000

// BenchmarkSoak1000Runs refreshes one session 1,000 times against the lab,
// as a dashboard left open on a one-minute interval would over 16 hours,
// and reports the live heap (after a GC) and the goroutines once the
// history is full (run 100) and at the end (run 1,000): a bounded session
// keeps them level.
// Run it alone: go test -run '^$' -bench Soak -benchtime 1x ./session/
func BenchmarkSoak1000Runs(b *testing.B) {
	l, err := lab.Start("block-1020", lab.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	var at100, at1000 uint64
	var g100, g1000 int
	var perRun time.Duration
	for b.Loop() {
		start := time.Now()
		s := New(Options{Mode: "dashboard", Scenario: "block-1020", Version: "bench", Config: l.Config(), World: l.MachineWorld()})
		for i := 1; i <= soakRuns; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			run := s.Start(ctx, nil)
			for range run.Results() { // a dashboard reads every result
			}
			run.Wait()
			cancel()
			switch i {
			case DefaultHistory:
				at100, g100 = liveHeap(), runtime.NumGoroutine()
			case soakRuns:
				at1000, g1000 = liveHeap(), runtime.NumGoroutine()
			}
		}
		perRun = time.Since(start) / soakRuns
		if runs, dropped := s.History(); len(runs) != DefaultHistory || dropped != soakRuns-DefaultHistory {
			b.Fatalf("history holds %d runs, %d dropped", len(runs), dropped)
		}
	}
	b.ReportMetric(float64(at100)/(1<<20), "heapMB@100")
	b.ReportMetric(float64(at1000)/(1<<20), "heapMB@1000")
	b.ReportMetric(float64(at1000)/float64(at100), "growth")
	b.ReportMetric(float64(g100), "goroutines@100")
	b.ReportMetric(float64(g1000), "goroutines@1000")
	b.ReportMetric(float64(perRun)/float64(time.Millisecond), "ms/run")
	b.ReportMetric(0, "ns/op") // one op is 1,000 runs: per run says more
}

// liveHeap is the heap still in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
