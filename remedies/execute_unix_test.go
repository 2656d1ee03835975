//go:build !windows

package remedies

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/internal/command/stub"
)

// Real runs against stub executables (package stub) on a test PATH that
// holds only their directory.

const recordArgv = `printf '%s\n' "$0" "$@" > "$RECORD"`

// realEnv plans with the runner's own LookPath, as the session does.
func realEnv(r command.Runner) ActionEnv { return ActionEnv{GOOS: "linux", LookPath: r.LookPath} }

func TestExecFlushDNSAgainstStub(t *testing.T) {
	dir := stub.Dir(t, map[string]string{"resolvectl": recordArgv + "\necho flushed"})
	record := filepath.Join(t.TempDir(), "argv")
	r := command.ExecRunner{Env: []string{"PATH=" + dir, "RECORD=" + record}}
	before := snap(dnsConfig("systemd-resolved (stub)"))
	p, err := PlanFor(before, realEnv(r), ActionFlushDNS, true)
	if err != nil || p.Blocked != "" {
		t.Fatalf("plan: %v %q", err, p.Blocked)
	}
	rec := Execute(context.Background(), r, p, nil)
	got := stub.Lines(t, record)
	if len(got) != 2 || got[0] != filepath.Join(dir, "resolvectl") || got[1] != "flush-caches" {
		t.Errorf("stub saw argv %q", got)
	}
	if !rec.Ran() || rec.ExitCode != 0 || rec.Output != "flushed" || rec.Err != "" {
		t.Errorf("record %+v", rec)
	}
	// The re-check concludes it.
	if rec = Conclude(p, rec, blockedDirect, fineDirect); rec.Outcome != OutcomeFixed {
		t.Errorf("concluded %s", rec.Outcome)
	}
}

func TestExecFlushDNSThroughSudoStub(t *testing.T) {
	dir := stub.Dir(t, map[string]string{
		"resolvectl": recordArgv,
		// A stand-in for sudo: records what it was asked to run, drops the
		// "--", and runs it.
		"sudo": `printf '%s\n' "$@" > "$SUDO_RECORD"; [ "$1" = "--" ] && shift; exec "$@"`,
	})
	tmp := t.TempDir()
	record, sudoRecord := filepath.Join(tmp, "argv"), filepath.Join(tmp, "sudo")
	r := command.ExecRunner{Env: []string{"PATH=" + dir, "RECORD=" + record, "SUDO_RECORD=" + sudoRecord}}
	before := snap(dnsConfig("systemd-resolved (stub)"))
	p, err := PlanFor(before, realEnv(r), ActionFlushDNS, false)
	if err != nil {
		t.Fatal(err)
	}

	// Headless and not root: refused with the exact command, sudo not run.
	if err := p.Unasked(true); !errors.Is(err, ErrNeedsPrivilege) || !strings.Contains(err.Error(), "sudo -- resolvectl flush-caches") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(sudoRecord); err == nil {
		t.Fatal("sudo ran without being agreed to")
	}

	// Interactive: the user agrees, the command runs through sudo.
	if qs := p.Questions(true); len(qs) != 1 || !qs[0].Sudo {
		t.Fatalf("questions %+v", qs)
	}
	rec := Execute(context.Background(), r, p, nil)
	if got := stub.Lines(t, sudoRecord); strings.Join(got, " ") != "-- resolvectl flush-caches" {
		t.Errorf("sudo saw %q", got)
	}
	if got := stub.Lines(t, record); len(got) != 2 || got[1] != "flush-caches" {
		t.Errorf("resolvectl saw %q", got)
	}
	if !rec.Escalated || !rec.Ran() {
		t.Errorf("record %+v", rec)
	}
}

func TestExecMissingTool(t *testing.T) {
	empty := t.TempDir()
	r := command.ExecRunner{Env: []string{"PATH=" + empty}}
	p, err := PlanFor(snap(dnsConfig("systemd-resolved (stub)", "nscd")), realEnv(r), ActionFlushDNS, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Err(); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "resolvectl and nscd not installed") || !strings.Contains(err.Error(), "instead:") {
		t.Errorf("err = %v", err)
	}
	if _, err := r.Run(context.Background(), []string{"resolvectl", "flush-caches"}, nil); !errors.Is(err, command.ErrNotFound) {
		t.Errorf("Run of a missing tool: %v", err)
	}
}
