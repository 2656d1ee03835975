package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/report"
	"github.com/gptdoctor/gptdoctor/session"
)

// The end-to-end tests build the real binary once and run it against lab
// scenarios started in the test process, exactly as a user would run it:
// flags and environment only, no test hooks.

var binPath string

func TestMain(m *testing.M) {
	code := func() int {
		dir, err := os.MkdirTemp("", "gptdoctor-e2e-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		binPath = filepath.Join(dir, "gptdoctor")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "build gptdoctor: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// canaryKey is set as the API key in every end-to-end run; it must never
// appear in any output.
const canaryKey = "sk-canary-7f3c9e1d2b4a6c8e0f1a3b5c7d9e"

// runBinary runs gptdoctor with args and env (on top of a minimal,
// hermetic environment) and returns stdout, stderr and the exit code.
func runBinary(t *testing.T, env []string, args ...string) (stdout, stderr []byte, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	home := t.TempDir()
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"LANG=C.UTF-8",
	}, env...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatalf("run %v: %v\nstderr: %s", args, err, se.Bytes())
	}
	return so.Bytes(), se.Bytes(), code
}

// assertClean fails when output carries an escape or control byte, or the
// canary key.
func assertClean(t *testing.T, what string, b []byte) {
	t.Helper()
	if bytes.Contains(b, []byte(canaryKey)) || bytes.Contains(b, []byte("canary-7f3c")) {
		t.Errorf("%s leaks the API key", what)
	}
	for i, c := range b {
		if c == 0x1b || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			lo := max(0, i-40)
			t.Errorf("%s has control byte %#x near %q", what, c, b[lo:min(len(b), i+40)])
			return
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--target", "ftp://chatgpt.com/"},
		{"check", "--timeout", "forever"},
		{"check", "--frobnicate"},
		{"demo"},
		{"demo", "no-such-scenario"},
		{"demo", "healthy", "--interval", "5s"},
		{"--interval", "5s"},
		{"nonsense"},
	} {
		out, errOut, code := runBinary(t, nil, args...)
		if code != exitCannotRun {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if len(out) != 0 {
			t.Errorf("%v: wrote to stdout: %s", args, out)
		}
		lines := strings.Split(strings.TrimSpace(string(errOut)), "\n")
		if len(lines) > 2 || !strings.HasPrefix(lines[0], "gptdoctor: ") {
			t.Errorf("%v: stderr is not a short message: %q", args, errOut)
		}
		if bytes.Contains(errOut, []byte("goroutine")) || bytes.Contains(errOut, []byte("panic")) {
			t.Errorf("%v: stack trace on stderr", args)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"check", "--help"}, {"demo", "--help"}, {"fix", "--help"}, {"version"}} {
		out, _, code := runBinary(t, nil, args...)
		if code != 0 || len(out) == 0 {
			t.Errorf("%v: exit %d, %d bytes", args, code, len(out))
		}
	}
}

func TestDemoList(t *testing.T) {
	out, _, code := runBinary(t, nil, "demo", "--list")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, s := range lab.Scenarios() {
		if !bytes.Contains(out, []byte(s.Name)) {
			t.Errorf("--list misses %s", s.Name)
		}
	}
}

// checkDoc is the part of the JSON document the end-to-end tests read.
type checkDoc struct {
	SchemaVersion int `json:"schema_version"`
	Outcome       struct {
		Status   string `json:"status"`
		ExitCode int    `json:"exit_code"`
	} `json:"outcome"`
	Findings []struct {
		Cause      string `json:"cause"`
		Confidence string `json:"confidence"`
		Evidence   []struct {
			Text string `json:"text"`
		} `json:"evidence"`
	} `json:"findings"`
	Results []struct {
		ID      string          `json:"id"`
		Kind    string          `json:"kind"`
		Status  string          `json:"status"`
		Reason  string          `json:"reason"`
		Details json.RawMessage `json:"details"`
	} `json:"results"`
}

func decodeDoc(t *testing.T, out []byte) checkDoc {
	t.Helper()
	var d checkDoc
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if d.SchemaVersion != 1 {
		t.Fatalf("schema_version %d", d.SchemaVersion)
	}
	return d
}

// assertReadsBack holds a --json document to docs/json.md's promise: read
// back with encoding/json alone, every result's details in their own type
// (by details_type), and written again, it is the same document byte for
// byte; session.DecodeRecord reads it as a one-run record.
func assertReadsBack(t *testing.T, out []byte) {
	t.Helper()
	var d session.Document
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatalf("the document does not read back: %v", err)
	}
	var again bytes.Buffer
	if err := report.WriteJSON(&again, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, again.Bytes()) {
		t.Fatalf("the document changed in a round trip:\nwritten:\n%s\nread back and written again:\n%s", out, again.Bytes())
	}
	if _, err := session.DecodeRecord(out); err != nil {
		t.Fatalf("session.DecodeRecord: %v", err)
	}
}

func mustUnmarshal(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("details: %v\n%s", err, raw)
	}
}

// TestFixBypassProxyThroughTheBinary applies the bypass-proxy remedy in the
// proxy scenario (1020 through the proxy, fine direct). The re-check
// without the proxy changes nothing on the machine, so the result confirms
// the proxy as the cause instead of claiming a fix, and exits 1: the
// problem remains until the proxy is turned off. The plan goes to stderr,
// the result to stdout.
func TestFixBypassProxyThroughTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	l, err := lab.Start("proxy", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	args := append([]string{"fix", "bypass-proxy", "--yes"}, l.Args()...)
	out, errOut, code := runBinary(t, l.Env(), args...)
	assertClean(t, "stdout", out)
	if code != exitProblem {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	for _, want := range []string{"before:", "1020", "after:", "result: confirmed: works without the proxy: the proxy is the cause (nothing was changed; turn the proxy off to fix it)"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	for _, plan := range []string{"bypass-proxy: Re-check without the proxy", "privilege:", "risk:", "re-checking"} {
		if !bytes.Contains(errOut, []byte(plan)) || bytes.Contains(out, []byte(plan)) {
			t.Errorf("%q belongs on stderr only\nstdout: %s\nstderr: %s", plan, out, errOut)
		}
	}

	// --json carries the record in the document.
	out, _, code = runBinary(t, l.Env(), append([]string{"fix", "bypass-proxy", "--yes", "--json"}, l.Args()...)...)
	if code != exitProblem {
		t.Fatalf("--json exit %d", code)
	}
	var doc struct {
		Outcome struct {
			Status string `json:"status"`
		} `json:"outcome"`
		Actions []struct {
			Action, Outcome, Before, After string
		} `json:"actions"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	assertReadsBack(t, out)
	if len(doc.Actions) != 1 || doc.Actions[0].Outcome != "confirmed" || !strings.Contains(doc.Actions[0].Before, "1020") ||
		!strings.Contains(doc.Actions[0].After, "200 OK") {
		t.Fatalf("actions = %+v", doc.Actions)
	}
	// The document describes the machine as it is: the re-check without
	// the proxy was a what-if, and the proxy still blocks.
	if doc.Outcome.Status != "problem" {
		t.Errorf("document outcome %q, want problem (the machine still goes through the proxy)", doc.Outcome.Status)
	}
}

// TestFixRefusesWithoutConfirmation: a remedy that needs a yes, run from a
// script without --yes, does nothing and says how to proceed.
func TestFixErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"fix"},
		{"fix", "reboot-the-world"},
		{"fix", "--list", "flush-dns"},
	} {
		_, errOut, code := runBinary(t, nil, args...)
		if code != exitCannotRun || !bytes.HasPrefix(errOut, []byte("gptdoctor: ")) {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// TestEmptyAddressesTurnProbesOff: --compare-resolver "" and --egress-probe
// "" (with --doh-url "") stop every query to a public resolver; the egress
// probe says it was skipped and the DNS lookups that they had nothing to
// compare with.
func TestEmptyAddressesTurnProbesOff(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	l, err := lab.Start("healthy", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	args := append([]string{"check", "--json", "--compare-resolver", "", "--egress-probe", "", "--doh-url", ""}, l.Args()...)
	out, errOut, code := runBinary(t, l.Env(), args...)
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, errOut)
	}
	var egress, lookups int
	for _, r := range decodeDoc(t, out).Results {
		switch {
		case r.ID == "identity:egress":
			egress++
			if r.Status != "skipped" || !strings.Contains(r.Reason, "no egress probe") {
				t.Errorf("egress probe: %s, %q", r.Status, r.Reason)
			}
		case r.Kind == "dns" && strings.HasPrefix(r.ID, "dns:lookup"):
			lookups++
			if !strings.Contains(r.Reason, "no independent resolver is configured") {
				t.Errorf("%s: %s, %q", r.ID, r.Status, r.Reason)
			}
		}
	}
	if egress != 1 || lookups == 0 {
		t.Errorf("found %d egress and %d DNS lookup results", egress, lookups)
	}
}

// TestFixListJSON: fix --list --json is one JSON document naming every
// remedy with whether it can run here, why not, and what it would run, for
// scripts and fleet inventories (it printed the text list before).
func TestFixListJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	l, err := lab.Start("healthy", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	out, errOut, code := runBinary(t, l.Env(), append([]string{"fix", "--list", "--json"}, l.Args()...)...)
	if code != exitOK {
		t.Fatalf("exit %d\nstderr: %s", code, errOut)
	}
	var list struct {
		SchemaVersion int    `json:"schema_version"`
		GOOS          string `json:"goos"`
		Remedies      []struct {
			ID, Title, Risk, Kind string
			CanRun                bool       `json:"can_run"`
			WhyNot                string     `json:"why_not"`
			Commands              [][]string `json:"commands"`
			Lines                 []string   `json:"lines"`
			RetryMS               []int64    `json:"retry_ms"`
			Ticket                *string    `json:"ticket"`
		} `json:"remedies"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	if list.SchemaVersion != 1 || list.GOOS != runtime.GOOS || len(list.Remedies) != len(remedies.ActionIDs) {
		t.Fatalf("schema %d, goos %q, %d remedies (want %d)", list.SchemaVersion, list.GOOS, len(list.Remedies), len(remedies.ActionIDs))
	}
	for i, r := range list.Remedies {
		if r.ID != remedies.ActionIDs[i] || r.Title == "" || r.Risk == "" || r.Kind == "" {
			t.Errorf("remedy %d: %+v", i, r)
		}
		if r.CanRun == (r.WhyNot != "") {
			t.Errorf("%s: can_run %v with why_not %q", r.ID, r.CanRun, r.WhyNot)
		}
		if r.Ticket != nil {
			t.Errorf("%s: a listing carries a ticket", r.ID)
		}
		// The exact commands, and each line as typed runs that command.
		if len(r.Lines) != len(r.Commands) {
			t.Errorf("%s: %d lines for %d commands", r.ID, len(r.Lines), len(r.Commands))
		}
		for j, c := range r.Commands {
			if j < len(r.Lines) && (len(c) == 0 || !strings.Contains(r.Lines[j], c[0])) {
				t.Errorf("%s: line %q does not run %q", r.ID, r.Lines[j], c)
			}
		}
		if r.ID == remedies.ActionRetry && (len(r.RetryMS) == 0 || r.RetryMS[0] < 1000) {
			t.Errorf("retry: waits %v ms, want its back-off in milliseconds", r.RetryMS)
		}
	}

}
