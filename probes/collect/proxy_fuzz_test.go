package collect

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gptdoctor/gptdoctor/internal/sanitize/fuzzcheck"
	"github.com/gptdoctor/gptdoctor/probes"
)

// maxCommandOutput caps fuzzed command output as the runner caps what it
// reads from a tool (internal/command keeps at most this much stdout).
const maxCommandOutput = 1 << 20

// checkProxySettings asserts what any parsed proxy setting holds: a known
// source and mode, proxies that are host:port with the port in range (or
// empty), clean strings, no planted secret; then runs the desktop probe
// on it, whose result must be as clean.
func checkProxySettings(t *testing.T, d probes.ProxySettingsDetails, forbidden []string) {
	t.Helper()
	switch d.Mode {
	case "none", "manual", "auto", "wpad", "env", "":
	default:
		// A mode this version does not know is kept ("unknown" for
		// KDE), and a note says which.
		if len(d.Notes) == 0 {
			t.Fatalf("mode %q without a note: %+v", d.Mode, d)
		}
	}
	for _, p := range []string{d.HTTP, d.HTTPS, d.SOCKS} {
		if p == "" {
			continue
		}
		host, port, err := net.SplitHostPort(p)
		if err != nil || host == "" {
			t.Fatalf("proxy %q is not host:port: %v", p, err)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			t.Fatalf("proxy %q has port %q", p, port)
		}
	}
	fuzzcheck.Strings(t, d, fuzzcheck.Options{Forbidden: forbidden})
	cfg := probes.DefaultConfig()
	w := probes.World{LookupEnv: func(string) (string, bool) { return "", false }}
	var res probes.Result
	fuzzcheck.Within(t, func() {
		res = runDesktopProxyProbe(cfg, w, DesktopProxy{read: true, supported: true, goos: "linux", settings: []probes.ProxySettingsDetails{d}})
	})
	checkFuzzResult(t, res, forbidden)
}

// fuzzSettingsParser runs one command-output parser on in: an error must
// be a clean line, settings must pass checkProxySettings.
func fuzzSettingsParser(t *testing.T, in string, parse func(string) (probes.ProxySettingsDetails, error), forbidden []string) {
	t.Helper()
	var d probes.ProxySettingsDetails
	var err error
	fuzzcheck.Within(t, func() { d, err = parse(in) })
	if err != nil {
		fuzzcheck.Strings(t, err.Error(), fuzzcheck.Options{})
		return
	}
	checkProxySettings(t, d, forbidden)
}

// FuzzGSettingsProxy feeds `gsettings list-recursively
// org.gnome.system.proxy` output, with an authentication-password line
// the parser must never read appended.
func FuzzGSettingsProxy(f *testing.F) {
	seedFiles(f, "proxy/gsettings", func(b []byte) { f.Add(string(b)) })
	f.Add("org.gnome.system.proxy mode 'manual'\norg.gnome.system.proxy.https host 'http://user:" + fuzzcheck.PasswordCore + "@proxy.example'\norg.gnome.system.proxy.https port 99999\n")
	f.Add("org.gnome.system.proxy mode 'auto'\norg.gnome.system.proxy autoconfig-url '\x1b]8;;http://evil\x1b\\\\pac'\norg.gnome.system.proxy ignore-hosts ['a', 'b\\'c', @as []]\n")
	f.Fuzz(func(t *testing.T, out string) {
		out = capString(out, maxCommandOutput)
		in := out + "\norg.gnome.system.proxy.http authentication-password '" + fuzzcheck.HiddenCore + "'\n"
		fuzzSettingsParser(t, in, parseGSettingsProxy, append(fuzzcheck.Planted(out), fuzzcheck.HiddenCore))
	})
}

// FuzzKioslaverc feeds KDE kioslaverc files.
func FuzzKioslaverc(f *testing.F) {
	seedFiles(f, "proxy/kioslaverc", func(b []byte) { f.Add(string(b)) })
	f.Add("[Proxy Settings]\nProxyType=1\nhttpsProxy=http://user:" + fuzzcheck.PasswordCore + "@proxy 3128\nhttpProxy[$e]=$HTTP_PROXY\nNoProxyFor=a,b\n")
	f.Fuzz(func(t *testing.T, content string) {
		content = capString(content, maxConfigFile)
		var d probes.ProxySettingsDetails
		var ok bool
		fuzzcheck.Within(t, func() { d, ok = parseKioslaverc(content) })
		if ok {
			checkProxySettings(t, d, fuzzcheck.Planted(content))
		}
	})
}

// FuzzScutilProxy feeds macOS `scutil --proxy` output.
func FuzzScutilProxy(f *testing.F) {
	seedFiles(f, "proxy/scutil-proxy", func(b []byte) { f.Add(string(b)) })
	f.Add("<dictionary> {\n  HTTPSEnable : 1\n  HTTPSProxy : user:" + fuzzcheck.PasswordCore + "@proxy\n  HTTPSPort : 70000\n  ExceptionsList : <array> {\n    0 : *.local\n  }\n}\n")
	f.Fuzz(func(t *testing.T, out string) {
		out = capString(out, maxCommandOutput)
		fuzzSettingsParser(t, out, parseScutilProxy, fuzzcheck.Planted(out))
	})
}

// FuzzNetshWinHTTP feeds `netsh winhttp show proxy` output, in any
// language and code page.
func FuzzNetshWinHTTP(f *testing.F) {
	seedFiles(f, "proxy/netsh", func(b []byte) { f.Add(string(b)) })
	f.Fuzz(func(t *testing.T, out string) {
		out = capString(out, maxCommandOutput)
		fuzzSettingsParser(t, out, parseNetshWinHTTP, fuzzcheck.Planted(out))
	})
}

// FuzzWinINETValues feeds the Internet Settings registry values:
// ProxyEnable, ProxyServer, ProxyOverride, AutoConfigURL and the binary
// DefaultConnectionSettings.
func FuzzWinINETValues(f *testing.F) {
	f.Add(true, uint32(1), "proxy.corp:8080", "<local>;*.corp", "", []byte(nil))
	f.Add(true, uint32(1), "http=h:1;https=[2001:db8::1]:443;socks=s:1080", "", "http://wpad/wpad.dat", []byte{0x46, 0, 0, 0, 2, 0, 0, 0, 0x0f, 0, 0, 0})
	f.Add(false, uint32(0), "", "", "http://user:"+fuzzcheck.PasswordCore+"@pac.corp/p.pac", []byte{1, 2, 3})
	f.Add(true, uint32(7), "https://user:"+fuzzcheck.PasswordCore+"@h:99999", "\x1b[2J", "", []byte(nil))
	f.Fuzz(func(t *testing.T, hasEnable bool, enable uint32, server, override, autoURL string, conn []byte) {
		v := winINETValues{ProxyServer: server, ProxyOverride: override, AutoConfigURL: autoURL, ConnectionSettings: conn}
		if hasEnable {
			v.ProxyEnable = &enable
		}
		var d probes.ProxySettingsDetails
		fuzzcheck.Within(t, func() { d = parseWinINETValues(v) })
		checkProxySettings(t, d, fuzzcheck.Planted(server, autoURL))
	})
}

// FuzzPAC feeds PAC scripts, read as production reads a file: URL (at
// most pacMaxBytes+1 bytes, then cut), summarised without running them.
// Invariants: at most pacMaxDirectives directives, each DIRECT or a known
// keyword and a value, clean strings.
func FuzzPAC(f *testing.F) {
	seedFiles(f, "proxy/pac", func(b []byte) { f.Add(b) })
	f.Add([]byte(`function FindProxyForURL(u, h) { if (shExpMatch(h, "*.openai.com")) return "PROXY a:1; SOCKS5 [::1]:1080; DIRECT"; return 'HTTPS \x1b]0;x\x07b:443'; }`))
	f.Fuzz(func(t *testing.T, script []byte) {
		script = capBytes(script, pacMaxBytes+1)
		w := probes.World{FS: fstest.MapFS{"etc/proxy.pac": {Data: script}}}
		var res probes.Result
		fuzzcheck.Within(t, func() { res = runPACProbe(t.Context(), w, "file:///etc/proxy.pac") })
		checkFuzzResult(t, res, nil)
		d, ok := res.Details.(*probes.PACDetails)
		if !ok {
			t.Fatalf("details %T", res.Details)
		}
		if len(d.Directives) > pacMaxDirectives || d.Bytes > pacMaxBytes {
			t.Fatalf("%d directives, %d bytes", len(d.Directives), d.Bytes)
		}
		for _, dir := range d.Directives {
			kw, val, _ := strings.Cut(dir, " ")
			switch kw {
			case "DIRECT", "PROXY", "SOCKS", "SOCKS4", "SOCKS5", "HTTP", "HTTPS":
			default:
				t.Fatalf("directive %q", dir)
			}
			if (kw == "DIRECT") != (val == "") {
				t.Fatalf("directive %q", dir)
			}
		}
	})
}

// FuzzProxyEnv feeds proxy environment variables (HTTPS_PROXY,
// http_proxy, ALL_PROXY, NO_PROXY) to the environment probe, which parses
// them as Go does and reports the proxy each target would use. A URL
// password planted in any must not survive.
func FuzzProxyEnv(f *testing.F) {
	f.Add("http://proxy.corp:3128", "", "", "localhost,.corp")
	f.Add("http://user:"+fuzzcheck.PasswordCore+"@proxy.corp:3128", "socks5://u:"+fuzzcheck.PasswordCore+"@[::1]:1080", "proxy:99999", "*")
	f.Add("proxy.corp", "\x1b]0;t\x07http://h:1", "https://[fe80::1%25en0]:443", ".openai.com, chatgpt.com")
	f.Add("user:"+fuzzcheck.PasswordCore+"@proxy:8080", "http://%zz", "", "")
	f.Fuzz(func(t *testing.T, httpsProxy, httpProxy, allProxy, noProxy string) {
		env := map[string]string{"HTTPS_PROXY": httpsProxy, "http_proxy": httpProxy, "ALL_PROXY": allProxy, "NO_PROXY": noProxy}
		for k, v := range env {
			if v == "" {
				delete(env, k)
			}
		}
		w := probes.World{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
		var res probes.Result
		fuzzcheck.Within(t, func() { res = runProxyEnvProbe(probes.DefaultConfig(), w) })
		checkFuzzResult(t, res, fuzzcheck.Planted(httpsProxy, httpProxy, allProxy, noProxy))
	})
}

func capString(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
