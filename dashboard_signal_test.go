//go:build linux || darwin

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/charmbracelet/x/vt"

	"github.com/gptdoctor/gptdoctor/internal/ptytest"
)

// The dashboard stopped by a signal: during a run, during a remedy and
// around an export. Each signal ends it with 128 plus the signal's number
// (stopSignalsUnderTest), the terminal restored as after q, and nothing but
// complete reports in its directory.

// assertOnlyCompleteReports fails on a temporary file or a report that is
// not whole in the dashboard's directory.
func assertOnlyCompleteReports(t *testing.T, tm *ptytest.Term) {
	t.Helper()
	entries, err := os.ReadDir(tm.Dir())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "gptdoctor-report-") || !strings.HasSuffix(e.Name(), ".md") {
			t.Errorf("%s left in the directory", e.Name())
			continue
		}
		b, err := os.ReadFile(filepath.Join(tm.Dir(), e.Name()))
		if err != nil || !strings.HasPrefix(string(b), "# gptdoctor report:") || !strings.Contains(string(b), "## Summary") {
			t.Errorf("%s is not a whole report (%d bytes, %v)", e.Name(), len(b), err)
		}
	}
}

// stopAndCheck sends sig and checks the exit code, the terminal and the
// directory.
func stopAndCheck(t *testing.T, tm *ptytest.Term, sig syscall.Signal, code int) {
	t.Helper()
	tm.Signal(sig)
	if got := tm.Exit(0); got != code {
		t.Errorf("exit %d after %v, want %d\n%s", got, sig, code, tm.Dump())
	}
	assertRestored(t, tm)
	assertOnlyCompleteReports(t, tm)
}

// eachSignal runs stop once per stop signal, in parallel subtests.
func eachSignal(t *testing.T, stop func(t *testing.T, sig syscall.Signal, code int)) {
	for _, s := range stopSignalsUnderTest {
		t.Run(s.sig.String(), func(t *testing.T) {
			t.Parallel()
			stop(t, s.sig, s.code)
		})
	}
}

// TestDashboardSignalDuringRun: the blackhole holds every connection; a
// signal while the probes wait stops the dashboard at once.
func TestDashboardSignalDuringRun(t *testing.T) {
	eachSignal(t, func(t *testing.T, sig syscall.Signal, code int) {
		tm := startDemo(t, 120, 40, "blackhole")
		tm.WaitFor("the run in progress", 0, func(s string) bool { return strings.Contains(s, "running") })
		stopAndCheck(t, tm, sig, code)
	})
}

// TestDashboardSignalDuringRemedy: the retry remedy waits 30 s before its
// re-check of the rate-limited lab; a signal in that wait stops it.
func TestDashboardSignalDuringRemedy(t *testing.T) {
	eachSignal(t, func(t *testing.T, sig syscall.Signal, code int) {
		tm := startDemo(t, 120, 40, "rate-1015")
		tm.WaitFor("the retry remedy", 0, func(s string) bool { return finished(s) && strings.Contains(s, "retry") })
		tm.Type("5")
		tm.WaitText(0, "▶5 Remedies")
		selectRow(t, tm, "retry")
		tm.Type("a")
		tm.WaitText(0, "[ Cancel ]", "[ Run ]")
		tm.Press(vt.KeyPressEvent{Code: vt.KeyTab})
		tm.Press(vt.KeyPressEvent{Code: vt.KeyEnter})
		tm.WaitText(0, "retry: waiting 30s")
		stopAndCheck(t, tm, sig, code)
	})
}

// TestDashboardSignalDuringExport: a signal right after e, while the report
// is written (it takes milliseconds, so the signal lands before, during or
// after): a report is whole or absent, never partial, and no temporary
// file stays.
func TestDashboardSignalDuringExport(t *testing.T) {
	eachSignal(t, func(t *testing.T, sig syscall.Signal, code int) {
		tm := startDemo(t, 120, 40, "block-1020")
		tm.WaitFor("the first run", 0, finished)
		tm.Type("e")
		stopAndCheck(t, tm, sig, code)
	})
}
