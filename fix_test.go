package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// tripwire is a world's network and command runner that fails the test on
// any use but finding a program: a dry run may look for tools and must do
// nothing else.
type tripwire struct {
	t     *testing.T
	tools map[string]bool
	looks int
}

func (w *tripwire) DialContext(_ context.Context, network, addr string) (net.Conn, error) {
	w.t.Errorf("dry run dialed %s %s", network, addr)
	return nil, fmt.Errorf("dial %s: refused by the test", addr)
}
func (w *tripwire) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	w.t.Errorf("dry run resolved %s", host)
	return nil, fmt.Errorf("lookup %s: refused by the test", host)
}
func (w *tripwire) LookupTXT(_ context.Context, name string) ([]string, error) {
	w.t.Errorf("dry run resolved %s TXT", name)
	return nil, fmt.Errorf("lookup %s: refused by the test", name)
}
func (w *tripwire) Run(_ context.Context, argv []string, _ []byte) (command.Output, error) {
	w.t.Errorf("dry run ran %q", argv)
	return command.Output{ExitCode: -1}, fmt.Errorf("%s: refused by the test", argv[0])
}
func (w *tripwire) Launch(argv []string) error {
	w.t.Errorf("dry run launched %q", argv)
	return fmt.Errorf("%s: refused by the test", argv[0])
}
func (w *tripwire) LookPath(name string) (string, error) {
	w.looks++
	if w.tools[name] {
		return "/usr/bin/" + name, nil
	}
	return "", command.NotFound(name)
}

// stillHost is a machine's facts without asking the machine.
type stillHost struct{}

func (stillHost) Info(context.Context) (probes.HostFacts, error) {
	return probes.HostFacts{Hostname: "test", OS: "linux"}, nil
}
func (stillHost) Interfaces(context.Context) ([]probes.Interface, error) { return nil, nil }
func (stillHost) Processes(context.Context) ([]probes.Process, error) {
	return []probes.Process{{PID: 388, Name: "systemd-resolved"}}, nil
}

// TestFixDryRunSendsNothing: for every remedy on every system, fix ID
// --dry-run opens no connection, resolves no name and runs no command; it
// only looks for tools. It shows what it would run (exit 0), or why it
// cannot run here (exit 2); copy-ticket shows the ticket (exit 0).
func TestFixDryRunSendsNothing(t *testing.T) {
	tools := map[string]bool{}
	for _, n := range []string{"resolvectl", "sudo", "nmcli", "xdg-open", "firefox", "xclip", "pbcopy", "clip",
		"dscacheutil", "killall", "ipconfig", "rundll32", "open"} {
		tools[n] = true
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		for _, id := range remedies.ActionIDs {
			t.Run(goos+"/"+id, func(t *testing.T) {
				trip := &tripwire{t: t, tools: tools}
				w := probes.World{GOOS: goos, Dialer: trip, Resolver: trip, Runner: trip, Clock: probes.SystemClock{}, Host: stillHost{},
					LookupEnv: func(string) (string, bool) { return "", false },
					FS:        fstest.MapFS{"etc/resolv.conf": {Data: []byte("nameserver 127.0.0.53\n")}}}
				var stdout, stderr bytes.Buffer
				f := newFace("fix", "", options{cfg: probes.DefaultConfig()}, w, func() bool { return false }, &stderr)
				code, err := f.fix(context.Background(), id, fixFlags{dryRun: true}, nil, &stdout, &stderr)
				if trip.looks == 0 && id == remedies.ActionFlushDNS {
					t.Error("planning flush-dns looked for no tool")
				}
				acts := f.sess.Actions()
				switch {
				case id == remedies.ActionCopyTicket:
					if code != exitOK || err != nil || !strings.Contains(stdout.String(), "Subject:") {
						t.Errorf("copy-ticket --dry-run: exit %d, %v\n%s", code, err, stdout.String())
					}
				case code == exitOK && len(acts) == 1 && acts[0].Outcome == remedies.OutcomeInstructions:
					// Instruction-only remedies run nothing either way: the
					// steps are the result.
					if err != nil || !strings.Contains(stdout.String(), "- Run: netsh") {
						t.Errorf("instructions: %v\n%s", err, stdout.String())
					}
				case code == exitOK:
					if err != nil || !strings.Contains(stdout.String(), "dry run: nothing was run") || len(acts) != 1 || !acts[0].DryRun {
						t.Errorf("exit 0 with %v, actions %+v\n%s", err, acts, stdout.String())
					}
				case code == exitCannotRun:
					if err == nil || len(acts) != 1 || acts[0].Outcome != remedies.OutcomeFailed {
						t.Errorf("exit 2 with %v, actions %+v", err, acts)
					}
				default:
					t.Errorf("exit %d, %v", code, err)
				}
			})
		}
	}
}

// TestFixDryRunJSON: the --json document of a dry run says it checked
// nothing (not_checked, exit 0, as the process exits) and carries the dry
// run's action; "incomplete" with exit code 0 contradicted the schema.
func TestFixDryRunJSON(t *testing.T) {
	w := probes.World{GOOS: "linux", Dialer: &tripwire{t: t}, Resolver: &tripwire{t: t}, Runner: &tripwire{t: t, tools: map[string]bool{"resolvectl": true}},
		Clock: probes.SystemClock{}, Host: stillHost{}, LookupEnv: func(string) (string, bool) { return "", false },
		FS: fstest.MapFS{"etc/resolv.conf": {Data: []byte("nameserver 127.0.0.53\n")}}}
	var stdout, stderr bytes.Buffer
	f := newFace("fix", "", options{cfg: probes.DefaultConfig(), json: true}, w, func() bool { return true }, &stderr)
	code, err := f.fix(context.Background(), remedies.ActionFlushDNS, fixFlags{dryRun: true}, nil, &stdout, &stderr)
	if code != exitOK || err != nil {
		t.Fatalf("exit %d, %v", code, err)
	}
	var doc struct {
		Outcome struct {
			Status   string `json:"status"`
			ExitCode *int   `json:"exit_code"`
		} `json:"outcome"`
		Actions []struct {
			Action string `json:"action"`
			DryRun bool   `json:"dry_run"`
		} `json:"actions"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	if doc.Outcome.Status != session.OutcomeNotChecked || doc.Outcome.ExitCode == nil || *doc.Outcome.ExitCode != 0 {
		t.Errorf("outcome %+v, want not_checked with exit code 0", doc.Outcome)
	}
	if len(doc.Actions) != 1 || doc.Actions[0].Action != remedies.ActionFlushDNS || !doc.Actions[0].DryRun {
		t.Errorf("actions %+v, want the flush-dns dry run", doc.Actions)
	}
}

// TestDemoFixStaleDNS: the demo applies flush-dns to the lab's staged
// machine, after the two questions (the action, then sudo): what ran, the
// refused stale address before and the 200 after, fixed, exit 0.
func TestDemoFixStaleDNS(t *testing.T) {
	l, err := lab.Start("stale-dns", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var stdout, stderr bytes.Buffer
	f := newFace("demo", "stale-dns", options{cfg: l.Config()}, l.MachineWorld(), func() bool { return false }, &stderr)
	var asked []string
	yes := func(q string) bool { asked = append(asked, q); return true }
	code, err := f.fix(context.Background(), remedies.ActionFlushDNS, fixFlags{}, yes, &stdout, &stderr)
	if code != exitOK || err != nil {
		t.Fatalf("exit %d, %v\nstdout:\n%s\nstderr:\n%s", code, err, stdout.String(), stderr.String())
	}
	if len(asked) != 2 || !strings.HasPrefix(asked[1], "Run it with sudo") {
		t.Errorf("asked %q", asked)
	}
	out := stdout.String()
	for _, want := range []string{"ran sudo -- resolvectl flush-caches: exit 0\n", "before: chatgpt.com: no answer (connect: connect to 10.20.0.15:443: connection refused)",
		"after:  chatgpt.com: 200 OK", "result: fixed\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	for _, plan := range []string{"runs:       resolvectl flush-caches", "With sudo it runs:\n  sudo -- resolvectl flush-caches", "re-checking"} {
		if !strings.Contains(stderr.String(), plan) || strings.Contains(out, plan) {
			t.Errorf("%q belongs on stderr only\nstdout:\n%s\nstderr:\n%s", plan, out, stderr.String())
		}
	}

	// Without a terminal the sudo question cannot be asked, even with --yes.
	stdout.Reset()
	f = newFace("demo", "stale-dns", options{cfg: l.Config()}, l.MachineWorld(), func() bool { return false }, &stderr)
	code, err = f.fix(context.Background(), remedies.ActionFlushDNS, fixFlags{yes: true}, nil, &stdout, &stderr)
	if code != exitCannotRun || err == nil || !strings.Contains(err.Error(), "needs root: run sudo -- resolvectl flush-caches yourself") {
		t.Errorf("headless: exit %d, %v", code, err)
	}
}

// TestListActionsSeparatesWhatCannotRun: remedies blocked here are listed
// apart, each with the reason, after those that can run.
func TestListActionsSeparatesWhatCannotRun(t *testing.T) {
	plans := []remedies.Plan{
		{Action: remedies.Action{ID: "flush-dns", Title: "Flush the DNS cache", Description: "Clears the cache.", Commands: [][]string{{"resolvectl", "flush-caches"}}}},
		{Action: remedies.Action{ID: "winsock-reset", Title: "Reset Winsock", Unavailable: "Windows only"}},
		{Action: remedies.Action{ID: "renew-dhcp", Title: "Renew the DHCP lease"}, Blocked: "no DHCP client found (dhclient, nmcli)"},
	}
	var b strings.Builder
	if err := listActions(&b, plans, "linux"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	can, cannot, ok := strings.Cut(out, "CANNOT RUN HERE (2)")
	if !ok || !strings.HasPrefix(out, "CAN RUN HERE (1)") {
		t.Fatalf("want the runnable remedies, then the two that cannot run:\n%s", out)
	}
	if !strings.Contains(can, "flush-dns") || strings.Contains(can, "winsock-reset") || strings.Contains(can, "renew-dhcp") {
		t.Errorf("runnable part wrong:\n%s", can)
	}
	for _, want := range []string{"winsock-reset — Reset Winsock: Windows only", "renew-dhcp — Renew the DHCP lease: no DHCP client found"} {
		if !strings.Contains(cannot, want) {
			t.Errorf("lacks %q:\n%s", want, cannot)
		}
	}
}

// TestListActionsJSON: the JSON listing carries, per remedy, what the text
// listing shows and a script needs: whether it runs here and why not, the
// exact argvs with the lines as typed, sudo, and the retry waits in ms.
func TestListActionsJSON(t *testing.T) {
	plans := []remedies.Plan{
		{Action: remedies.Action{ID: "flush-dns", Title: "Flush the DNS cache", Kind: remedies.KindCommand, Privilege: remedies.PrivilegeAdmin},
			Commands: [][]string{{"sudo", "--", "resolvectl", "flush-caches"}}, Lines: []string{"sudo -- resolvectl flush-caches"}, Escalate: true, Confirmations: 1},
		{Action: remedies.Action{ID: "retry", Title: "Retry", Kind: remedies.KindRetry}, Retry: []time.Duration{30 * time.Second, time.Minute}},
		{Action: remedies.Action{ID: "winsock-reset", Title: "Reset Winsock", Unavailable: "Windows only"}},
		{Action: remedies.Action{ID: "copy-ticket", Kind: remedies.KindClipboard}, Blocked: "no clipboard tool found", Ticket: "Subject: secret-ish"},
	}
	var b bytes.Buffer
	if err := listActionsJSON(&b, plans, "linux"); err != nil {
		t.Fatal(err)
	}
	var got struct {
		SchemaVersion int    `json:"schema_version"`
		GOOS          string `json:"goos"`
		Remedies      []map[string]any
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.SchemaVersion != 1 || got.GOOS != "linux" || len(got.Remedies) != 4 {
		t.Fatalf("%s", b.String())
	}
	flush, retry, winsock, ticket := got.Remedies[0], got.Remedies[1], got.Remedies[2], got.Remedies[3]
	if flush["can_run"] != true || flush["escalate"] != true || fmt.Sprint(flush["lines"]) != "[sudo -- resolvectl flush-caches]" ||
		fmt.Sprint(flush["commands"]) != "[[sudo -- resolvectl flush-caches]]" || flush["privilege"] != "admin" {
		t.Errorf("flush-dns: %v", flush)
	}
	if fmt.Sprint(retry["retry_ms"]) != "[30000 60000]" {
		t.Errorf("retry waits: %v", retry["retry_ms"])
	}
	if winsock["can_run"] != false || winsock["why_not"] != "Windows only" || ticket["why_not"] != "no clipboard tool found" {
		t.Errorf("cannot run: %v / %v", winsock, ticket)
	}
	if strings.Contains(b.String(), "Subject:") || strings.Contains(b.String(), `"blocked"`) || strings.Contains(b.String(), `"action"`) {
		t.Errorf("the listing carries the ticket or the plan's own fields:\n%s", b.String())
	}
}
