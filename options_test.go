package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

func noEnv(string) (string, bool) { return "", false }

func parseCheck(t *testing.T, args ...string) (options, error) {
	t.Helper()
	return parseOptions(t, checkFlagSet(), args...)
}

// parseOptions parses args with p's flags and merges them into options,
// away from the developer's own configuration.
func parseOptions(t *testing.T, p *parsedFlags, args ...string) (options, error) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // never read the developer's own config
	pos, err := p.parse(args)
	if err != nil {
		return options{}, err
	}
	if len(pos) > 0 {
		t.Fatalf("unexpected positional %v", pos)
	}
	return p.options(noEnv)
}

func TestOptionsDefaults(t *testing.T) {
	o, err := parseCheck(t)
	if err != nil {
		t.Fatal(err)
	}
	def := probes.DefaultConfig()
	if len(o.cfg.Targets) != len(def.Targets) || o.cfg.StatusURL != def.StatusURL || o.cfg.Budget != probes.DefaultBudget ||
		o.cfg.DoHURL != def.DoHURL || len(o.cfg.Resolvers) != 2 || o.resolver != "" || o.connectTo != nil {
		t.Fatalf("defaults changed: %+v", o)
	}
}

func TestOptionsFlags(t *testing.T) {
	o, err := parseCheck(t,
		"--target", "https://example.com", "--target", "https://api.example.com/v1/models",
		"--timeout", "3s", "--status-url", "", "--resolver", "127.0.0.1",
		"--compare-resolver", "[::1]:5353", "--connect-to", "104.18.32.47:443=127.0.0.1:8443",
		"--egress-probe", "192.0.2.1:53", "--doh-url", "https://dns.example/dns-query",
		"--api-key-env", "MY_KEY", "--no-proxy", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.cfg.Targets) != 2 || o.cfg.Targets[0].Kind != probes.TargetWeb || o.cfg.Targets[1].Kind != probes.TargetAPI {
		t.Fatalf("targets %+v", o.cfg.Targets)
	}
	if o.cfg.Targets[0].URL != "https://example.com/" {
		t.Fatalf("target URL not normalised: %s", o.cfg.Targets[0].URL)
	}
	if o.cfg.Budget != 3*time.Second || o.cfg.StatusURL != "" || o.resolver != "127.0.0.1:53" ||
		o.cfg.Resolvers[0] != "[::1]:5353" || o.connectTo["104.18.32.47:443"] != "127.0.0.1:8443" ||
		o.cfg.EgressProbes[0] != "192.0.2.1:53" || o.cfg.APIKeyEnv != "MY_KEY" || !o.cfg.BypassProxy || !o.json {
		t.Fatalf("flags not applied: %+v", o)
	}
}

func TestOptionsConfigFileAndFlagPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "c.toml")
	if err := os.WriteFile(cfgPath, []byte(`
targets = ["https://from-file.example/"]
timeout = "4s"
resolver = "10.0.0.53"
status_url = ""
api_key_env = "FILE_KEY"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := parseCheck(t, "--config", cfgPath, "--timeout", "2s")
	if err != nil {
		t.Fatal(err)
	}
	if o.cfg.Targets[0].URL != "https://from-file.example/" || o.resolver != "10.0.0.53:53" ||
		o.cfg.StatusURL != "" || o.cfg.APIKeyEnv != "FILE_KEY" {
		t.Fatalf("file not applied: %+v", o.cfg)
	}
	if o.cfg.Budget != 2*time.Second {
		t.Fatalf("flag must win over file: budget %s", o.cfg.Budget)
	}
	if o.configPath != cfgPath {
		t.Fatalf("configPath %q", o.configPath)
	}
}

// TestOptionsEmptyListMeansNone: an explicit empty value turns the
// comparison resolvers and egress probes off, by flag or in the file, so a
// network that forbids queries to public resolvers can stop them; an absent
// key keeps the defaults, and a flag still wins over the file.
func TestOptionsEmptyListMeansNone(t *testing.T) {
	writeConfig := func(t *testing.T, body string) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "c.toml")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	none := writeConfig(t, "resolvers = []\negress_probes = []\n")
	tests := []struct {
		name                string
		args                []string
		resolvers, egresses int
	}{
		{"flags", []string{"--compare-resolver", "", "--egress-probe", ""}, 0, 0},
		{"file", []string{"--config", none}, 0, 0},
		{"key absent keeps the defaults", []string{"--config", writeConfig(t, "timeout = \"4s\"\n")}, 2, 2},
		{"flag wins over the file", []string{"--config", none, "--compare-resolver", "9.9.9.9"}, 1, 0},
		{"empty entries are dropped", []string{"--compare-resolver", "", "--compare-resolver", "9.9.9.9"}, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseCheck(t, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if len(o.cfg.Resolvers) != tt.resolvers || len(o.cfg.EgressProbes) != tt.egresses {
				t.Fatalf("resolvers %q, egress probes %q; want %d and %d", o.cfg.Resolvers, o.cfg.EgressProbes, tt.resolvers, tt.egresses)
			}
		})
	}
}

// TestOptionsListsMerge: connect_to and ca_files add to the flags (file
// first) instead of being replaced by them, as the README says.
func TestOptionsListsMerge(t *testing.T) {
	dir := t.TempDir()
	fileCA, flagCA := filepath.Join(dir, "file.pem"), filepath.Join(dir, "flag.pem")
	for _, f := range []string{fileCA, flagCA} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfgPath := filepath.Join(dir, "c.toml")
	body := fmt.Sprintf("connect_to = [\"192.0.2.1:443=127.0.0.1:1\"]\nca_files = [%q]\n", fileCA)
	if err := os.WriteFile(cfgPath, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := parseCheck(t, "--config", cfgPath, "--connect-to", "192.0.2.2:443=127.0.0.1:2", "--ca-file", flagCA)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.connectTo) != 2 || !slices.Equal(o.caFiles, []string{fileCA, flagCA}) {
		t.Fatalf("connect-to %v, CA files %q", o.connectTo, o.caFiles)
	}
}

func TestOptionsDefaultConfigLocation(t *testing.T) {
	xdg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdg, "gptdoctor"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(xdg, "gptdoctor", "config.toml"), []byte(`api_key_env = "XDG_KEY"`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CONFIG_HOME", xdg)
	if os.Getenv("HOME") == "" {
		t.Setenv("HOME", t.TempDir())
	}
	p := checkFlagSet()
	if _, err := p.parse(nil); err != nil {
		t.Fatal(err)
	}
	o, err := p.options(noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if o.cfg.APIKeyEnv != "XDG_KEY" {
		t.Skipf("config dir is not XDG on this OS: %+v", o.cfg.APIKeyEnv)
	}
}

func TestOptionsErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag --bogus"},
		{[]string{"--timeout", "soon"}, `--timeout "soon": not a duration (write it like 8s, 500ms or 1m)`},
		{[]string{"--json=maybe"}, `--json "maybe": want true or false`},
		{[]string{"--timeout", "-1s"}, "--timeout"},
		{[]string{"--timeout", "1h"}, "--timeout"},
		{[]string{"--target", "chatgpt.com"}, "scheme must be http or https"},
		{[]string{"--target", "https://"}, "no host"},
		{[]string{"--target", "https://u:p@chatgpt.com/"}, "credentials"},
		{[]string{"--status-url", "status.openai.com"}, "--status-url"},
		{[]string{"--doh-url", "http://cloudflare-dns.com/dns-query"}, "--doh-url"},
		{[]string{"--resolver", "dns.google"}, "--resolver"},
		{[]string{"--compare-resolver", "1.1.1.1:dns"}, "--compare-resolver"},
		{[]string{"--connect-to", "a=b"}, "connect-to"},
		{[]string{"--egress-probe", "1.1.1.1"}, "--egress-probe"},
		{[]string{"--ca-file", "/does/not/exist.pem"}, "/does/not/exist.pem"},
		{[]string{"--api-key-env", "OPENAI API KEY"}, "--api-key-env"},
		{[]string{"--config", "/does/not/exist.toml"}, "exist.toml"},
	}
	for _, tt := range tests {
		_, err := parseCheck(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want it to mention %q", tt.args, err, tt.want)
			continue
		}
		if _, ok := err.(usageError); !ok {
			t.Errorf("%v: %T is not a usage error (exit code 2)", tt.args, err)
		}
	}
}

func TestBadCAFileContent(t *testing.T) {
	f := filepath.Join(t.TempDir(), "notpem.pem")
	if err := os.WriteFile(f, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := parseCheck(t, "--ca-file", f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loadTrust(o); err == nil || !strings.Contains(err.Error(), "no PEM certificates") {
		t.Fatalf("loadTrust = %v", err)
	}
}

func TestParseInterleavesPositionals(t *testing.T) {
	var df demoFlags
	p := demoFlagSet(&df)
	pos, err := p.parse([]string{"block-1020", "--json", "--timeout", "2s"})
	if err != nil || len(pos) != 1 || pos[0] != "block-1020" || !p.json || p.timeout != 2*time.Second {
		t.Fatalf("pos %v json %v timeout %v err %v", pos, p.json, p.timeout, err)
	}
}

func TestNearestScenario(t *testing.T) {
	for in, want := range map[string]string{"blok-1020": "block-1020", "healty": "healthy", "dns-hij": "dns-hijack", "zzzz": "", "api-429": "api-429-rate or api-429-quota"} {
		if got := nearestScenario(in); got != want {
			t.Errorf("nearestScenario(%q) = %q, want %q", in, got, want)
		}
	}
}
