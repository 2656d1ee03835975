//go:build unix

package probes

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestExecRunner(t *testing.T) {
	var r ExecRunner
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := r.Run(ctx, "sh", "-c", "printf out; printf err >&2")
	if err != nil || string(out) != "out" {
		t.Fatalf("success: %q, %v", out, err)
	}
	_, err = r.Run(ctx, "sh", "-c", "echo 'No such schema sk-proj-abcdefghijkl' >&2; exit 3")
	if err == nil || !strings.Contains(err.Error(), "exit status 3: No such schema") || strings.Contains(err.Error(), "abcdefghijkl") {
		t.Fatalf("failure: %v", err)
	}
	_, err = r.Run(ctx, "gptdoctor-no-such-command-xyz")
	if !errors.Is(err, ErrCommandNotFound) || !strings.HasPrefix(err.Error(), "gptdoctor-no-such-command-xyz:") {
		t.Fatalf("missing: %v", err)
	}
}

func TestExecRunnerTimeoutKillsProcessGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := ExecRunner{}.Run(ctx, "sh", "-c", "sleep 30 & echo $! > "+pidFile+"; wait")
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "sh -c sleep 30") {
		t.Fatalf("err = %v", err)
	}
	if took > 5*time.Second {
		t.Fatalf("returned after %s", took)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := syscall.Kill(pid, 0)
		if errors.Is(err, syscall.ESRCH) {
			return
		}
		// A killed child reparented to init may linger as a zombie briefly.
		if st, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); strings.Contains(string(st), ") Z ") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("grandchild %d survived the timeout", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCappedBuffer(t *testing.T) {
	b := cappedBuffer{max: 4}
	n, err := b.Write([]byte("abcdef"))
	if n != 6 || err != nil || b.String() != "abcd" || !b.truncated {
		t.Fatalf("%d %v %q %v", n, err, b.String(), b.truncated)
	}
}

func TestSystemHostOnThisMachine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var h SystemHost
	facts, err := h.Info(ctx)
	if want, _ := os.Hostname(); err != nil || facts.Hostname != want || facts.OS == "" {
		t.Errorf("Info = %+v, %v", facts, err)
	}
	ifcs, err := h.Interfaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lo := false
	for _, ifc := range ifcs {
		if hasFlag(ifc, "loopback") && strings.Contains(strings.Join(ifc.Addrs, ","), "127.0.0.1/8") {
			lo = true
		}
	}
	if !lo {
		t.Errorf("no loopback interface with 127.0.0.1/8 in %+v", ifcs)
	}
	ps, err := h.Processes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	self := false
	for _, p := range ps {
		if int(p.PID) == os.Getpid() {
			self = p.Name != ""
		}
	}
	if !self {
		t.Errorf("own process (pid %d) not listed among %d", os.Getpid(), len(ps))
	}
	t.Logf("%s on %s %s: %d interfaces, %d processes", facts.Hostname, facts.Platform, facts.PlatformVersion, len(ifcs), len(ps))
}

// BenchmarkSystemHostProcesses measures the process listing the VPN and Tor
// probes share (once per run).
func BenchmarkSystemHostProcesses(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := (SystemHost{}).Processes(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSystemHostInterfaces measures the interface listing.
func BenchmarkSystemHostInterfaces(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := (SystemHost{}).Interfaces(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
