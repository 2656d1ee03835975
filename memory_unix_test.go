//go:build linux || darwin

package main

import (
	"os/exec"
	"runtime"
	"syscall"
	"testing"
)

// peakBudget is the most memory a run may hold at once, whatever a server
// sends: the 1 GiB page included (issue 12).
const peakBudget = 60 << 20

// peakRSS runs the real binary with args and returns its exit code and
// peak resident set size in bytes, as the kernel accounted it (the lab of
// a demo runs in the same process, so its buffers count too).
func peakRSS(tb testing.TB, args ...string) (code int, peak int64) {
	tb.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = []string{"HOME=" + tb.TempDir(), "LANG=C.UTF-8"}
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		tb.Fatalf("run %v: %v", args, err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		tb.Skip("this system reports no resource usage")
	}
	peak = int64(ru.Maxrss)
	if runtime.GOOS == "linux" {
		peak <<= 10 // Linux counts kilobytes, macOS bytes
	}
	return cmd.ProcessState.ExitCode(), peak
}

// TestHugeBodyPeakMemory: the lab serves chatgpt.com as a 1 GiB page; the
// whole demo (client and lab) peaks under 60 MB, because a body is read
// only up to the classifier's cap and the rest is never pulled.
func TestHugeBodyPeakMemory(t *testing.T) {
	code, peak := peakRSS(t, "demo", "huge-body")
	if code != exitOK {
		t.Errorf("demo huge-body exited %d, want %d: the page's start is healthy", code, exitOK)
	}
	t.Logf("demo huge-body: peak RSS %.1f MB", float64(peak)/(1<<20))
	if peak <= 0 || peak >= peakBudget {
		t.Errorf("demo huge-body peaked at %.1f MB, budget %d MB", float64(peak)/(1<<20), peakBudget>>20)
	}
}

// BenchmarkPeakRSS reports the real binary's peak RSS for the 1 GiB body
// and, for comparison, a healthy demo: the difference is what the huge page
// costs.
func BenchmarkPeakRSS(b *testing.B) {
	for _, scenario := range []string{"healthy", "huge-body"} {
		b.Run(scenario, func(b *testing.B) {
			var worst int64
			for b.Loop() {
				_, peak := peakRSS(b, "demo", scenario)
				worst = max(worst, peak)
			}
			b.ReportMetric(float64(worst)/(1<<20), "peakMB")
		})
	}
}
