//go:build linux || darwin

package ptytest

import (
	"bytes"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/term"
)

// The harness is tested against this test binary itself, re-run as a tiny
// full-screen program (helperMain): no shell, no external tool.
const helperEnv = "PTYTEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		os.Exit(helperMain())
	}
	os.Exit(m.Run())
}

// helperMain enters the alternate screen, reports its size and every
// resize, echoes keys, and on q restores the terminal and exits 3.
func helperMain() int {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) || !term.IsTerminal(int(os.Stdout.Fd())) {
		fmt.Println("not a terminal")
		return 1
	}
	old, err := term.MakeRaw(fd)
	if err != nil {
		fmt.Println("raw:", err)
		return 1
	}
	defer term.Restore(fd, old) //nolint:errcheck
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	size := func(what string) {
		w, h, _ := term.GetSize(int(os.Stdout.Fd()))
		fmt.Printf("%s %dx%d\r\n", what, w, h)
	}
	fmt.Print("\x1b[?1049h\x1b[?25l")
	size("ready")
	keys := make(chan byte)
	go func() {
		b := make([]byte, 1)
		for {
			if n, err := os.Stdin.Read(b); n == 0 || err != nil {
				close(keys)
				return
			}
			keys <- b[0]
		}
	}()
	for {
		select {
		case <-winch:
			size("size")
		case k, ok := <-keys:
			if !ok || k == 'q' {
				fmt.Print("\x1b[?25h\x1b[?1049l")
				fmt.Print("bye\r\n")
				return 3
			}
			fmt.Printf("key %q\r\n", k)
		}
	}
}

func startHelper(t *testing.T) *Term {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Start(t, Options{Path: self, Env: Env(t.TempDir(), helperEnv+"=1"), Cols: 100, Rows: 30})
}

func TestTermDrawsKeysResizeAndRestore(t *testing.T) {
	tm := startHelper(t)
	tm.WaitText(0, "ready 100x30")
	if !tm.Emulator().IsAltScreen() || !tm.Emulator().CursorHidden() {
		t.Fatalf("the helper's alternate screen and hidden cursor are not on the emulator\n%s", tm.Dump())
	}
	tm.Type("j")
	tm.WaitText(0, `key 'j'`)

	tm.Resize(80, 24)
	tm.WaitText(0, "size 80x24")

	tm.Type("q")
	if code := tm.Exit(0); code != 3 {
		t.Fatalf("exit code %d, want 3\n%s", code, tm.Dump())
	}
	raw := tm.Raw()
	if !bytes.Contains(raw, []byte("\x1b[?1049l")) || !bytes.Contains(raw, []byte("\x1b[?25h")) {
		t.Errorf("raw stream lacks the restore sequences: %q", raw)
	}
	if tm.Emulator().IsAltScreen() || tm.Emulator().CursorHidden() {
		t.Errorf("terminal not restored\n%s", tm.Dump())
	}
	if !strings.Contains(tm.Screen(), "bye") {
		t.Errorf("the main screen lacks what was printed after leaving\n%s", tm.Dump())
	}
}

// A wait for something that never comes ends when the program does, not
// at the deadline, and says so.
func TestAwaitEndsWithTheProgram(t *testing.T) {
	tm := startHelper(t)
	tm.WaitText(0, "ready")
	tm.Type("q")
	_, err := tm.Await(DefaultWait*10, func(s string) bool { return strings.Contains(s, "never drawn") })
	if err == nil || !strings.Contains(err.Error(), "ended") {
		t.Fatalf("Await = %v, want an error saying the program ended", err)
	}
}
