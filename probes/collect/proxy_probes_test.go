package collect

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gptdoctor/gptdoctor/probes"
)

func TestProxyEnvProbe(t *testing.T) {
	cases := []struct {
		name      string
		env       map[string]string
		bypass    bool
		status    probes.Status
		conflicts []string // substrings, one per expected conflict
		effective map[string]string
		why       map[string]string
	}{
		{name: "nothing", env: map[string]string{}, status: probes.StatusPass,
			effective: map[string]string{"https://chatgpt.com/": ""}, why: map[string]string{"https://chatgpt.com/": "no proxy variable for https"}},
		{name: "https proxy", env: map[string]string{"HTTPS_PROXY": "http://proxy:3128", "https_proxy": "http://proxy:3128"}, status: probes.StatusPass,
			effective: map[string]string{"https://api.openai.com/v1/models": "http://proxy:3128"}, why: map[string]string{"https://chatgpt.com/": "HTTPS_PROXY"}},
		{name: "cases differ", env: map[string]string{"HTTPS_PROXY": "http://upper:3128", "https_proxy": "http://lower:3128"}, status: probes.StatusWarn,
			conflicts: []string{"HTTPS_PROXY and https_proxy differ: Go's net/http uses HTTPS_PROXY (http://upper:3128)"},
			effective: map[string]string{"https://chatgpt.com/": "http://upper:3128"}},
		{name: "lower only is used", env: map[string]string{"https_proxy": "http://lower:3128"}, status: probes.StatusPass,
			effective: map[string]string{"https://chatgpt.com/": "http://lower:3128"}, why: map[string]string{"https://chatgpt.com/": "https_proxy"}},
		{name: "all_proxy ignored", env: map[string]string{"ALL_PROXY": "socks5://127.0.0.1:9050"}, status: probes.StatusWarn,
			conflicts: []string{"ALL_PROXY is set (socks5://127.0.0.1:9050): Go ignores it"}, effective: map[string]string{"https://chatgpt.com/": ""}},
		{name: "http only", env: map[string]string{"HTTP_PROXY": "http://p:3128", "http_proxy": "http://p:3128"}, status: probes.StatusWarn,
			conflicts: []string{"HTTP_PROXY is set but HTTPS_PROXY is not"}},
		{name: "upper HTTP_PROXY curl ignores", env: map[string]string{"HTTP_PROXY": "http://p:3128", "HTTPS_PROXY": "http://p:3128"}, status: probes.StatusWarn,
			conflicts: []string{"curl ignores upper-case HTTP_PROXY"}},
		{name: "no scheme", env: map[string]string{"HTTPS_PROXY": "proxy.corp:8080"}, status: probes.StatusWarn,
			conflicts: []string{"HTTPS_PROXY has no scheme (proxy.corp:8080): Go reads it as http://proxy.corp:8080"},
			effective: map[string]string{"https://chatgpt.com/": "http://proxy.corp:8080"}},
		{name: "no_proxy entry", env: map[string]string{"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "localhost, .openai.com"}, status: probes.StatusPass,
			effective: map[string]string{"https://api.openai.com/v1/models": "", "https://chatgpt.com/": "http://p:3128"},
			why:       map[string]string{"https://api.openai.com/v1/models": "NO_PROXY entry .openai.com matches"}},
		{name: "invalid", env: map[string]string{"HTTPS_PROXY": "http://user:pa ss@bad host:3128"}, status: probes.StatusFail},
		{name: "unsupported scheme", env: map[string]string{"HTTPS_PROXY": "socks4://10.0.0.1:1080"}, status: probes.StatusFail},
		{name: "bypassed run", env: map[string]string{"HTTPS_PROXY": "http://p:3128"}, bypass: true, status: probes.StatusPass,
			effective: map[string]string{"https://chatgpt.com/": ""}, why: map[string]string{"https://chatgpt.com/": "bypassed for this run (HTTPS_PROXY would send it through http://p:3128)"}},
		{name: "cgi", env: map[string]string{"HTTP_PROXY": "http://p:3128", "HTTPS_PROXY": "http://p:3128", "http_proxy": "http://p:3128", "REQUEST_METHOD": "GET"}, status: probes.StatusWarn,
			conflicts: []string{"REQUEST_METHOD is set (CGI)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := probes.DefaultConfig()
			cfg.BypassProxy = c.bypass
			w := probes.World{LookupEnv: identEnv(c.env), GOOS: "plan9"}
			r := identRun(t, probeByID(t, proxyProbes(cfg, w, DesktopProxy{}), "proxy:env"))
			d := r.Details.(*probes.ProxyEnvDetails)
			if r.Status != c.status {
				t.Errorf("status %s (%s), want %s", r.Status, r.Reason, c.status)
			}
			if len(c.conflicts) > 0 && len(d.Conflicts) != len(c.conflicts) {
				t.Errorf("conflicts %q, want %d", d.Conflicts, len(c.conflicts))
			}
			for _, want := range c.conflicts {
				if !strings.Contains(strings.Join(d.Conflicts, "|"), want) {
					t.Errorf("conflicts %q lack %q", d.Conflicts, want)
				}
			}
			for url, want := range c.effective {
				if e := findEffective(d, url); e == nil || e.Proxy != want {
					t.Errorf("%s: effective %+v, want proxy %q", url, e, want)
				}
			}
			for url, want := range c.why {
				if e := findEffective(d, url); e == nil || e.Why != want {
					t.Errorf("%s: why %+v, want %q", url, e, want)
				}
			}
			if d.Bypassed != c.bypass {
				t.Errorf("bypassed %v", d.Bypassed)
			}
		})
	}
}

func findEffective(d *probes.ProxyEnvDetails, url string) *probes.EffectiveProxy {
	for i := range d.Effective {
		if d.Effective[i].URL == url {
			return &d.Effective[i]
		}
	}
	return nil
}

// TestProxySecretsNeverLeak runs every proxy probe with credentials in
// every place they can be configured and checks no result carries them.
func TestProxySecretsNeverLeak(t *testing.T) {
	envs := []map[string]string{{
		"HTTPS_PROXY": "http://alice:envpass1@127.0.0.1:1",
		"https_proxy": "http://bob:envpass2@127.0.0.1:2",
		"HTTP_PROXY":  "alice:envpass3@127.0.0.1:3",
		"ALL_PROXY":   "socks5://carol:envpass4@127.0.0.1:4",
		"NO_PROXY":    "localhost",
		"http_proxy":  "http://http://dave:envpass5@127.0.0.1:5",
		"all_proxy":   "http://erin:envpass6@bad host:6",
	}, {
		// Passwords the URL parser splits off ("/", "#", "?", a space) or
		// with no user name before them.
		"HTTP_PROXY":  "http://user:envpass/envpass7@127.0.0.1:7",
		"http_proxy":  "http://user:envpass envpass8@127.0.0.1:8",
		"HTTPS_PROXY": "http://http://:envpass9@127.0.0.1:9",
		"https_proxy": "http://user:envpass#envpass10@127.0.0.1:10",
		"ALL_PROXY":   "http://user:envpass?envpass11@127.0.0.1:11",
		"all_proxy":   "http://http://user:envpass/envpass12@127.0.0.1:12",
	}}
	for _, env := range envs {
		run := &identRunner{out: map[string]string{"gsettings list-recursively org.gnome.system.proxy": readTestdataString(t, "proxy", "gsettings", "manual-auth.txt")}}
		fsys := fstest.MapFS{"home/u/.config/kioslaverc": {Data: []byte(readTestdataString(t, "proxy", "kioslaverc", "manual-space"))}}
		w := probes.World{LookupEnv: identEnv(env), GOOS: "linux", Runner: run, FS: fsys, HomeDir: "/home/u", Dialer: identRefuser{}, Resolver: identResolver{}}
		ps := readProxyProbes(probes.DefaultConfig(), w)
		for _, p := range ps {
			r := identRun(t, p)
			b, _ := json.Marshal(r)
			for _, secret := range []string{"envpass", "hunter2", "s3cret"} {
				if strings.Contains(string(b)+p.ID+p.Target+p.Title, secret) {
					t.Errorf("%s leaks %q: %s", p.ID, secret, b)
				}
			}
		}
	}
}

func TestDesktopProxyLinux(t *testing.T) {
	gs := func(file string) *identRunner {
		return &identRunner{out: map[string]string{"gsettings list-recursively org.gnome.system.proxy": readTestdataString(t, "proxy", "gsettings", file)}}
	}
	kde := func(file string) fstest.MapFS {
		return fstest.MapFS{"home/u/.config/kioslaverc": {Data: []byte(readTestdataString(t, "proxy", "kioslaverc", file))}}
	}
	cases := []struct {
		name    string
		runner  *identRunner
		fs      fstest.MapFS
		env     map[string]string
		status  probes.Status
		source  string
		also    int
		reason  string
		planned []string
	}{
		{name: "gnome none", runner: gs("none.txt"), fs: fstest.MapFS{}, status: probes.StatusPass, source: "gsettings", reason: "no desktop proxy"},
		{name: "gnome manual differs from env", runner: gs("manual-auth.txt"), fs: fstest.MapFS{}, status: probes.StatusWarn, source: "gsettings",
			reason:  "browsers reach chatgpt.com through proxy.corp.example:3129, but Go programs and this check go directly",
			planned: []string{"proxy:reach:proxy.corp.example:3128", "proxy:reach:proxy.corp.example:3129", "proxy:reach:10.0.0.9:1080"}},
		{name: "gnome manual agrees with env", runner: gs("manual-auth.txt"), fs: fstest.MapFS{},
			env: map[string]string{"HTTPS_PROXY": "http://proxy.corp.example:3129"}, status: probes.StatusPass, reason: "same path"},
		{name: "gnome pac", runner: gs("auto.txt"), fs: fstest.MapFS{}, status: probes.StatusWarn, reason: "PAC script http://wpad.corp.example/proxy.pac",
			planned: []string{"proxy:pac"}},
		{name: "gnome wpad", runner: gs("wpad.txt"), fs: fstest.MapFS{}, status: probes.StatusWarn, reason: "WPAD"},
		{name: "kde on KDE desktop, gnome none", runner: gs("none.txt"), fs: kde("manual-space"), env: map[string]string{"XDG_CURRENT_DESKTOP": "KDE"},
			status: probes.StatusWarn, source: "kioslaverc", reason: "kioslaverc: browsers reach chatgpt.com through proxy.corp.example:3129"},
		{name: "both configured", runner: gs("auto.txt"), fs: kde("manual-colon"), status: probes.StatusWarn, source: "gsettings", also: 1},
		{name: "kde env mode", runner: &identRunner{}, fs: kde("env"), status: probes.StatusPass, source: "kioslaverc"},
		{name: "headless", runner: &identRunner{}, fs: fstest.MapFS{}, status: probes.StatusSkipped, reason: "gsettings is not installed; there is no kioslaverc"},
		{name: "gsettings broken", runner: &identRunner{errs: map[string]error{"gsettings list-recursively org.gnome.system.proxy": errors.New("gsettings: exit status 1: dconf error")}},
			fs: fstest.MapFS{}, status: probes.StatusUnknown, reason: "dconf error"},
		{name: "no schema", runner: &identRunner{errs: map[string]error{"gsettings list-recursively org.gnome.system.proxy": errors.New("gsettings: exit status 1: No such schema “org.gnome.system.proxy”")}},
			fs: fstest.MapFS{}, status: probes.StatusSkipped},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := probes.World{GOOS: "linux", Runner: c.runner, FS: c.fs, HomeDir: "/home/u", LookupEnv: identEnv(c.env)}
			ps := readProxyProbes(probes.DefaultConfig(), w)
			r := identRun(t, probeByID(t, ps, "proxy:desktop"))
			if r.Status != c.status || !strings.Contains(r.Reason, c.reason) {
				t.Errorf("%s %q; want %s containing %q; evidence %q", r.Status, r.Reason, c.status, c.reason, r.Evidence)
			}
			if c.source != "" {
				d, _ := r.Details.(*probes.ProxySettingsDetails)
				if d == nil || d.Source != c.source || len(d.Also) != c.also {
					t.Errorf("details %+v", d)
				}
			}
			for _, id := range c.planned {
				probeByID(t, ps, id)
			}
		})
	}
}

// TestDesktopProxyVerdicts: a desktop proxy without a port is the same
// proxy as Go's with the default port, and only a PAC mode with a script
// is described as one.
func TestDesktopProxyVerdicts(t *testing.T) {
	kde := func(content string) fstest.MapFS {
		return fstest.MapFS{"home/u/.config/kioslaverc": {Data: []byte("[Proxy Settings]\n" + content)}}
	}
	gnomeMode := func(mode string) *identRunner {
		return &identRunner{out: map[string]string{"gsettings list-recursively org.gnome.system.proxy": "org.gnome.system.proxy mode '" + mode + "'\n"}}
	}
	cases := []struct {
		name    string
		runner  *identRunner
		fs      fstest.MapFS
		env     map[string]string
		status  probes.Status
		reason  string
		planned string
	}{
		{name: "kde proxy without port", runner: &identRunner{}, fs: kde("ProxyType=1\nhttpsProxy=http://proxy.corp\n"),
			env: map[string]string{"HTTPS_PROXY": "http://proxy.corp"}, status: probes.StatusPass,
			reason: "browsers and Go programs take the same path to chatgpt.com: through proxy.corp:80", planned: "proxy:reach:proxy.corp:80"},
		{name: "kde socks without port", runner: &identRunner{}, fs: kde("ProxyType=1\nsocksProxy=socks://10.0.0.9\n"),
			env: map[string]string{"HTTPS_PROXY": "socks5://10.0.0.9"}, status: probes.StatusPass, planned: "proxy:reach:10.0.0.9:1080"},
		{name: "kde unknown type", runner: &identRunner{}, fs: kde("ProxyType=7\n"), status: probes.StatusWarn,
			reason: `kioslaverc: proxy mode "unknown" cannot be judged`},
		{name: "kde pac without script", runner: &identRunner{}, fs: kde("ProxyType=2\n"), status: probes.StatusWarn,
			reason: `kioslaverc: proxy mode "auto" cannot be judged`},
		{name: "gnome unknown mode", runner: gnomeMode("corporate"), fs: fstest.MapFS{}, status: probes.StatusWarn,
			reason: `gsettings: proxy mode "corporate" cannot be judged`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := probes.World{GOOS: "linux", Runner: c.runner, FS: c.fs, HomeDir: "/home/u", LookupEnv: identEnv(c.env)}
			ps := readProxyProbes(probes.DefaultConfig(), w)
			r := identRun(t, probeByID(t, ps, "proxy:desktop"))
			if r.Status != c.status || !strings.Contains(r.Reason, c.reason) || strings.Contains(r.Reason, "PAC script") {
				t.Errorf("%s %q; want %s containing %q", r.Status, r.Reason, c.status, c.reason)
			}
			if c.planned != "" {
				probeByID(t, ps, c.planned)
			}
		})
	}

	// Settings not read (fix --list plans without them): skipped, and
	// only the environment's proxies are probed.
	w := probes.World{GOOS: "linux", LookupEnv: identEnv(map[string]string{"HTTPS_PROXY": "http://proxy.corp:3128"})}
	ps := proxyProbes(probes.DefaultConfig(), w, DesktopProxy{})
	if r := identRun(t, probeByID(t, ps, "proxy:desktop")); r.Status != probes.StatusSkipped || !strings.Contains(r.Reason, "not read") {
		t.Errorf("unread: %s %s", r.Status, r.Reason)
	}
	if len(ps) != 3 || ps[2].ID != "proxy:reach:proxy.corp:3128" {
		t.Errorf("unread plan: %d probes", len(ps))
	}
}

func TestDesktopProxyDarwinAndWindows(t *testing.T) {
	w := probes.World{GOOS: "darwin", Runner: &identRunner{out: map[string]string{"scutil --proxy": readTestdataString(t, "proxy", "scutil-proxy", "manual.txt")}},
		LookupEnv: identEnv(map[string]string{"HTTPS_PROXY": "http://proxy.corp.example:3129"})}
	r := identRun(t, probeByID(t, readProxyProbes(probes.DefaultConfig(), w), "proxy:desktop"))
	if d := r.Details.(*probes.ProxySettingsDetails); r.Status != probes.StatusPass || d.Source != "scutil" || d.HTTPS != "proxy.corp.example:3129" {
		t.Errorf("darwin: %s %s %+v", r.Status, r.Reason, d)
	}
	w = probes.World{GOOS: "darwin", Runner: &identRunner{}}
	if r := identRun(t, probeByID(t, readProxyProbes(probes.DefaultConfig(), w), "proxy:desktop")); r.Status != probes.StatusUnknown || !strings.Contains(r.Reason, "scutil not found") {
		t.Errorf("darwin without scutil: %s %s", r.Status, r.Reason)
	}

	old := readWinINETValues
	t.Cleanup(func() { readWinINETValues = old })
	one := uint32(1)
	readWinINETValues = func() (winINETValues, error) {
		return winINETValues{ProxyEnable: &one, ProxyServer: "http=proxy.corp.example:8080;https=secure.corp.example:8443", ProxyOverride: "<local>"}, nil
	}
	w = probes.World{GOOS: "windows", Runner: &identRunner{out: map[string]string{"netsh winhttp show proxy": readTestdataString(t, "proxy", "netsh", "proxy-en.txt")}}}
	ps := readProxyProbes(probes.DefaultConfig(), w)
	r = identRun(t, probeByID(t, ps, "proxy:desktop"))
	d := r.Details.(*probes.ProxySettingsDetails)
	if r.Status != probes.StatusWarn || d.Source != "wininet" || len(d.Also) != 1 || d.Also[0].Source != "winhttp" || !strings.Contains(r.Reason, "WinHTTP") {
		t.Errorf("windows: %s %s %+v", r.Status, r.Reason, d)
	}
	for _, id := range []string{"proxy:reach:proxy.corp.example:8080", "proxy:reach:secure.corp.example:8443", "proxy:reach:10.0.0.1:3128"} {
		probeByID(t, ps, id)
	}
	readWinINETValues = func() (winINETValues, error) { return winINETValues{}, errors.New("registry: access denied") }
	w.Runner = &identRunner{out: map[string]string{"netsh winhttp show proxy": readTestdataString(t, "proxy", "netsh", "direct-en.txt")}}
	r = identRun(t, probeByID(t, readProxyProbes(probes.DefaultConfig(), w), "proxy:desktop"))
	if r.Status != probes.StatusUnknown || !strings.Contains(r.Reason, "access denied") {
		t.Errorf("windows registry denied: %s %s", r.Status, r.Reason)
	}

	r = identRun(t, probeByID(t, readProxyProbes(probes.DefaultConfig(), probes.World{GOOS: "plan9"}), "proxy:desktop"))
	if r.Status != probes.StatusSkipped {
		t.Errorf("plan9: %s", r.Status)
	}
}

func pacWorld(t *testing.T, h http.Handler) probes.World {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return probes.World{GOOS: "darwin",
		Runner:   &identRunner{out: map[string]string{"scutil --proxy": readTestdataString(t, "proxy", "scutil-proxy", "pac.txt")}},
		Resolver: identResolver{"wpad.corp.example": {netip.MustParseAddr("10.1.2.3")}},
		Dialer:   identMapped(map[string]string{"10.1.2.3:80": srv.Listener.Addr().String()})}
}

func TestPACProbe(t *testing.T) {
	script := readTestdataString(t, "proxy", "pac", "corp.pac")
	w := pacWorld(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/proxy.pac" {
			http.NotFound(rw, r)
			return
		}
		rw.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
		_, _ = rw.Write([]byte(script))
	}))
	r := identRun(t, probeByID(t, readProxyProbes(probes.DefaultConfig(), w), "proxy:pac"))
	d := r.Details.(*probes.PACDetails)
	if r.Status != probes.StatusWarn || !d.MentionsOpenAI || d.Bytes != len(script) || len(d.Directives) != 4 || d.StatusCode != 200 {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, d)
	}

	w = pacWorld(t, http.NotFoundHandler())
	if r := identRun(t, probeByID(t, readProxyProbes(probes.DefaultConfig(), w), "proxy:pac")); r.Status != probes.StatusFail || !strings.Contains(r.Reason, "404") {
		t.Errorf("404: %s %s", r.Status, r.Reason)
	}

	big := strings.Repeat("// padding\n", pacMaxBytes/10)
	w = pacWorld(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = fmt.Fprint(rw, big+`return "PROXY late.example:1";`)
	}))
	r = identRun(t, probeByID(t, readProxyProbes(probes.DefaultConfig(), w), "proxy:pac"))
	if d := r.Details.(*probes.PACDetails); r.Status != probes.StatusPass || !d.Truncated || d.Bytes != pacMaxBytes {
		t.Errorf("cap: %s %+v", r.Status, d)
	}

	w.Resolver = identResolver{}
	if r := identRun(t, probeByID(t, readProxyProbes(probes.DefaultConfig(), w), "proxy:pac")); r.Status != probes.StatusFail || r.Error == nil || r.Error.Step != "dns" {
		t.Errorf("dns: %s %s %+v", r.Status, r.Reason, r.Error)
	}

	// A file: PAC URL (KDE, macOS) is read through the world's file system.
	fsys := fstest.MapFS{
		"home/u/.config/kioslaverc": {Data: []byte("[Proxy Settings]\nProxyType=2\nProxy Config Script=file:///etc/proxy.pac\n")},
		"etc/proxy.pac":             {Data: []byte(readTestdataString(t, "proxy", "pac", "all-proxy.pac"))},
	}
	w = probes.World{GOOS: "linux", Runner: &identRunner{}, FS: fsys, HomeDir: "/home/u"}
	r = identRun(t, probeByID(t, readProxyProbes(probes.DefaultConfig(), w), "proxy:pac"))
	if d := r.Details.(*probes.PACDetails); r.Status != probes.StatusPass || len(d.Directives) != 2 {
		t.Errorf("file pac: %s %s %+v", r.Status, r.Reason, d)
	}
}

func TestProxyReach(t *testing.T) {
	open := identListen(t, func(net.Conn) {})
	closed := identClosedPort(t)
	env := map[string]string{
		"HTTPS_PROXY": "http://user:pw@proxy.corp.example:3128",
		"https_proxy": "http://user:pw@proxy.corp.example:3128",
		"ALL_PROXY":   "socks5://10.0.0.5:1080",
		"http_proxy":  "http://ghost.corp.example",
	}
	w := probes.World{GOOS: "plan9", LookupEnv: identEnv(env),
		Resolver: identResolver{"proxy.corp.example": {netip.MustParseAddr("10.0.0.4")}},
		Dialer:   identMapped(map[string]string{"10.0.0.4:3128": open, "10.0.0.5:1080": closed})}
	ps := readProxyProbes(probes.DefaultConfig(), w)

	r := identRun(t, probeByID(t, ps, "proxy:reach:proxy.corp.example:3128"))
	d := r.Details.(*probes.ProxyReachDetails)
	if r.Status != probes.StatusPass || !d.Reachable || d.Proxy != "http://user:[redacted]@proxy.corp.example:3128" ||
		strings.Join(d.Sources, ",") != "HTTPS_PROXY,https_proxy" {
		t.Errorf("open: %s %s %+v", r.Status, r.Reason, d)
	}
	// Failures are classified as the endpoint probes classify a proxy's
	// (step proxy), so refused is recognised by errno on every platform.
	r = identRun(t, probeByID(t, ps, "proxy:reach:10.0.0.5:1080"))
	if r.Status != probes.StatusFail || r.Error == nil || r.Error.Step != "proxy" ||
		r.Reason != "connection to the proxy at 10.0.0.5:1080 refused (nothing listens there, or a firewall rejects it): every proxied request will fail" {
		t.Errorf("closed: %s %s %+v", r.Status, r.Reason, r.Error)
	}
	r = identRun(t, probeByID(t, ps, "proxy:reach:ghost.corp.example:80"))
	if r.Status != probes.StatusFail || r.Error == nil || r.Error.Step != "proxy" || !strings.Contains(r.Reason, "ghost.corp.example does not exist") {
		t.Errorf("dns: %s %s %+v", r.Status, r.Reason, r.Error)
	}
}

// TestProxyReachBudget: when the run budget ends the wait for a silent
// proxy, the result is unknown; the proxy is not blamed for a limit it
// was never given.
func TestProxyReachBudget(t *testing.T) {
	env := map[string]string{"HTTPS_PROXY": "http://10.0.0.6:3128"}
	w := probes.World{GOOS: "plan9", LookupEnv: identEnv(env), Resolver: identResolver{}, Dialer: hangDialer{addr: "10.0.0.6:3128"}}
	p := probeByID(t, readProxyProbes(probes.DefaultConfig(), w), "proxy:reach:10.0.0.6:3128")
	ctx, cancel := context.WithTimeout(context.Background(), proxyReachTimeout/30)
	defer cancel()
	r := p.Run(ctx)
	if r.Status != probes.StatusUnknown || r.Error == nil || r.Error.Step != "proxy" || !strings.Contains(r.Reason, "budget") {
		t.Errorf("budget: %s %s %+v", r.Status, r.Reason, r.Error)
	}
}

func TestPlanProxyProbesIsPure(t *testing.T) {
	pac := probes.ProxySettingsDetails{Source: "gsettings", Mode: "auto", PACURL: "http://wpad/x.pac"}
	pac.SetPACSource("http://wpad/x.pac")
	desk := DesktopProxy{read: true, goos: "linux", supported: true, settings: []probes.ProxySettingsDetails{
		pac,
		{Source: "kioslaverc", Mode: "manual", HTTP: "proxy:80", SOCKS: "[2001:db8::1]:1080"},
	}}
	w := probes.World{LookupEnv: identEnv(map[string]string{"HTTPS_PROXY": "http://PROXY:80"})}
	var ids []string
	for _, p := range proxyProbes(probes.DefaultConfig(), w, desk) {
		ids = append(ids, p.ID)
	}
	want := "proxy:env proxy:desktop proxy:pac proxy:reach:proxy:80 proxy:reach:[2001:db8::1]:1080"
	if strings.Join(ids, " ") != want {
		t.Errorf("plan %v\nwant %s", ids, want)
	}
}

// readProxyProbes plans the proxy probes as a run does: the desktop
// settings read first, then the plan.
func readProxyProbes(cfg probes.Config, w probes.World) []probes.Probe {
	return proxyProbes(cfg, w, ReadDesktopProxy(context.Background(), w))
}

// TestPACProbeFollowsRedirects: browsers follow a PAC URL's redirect, and
// so does the probe.
func TestPACProbeFollowsRedirects(t *testing.T) {
	w := pacWorld(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/proxy.pac" {
			http.Redirect(rw, r, "/v2/proxy.pac", http.StatusFound)
			return
		}
		_, _ = fmt.Fprint(rw, `function FindProxyForURL(u, h) { return "PROXY proxy.corp.example:3128"; }`)
	}))
	r := identRun(t, probeByID(t, readProxyProbes(probes.DefaultConfig(), w), "proxy:pac"))
	if d := r.Details.(*probes.PACDetails); r.Status != probes.StatusPass || d.StatusCode != 200 || len(d.Directives) != 1 {
		t.Errorf("%s %s %+v", r.Status, r.Reason, d)
	}
}

// TestPACProbeTrustsDeclaredRoots: a PAC script served over HTTPS with a
// certificate from the user's --ca-file root is fetched, as every other
// request of the probes accepts that root.
func TestPACProbeTrustsDeclaredRoots(t *testing.T) {
	corp := testCAs().corp
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = fmt.Fprint(rw, `return "DIRECT";`)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{corp.leaf("wpad.corp.example")}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	scutil := strings.Replace(readTestdataString(t, "proxy", "scutil-proxy", "pac.txt"), "http://wpad", "https://wpad", 1)
	w := probes.World{GOOS: "darwin",
		Runner:   &identRunner{out: map[string]string{"scutil --proxy": scutil}},
		Resolver: identResolver{"wpad.corp.example": {netip.MustParseAddr("10.1.2.3")}},
		Dialer:   identMapped(map[string]string{"10.1.2.3:443": srv.Listener.Addr().String()}),
		Trust:    probes.Trust{System: testCAs().public.pool(), User: corp.pool()}}
	r := identRun(t, probeByID(t, readProxyProbes(probes.DefaultConfig(), w), "proxy:pac"))
	if d := r.Details.(*probes.PACDetails); r.Status != probes.StatusPass || d.StatusCode != 200 {
		t.Errorf("with the root declared: %s %s %+v", r.Status, r.Reason, d)
	}
	w.Trust.User = nil
	r = identRun(t, probeByID(t, readProxyProbes(probes.DefaultConfig(), w), "proxy:pac"))
	if r.Status != probes.StatusFail || r.Error == nil || r.Error.Step != "tls" {
		t.Errorf("without it: %s %s %+v", r.Status, r.Reason, r.Error)
	}
}
