package watch

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
)

// BenchmarkWatchSoak is the agent's overhead: every iteration is one whole
// watch run against the lab's 1020 scenario (probes, diagnosis, metrics
// update, a scrape of /metrics' content, one fsynced log line with
// rotation). Run it as a bounded soak:
//
//	go test -run '^$' -bench WatchSoak -benchtime 1000x ./watch/
//
// It reports CPU time per run (user+system, from getrusage; the lab's
// servers run in the same process, so this is an upper bound for the
// agent) and, after the first tenth of the runs and at the end, the
// resident set, the live heap and the goroutines: a steady agent's do not
// grow between the two.
func BenchmarkWatchSoak(b *testing.B) {
	dir := b.TempDir()
	jl, err := OpenLog(filepath.Join(dir, "watch.jsonl"), 4<<20, 2)
	if err != nil {
		b.Fatal(err)
	}
	defer jl.Close()
	w := New(Options{Session: labSession(b, "block-1020"), Log: jl})
	ctx := context.Background()
	warm := max(b.N/10, 1)
	var rssWarm, heapWarm, goroutinesWarm float64
	cpu0 := cpuTime(b)
	b.ResetTimer()
	for i := range b.N {
		w.Once(ctx)
		if _, err := testutil.GatherAndFormat(w.Exporter().Registry(), expfmt.TypeTextPlain, Names()...); err != nil {
			b.Fatal(err)
		}
		if i+1 == warm {
			rssWarm, heapWarm, goroutinesWarm = rssMiB(b), heapMiB(), float64(runtime.NumGoroutine())
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/run")
	b.ReportMetric(rssWarm, "rss-warm-MiB")
	b.ReportMetric(rssMiB(b), "rss-end-MiB")
	b.ReportMetric(heapWarm, "heap-warm-MiB")
	b.ReportMetric(heapMiB(), "heap-end-MiB")
	b.ReportMetric(goroutinesWarm, "goroutines-warm")
	b.ReportMetric(float64(runtime.NumGoroutine()), "goroutines-end")
}

// heapMiB is the live heap after a collection, in MiB.
func heapMiB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// cpuTime is the process' user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rssMiB is the process' resident set now (VmRSS), in MiB.
func rssMiB(b *testing.B) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb / 1024
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}
