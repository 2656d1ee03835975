package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func parseDashboard(t *testing.T, args ...string) (options, error) {
	t.Helper()
	return parseOptions(t, dashboardFlagSet(), args...)
}

func TestDashboardOptionsDefaults(t *testing.T) {
	o, err := parseDashboard(t, "--timeout", "8s")
	if err != nil {
		t.Fatal(err)
	}
	if o.interval != defaultInterval || o.mouse || o.cfg.Budget != 8*time.Second {
		t.Fatalf("interval %s mouse %v budget %s", o.interval, o.mouse, o.cfg.Budget)
	}
	o, err = parseDashboard(t, "--interval", "0", "--mouse")
	if err != nil || o.interval != 0 || !o.mouse {
		t.Fatalf("--interval 0 --mouse: interval %s mouse %v err %v", o.interval, o.mouse, err)
	}
}

// An interval below 10 s is refused with the reason: re-running that often
// is itself a cause of 1015 blocks.
func TestDashboardIntervalLimits(t *testing.T) {
	for _, tt := range []struct {
		arg  string
		want string
	}{
		{"5s", "1015"},
		{"9.9s", "at least 10s"},
		{"-1m", "at least 10s"},
		{"48h", "at most 24h"},
		{"soon", "not a duration"},
	} {
		_, err := parseDashboard(t, "--interval", tt.arg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("--interval %s: error %v, want it to mention %q", tt.arg, err, tt.want)
			continue
		}
		if _, ok := err.(usageError); !ok || strings.Contains(err.Error(), "\n") {
			t.Errorf("--interval %s: %T %q is not a one-line usage error", tt.arg, err, err)
		}
	}
	if _, err := parseDashboard(t, "--interval", "10s"); err != nil {
		t.Errorf("--interval 10s refused: %v", err)
	}
}

// The configuration file sets interval and mouse; flags win.
func TestDashboardOptionsFromConfig(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(cfg, []byte("interval = \"2m\"\nmouse = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := parseDashboard(t, "--config", cfg)
	if err != nil || o.interval != 2*time.Minute || !o.mouse {
		t.Fatalf("from the file: interval %s mouse %v err %v", o.interval, o.mouse, err)
	}
	o, err = parseDashboard(t, "--config", cfg, "--interval", "0", "--mouse=false")
	if err != nil || o.interval != 0 || o.mouse {
		t.Fatalf("flags over the file: interval %s mouse %v err %v", o.interval, o.mouse, err)
	}
	if err := os.WriteFile(cfg, []byte("interval = \"3s\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := parseDashboard(t, "--config", cfg); err == nil || !strings.Contains(err.Error(), cfg) || !strings.Contains(err.Error(), "1015") {
		t.Fatalf("a 3s interval in the file: %v, want the file named and the reason", err)
	}
}

// check keeps its own flags: the dashboard's are not check's.
func TestCheckHasNoDashboardFlags(t *testing.T) {
	if _, err := parseCheck(t, "--interval", "1m"); err == nil || !strings.Contains(err.Error(), "unknown flag --interval") {
		t.Fatalf("check --interval: %v", err)
	}
}

// Off a terminal, `gptdoctor` with flags behaves as check: a bad value is
// a one-line usage error before anything is probed, and stray arguments
// are refused.
func TestDefaultCommandUsageErrors(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, args := range [][]string{
		{"--interval", "1s"},
		{"--mouse=maybe"},
		{"--timeout", "8s", "extra"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, &out, &errOut)
		if code != exitCannotRun || out.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q", args, code, out.String())
		}
		if lines := strings.Split(strings.TrimSpace(errOut.String()), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], "gptdoctor: ") {
			t.Errorf("%v: stderr %q", args, errOut.String())
		}
	}
}

func TestDashboardHelpListsItsFlags(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"--timeout", "8s", "--help"}, &out, &out); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"--interval", "--mouse", "--timeout", "dashboard"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %s:\n%s", want, out.String())
		}
	}
}
