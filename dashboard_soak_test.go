//go:build linux || darwin

package main

import (
	"context"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/session"
	"github.com/gptdoctor/gptdoctor/ui"
)

// BenchmarkDashboardSoak1000Runs runs the dashboard in process on a
// 120×40 pseudo-terminal against the lab and presses r after each run, for
// 1,000 runs: the model, its history, its activity log and Bubble Tea's
// renderer all take part. It reports the live heap (after a GC) and the
// goroutines once the session's history is full (run 100) and at the end.
// Run it alone, it takes about two minutes:
// go test -run '^$' -bench DashboardSoak -benchtime 1x .
func BenchmarkDashboardSoak1000Runs(b *testing.B) {
	const runs = 1000
	l, err := lab.Start("block-1020", lab.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	var heap100, heap1000 uint64
	var g100, g1000 int
	for b.Loop() {
		ptmx, tty, err := pty.Open()
		if err != nil {
			b.Skipf("no pseudo-terminal: %v", err)
		}
		if err := pty.Setsize(ptmx, &pty.Winsize{Cols: 120, Rows: 40}); err != nil {
			b.Fatal(err)
		}
		go func() { _, _ = io.Copy(io.Discard, ptmx) }() // the screen nobody looks at
		s := session.New(session.Options{Mode: "demo", Scenario: "block-1020", Version: "bench", Config: l.Config(), World: l.MachineWorld()})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- ui.Run(ctx, ui.Options{Session: s, ReportDir: b.TempDir(), Demo: true}, tty, tty) }()
		for i := 1; i <= runs; i++ {
			waitRun(b, s, i, ptmx)
			switch i {
			case 100:
				heap100, g100 = liveHeapNow(), runtime.NumGoroutine()
			case runs:
				heap1000, g1000 = liveHeapNow(), runtime.NumGoroutine()
			}
		}
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		tty.Close()
		ptmx.Close()
	}
	b.ReportMetric(float64(heap100)/(1<<20), "heapMB@100")
	b.ReportMetric(float64(heap1000)/(1<<20), "heapMB@1000")
	b.ReportMetric(float64(heap1000)/float64(heap100), "growth")
	b.ReportMetric(float64(g100), "goroutines@100")
	b.ReportMetric(float64(g1000), "goroutines@1000")
	b.ReportMetric(0, "ns/op")
}

// waitRun waits until the session has recorded run seq, pressing r now
// and then after the first run (a press while a run streams is ignored).
func waitRun(b *testing.B, s *session.Session, seq int, keys io.Writer) {
	deadline := time.Now().Add(time.Minute)
	var pressed time.Time
	for {
		if d, ok := s.Latest(); ok && d.Seq >= seq {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("run %d never finished", seq)
		}
		if seq > 1 && time.Since(pressed) > 60*time.Millisecond {
			_, _ = keys.Write([]byte("r"))
			pressed = time.Now()
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// liveHeapNow is the heap still in use after a full collection.
func liveHeapNow() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
