//go:build !windows

package command

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command/stub"
)

// The tests run stub executables (package stub) on a test PATH that holds
// only their directory.

func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not available: %v", name, err)
	}
	return p
}

func TestExecRunner(t *testing.T) {
	cat, sleep := tool(t, "cat"), tool(t, "sleep")
	pidFile := filepath.Join(t.TempDir(), "pid")
	dir := stub.Dir(t, map[string]string{
		"both":     `printf out; printf err >&2`,
		"fails":    `echo "No such schema sk-proj-abcdefghijklmnop" >&2; exit 3`,
		"echoin":   "exec " + cat,
		"hangs":    "exec " + sleep + " 30",
		"loud":     `i=0; while [ $i -lt 200 ]; do echo "0123456789012345678901234567890123456789012345678901234567890123456789"; i=$((i+1)); done`,
		"forks":    sleep + ` 20 & echo $! > "` + pidFile + `"; echo copied`,
		"launched": `echo started > "$RECORD"`,
	})
	record := filepath.Join(t.TempDir(), "launched")
	r := ExecRunner{Env: []string{"PATH=" + dir, "RECORD=" + record}, Timeout: 5 * time.Second}
	ctx := context.Background()

	out, err := r.Run(ctx, []string{"both"}, nil)
	if err != nil || out.Stdout != "out" || out.Stderr != "err" || out.ExitCode != 0 {
		t.Errorf("both: %+v %v", out, err)
	}

	out, err = r.Run(ctx, []string{"fails", "--flag"}, nil)
	var exitErr *ExitError
	if !errors.As(err, &exitErr) || exitErr.Code != 3 || out.ExitCode != 3 ||
		!strings.Contains(err.Error(), "fails --flag exited with status 3: No such schema") || strings.Contains(err.Error(), "abcdefghijkl") {
		t.Errorf("fails: out %+v err %v", out, err)
	}

	out, err = r.Run(ctx, []string{"echoin"}, []byte("ticket\n"))
	if err != nil || out.Stdout != "ticket\n" {
		t.Errorf("stdin: %q %v", out.Stdout, err)
	}

	short := ExecRunner{Env: r.Env, Timeout: 200 * time.Millisecond}
	if _, err := short.Run(ctx, []string{"hangs"}, nil); !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "hangs: stopped after") {
		t.Errorf("timeout: %v", err)
	}
	// A deadline on ctx is the caller's and outlasts the runner's default.
	dctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if out, err := short.Run(dctx, []string{"hangs"}, nil); err == nil || out.Duration < 300*time.Millisecond {
		t.Errorf("ctx deadline: %v after %s", err, out.Duration)
	}

	capped := ExecRunner{Env: r.Env, MaxOutput: 1000}
	out, err = capped.Run(ctx, []string{"loud"}, nil)
	if err != nil || len(out.Stdout) != 1000 || !out.Truncated {
		t.Errorf("cap: %d bytes, truncated %v, err %v", len(out.Stdout), out.Truncated, err)
	}

	// A clipboard tool that leaves a child holding our pipes returns once
	// the tool itself has exited.
	start := time.Now()
	out, err = r.Run(ctx, []string{"forks"}, nil)
	t.Cleanup(func() {
		if b, err := os.ReadFile(pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				_ = syscall.Kill(pid, syscall.SIGTERM)
			}
		}
	})
	if err != nil || out.Stdout != "copied\n" || time.Since(start) > 4*time.Second {
		t.Errorf("forking tool: %q %v after %s", out.Stdout, err, time.Since(start))
	}

	if err := r.Launch([]string{"launched"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(record); err == nil && strings.TrimSpace(string(b)) == "started" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("launched command never ran")
		}
		time.Sleep(20 * time.Millisecond)
	}

	if p, err := r.LookPath("fails"); err != nil || p != filepath.Join(dir, "fails") {
		t.Errorf("LookPath on the test PATH: %q %v", p, err)
	}
	rel := ExecRunner{Env: []string{"PATH=relative/dir"}}
	if _, err := rel.LookPath("fails"); !errors.Is(err, ErrNotFound) {
		t.Errorf("relative PATH entries must be ignored: %v", err)
	}
	if _, err := r.Run(ctx, []string{"gptdoctor-no-such-command-xyz"}, nil); !errors.Is(err, ErrNotFound) || !strings.HasPrefix(err.Error(), "gptdoctor-no-such-command-xyz:") {
		t.Errorf("missing: %v", err)
	}
	if _, err := r.Run(ctx, nil, nil); err == nil {
		t.Error("empty argv accepted")
	}
}

// TestExecRunnerTimeoutKillsProcessGroup: a helper's grandchild dies with
// it when the timeout fires.
func TestExecRunnerTimeoutKillsProcessGroup(t *testing.T) {
	sh := tool(t, "sh")
	pidFile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := ExecRunner{}.Run(ctx, []string{sh, "-c", "sleep 30 & echo $! > " + pidFile + "; wait"}, nil)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), sh+" -c sleep 30") {
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

// TestExecRunnerStopsSudoGently: a command run through sudo that runs out
// of time gets SIGTERM, which sudo relays to the command it runs; a
// launched browser sits in a process group of its own.
func TestExecRunnerStopsSudoGently(t *testing.T) {
	sleep := tool(t, "sleep")
	rec := filepath.Join(t.TempDir(), "rec")
	dir := stub.Dir(t, map[string]string{
		// A stand-in for sudo that relays SIGTERM as the real one does.
		"sudo":  `trap 'echo TERM > "$REC"; kill $!; exit 143' TERM; ` + sleep + ` 30 & wait`,
		"stays": `echo $$ > "$REC"; exec ` + sleep + ` 30`,
	})
	r := ExecRunner{Env: []string{"PATH=" + dir, "REC=" + rec}, Timeout: 300 * time.Millisecond}
	if _, err := r.Run(context.Background(), []string{"sudo", "--", "resolvectl", "flush-caches"}, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	if got := stub.Lines(t, rec); len(got) != 1 || got[0] != "TERM" {
		t.Errorf("sudo saw %q, want TERM", got)
	}

	_ = os.Remove(rec)
	if err := r.Launch([]string{"stays"}); err != nil {
		t.Fatal(err)
	}
	var pid int
	for deadline := time.Now().Add(10 * time.Second); pid == 0; time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(rec); err == nil {
			pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
		if time.Now().After(deadline) {
			t.Fatal("launched command never ran")
		}
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	if pgid, err := syscall.Getpgid(pid); err != nil || pgid != pid || pgid == syscall.Getpgrp() {
		t.Errorf("launched process group %d (%v), want its own (%d), not ours (%d)", pgid, err, pid, syscall.Getpgrp())
	}
}

func TestExitErrorIsClean(t *testing.T) {
	e := &ExitError{Argv: []string{"nmcli"}, Code: 4, Stderr: "Error: \x1b]0;owned\x07 token sk-proj-abcdefghijklmnopqrstu\nsecond line"}
	msg := e.Error()
	if strings.ContainsAny(msg, "\x1b\x07\n") || strings.Contains(msg, "sk-proj-abc") || !strings.HasPrefix(msg, "nmcli exited with status 4: Error:") {
		t.Errorf("ExitError = %q", msg)
	}
}
