package remedies

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// fixHarness is a face over the lifecycle, as the CLI is: it plans, asks
// the plan's questions (or refuses when nobody can answer), executes
// through a fake runner, re-checks from canned snapshots and concludes. It
// records what was asked, run and probed, so the tests below hold the
// lifecycle to every safety property Fix had.
type fixHarness struct {
	runner      *fakeRunner
	prompts     []string
	answers     []bool
	interactive bool // someone can be asked; false is a script without a terminal
	admin       bool
	probes      []probes.Config
	after       []probes.Snapshot // returned in turn by each re-check
	sleeps      []time.Duration
	records     []ActionRecord // the session's actions
	plan        Plan
}

// fix runs the whole lifecycle for id, with --yes when yes, on goos.
func (h *fixHarness) fix(ctx context.Context, id string, yes bool, goos string, before probes.Snapshot) (ActionRecord, error) {
	env := ActionEnv{GOOS: goos, LookPath: h.runner.LookPath, Getenv: func(string) string { return "" }}
	if id == ActionCopyTicket {
		env.Ticket = SupportTicket(before, Diagnose(before, DiagnoseContext{}), h.records)
	}
	p, err := PlanFor(before, env, id, h.admin)
	if err != nil {
		return ActionRecord{}, err
	}
	h.plan = p
	keep := func(rec ActionRecord, err error) (ActionRecord, error) {
		h.records = append(h.records, rec)
		return rec, err
	}
	if err := p.Err(); err != nil {
		return keep(Execute(ctx, h.runner, p, fixtureClock), err)
	}
	if !h.interactive {
		if err := p.Unasked(yes); err != nil {
			return keep(Refused(p, fixtureTime, err), err)
		}
	}
	for _, q := range p.Questions(yes) {
		if !h.interactive {
			break
		}
		h.prompts = append(h.prompts, q.Prompt)
		ok := len(h.answers) > 0 && h.answers[0]
		if len(h.answers) > 0 {
			h.answers = h.answers[1:]
		}
		if !ok {
			rec := Refused(p, fixtureTime, nil)
			return keep(rec, rec.Failure())
		}
	}
	rec := Execute(ctx, h.runner, p, fixtureClock)
	if !rec.Ran() {
		return keep(rec, rec.Failure())
	}
	if !p.Action.Recheck {
		return keep(rec, nil)
	}
	if p.Action.Kind != KindRetry {
		return keep(Conclude(p, rec, before, h.probe(p.Mutate)), nil)
	}
	last := before
	for i, wait := range p.Retry {
		h.sleeps = append(h.sleeps, wait)
		if err := ctx.Err(); err != nil {
			return keep(Stopped(p, rec, before, last, i, err), err)
		}
		last = h.probe(nil)
		if Healthy(before, last) {
			break
		}
	}
	return keep(Conclude(p, rec, before, last), rec.Failure())
}

// probe is the re-check: the next canned snapshot.
func (h *fixHarness) probe(mutate func(*probes.Config)) probes.Snapshot {
	cfg := probes.DefaultConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	h.probes = append(h.probes, cfg)
	if len(h.after) == 0 {
		return probes.Snapshot{}
	}
	s := h.after[0]
	if len(h.after) > 1 {
		h.after = h.after[1:]
	}
	return s
}

func fixtureClock() time.Time { return fixtureTime }

var (
	blockedDirect = snap(concat(web("chatgpt.com", v1020), one(dnsConfig("systemd-resolved (stub)"), egress(true, false, nil)))...)
	fineDirect    = snap(concat(web("chatgpt.com", vOK))...)
)

func TestFixFlushDNSAsRoot(t *testing.T) {
	h := &fixHarness{runner: newFake("resolvectl"), admin: true, after: []probes.Snapshot{fineDirect}}
	rec, err := h.fix(context.Background(), ActionFlushDNS, true, "linux", blockedDirect)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(h.runner.runs, [][]string{{"resolvectl", "flush-caches"}}, slices.Equal) {
		t.Errorf("ran %q", h.runner.runs)
	}
	if len(h.probes) != 1 || h.probes[0].BypassProxy {
		t.Errorf("re-check: %+v", h.probes)
	}
	if rec.Outcome != OutcomeFixed || rec.Before != "chatgpt.com: Cloudflare 1020, direct, IPv4, browser headers" || rec.After != "chatgpt.com: 200 OK, direct, IPv4, browser headers" || rec.ExitCode != 0 || rec.Escalated {
		t.Errorf("record: %+v", rec)
	}
	if len(h.records) != 1 || h.records[0].Action != ActionFlushDNS {
		t.Errorf("session: %+v", h.records)
	}
	// What a face shows before asking: the exact command, privilege, risk
	// and the re-check; as root nothing escalates.
	p := h.plan
	if !slices.Equal(p.Lines, []string{"resolvectl flush-caches"}) || p.Action.Privilege != PrivilegeAdmin || p.Action.Risk != RiskReversible ||
		!p.Action.Recheck || p.Escalate || p.Confirmations != 1 || p.Blocked != "" {
		t.Errorf("plan %+v", p)
	}
}

func TestFixEscalation(t *testing.T) {
	sudoFlush := []string{"sudo", "--", "resolvectl", "flush-caches"}
	t.Run("headless without root: refuses with the exact sudo command", func(t *testing.T) {
		h := &fixHarness{runner: newFake("resolvectl", "sudo")}
		rec, err := h.fix(context.Background(), ActionFlushDNS, true, "linux", blockedDirect)
		if !errors.Is(err, ErrNeedsPrivilege) || !strings.Contains(err.Error(), "sudo -- resolvectl flush-caches") {
			t.Fatalf("err = %v", err)
		}
		if len(h.runner.runs) != 0 || len(h.probes) != 0 || rec.Outcome != OutcomeFailed {
			t.Errorf("ran %q, probed %d, outcome %s", h.runner.runs, len(h.probes), rec.Outcome)
		}
	})
	t.Run("interactive, agrees to sudo: runs through sudo", func(t *testing.T) {
		h := &fixHarness{runner: newFake("resolvectl", "sudo"), interactive: true, answers: []bool{true}, after: []probes.Snapshot{blockedDirect}}
		rec, err := h.fix(context.Background(), ActionFlushDNS, true, "linux", blockedDirect)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(h.runner.runs, [][]string{sudoFlush}, slices.Equal) || !rec.Escalated {
			t.Errorf("ran %q escalated %v", h.runner.runs, rec.Escalated)
		}
		if len(h.prompts) != 1 || !strings.Contains(h.prompts[0], "sudo") {
			t.Errorf("--yes must still ask about sudo, once: %q", h.prompts)
		}
		if rec.Outcome != OutcomeUnchanged {
			t.Errorf("outcome %s", rec.Outcome)
		}
	})
	t.Run("interactive, confirms the action and declines sudo", func(t *testing.T) {
		h := &fixHarness{runner: newFake("resolvectl", "sudo"), interactive: true, answers: []bool{true, false}}
		rec, err := h.fix(context.Background(), ActionFlushDNS, false, "linux", blockedDirect)
		if !errors.Is(err, ErrDeclined) || len(h.runner.runs) != 0 || rec.Outcome != OutcomeDeclined || len(h.prompts) != 2 {
			t.Errorf("err %v runs %q outcome %s prompts %q", err, h.runner.runs, rec.Outcome, h.prompts)
		}
	})
	t.Run("no sudo installed", func(t *testing.T) {
		h := &fixHarness{runner: newFake("resolvectl"), interactive: true, answers: []bool{true, true}}
		_, err := h.fix(context.Background(), ActionFlushDNS, false, "linux", blockedDirect)
		if !errors.Is(err, ErrNeedsPrivilege) || !strings.Contains(err.Error(), "sudo is not installed") || len(h.prompts) != 0 {
			t.Errorf("err %v prompts %q", err, h.prompts)
		}
	})
	t.Run("Windows: the elevated-terminal route, nothing asked", func(t *testing.T) {
		h := &fixHarness{runner: newFake("ipconfig"), interactive: true, answers: []bool{true, true}}
		_, err := h.fix(context.Background(), ActionRenewDHCP, false, "windows", blockedDirect)
		if !errors.Is(err, ErrNeedsPrivilege) || !strings.Contains(err.Error(), "elevated terminal") || !strings.Contains(err.Error(), "ipconfig /release eth0") {
			t.Fatalf("err = %v", err)
		}
		if len(h.prompts) != 0 || len(h.runner.runs) != 0 {
			t.Errorf("prompts %q runs %q", h.prompts, h.runner.runs)
		}
	})
	t.Run("macOS: both steps through sudo", func(t *testing.T) {
		h := &fixHarness{runner: newFake("dscacheutil", "killall", "sudo"), interactive: true, answers: []bool{true, true}}
		rec, err := h.fix(context.Background(), ActionFlushDNS, false, "darwin", blockedDirect)
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{{"sudo", "--", "dscacheutil", "-flushcache"}, {"sudo", "--", "killall", "-HUP", "mDNSResponder"}}
		if !slices.EqualFunc(h.runner.runs, want, slices.Equal) || !slices.EqualFunc(rec.Commands, want, slices.Equal) {
			t.Errorf("ran %q, recorded %q", h.runner.runs, rec.Commands)
		}
	})
}

// TestFixDryRun: planning runs nothing and asks nothing, and a dry run's
// record names the exact sudo form without being something tried.
func TestFixDryRun(t *testing.T) {
	r := newFake("resolvectl", "sudo")
	p, err := PlanFor(blockedDirect, envFor("linux", r, nil), ActionFlushDNS, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.runs) != 0 || len(r.launched) != 0 {
		t.Errorf("planning ran %q, launched %q", r.runs, r.launched)
	}
	if !p.Escalate || !slices.Equal(p.Lines, []string{"sudo -- resolvectl flush-caches"}) {
		t.Errorf("plan: escalate %v, lines %q", p.Escalate, p.Lines)
	}
	rec := DryRun(p, fixtureTime)
	if !rec.DryRun || rec.Outcome != OutcomeDryRun || !slices.EqualFunc(rec.Commands, [][]string{{"sudo", "--", "resolvectl", "flush-caches"}}, slices.Equal) {
		t.Errorf("record %+v", rec)
	}
	if tried := Tried([]ActionRecord{rec}); len(tried) != 0 {
		t.Errorf("a dry run is not something tried: %q", tried)
	}
}

func TestFixConfirmations(t *testing.T) {
	renewBefore := snap(egress(true, false, nil), ep("chatgpt.com", "direct-ipv4-browser", v1020))
	t.Run("reversible, headless, no --yes: refused", func(t *testing.T) {
		h := &fixHarness{runner: newFake("resolvectl"), admin: true}
		_, err := h.fix(context.Background(), ActionFlushDNS, false, "linux", blockedDirect)
		if !errors.Is(err, ErrNeedsConfirmation) || !strings.Contains(err.Error(), "--yes") || len(h.runner.runs) != 0 {
			t.Errorf("err %v runs %q", err, h.runner.runs)
		}
	})
	t.Run("declined", func(t *testing.T) {
		h := &fixHarness{runner: newFake("resolvectl"), admin: true, interactive: true, answers: []bool{false}}
		rec, err := h.fix(context.Background(), ActionFlushDNS, false, "linux", blockedDirect)
		if !errors.Is(err, ErrDeclined) || len(h.runner.runs) != 0 || rec.Outcome != OutcomeDeclined {
			t.Errorf("err %v runs %q outcome %s", err, h.runner.runs, rec.Outcome)
		}
	})
	t.Run("disruptive, headless with --yes: the second confirmation is missing", func(t *testing.T) {
		h := &fixHarness{runner: newFake("nmcli"), admin: true}
		_, err := h.fix(context.Background(), ActionRenewDHCP, true, "linux", renewBefore)
		if !errors.Is(err, ErrNeedsConfirmation) || !strings.Contains(err.Error(), "second confirmation") || len(h.runner.runs) != 0 {
			t.Errorf("err %v runs %q", err, h.runner.runs)
		}
	})
	t.Run("disruptive with --yes, interactive: asked once more", func(t *testing.T) {
		h := &fixHarness{runner: newFake("nmcli"), admin: true, interactive: true, answers: []bool{true}}
		_, err := h.fix(context.Background(), ActionRenewDHCP, true, "linux", renewBefore)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.prompts) != 1 || !strings.Contains(h.prompts[0], "disruptive") {
			t.Errorf("prompts %q", h.prompts)
		}
		if len(h.runner.runs) != 2 {
			t.Errorf("runs %q", h.runner.runs)
		}
	})
	t.Run("disruptive without --yes: asked twice", func(t *testing.T) {
		h := &fixHarness{runner: newFake("nmcli"), admin: true, interactive: true, answers: []bool{true, false}}
		_, err := h.fix(context.Background(), ActionRenewDHCP, false, "linux", renewBefore)
		if !errors.Is(err, ErrDeclined) || len(h.prompts) != 2 || len(h.runner.runs) != 0 {
			t.Errorf("err %v prompts %q runs %q", err, h.prompts, h.runner.runs)
		}
	})
	t.Run("no-change actions need no confirmation", func(t *testing.T) {
		h := &fixHarness{runner: newFake("xdg-open")}
		rec, err := h.fix(context.Background(), ActionOpenStatus, false, "linux", blockedDirect)
		if err != nil || rec.Outcome != OutcomeDone {
			t.Fatalf("err %v outcome %s", err, rec.Outcome)
		}
		if !slices.EqualFunc(h.runner.launched, [][]string{{"xdg-open", DefaultStatusPage}}, slices.Equal) || len(h.runner.runs) != 0 {
			t.Errorf("launched %q ran %q", h.runner.launched, h.runner.runs)
		}
	})
}

func TestFixFailures(t *testing.T) {
	t.Run("unknown action", func(t *testing.T) {
		h := &fixHarness{runner: newFake()}
		_, err := h.fix(context.Background(), "reboot-the-internet", true, "linux", blockedDirect)
		if !errors.Is(err, ErrUnknownAction) || !strings.Contains(err.Error(), "flush-dns") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("unavailable: says why and which tools", func(t *testing.T) {
		h := &fixHarness{runner: newFake(), admin: true}
		_, err := h.fix(context.Background(), ActionFlushDNS, true, "linux", blockedDirect)
		if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "resolvectl not installed") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("a tool that vanished between planning and running", func(t *testing.T) {
		// Planned where resolvectl was found; run where it is gone.
		p, err := PlanFor(blockedDirect, ActionEnv{GOOS: "linux", LookPath: func(string) (string, error) { return "/usr/bin/resolvectl", nil }}, ActionFlushDNS, true)
		if err != nil || p.Blocked != "" {
			t.Fatalf("plan: %v %q", err, p.Blocked)
		}
		rec := Execute(context.Background(), newFake(), p, fixtureClock)
		err = rec.Failure()
		if !errors.Is(err, command.ErrNotFound) || rec.Outcome != OutcomeFailed || !strings.Contains(err.Error(), "resolvectl is not installed") || !strings.Contains(err.Error(), "SIGUSR2") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("command fails: exit code and redacted output kept", func(t *testing.T) {
		h := &fixHarness{runner: newFake("resolvectl"), admin: true}
		stderr := "Failed to flush caches: Access denied (token sk-proj-abcdefghijklmnop)\x1b[31m"
		h.runner.results["resolvectl flush-caches"] = fakeResult{
			out: command.Output{Stderr: stderr, ExitCode: 1},
			err: &command.ExitError{Argv: []string{"resolvectl", "flush-caches"}, Code: 1, Stderr: stderr},
		}
		rec, err := h.fix(context.Background(), ActionFlushDNS, true, "linux", blockedDirect)
		if !errors.Is(err, ErrCommandFailed) || !strings.Contains(err.Error(), "exited with status 1: Failed to flush caches") {
			t.Fatalf("err %v", err)
		}
		if rec.ExitCode != 1 || strings.Contains(rec.Output, "sk-proj") || strings.Contains(rec.Output, "\x1b") || !strings.Contains(rec.Output, "Access denied") {
			t.Errorf("record output %q exit %d", rec.Output, rec.ExitCode)
		}
		for what, text := range map[string]string{"error": err.Error(), "record": rec.Err, "line": rec.Line()} {
			if strings.Contains(text, "sk-proj") || strings.Contains(text, "\x1b") {
				t.Errorf("%s keeps the secret or the escape: %q", what, text)
			}
		}
		if len(h.probes) != 0 {
			t.Error("re-checked after a failed command")
		}
	})
	t.Run("instructions only", func(t *testing.T) {
		h := &fixHarness{runner: newFake("netsh"), admin: true}
		rec, err := h.fix(context.Background(), ActionWinsockReset, true, "windows", blockedDirect)
		if err != nil || rec.Outcome != OutcomeInstructions || len(h.runner.runs) != 0 {
			t.Errorf("err %v outcome %s runs %q", err, rec.Outcome, h.runner.runs)
		}
		// The steps are what a face shows; the warning goes with the plan;
		// nothing is asked, for nothing runs.
		p := h.plan
		if !slices.Contains(p.Action.Instructions, "Run: netsh winsock reset") || !strings.Contains(p.Action.Warning, "restart") || len(p.Commands) != 0 || len(p.Questions(false)) != 0 {
			t.Errorf("plan %+v", p)
		}
	})
}

// TestFixRecheckMissingAHost: a re-check that did not measure a host that
// failed before proves nothing about it, and says so.
func TestFixRecheckMissingAHost(t *testing.T) {
	before := snap(concat(web("chatgpt.com", v1020), one(epFail("api.openai.com", "default", "connect", "connect: 104.18.32.47:443: timeout"),
		dnsConfig("systemd-resolved (stub)")))...)
	h := &fixHarness{runner: newFake("resolvectl"), admin: true, after: []probes.Snapshot{fineDirect}}
	rec, err := h.fix(context.Background(), ActionFlushDNS, true, "linux", before)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Outcome != OutcomeNotRechecked || !strings.HasSuffix(rec.After, "; api.openai.com: not measured") {
		t.Errorf("record: %q -> %q (%s)", rec.Before, rec.After, rec.Outcome)
	}

	// Retrying does not stop at a re-check that left the API out.
	h = &fixHarness{runner: newFake(), after: []probes.Snapshot{fineDirect, snap(concat(web("chatgpt.com", vOK), one(ep("api.openai.com", "default", vMissing)))...)}}
	rec, err = h.fix(context.Background(), ActionRetry, false, "linux", before)
	if err != nil || len(h.probes) != 2 || rec.Outcome != OutcomeFixed {
		t.Errorf("err %v probes %d outcome %s", err, len(h.probes), rec.Outcome)
	}
}

// TestFixBypassProxy: a re-check without the proxy changes nothing on the
// machine, so it never says "fixed": it confirms the proxy as the cause.
func TestFixBypassProxy(t *testing.T) {
	before := snap(ep("chatgpt.com", "proxy-any-browser", v1020), ep("api.openai.com", "proxy-any-plain", v1020), proxyEnv("http://proxy.example:3128"))
	after := snap(ep("chatgpt.com", "direct-ipv4-browser", vOK), ep("api.openai.com", "default", vMissing))
	h := &fixHarness{runner: newFake(), after: []probes.Snapshot{after}}
	rec, err := h.fix(context.Background(), ActionBypassProxy, false, "linux", before)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.probes) != 1 || !h.probes[0].BypassProxy {
		t.Fatalf("the re-check must bypass the proxy: %+v", h.probes)
	}
	if rec.Before != "chatgpt.com: Cloudflare 1020, through the proxy, browser headers; api.openai.com: Cloudflare 1020, through the proxy, plain Go client" ||
		rec.After != "chatgpt.com: 200 OK, direct, IPv4, browser headers; api.openai.com: 401 (API reachable, no key sent), direct, plain Go client" || rec.Outcome != OutcomeConfirmed {
		t.Errorf("record: %q -> %q (%s)", rec.Before, rec.After, rec.Outcome)
	}
	if rec.Verdict != "works without the proxy: the proxy is the cause (nothing was changed; turn the proxy off to fix it)" {
		t.Errorf("verdict %q", rec.Verdict)
	}
	if line := rec.Line(); !strings.Contains(line, "bypass-proxy: re-checked without changing anything; chatgpt.com: Cloudflare 1020, through the proxy") || !strings.HasSuffix(line, "(confirmed)") {
		t.Errorf("Line = %q", line)
	}
	// The probe configuration outside the re-check is untouched.
	if cfg := probes.DefaultConfig(); cfg.BypassProxy {
		t.Error("default config changed")
	}
}

// TestFixWhatIfVerdicts: every way a re-check without the proxy can end
// says what it proved, never that anything was fixed.
func TestFixWhatIfVerdicts(t *testing.T) {
	viaProxy := func(v classify.Verdict) probes.Result { return ep("chatgpt.com", "proxy-any-browser", v) }
	direct := func(v classify.Verdict) probes.Result { return ep("chatgpt.com", "direct-ipv4-browser", v) }
	apiDirect := func(v classify.Verdict) probes.Result { return ep("api.openai.com", "default", v) }
	proxy := proxyEnv("http://proxy.example:3128")
	tests := []struct {
		name          string
		before, after probes.Snapshot
		want          Outcome
		words         string
	}{
		{"part of it", snap(viaProxy(v1020), apiDirect(v1020), proxy), snap(direct(vOK), apiDirect(v1020)), OutcomeConfirmed,
			"1 of 2 failing targets work without the proxy: the proxy causes part of the problem (nothing was changed)"},
		{"fails the same", snap(viaProxy(v1020), proxy), snap(direct(v1020)), OutcomeRuledOut,
			"as many targets fail without the proxy: the proxy is not the cause (nothing was changed)"},
		{"works both ways", snap(viaProxy(vOK), proxy), snap(direct(vOK)), OutcomeRuledOut,
			"works with and without the proxy: the proxy is not in the way (nothing was changed)"},
		{"worse", snap(viaProxy(vOK), apiDirect(vMissing), proxy), snap(direct(v1020), apiDirect(vMissing)), OutcomeRuledOut,
			"more targets fail without the proxy: the proxy is not the cause, and some targets need it (nothing was changed)"},
		{"not every target measured", snap(viaProxy(v1020), apiDirect(v1020), proxy), snap(direct(vOK)), OutcomeNotRechecked,
			"the re-check did not measure every target, so it proves nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &fixHarness{runner: newFake(), after: []probes.Snapshot{tt.after}}
			rec, err := h.fix(context.Background(), ActionBypassProxy, false, "linux", tt.before)
			if err != nil || rec.Outcome != tt.want {
				t.Fatalf("err %v outcome %s, want %s", err, rec.Outcome, tt.want)
			}
			if rec.Verdict != tt.words {
				t.Errorf("verdict %q, want %q", rec.Verdict, tt.words)
			}
		})
	}
}

func TestFixRetry(t *testing.T) {
	before := snap(ep("chatgpt.com", "direct-ipv4-browser", v1015))
	still := snap(ep("chatgpt.com", "direct-ipv4-browser", v1015))
	t.Run("waits as asked, doubles, stops when healthy", func(t *testing.T) {
		h := &fixHarness{runner: newFake(), after: []probes.Snapshot{still, still, fineDirect}}
		rec, err := h.fix(context.Background(), ActionRetry, false, "linux", before)
		if err != nil {
			t.Fatal(err)
		}
		want := []time.Duration{30 * time.Second, 60 * time.Second, 60 * time.Second}
		if !slices.Equal(h.sleeps, want) || len(h.probes) != 3 {
			t.Errorf("sleeps %v probes %d", h.sleeps, len(h.probes))
		}
		if rec.Outcome != OutcomeFixed || rec.After != "chatgpt.com: 200 OK, direct, IPv4, browser headers" {
			t.Errorf("record %+v", rec)
		}
	})
	t.Run("gives up after the schedule", func(t *testing.T) {
		h := &fixHarness{runner: newFake(), after: []probes.Snapshot{still}}
		rec, err := h.fix(context.Background(), ActionRetry, false, "linux", before)
		if err != nil || len(h.sleeps) != retryAttempts || rec.Outcome != OutcomeUnchanged {
			t.Errorf("err %v sleeps %v outcome %s", err, h.sleeps, rec.Outcome)
		}
	})
	t.Run("cancelled while waiting", func(t *testing.T) {
		h := &fixHarness{runner: newFake()}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		rec, err := h.fix(ctx, ActionRetry, false, "linux", before)
		if err == nil || len(h.probes) != 0 || rec.Outcome != OutcomeNotRechecked {
			t.Errorf("err %v probes %d outcome %s", err, len(h.probes), rec.Outcome)
		}
	})
	t.Run("refused for an exhausted quota", func(t *testing.T) {
		h := &fixHarness{runner: newFake()}
		_, err := h.fix(context.Background(), ActionRetry, false, "linux", snap(ep("api.openai.com", "default", vQuota)))
		if !errors.Is(err, ErrUnavailable) || len(h.sleeps) != 0 {
			t.Errorf("err %v sleeps %v", err, h.sleeps)
		}
	})
}

func TestFixCopyTicket(t *testing.T) {
	before := snap(concat(web("chatgpt.com", v1020), one(trace("direct", "203.0.113.7", "DE"), hostResult()))...)
	h := &fixHarness{runner: newFake("pbcopy")}
	h.records = append(h.records, ActionRecord{Action: ActionFlushDNS, Started: fixtureTime, Commands: [][]string{{"sudo", "--", "dscacheutil", "-flushcache"}},
		ExitCode: 0, Before: "chatgpt.com: Cloudflare 1020 direct", After: "chatgpt.com: Cloudflare 1020 direct", Outcome: OutcomeUnchanged})
	rec, err := h.fix(context.Background(), ActionCopyTicket, false, "darwin", before)
	if err != nil || rec.Outcome != OutcomeDone {
		t.Fatalf("err %v outcome %s", err, rec.Outcome)
	}
	if len(h.runner.runs) != 1 || h.runner.runs[0][0] != "pbcopy" {
		t.Fatalf("runs %q", h.runner.runs)
	}
	ticket := h.runner.stdins[0]
	for _, want := range []string{"8a1b2c3d4e5f6a7b-FRA", "203.0.113.7", "country DE", "2026-11-26 09:30:03 UTC", "linux (ubuntu 24.04)", "flush-dns: ran sudo -- dscacheutil -flushcache (exit 0)"} {
		if !strings.Contains(ticket, want) {
			t.Errorf("ticket lacks %q:\n%s", want, ticket)
		}
	}
	if strings.Contains(ticket, "alices-laptop") {
		t.Error("the ticket names the machine")
	}

	// The plan holds the ticket a dry run shows; planning copies nothing.
	r := newFake("pbcopy")
	env := envFor("darwin", r, nil)
	env.Ticket = SupportTicket(before, nil, nil)
	if p, err := PlanFor(before, env, ActionCopyTicket, false); err != nil || len(r.runs) != 0 || !strings.Contains(p.Ticket, "8a1b2c3d4e5f6a7b-FRA") {
		t.Errorf("plan: err %v runs %q ticket:\n%s", err, r.runs, p.Ticket)
	}

	// Without a clipboard tool the plan is blocked and still holds the
	// ticket, for a face to print instead.
	h = &fixHarness{runner: newFake()}
	_, err = h.fix(context.Background(), ActionCopyTicket, false, "linux", before)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(h.plan.Ticket, "8a1b2c3d4e5f6a7b-FRA") || len(h.runner.runs) != 0 {
		t.Errorf("err %v runs %q; ticket:\n%s", err, h.runner.runs, h.plan.Ticket)
	}
}

func TestFixPrivateWindow(t *testing.T) {
	h := &fixHarness{runner: newFake("firefox")}
	rec, err := h.fix(context.Background(), ActionPrivateWindow, false, "linux", blockedDirect)
	if err != nil || rec.Outcome != OutcomeDone {
		t.Fatalf("err %v outcome %s", err, rec.Outcome)
	}
	if !slices.EqualFunc(h.runner.launched, [][]string{{"/usr/bin/firefox", "-private-window", "https://chatgpt.com/"}}, slices.Equal) {
		t.Errorf("launched %q", h.runner.launched)
	}
}
