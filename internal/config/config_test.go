package config

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestParseFullFile(t *testing.T) {
	src := `
targets = ["https://chatgpt.com/", "https://api.openai.com/v1/models"]
timeout = "12s"
status_url = ""
resolver = "10.0.0.53:53"
resolvers = ["10.0.0.1:53"]
doh_url = "https://dns.corp.example/dns-query"
captive_url = "http://captive.corp.example/ok"
egress_probes = ["10.0.0.1:53"]
connect_to = ["104.18.32.47:443=10.1.1.1:443"]
ca_files = ["/etc/corp/inspection.pem"]
public_ca_file = "/etc/corp/mozilla.pem"
api_key_env = "CORP_OPENAI_KEY"
interval = "2m"
mouse = true
`
	f, err := Parse("test.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Targets) != 2 || f.Timeout != "12s" || f.StatusURL == nil || *f.StatusURL != "" ||
		f.Resolver != "10.0.0.53:53" || f.DoHURL == nil || f.APIKeyEnv != "CORP_OPENAI_KEY" ||
		len(f.ConnectTo) != 1 || len(f.CAFiles) != 1 || f.PublicCAFile == "" || f.CaptiveURL == nil ||
		f.Interval != "2m" || f.Mouse == nil || !*f.Mouse {
		t.Fatalf("decoded %+v", f)
	}
}

func TestParseErrorsNameTheProblem(t *testing.T) {
	tests := []struct{ src, want string }{
		{`targets = "https://x/"`, "test.toml"},
		{`tiemout = "8s"`, "unknown key tiemout"},
		{"resolver = \n", "line 1"},
		{`[section]` + "\nx = 1", "unknown key"},
		{`mouse = "yes"`, "mouse"},
	}
	for _, tt := range tests {
		_, err := Parse("test.toml", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error = %v, want it to mention %q", tt.src, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error is not one line: %q", err)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	dir := t.TempDir()
	f, err := Load(filepath.Join(dir, "nope.toml"), false)
	if err != nil || f.Path != "" {
		t.Fatalf("missing optional file: %+v, %v", f, err)
	}
	if _, err := Load(filepath.Join(dir, "nope.toml"), true); err == nil || !strings.Contains(err.Error(), "nope.toml") {
		t.Fatalf("missing named file: %v", err)
	}
	p := filepath.Join(dir, "c.toml")
	if err := os.WriteFile(p, []byte(`api_key_env = "K"`), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err = Load(p, true)
	if err != nil || f.APIKeyEnv != "K" || f.Path != p {
		t.Fatalf("Load = %+v, %v", f, err)
	}
}

func TestDefaultPathHonoursXDG(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CONFIG_HOME applies on Linux")
	}
	t.Setenv("XDG_CONFIG_HOME", "/tmp/xdg-test")
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if p != "/tmp/xdg-test/gptdoctor/config.toml" {
		t.Fatalf("DefaultPath = %s", p)
	}
}

// TestParseEmptyListIsNotAbsent: the command line tells "none" (an empty
// list) from "not set" (no key) by nil-ness, so the decoder must keep it.
func TestParseEmptyListIsNotAbsent(t *testing.T) {
	f, err := Parse("test.toml", []byte("resolvers = []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Resolvers == nil || len(f.Resolvers) != 0 || f.EgressProbes != nil {
		t.Fatalf("resolvers %#v, egress_probes %#v", f.Resolvers, f.EgressProbes)
	}
}
