//go:build linux || darwin

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stopSignalsUnderTest are the signals gptdoctor stops cleanly on, with the
// exit code each must give.
var stopSignalsUnderTest = []struct {
	sig  syscall.Signal
	code int
}{
	{syscall.SIGINT, 130},
	{syscall.SIGTERM, 143},
	{syscall.SIGHUP, 129},
}

// watched is the real binary running with its stderr watched line by line.
type watched struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	grew   chan struct{} // closed and replaced on every write
	done   chan struct{} // closed when the process has been reaped
	state  *os.ProcessState
}

// startWatched runs gptdoctor in dir with args, stdin and stdout not a
// terminal.
func startWatched(t *testing.T, dir string, args ...string) *watched {
	t.Helper()
	w := &watched{grew: make(chan struct{}), done: make(chan struct{})}
	w.cmd = exec.Command(binPath, args...)
	w.cmd.Dir = dir
	w.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C.UTF-8"}
	w.cmd.Stdout = io.Discard
	w.cmd.Stderr = w
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = w.cmd.Wait()
		w.mu.Lock()
		w.state = w.cmd.ProcessState
		w.mu.Unlock()
		close(w.done)
	}()
	t.Cleanup(func() {
		select {
		case <-w.done:
		default:
			_ = w.cmd.Process.Kill()
			<-w.done
		}
	})
	return w
}

func (w *watched) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stderr.Write(p)
	close(w.grew)
	w.grew = make(chan struct{})
	return len(p), nil
}

func (w *watched) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stderr.String()
}

// waitFor waits until stderr says s; the program exiting first fails.
func (w *watched) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		w.mu.Lock()
		ch, seen := w.grew, strings.Contains(w.stderr.String(), s)
		w.mu.Unlock()
		if seen {
			return
		}
		select {
		case <-ch:
		case <-w.done:
			t.Fatalf("exited before saying %q; stderr:\n%s", s, w.text())
		case <-deadline:
			t.Fatalf("did not say %q within 30 s; stderr:\n%s", s, w.text())
		}
	}
}

// exitCode waits for the process; a clean stop after a signal takes
// milliseconds, the bound is for a loaded machine.
func (w *watched) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case <-w.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("still running 30 s after the signal; stderr:\n%s", w.text())
	}
	ws := w.state.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		t.Fatalf("killed by %v instead of stopping cleanly; stderr:\n%s", ws.Signal(), w.text())
	}
	return w.state.ExitCode()
}

// assertNoFiles fails when dir holds anything: no report, no temporary file.
func assertNoFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("%s left behind in the working directory", e.Name())
	}
}

// signalAt runs gptdoctor with args in an empty directory, sends each stop
// signal once stderr says marker, and checks the exit code and that the
// directory stays empty; check looks at what was said on stderr.
func signalAt(t *testing.T, marker string, check func(t *testing.T, sig syscall.Signal, stderr string), args ...string) {
	for _, s := range stopSignalsUnderTest {
		t.Run(s.sig.String(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			w := startWatched(t, dir, args...)
			w.waitFor(t, marker)
			if err := w.cmd.Process.Signal(s.sig); err != nil {
				t.Fatal(err)
			}
			if code := w.exitCode(t); code != s.code {
				t.Errorf("exit code %d after %v, want %d; stderr:\n%s", code, s.sig, s.code, w.text())
			}
			check(t, s.sig, w.text())
			assertNoFiles(t, dir)
		})
	}
}

// TestSignalDuringRetryRemedy: the retry remedy waits 30 s between
// re-checks of the rate-limited lab; a signal in that wait stops it at
// once, with the signal's exit code and nothing left in the directory.
func TestSignalDuringRetryRemedy(t *testing.T) {
	signalAt(t, "waiting ", func(t *testing.T, sig syscall.Signal, stderr string) {
		if strings.Contains(stderr, "attempt 2") {
			t.Errorf("the retry went on after %v:\n%s", sig, stderr)
		}
	}, "demo", "rate-1015", "--fix", "retry", "--yes")
}

// TestSignalDuringFixCheck: a signal while fix checks first (the lab's
// blackhole holds every connection) stops the fix before it runs
// anything, even with --yes.
func TestSignalDuringFixCheck(t *testing.T) {
	signalAt(t, "Checking first", func(t *testing.T, _ syscall.Signal, stderr string) {
		if !strings.Contains(stderr, "flush-dns not run: interrupted") {
			t.Errorf("the fix does not say it was interrupted before running:\n%s", stderr)
		}
	}, "demo", "blackhole", "--fix", "flush-dns", "--yes")
}
