//go:build !windows

package remedies

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

	"github.com/gptdoctor/gptdoctor/probes"
)

// Real runs against stub executables on a test PATH. The stubs are tiny
// shell scripts; PATH holds only their directory, so nothing else on the
// machine can be reached by name.

func stubDir(t *testing.T, stubs map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range stubs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not available: %v", name, err)
	}
	return p
}

const recordArgv = `printf '%s\n' "$0" "$@" > "$RECORD"`

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the stub did not run: %v", err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

func TestExecFlushDNSAgainstStub(t *testing.T) {
	dir := stubDir(t, map[string]string{"resolvectl": recordArgv + "\necho flushed"})
	record := filepath.Join(t.TempDir(), "argv")
	r := ExecRunner{Env: []string{"PATH=" + dir, "RECORD=" + record}}
	var session Session
	rec, err := Fix(context.Background(), ActionFlushDNS, FixOptions{Yes: true}, FixDeps{
		Runner:  r,
		IsAdmin: func() bool { return true },
		Before:  snap(dnsConfig("systemd-resolved (stub)")),
		Env:     ActionEnv{GOOS: "linux"},
		Session: &session,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := readLines(t, record)
	if len(got) != 2 || got[0] != filepath.Join(dir, "resolvectl") || got[1] != "flush-caches" {
		t.Errorf("stub saw argv %q", got)
	}
	if rec.ExitCode != 0 || rec.Output != "flushed" || rec.Outcome != OutcomeDone || len(session.Records) != 1 {
		t.Errorf("record %+v", rec)
	}
}

func TestExecFlushDNSThroughSudoStub(t *testing.T) {
	dir := stubDir(t, map[string]string{
		"resolvectl": recordArgv,
		// A stand-in for sudo: records what it was asked to run, drops the
		// "--", and runs it.
		"sudo": `printf '%s\n' "$@" > "$SUDO_RECORD"; [ "$1" = "--" ] && shift; exec "$@"`,
	})
	tmp := t.TempDir()
	record, sudoRecord := filepath.Join(tmp, "argv"), filepath.Join(tmp, "sudo")
	r := ExecRunner{Env: []string{"PATH=" + dir, "RECORD=" + record, "SUDO_RECORD=" + sudoRecord}}
	before := snap(dnsConfig("systemd-resolved (stub)"))

	// Headless and not root: refused with the exact command, sudo not run.
	_, err := Fix(context.Background(), ActionFlushDNS, FixOptions{Yes: true}, FixDeps{
		Runner: r, IsAdmin: func() bool { return false }, Before: before, Env: ActionEnv{GOOS: "linux"},
	})
	if !errors.Is(err, ErrNeedsPrivilege) || !strings.Contains(err.Error(), "sudo -- resolvectl flush-caches") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(sudoRecord); err == nil {
		t.Fatal("sudo ran without being agreed to")
	}

	// Interactive: the user agrees, the command runs through sudo.
	asked := 0
	rec, err := Fix(context.Background(), ActionFlushDNS, FixOptions{Yes: true}, FixDeps{
		Runner: r, IsAdmin: func() bool { return false }, Before: before, Env: ActionEnv{GOOS: "linux"},
		Confirm: func(string) bool { asked++; return true },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := readLines(t, sudoRecord); strings.Join(got, " ") != "-- resolvectl flush-caches" {
		t.Errorf("sudo saw %q", got)
	}
	if got := readLines(t, record); len(got) != 2 || got[1] != "flush-caches" {
		t.Errorf("resolvectl saw %q", got)
	}
	if !rec.Escalated || asked != 1 {
		t.Errorf("escalated %v, asked %d times", rec.Escalated, asked)
	}
}

func TestExecMissingTool(t *testing.T) {
	empty := t.TempDir()
	r := ExecRunner{Env: []string{"PATH=" + empty}}
	_, err := Fix(context.Background(), ActionFlushDNS, FixOptions{Yes: true}, FixDeps{
		Runner: r, IsAdmin: func() bool { return true }, Before: snap(dnsConfig("systemd-resolved (stub)", "nscd")), Env: ActionEnv{GOOS: "linux"},
	})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "resolvectl and nscd not installed") || !strings.Contains(err.Error(), "instead:") {
		t.Errorf("err = %v", err)
	}
	if _, err := r.Run(context.Background(), []string{"resolvectl", "flush-caches"}, nil); !errors.Is(err, ErrToolMissing) {
		t.Errorf("Run of a missing tool: %v", err)
	}
}

func TestExecRunner(t *testing.T) {
	cat, sleep := tool(t, "cat"), tool(t, "sleep")
	pidFile := filepath.Join(t.TempDir(), "pid")
	dir := stubDir(t, map[string]string{
		"fails":    `echo "bad things" >&2; exit 3`,
		"echoin":   "exec " + cat,
		"hangs":    "exec " + sleep + " 30",
		"loud":     `i=0; while [ $i -lt 2000 ]; do echo "0123456789012345678901234567890123456789012345678901234567890123456789"; i=$((i+1)); done`,
		"forks":    sleep + ` 20 & echo $! > "` + pidFile + `"; echo copied`,
		"launched": `echo started > "$RECORD"`,
	})
	record := filepath.Join(t.TempDir(), "launched")
	r := ExecRunner{Env: []string{"PATH=" + dir, "RECORD=" + record}, Timeout: 5 * time.Second}
	ctx := context.Background()

	out, err := r.Run(ctx, []string{"fails"}, nil)
	var exitErr *ExitError
	if !errors.As(err, &exitErr) || exitErr.Code != 3 || out.ExitCode != 3 || !strings.Contains(err.Error(), "exited with status 3: bad things") {
		t.Errorf("fails: out %+v err %v", out, err)
	}

	out, err = r.Run(ctx, []string{"echoin"}, []byte("ticket\n"))
	if err != nil || out.Stdout != "ticket\n" {
		t.Errorf("stdin: %q %v", out.Stdout, err)
	}

	short := ExecRunner{Env: r.Env, Timeout: 200 * time.Millisecond}
	if _, err := short.Run(ctx, []string{"hangs"}, nil); err == nil || !strings.Contains(err.Error(), "hangs: timed out after") {
		t.Errorf("timeout: %v", err)
	}
	// A deadline on ctx is the caller's and outlasts the runner's default.
	dctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if out, err := short.Run(dctx, []string{"hangs"}, nil); err == nil || out.Duration < 300*time.Millisecond {
		t.Errorf("ctx deadline: %v after %s", err, out.Duration)
	}

	out, err = r.Run(ctx, []string{"loud"}, nil)
	if err != nil || len(out.Stdout) > maxOutput+64 || !strings.Contains(out.Stdout, "more bytes") {
		t.Errorf("cap: %d bytes, err %v", len(out.Stdout), err)
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
	if _, err := rel.LookPath("fails"); !errors.Is(err, ErrToolMissing) {
		t.Errorf("relative PATH entries must be ignored: %v", err)
	}
	if _, err := r.Run(ctx, nil, nil); err == nil {
		t.Error("empty argv accepted")
	}
}

func TestExecReprobeAfterRealCommand(t *testing.T) {
	dir := stubDir(t, map[string]string{"resolvectl": "exit 0"})
	probed := 0
	rec, err := Fix(context.Background(), ActionFlushDNS, FixOptions{Yes: true}, FixDeps{
		Runner: ExecRunner{Env: []string{"PATH=" + dir}}, IsAdmin: func() bool { return true },
		Before: blockedDirect, Env: ActionEnv{GOOS: "linux"},
		Probe: func(context.Context, func(*probes.Config)) probes.Snapshot { probed++; return fineDirect },
	})
	if err != nil || probed != 1 || rec.Outcome != OutcomeFixed {
		t.Errorf("err %v probed %d outcome %s", err, probed, rec.Outcome)
	}
}

// TestExecRunnerStopsGently: a command that runs out of time gets SIGTERM
// first, which sudo relays to the command it runs; a launched browser sits
// in a process group of its own.
func TestExecRunnerStopsGently(t *testing.T) {
	sleep := tool(t, "sleep")
	rec := filepath.Join(t.TempDir(), "rec")
	dir := stubDir(t, map[string]string{
		"relays": `trap 'echo TERM > "$REC"; kill $!; exit 143' TERM; ` + sleep + ` 30 & wait`,
		"stays":  `echo $$ > "$REC"; exec ` + sleep + ` 30`,
	})
	r := ExecRunner{Env: []string{"PATH=" + dir, "REC=" + rec}, Timeout: 300 * time.Millisecond}
	if _, err := r.Run(context.Background(), []string{"relays"}, nil); err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("err = %v", err)
	}
	if got := readLines(t, rec); len(got) != 1 || got[0] != "TERM" {
		t.Errorf("the command saw %q, want TERM", got)
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
