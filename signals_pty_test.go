//go:build linux || darwin

package main

import (
	"os"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/internal/ptytest"
)

// The headless commands stopped by a signal on a terminal, where their
// progress line shows the run under way: check against the lab (its flags
// and environment point the binary at the test's lab), and report --demo
// before it writes. Each ends with 128 plus the signal's number, clears
// its progress line and leaves nothing in the directory.
func TestSignalDuringHeadlessRun(t *testing.T) {
	l, err := lab.Start("blackhole", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	commands := map[string][]string{
		"check":  append([]string{"check"}, l.Args()...),
		"report": {"report", "--demo", "blackhole", "-o", "r.md"},
	}
	for name, args := range commands {
		for _, s := range stopSignalsUnderTest {
			t.Run(name+"/"+s.sig.String(), func(t *testing.T) {
				t.Parallel()
				home := t.TempDir()
				tm := ptytest.Start(t, ptytest.Options{Path: binPath, Args: args, Env: ptytest.Env(home, l.Env()...)})
				tm.WaitText(0, "Probing…")
				tm.Signal(s.sig)
				if code := tm.Exit(0); code != s.code {
					t.Errorf("exit %d after %v, want %d\n%s", code, s.sig, s.code, tm.Dump())
				}
				if strings.Contains(tm.Screen(), "Probing…") {
					t.Errorf("the progress line stays on the terminal\n%s", tm.Dump())
				}
				entries, err := os.ReadDir(tm.Dir())
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range entries {
					t.Errorf("%s left in the directory", e.Name())
				}
			})
		}
	}
}
