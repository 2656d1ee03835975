package collect

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

// proxyWant is the part of ProxySettingsDetails a parser table checks.
type proxyWant struct {
	mode, http, https, socks, pac string
	bypass                        []string
	autoDetect                    bool
	note                          string // substring of some note
}

func checkSettings(t *testing.T, got probes.ProxySettingsDetails, w proxyWant) {
	t.Helper()
	if got.Mode != w.mode || got.HTTP != w.http || got.HTTPS != w.https || got.SOCKS != w.socks || got.PACURL != w.pac {
		t.Errorf("got mode=%q http=%q https=%q socks=%q pac=%q; want %+v", got.Mode, got.HTTP, got.HTTPS, got.SOCKS, got.PACURL, w)
	}
	if !slices.Equal(got.Bypass, w.bypass) {
		t.Errorf("bypass = %q, want %q", got.Bypass, w.bypass)
	}
	if got.AutoDetect != w.autoDetect {
		t.Errorf("auto-detect = %v, want %v", got.AutoDetect, w.autoDetect)
	}
	if w.note != "" && !strings.Contains(strings.Join(got.Notes, "|"), w.note) {
		t.Errorf("notes %q lack %q", got.Notes, w.note)
	}
}

func TestParseGSettingsProxy(t *testing.T) {
	cases := map[string]proxyWant{
		"none.txt": {mode: "none"},
		"manual-auth.txt": {mode: "manual", http: "proxy.corp.example:3128", https: "proxy.corp.example:3129", socks: "10.0.0.9:1080",
			bypass: []string{"localhost", "127.0.0.0/8", "::1", "*.corp.example", ".internal"}, note: "credentials not shown"},
		"manual-http-only-ipv6.txt": {mode: "manual", http: "[2001:db8::3128]:3128"},
		"auto.txt":                  {mode: "auto", pac: "http://wpad.corp.example/proxy.pac", bypass: []string{"localhost", "it's.example"}},
		"wpad.txt":                  {mode: "wpad", autoDetect: true, bypass: []string{"localhost"}},
		"manual-url-in-host.txt":    {mode: "manual", http: "proxy.example:8080"},
	}
	for file, want := range cases {
		t.Run(file, func(t *testing.T) {
			out := readTestdataString(t, "proxy", "gsettings", file)
			got, err := parseGSettingsProxy(out)
			if err != nil {
				t.Fatal(err)
			}
			if got.Source != "gsettings" {
				t.Errorf("source %q", got.Source)
			}
			checkSettings(t, got, want)
			b, _ := json.Marshal(got)
			for _, secret := range []string{"hunter2", "alice", "bob", ":pw"} {
				if strings.Contains(string(b), secret) {
					t.Errorf("result carries %q: %s", secret, b)
				}
			}
		})
	}
	if _, err := parseGSettingsProxy(readTestdataString(t, "proxy", "gsettings", "empty.txt")); err == nil {
		t.Error("empty output accepted")
	}
}

func TestGVariantValues(t *testing.T) {
	if got := gvariantString(`'it\'s'`); got != "it's" {
		t.Errorf("escaped quote: %q", got)
	}
	if got := gvariantStrings(`['a', "b'c", 'd\\e']`); !reflect.DeepEqual(got, []string{"a", "b'c", `d\e`}) {
		t.Errorf("array: %q", got)
	}
	if got := gvariantStrings("@as []"); got != nil {
		t.Errorf("empty typed array: %q", got)
	}
	if got := gvariantNumber("uint32 8080"); got != "8080" {
		t.Errorf("typed number: %q", got)
	}
}

func TestParseKioslaverc(t *testing.T) {
	cases := map[string]struct {
		want       proxyWant
		configured bool
	}{
		"none": {proxyWant{mode: "none"}, true},
		"manual-space": {proxyWant{mode: "manual", http: "proxy.corp.example:3128", https: "proxy.corp.example:3129", socks: "10.0.0.9:1080",
			bypass: []string{"localhost", "127.0.0.1", ".corp.example"}}, true},
		"manual-colon": {proxyWant{mode: "manual", http: "proxy.corp.example:8080", https: "[2001:db8::1]:8443", note: "ReversedException"}, true},
		"pac":          {proxyWant{mode: "auto", pac: "http://wpad.corp.example/proxy.pac"}, true},
		"wpad":         {proxyWant{mode: "wpad", autoDetect: true}, true},
		"env":          {proxyWant{mode: "env", note: "httpsProxy is taken from the environment variable HTTPS_PROXY"}, true},
		"no-group":     {proxyWant{mode: "none"}, false},
		"empty":        {proxyWant{mode: "none"}, false},
	}
	for file, c := range cases {
		t.Run(file, func(t *testing.T) {
			got, configured := parseKioslaverc(readTestdataString(t, "proxy", "kioslaverc", file))
			if configured != c.configured {
				t.Errorf("configured = %v, want %v", configured, c.configured)
			}
			checkSettings(t, got, c.want)
			if b, _ := json.Marshal(got); strings.Contains(string(b), "s3cret") {
				t.Errorf("password leaked: %s", b)
			}
		})
	}
}

func TestKDEProxyValue(t *testing.T) {
	for in, want := range map[string]string{
		"http://proxy 8080":          "proxy:8080",
		"proxy 8080":                 "proxy:8080",
		"http://proxy:8080":          "proxy:8080",
		"http://u:p@proxy:8080":      "proxy:8080",
		"http://u:p@proxy 8080":      "proxy:8080",
		"socks://[2001:db8::1] 1080": "[2001:db8::1]:1080",
		"proxy":                      "proxy:80",
		"":                           "",
	} {
		if got := kdeProxyValue(in, "http"); got != want {
			t.Errorf("kdeProxyValue(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestProxyHostPort: every desktop source's proxy comes out as host:port,
// so a proxy without a port compares equal to Go's proxy URL with the
// default port.
func TestProxyHostPort(t *testing.T) {
	cases := []struct{ v, port, scheme, want string }{
		{"proxy.corp", "", "http", "proxy.corp:80"},
		{"proxy.corp", "", "https", "proxy.corp:80"},
		{"proxy.corp", "", "socks", "proxy.corp:1080"},
		{"proxy.corp", "3128", "http", "proxy.corp:3128"},
		{"HTTP://Alice:pw@Proxy.Corp:3128/", "", "http", "proxy.corp:3128"},
		{"http://user:pa/ss@proxy:3128", "", "http", "proxy:3128"},
		{"http://proxy.corp/", "8080", "http", "proxy.corp:8080"},
		{"[2001:db8::1]", "", "http", "[2001:db8::1]:80"},
		{"2001:db8::1", "3128", "http", "[2001:db8::1]:3128"},
		{"[2001:db8::1]:8443", "", "https", "[2001:db8::1]:8443"},
		{"  ", "3128", "http", ""},
		{"", "", "socks", ""},
	}
	for _, c := range cases {
		if got := proxyHostPort(c.v, c.port, c.scheme); got != c.want {
			t.Errorf("proxyHostPort(%q, %q, %q) = %q, want %q", c.v, c.port, c.scheme, got, c.want)
		}
	}
}

func TestParseScutilProxy(t *testing.T) {
	cases := map[string]proxyWant{
		"none.txt": {mode: "none"},
		"manual.txt": {mode: "manual", http: "proxy.corp.example:3128", https: "proxy.corp.example:3129",
			bypass: []string{"*.local", "169.254/16", ".corp.example"}, note: "simple host names"},
		"pac.txt":               {mode: "auto", pac: "http://wpad.corp.example/proxy.pac", bypass: []string{"*.local"}},
		"scoped-socks-ipv6.txt": {mode: "manual", socks: "[::1]:1080", bypass: []string{"127.0.0.1", "localhost"}, note: "scoped) proxy settings exist for utun3, en0"},
		"wpad.txt":              {mode: "wpad", autoDetect: true},
	}
	for file, want := range cases {
		t.Run(file, func(t *testing.T) {
			got, err := parseScutilProxy(readTestdataString(t, "proxy", "scutil-proxy", file))
			if err != nil {
				t.Fatal(err)
			}
			checkSettings(t, got, want)
		})
	}
	if _, err := parseScutilProxy(readTestdataString(t, "proxy", "scutil-proxy", "empty.txt")); err == nil {
		t.Error("empty output accepted")
	}
}

func TestParseNetshWinHTTP(t *testing.T) {
	cases := map[string]proxyWant{
		"direct-en.txt":       {mode: "none"},
		"direct-fr.txt":       {mode: "none"},
		"direct-fr-cp850.txt": {mode: "none"},
		"proxy-en.txt":        {mode: "manual", http: "10.0.0.1:3128", https: "10.0.0.1:3128", bypass: []string{"<local>", "*.corp.example"}},
		"per-scheme-en.txt":   {mode: "manual", http: "proxy.corp.example:8080", https: "secure.corp.example:8443", socks: "10.0.0.9:1080"},
		"proxy-fr.txt":        {mode: "manual", http: "proxy.local:8080", https: "proxy.local:8080"},
		"proxy-de-ipv6.txt":   {mode: "manual", http: "[2001:db8::1]:8080", https: "[2001:db8::1]:8080", bypass: []string{"<local>"}},
	}
	for file, want := range cases {
		t.Run(file, func(t *testing.T) {
			got, err := parseNetshWinHTTP(readTestdataString(t, "proxy", "netsh", file))
			if err != nil {
				t.Fatal(err)
			}
			if got.Source != "winhttp" {
				t.Errorf("source %q", got.Source)
			}
			checkSettings(t, got, want)
		})
	}
	for _, bad := range []string{"empty.txt", "error.txt"} {
		if _, err := parseNetshWinHTTP(readTestdataString(t, "proxy", "netsh", bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestParseWinINETValues(t *testing.T) {
	cases := map[string]proxyWant{
		"default-autodetect.json": {mode: "none", autoDetect: true, note: "Automatically detect settings is on"},
		"manual-single.json": {mode: "manual", http: "proxy.corp.example:8080", https: "proxy.corp.example:8080",
			bypass: []string{"<local>", "*.corp.example", "10.*"}},
		"manual-per-scheme.json":         {mode: "manual", http: "proxy.corp.example:8080", https: "secure.corp.example:8443", socks: "10.0.0.9:1080"},
		"manual-ipv6-scheme-prefix.json": {mode: "manual", http: "[2001:db8::5]:3128", https: "[2001:db8::5]:3128"},
		"pac-over-manual.json": {mode: "auto", http: "proxy.corp.example:8080", https: "proxy.corp.example:8080",
			pac: "http://wpad.corp.example/proxy.pac", note: "setup script takes precedence"},
		"pac-switched-off.json":      {mode: "none", note: "switched off"},
		"enable-without-server.json": {mode: "none"},
		"empty.json":                 {mode: "none"},
	}
	for file, want := range cases {
		t.Run(file, func(t *testing.T) {
			var v winINETValues
			if err := json.Unmarshal([]byte(readTestdataString(t, "proxy", "wininet", file)), &v); err != nil {
				t.Fatal(err)
			}
			checkSettings(t, parseWinINETValues(v), want)
		})
	}
	if _, ok := parseWinINETConnectionFlags([]byte{1, 2, 3}); ok {
		t.Error("short blob accepted")
	}
}

func TestParseWinINETProxyServer(t *testing.T) {
	cases := map[string][3]string{
		"proxy:8080":                   {"proxy:8080", "proxy:8080", ""},
		"http=a:1;https=b:2;socks=c:3": {"a:1", "b:2", "c:3"},
		"https=b:2":                    {"", "b:2", ""},
		"fallback:80;https=b:2":        {"fallback:80", "b:2", ""},
		"http://user:pw@proxy:3128/":   {"proxy:3128", "proxy:3128", ""},
		"HTTP=a:1; HTTPS=b:2":          {"a:1", "b:2", ""},
		"proxy.corp;socks=s":           {"proxy.corp:80", "proxy.corp:80", "s:1080"},
		"":                             {"", "", ""},
	}
	for in, want := range cases {
		h, s, so := parseWinINETProxyServer(in)
		if [3]string{h, s, so} != want {
			t.Errorf("ParseWinINETProxyServer(%q) = %q %q %q, want %q", in, h, s, so, want)
		}
	}
}

func TestParsePACDirectives(t *testing.T) {
	cases := map[string]struct {
		want   []string
		openai bool
	}{
		"corp.pac":      {[]string{"DIRECT", "PROXY ai-egress.corp.example:3128", "PROXY proxy.corp.example:8080", "SOCKS5 10.0.0.9:1080"}, true},
		"all-proxy.pac": {[]string{"HTTPS secure.corp.example:443", "PROXY backup.corp.example:3128"}, false},
		"computed.pac":  {nil, false},
	}
	for file, c := range cases {
		script := readTestdataString(t, "proxy", "pac", file)
		if got := parsePACDirectives(script); !slices.Equal(got, c.want) {
			t.Errorf("%s: directives %q, want %q", file, got, c.want)
		}
		if got := pacMentionsOpenAI(script); got != c.openai {
			t.Errorf("%s: mentions OpenAI = %v", file, got)
		}
	}
	if got := parsePACDirectives("return \"PROXY \x1b[31mevil:1\";"); len(got) != 1 || got[0] != "PROXY evil:1" {
		t.Errorf("escape sequence kept: %q", got)
	}
}
