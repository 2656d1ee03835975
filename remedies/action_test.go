package remedies

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/probes"
)

// fakeRunner records what would have run. Tools are installed by name (or
// absolute path); results are keyed by the command line.
type fakeRunner struct {
	mu       sync.Mutex
	tools    map[string]bool
	runs     [][]string
	stdins   []string
	launched [][]string
	results  map[string]fakeResult
}

type fakeResult struct {
	out command.Output
	err error
}

func newFake(tools ...string) *fakeRunner {
	f := &fakeRunner{tools: map[string]bool{}, results: map[string]fakeResult{}}
	for _, t := range tools {
		f.tools[t] = true
	}
	return f
}

func (f *fakeRunner) LookPath(name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if base, ok := strings.CutPrefix(name, "/usr/bin/"); ok && f.tools[base] {
		return name, nil
	}
	if !f.tools[name] {
		return "", command.NotFound(name)
	}
	if strings.ContainsAny(name, `/\`) {
		return name, nil
	}
	return "/usr/bin/" + name, nil
}

func (f *fakeRunner) Run(_ context.Context, argv []string, stdin []byte) (command.Output, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runs = append(f.runs, slices.Clone(argv))
	f.stdins = append(f.stdins, string(stdin))
	if !f.tools[strings.TrimPrefix(argv[0], "/usr/bin/")] {
		return command.Output{ExitCode: -1}, command.NotFound(argv[0])
	}
	if r, ok := f.results[CommandLine("", argv)]; ok {
		return r.out, r.err
	}
	return command.Output{ExitCode: 0}, nil
}

func (f *fakeRunner) Launch(argv []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.launched = append(f.launched, slices.Clone(argv))
	return nil
}

func envFor(goos string, r *fakeRunner, vars map[string]string) ActionEnv {
	return ActionEnv{GOOS: goos, LookPath: r.LookPath, Getenv: func(k string) string { return vars[k] }}
}

func plan(t *testing.T, s probes.Snapshot, env ActionEnv, id string) Action {
	t.Helper()
	a, ok := PlanAction(s, env, id)
	if !ok {
		t.Fatalf("no action %s", id)
	}
	return a
}

func TestPlanFlushDNS(t *testing.T) {
	cases := []struct {
		name      string
		goos      string
		s         probes.Snapshot
		tools     []string
		want      [][]string
		priv      Privilege
		unavail   string // substring; empty = available
		wantAlter string
	}{
		{name: "systemd-resolved stub", goos: "linux", s: snap(dnsConfig("systemd-resolved (stub)")), tools: []string{"resolvectl"},
			want: [][]string{{"resolvectl", "flush-caches"}}, priv: PrivilegeAdmin},
		{name: "old systemd: systemd-resolve", goos: "linux", s: snap(dnsConfig("systemd-resolved (stub)")), tools: []string{"systemd-resolve"},
			want: [][]string{{"systemd-resolve", "--flush-caches"}}, priv: PrivilegeAdmin},
		{name: "resolved plus nscd: both", goos: "linux", s: snap(dnsConfig("systemd-resolved (uplink)", "nscd")), tools: []string{"resolvectl", "nscd"},
			want: [][]string{{"resolvectl", "flush-caches"}, {"nscd", "-i", "hosts"}}, priv: PrivilegeAdmin},
		{name: "NetworkManager dnsmasq: through nmcli, not pkill", goos: "linux", s: snap(dnsConfig("NetworkManager-dnsmasq", "dnsmasq")), tools: []string{"nmcli", "pkill"},
			want: [][]string{{"nmcli", "general", "reload", "dns-full"}}, priv: PrivilegeAdmin},
		{name: "standalone dnsmasq", goos: "linux", s: snap(dnsConfig("dnsmasq")), tools: []string{"pkill"},
			want: [][]string{{"pkill", "-HUP", "-x", "dnsmasq"}}, priv: PrivilegeAdmin},
		{name: "unbound", goos: "linux", s: snap(dnsConfig("unbound")), tools: []string{"unbound-control"},
			want: [][]string{{"unbound-control", "flush_zone", "."}}, priv: PrivilegeAdmin},
		{name: "WSL flushes Windows' cache", goos: "linux", s: snap(dnsConfig("wsl")), tools: []string{"ipconfig.exe"},
			want: [][]string{{"ipconfig.exe", "/flushdns"}}, priv: PrivilegeNone},
		{name: "no DNS probe, resolvectl installed", goos: "linux", s: snap(), tools: []string{"resolvectl"},
			want: [][]string{{"resolvectl", "flush-caches"}}, priv: PrivilegeAdmin},
		{name: "plain resolv.conf: nothing to flush", goos: "linux", s: snap(dnsConfig("plain")), tools: []string{"resolvectl"},
			unavail: "no local DNS cache runs here: this machine asks 127.0.0.53 directly"},
		{name: "resolved without its tools", goos: "linux", s: snap(dnsConfig("systemd-resolved (stub)")),
			unavail: "resolvectl not installed", wantAlter: "SIGUSR2"},
		{name: "no DNS probe, no tool", goos: "linux", s: snap(),
			unavail: "could not tell which resolver"},
		{name: "macOS: two steps", goos: "darwin", s: snap(), tools: []string{"dscacheutil", "killall"},
			want: [][]string{{"dscacheutil", "-flushcache"}, {"killall", "-HUP", "mDNSResponder"}}, priv: PrivilegeAdmin},
		{name: "Windows: no elevation", goos: "windows", s: snap(), tools: []string{"ipconfig"},
			want: [][]string{{"ipconfig", "/flushdns"}}, priv: PrivilegeNone},
		{name: "unknown OS", goos: "plan9", s: snap(), unavail: "plan9"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := plan(t, tc.s, envFor(tc.goos, newFake(tc.tools...), nil), ActionFlushDNS)
			if tc.unavail != "" {
				if !strings.Contains(a.Unavailable, tc.unavail) {
					t.Fatalf("Unavailable = %q, want it to mention %q", a.Unavailable, tc.unavail)
				}
				if tc.wantAlter != "" && !strings.Contains(a.Unavailable, tc.wantAlter) {
					t.Errorf("Unavailable = %q, want the alternative %q", a.Unavailable, tc.wantAlter)
				}
				return
			}
			if a.Unavailable != "" {
				t.Fatalf("unavailable: %s", a.Unavailable)
			}
			if !slices.EqualFunc(a.Commands, tc.want, slices.Equal) {
				t.Errorf("commands = %q, want %q", a.Commands, tc.want)
			}
			if a.Privilege != tc.priv || a.Risk != RiskReversible || a.Confirmations != 1 || a.Kind != KindCommand {
				t.Errorf("privilege %s risk %s confirmations %d kind %s", a.Privilege, a.Risk, a.Confirmations, a.Kind)
			}
			if !a.Recheck {
				t.Errorf("flush-dns must check again afterwards")
			}
		})
	}
}

func TestPlanOpenStatus(t *testing.T) {
	cases := []struct {
		goos  string
		tools []string
		want  []string
	}{
		{"linux", []string{"xdg-open"}, []string{"xdg-open", DefaultStatusPage}},
		{"linux", []string{"wslview"}, []string{"wslview", DefaultStatusPage}},
		{"darwin", []string{"open"}, []string{"open", DefaultStatusPage}},
		{"windows", []string{"rundll32"}, []string{"rundll32", "url.dll,FileProtocolHandler", DefaultStatusPage}},
	}
	for _, tc := range cases {
		a := plan(t, snap(), envFor(tc.goos, newFake(tc.tools...), nil), ActionOpenStatus)
		if len(a.Commands) != 1 || !slices.Equal(a.Commands[0], tc.want) || a.Kind != KindOpen || a.Confirmations != 0 {
			t.Errorf("%s %v: %+v", tc.goos, tc.tools, a)
		}
	}
	a := plan(t, snap(), envFor("linux", newFake(), nil), ActionOpenStatus)
	if !strings.Contains(a.Unavailable, "xdg-open") || len(a.Instructions) == 0 {
		t.Errorf("no opener: %+v", a)
	}
	if got := StatusPageFor("https://status.openai.com/api/v2/summary.json"); got != "https://status.openai.com/" {
		t.Errorf("StatusPageFor = %q", got)
	}
	if got := StatusPageFor("::"); got != DefaultStatusPage {
		t.Errorf("StatusPageFor(bad) = %q", got)
	}
}

func TestPlanPrivateWindow(t *testing.T) {
	s := snap(ep("chatgpt.com", "direct-ipv4-browser", v1020))
	cases := []struct {
		name    string
		goos    string
		tools   []string
		vars    map[string]string
		browser string
		want    []string
	}{
		{name: "linux chrome first", goos: "linux", tools: []string{"firefox", "google-chrome-stable"},
			want: []string{"/usr/bin/google-chrome-stable", "--incognito", "https://chatgpt.com/"}},
		{name: "linux firefox asked for", goos: "linux", tools: []string{"firefox", "google-chrome"}, browser: "firefox",
			want: []string{"/usr/bin/firefox", "-private-window", "https://chatgpt.com/"}},
		{name: "linux snap chromium", goos: "linux", tools: []string{"/snap/bin/chromium"},
			want: []string{"/snap/bin/chromium", "--incognito", "https://chatgpt.com/"}},
		{name: "macOS chrome through open -na", goos: "darwin", tools: []string{"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"},
			want: []string{"open", "-na", "Google Chrome", "--args", "--incognito", "https://chatgpt.com/"}},
		{name: "macOS per-user Edge", goos: "darwin", vars: map[string]string{"HOME": "/Users/ann"}, tools: []string{"/Users/ann/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"},
			want: []string{"open", "-na", "Microsoft Edge", "--args", "--inprivate", "https://chatgpt.com/"}},
		{name: "windows edge", goos: "windows", vars: map[string]string{"ProgramFiles(x86)": `C:\Program Files (x86)`, "ProgramFiles": `C:\Program Files`},
			tools: []string{`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`},
			want:  []string{`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`, "--inprivate", "https://chatgpt.com/"}},
		{name: "windows per-user chrome", goos: "windows", vars: map[string]string{"LOCALAPPDATA": `C:\Users\ann\AppData\Local\`},
			tools: []string{`C:\Users\ann\AppData\Local\Google\Chrome\Application\chrome.exe`},
			want:  []string{`C:\Users\ann\AppData\Local\Google\Chrome\Application\chrome.exe`, "--incognito", "https://chatgpt.com/"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := envFor(tc.goos, newFake(tc.tools...), tc.vars)
			env.Browser = tc.browser
			a := plan(t, s, env, ActionPrivateWindow)
			if a.Unavailable != "" || len(a.Commands) != 1 || !slices.Equal(a.Commands[0], tc.want) {
				t.Fatalf("got %q (unavailable %q), want %q", a.Commands, a.Unavailable, tc.want)
			}
			if a.Risk != RiskNoChange || a.Kind != KindOpen {
				t.Errorf("risk %s kind %s", a.Risk, a.Kind)
			}
		})
	}
	a := plan(t, s, envFor("linux", newFake(), nil), ActionPrivateWindow)
	if a.Unavailable == "" || len(a.Instructions) == 0 {
		t.Errorf("no browser: %+v", a)
	}
}

func TestPlanCopyTicket(t *testing.T) {
	cases := []struct {
		goos  string
		vars  map[string]string
		tools []string
		want  []string
	}{
		{"linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, []string{"wl-copy", "xclip"}, []string{"wl-copy"}},
		{"linux", nil, []string{"wl-copy", "xclip"}, []string{"xclip", "-selection", "clipboard"}},
		{"linux", nil, []string{"xsel"}, []string{"xsel", "--clipboard", "--input"}},
		{"linux", nil, []string{"clip.exe"}, []string{"clip.exe"}},
		{"darwin", nil, []string{"pbcopy"}, []string{"pbcopy"}},
		{"windows", nil, []string{"clip"}, []string{"clip"}},
	}
	for _, tc := range cases {
		env := envFor(tc.goos, newFake(tc.tools...), tc.vars)
		env.Ticket = "ticket text"
		a := plan(t, snap(), env, ActionCopyTicket)
		if len(a.Commands) != 1 || !slices.Equal(a.Commands[0], tc.want) || a.Stdin != "ticket text" || a.Kind != KindClipboard {
			t.Errorf("%s %v: %q stdin %q", tc.goos, tc.tools, a.Commands, a.Stdin)
		}
	}
	env := envFor("windows", newFake("clip"), nil)
	env.Ticket = "Ray 8a1b… → done"
	if a := plan(t, snap(), env, ActionCopyTicket); a.Stdin != "Ray 8a1b... -> done" {
		t.Errorf("clip gets ASCII: %q", a.Stdin)
	}
	a := plan(t, snap(), envFor("linux", newFake(), nil), ActionCopyTicket)
	if !strings.Contains(a.Unavailable, "xclip") || !strings.Contains(a.Unavailable, "printed instead") {
		t.Errorf("no clipboard tool: %q", a.Unavailable)
	}
}

func TestPlanRenewDHCP(t *testing.T) {
	cases := []struct {
		name    string
		goos    string
		s       probes.Snapshot
		tools   []string
		want    [][]string
		unavail string
	}{
		{name: "NetworkManager", goos: "linux", s: snap(egress(true, false, nil)), tools: []string{"nmcli", "dhclient"},
			want: [][]string{{"nmcli", "device", "down", "eth0"}, {"nmcli", "device", "up", "eth0"}}},
		{name: "networkd", goos: "linux", s: snap(egress(true, false, nil)), tools: []string{"networkctl"},
			want: [][]string{{"networkctl", "renew", "eth0"}}},
		{name: "dhclient", goos: "linux", s: snap(egress(true, false, nil)), tools: []string{"dhclient"},
			want: [][]string{{"dhclient", "-r", "eth0"}, {"dhclient", "eth0"}}},
		{name: "macOS", goos: "darwin", s: snap(egress(true, false, nil)), want: [][]string{{"ipconfig", "set", "eth0", "DHCP"}}},
		{name: "Windows", goos: "windows", s: snap(egress(true, false, nil)), want: [][]string{{"ipconfig", "/release", "eth0"}, {"ipconfig", "/renew", "eth0"}}},
		{name: "through a VPN tunnel", goos: "linux", s: snap(egress(true, false, &probes.TunnelInfo{Type: "wireguard"})), tools: []string{"nmcli"}, unavail: "VPN tunnel"},
		{name: "no egress probe", goos: "linux", s: snap(), tools: []string{"nmcli"}, unavail: "could not tell which interface"},
		{name: "no tool", goos: "linux", s: snap(egress(true, false, nil)), unavail: "none of nmcli, networkctl or dhclient"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := plan(t, tc.s, envFor(tc.goos, newFake(tc.tools...), nil), ActionRenewDHCP)
			if a.Risk != RiskDisruptive || a.Confirmations != 2 || a.Privilege != PrivilegeAdmin || a.Warning == "" {
				t.Errorf("renew-dhcp must be disruptive, admin, confirmed twice, with a warning: %+v", a)
			}
			if tc.unavail != "" {
				if !strings.Contains(a.Unavailable, tc.unavail) {
					t.Errorf("Unavailable = %q, want %q", a.Unavailable, tc.unavail)
				}
				return
			}
			if !slices.EqualFunc(a.Commands, tc.want, slices.Equal) {
				t.Errorf("commands = %q, want %q", a.Commands, tc.want)
			}
		})
	}
}

func TestPlanHeavyResetsAreInstructionsOnly(t *testing.T) {
	for _, id := range []string{ActionWinsockReset, ActionIPReset} {
		a := plan(t, snap(), envFor("windows", newFake("netsh"), nil), id)
		if a.Kind != KindInstructions || len(a.Commands) != 0 || a.Unavailable != "" {
			t.Errorf("%s on Windows: %+v", id, a)
		}
		if !strings.Contains(a.Warning, "restart") || !slices.ContainsFunc(a.Instructions, func(s string) bool { return strings.Contains(s, "netsh") }) {
			t.Errorf("%s: needs the reboot warning and the netsh command: %+v", id, a)
		}
		if l := plan(t, snap(), envFor("linux", newFake(), nil), id); l.Unavailable != "Windows only" {
			t.Errorf("%s on Linux: %q", id, l.Unavailable)
		}
	}
}

func TestPlanBypassProxy(t *testing.T) {
	a := plan(t, snap(proxyEnv("")), envFor("linux", newFake(), nil), ActionBypassProxy)
	if !strings.Contains(a.Unavailable, "no proxy is configured") {
		t.Errorf("without a proxy: %q", a.Unavailable)
	}
	a = plan(t, snap(proxyEnv("http://proxy.example:3128")), envFor("linux", newFake(), nil), ActionBypassProxy)
	if a.Unavailable != "" || a.Kind != KindReprobe || a.Risk != RiskNoChange || a.Mutate == nil {
		t.Fatalf("with a proxy: %+v", a)
	}
	cfg := probes.DefaultConfig()
	a.Mutate(&cfg)
	if !cfg.BypassProxy {
		t.Error("Mutate does not set BypassProxy")
	}
	// Unknown proxy state: offer it.
	if a := plan(t, snap(), envFor("linux", newFake(), nil), ActionBypassProxy); a.Unavailable != "" {
		t.Errorf("unknown proxy state: %q", a.Unavailable)
	}
}

func TestPlanRetry(t *testing.T) {
	a := plan(t, snap(ep("api.openai.com", "default", vQuota)), envFor("linux", newFake(), nil), ActionRetry)
	if !strings.Contains(a.Unavailable, "quota") {
		t.Errorf("quota: %q", a.Unavailable)
	}
	long := ep("chatgpt.com", "direct-ipv4-browser", v1015, withHeader("retry-after", "3600"))
	a = plan(t, snap(long), envFor("linux", newFake(), nil), ActionRetry)
	if !strings.Contains(a.Unavailable, "1h") {
		t.Errorf("long Retry-After: %q", a.Unavailable)
	}
	a = plan(t, snap(ep("chatgpt.com", "direct-ipv4-browser", v1015)), envFor("linux", newFake(), nil), ActionRetry)
	if a.Unavailable != "" || !strings.Contains(a.Description, "30s, 1m, 1m, 1m, 1m") {
		t.Errorf("1015 retry: %q / %q", a.Unavailable, a.Description)
	}
}

func TestPlanActionsListsEveryAction(t *testing.T) {
	got := PlanActions(snap(), envFor("linux", newFake(), nil))
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
		if a.Title == "" || a.Description == "" || a.Scope == "" || a.Privilege == "" || a.Risk == "" {
			t.Errorf("%s: incomplete %+v", a.ID, a)
		}
		if a.Confirmations != confirmationsFor(a.Risk) {
			t.Errorf("%s: %d confirmations for risk %s", a.ID, a.Confirmations, a.Risk)
		}
	}
	if !slices.Equal(ids, ActionIDs) {
		t.Errorf("ids = %v", ids)
	}
}

// TestConfirmationsFollowRisk: a planner can ask for more confirmations
// than the risk demands, never fewer.
func TestConfirmationsFollowRisk(t *testing.T) {
	for _, tc := range []struct {
		a    Action
		want int
	}{
		{Action{Risk: RiskDisruptive, Confirmations: 1}, 2},
		{Action{Risk: RiskDisruptive}, 2},
		{Action{Risk: RiskReversible, Confirmations: 2}, 2},
		{Action{Risk: RiskNoChange, Confirmations: 1}, 1},
		{Action{Risk: RiskNoChange}, 0},
	} {
		if got := completed("x", tc.a).Confirmations; got != tc.want {
			t.Errorf("%s with %d set: %d confirmations, want %d", tc.a.Risk, tc.a.Confirmations, got, tc.want)
		}
	}
	if _, ok := PlanAction(probes.Snapshot{}, ActionEnv{}, "no-such-action"); ok {
		t.Error("an unknown action was planned")
	}
}

func TestCommandLine(t *testing.T) {
	cases := []struct {
		goos string
		argv []string
		want string
	}{
		{"linux", []string{"resolvectl", "flush-caches"}, "resolvectl flush-caches"},
		{"darwin", []string{"open", "-na", "Google Chrome", "--args", "--incognito", "https://chatgpt.com/"}, "open -na 'Google Chrome' --args --incognito https://chatgpt.com/"},
		{"linux", []string{"echo", "it's", ""}, `echo 'it'\''s' ''`},
		{"linux", []string{"x", "$(rm -rf /)"}, "x '$(rm -rf /)'"},
		{"windows", []string{`C:\Program Files\Mozilla Firefox\firefox.exe`, "-private-window"}, `"C:\Program Files\Mozilla Firefox\firefox.exe" -private-window`},
	}
	for _, tc := range cases {
		if got := CommandLine(tc.goos, tc.argv); got != tc.want {
			t.Errorf("CommandLine(%q) = %q, want %q", tc.argv, got, tc.want)
		}
	}
	if got := SudoArgv([]string{"nscd", "-i", "hosts"}); !slices.Equal(got, []string{"sudo", "--", "nscd", "-i", "hosts"}) {
		t.Errorf("SudoArgv = %q", got)
	}
}

func TestBackoff(t *testing.T) {
	s := func(ds ...int) []time.Duration {
		var out []time.Duration
		for _, d := range ds {
			out = append(out, time.Duration(d)*time.Second)
		}
		return out
	}
	cases := []struct {
		hint time.Duration
		n    int
		want []time.Duration
	}{
		{0, 5, s(2, 4, 8, 16, 32)},
		{30 * time.Second, 5, s(30, 60, 60, 60, 60)},
		{90 * time.Second, 3, s(90, 90, 90)},
		{500 * time.Millisecond, 2, s(2, 4)},
		{0, 7, s(2, 4, 8, 16, 32, 60, 60)},
	}
	for _, tc := range cases {
		if got := Backoff(tc.hint, tc.n); !slices.Equal(got, tc.want) {
			t.Errorf("Backoff(%s, %d) = %v, want %v", tc.hint, tc.n, got, tc.want)
		}
	}
}

func TestRetryHint(t *testing.T) {
	date := "Thu, 26 Nov 2026 09:30:00 GMT"
	cases := []struct {
		name string
		s    probes.Snapshot
		want time.Duration
	}{
		{"structured retry_after", snap(ep("chatgpt.com", "direct-ipv4-browser", v1015)), 30 * time.Second},
		{"Retry-After seconds", snap(ep("api.openai.com", "default", v503, withHeader("retry-after", "20"))), 20 * time.Second},
		{"Retry-After date, relative to the server's Date", snap(ep("api.openai.com", "default", v503,
			withHeader("retry-after", "Thu, 26 Nov 2026 09:31:30 GMT"), withHeader("date", date))), 90 * time.Second},
		{"exhausted window's reset", snap(ep("api.openai.com", "default", vRate,
			withHeader("x-ratelimit-remaining-requests", "0"), withHeader("x-ratelimit-reset-requests", "1m30s"),
			withHeader("x-ratelimit-remaining-tokens", "9000"), withHeader("x-ratelimit-reset-tokens", "6m0s"))), 90 * time.Second},
		{"healthy answers ask for nothing", snap(ep("api.openai.com", "default", vMissing, withHeader("retry-after", "60"))), 0},
		{"unknown results ask for nothing", snap(ep("chatgpt.com", "direct-ipv4-browser", v1015, withStatus(probes.StatusUnknown))), 0},
		{"garbage", snap(ep("api.openai.com", "default", v503, withHeader("retry-after", "soon"))), 0},
	}
	for _, tc := range cases {
		if got := retryHint(tc.s); got != tc.want {
			t.Errorf("%s: retryHint = %s, want %s", tc.name, got, tc.want)
		}
	}
}
