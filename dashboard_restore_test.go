//go:build linux || darwin

package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/creack/pty"
	"golang.org/x/term"
)

// A panic outside Bubble Tea's own recovery still leaves the terminal as
// it was: the saved tty mode comes back, the escape sequences that undo a
// full-screen program are written, and the panic becomes a one-line error.
func TestRunRestoringAfterAPanic(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	fd := int(tty.Fd())
	cooked, err := term.GetState(fd)
	if err != nil {
		t.Fatal(err)
	}
	read := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(ptmx) // until the tty side closes
		read <- b
	}()

	err = runRestoring(tty, tty, func() error {
		if _, err := term.MakeRaw(fd); err != nil {
			t.Error(err)
		}
		tty.WriteString("\x1b[?1049h\x1b[?25l")
		panic("boom")
	})
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("runRestoring = %v, want the panic as an error", err)
	}
	now, err := term.GetState(fd)
	if err != nil {
		t.Fatal(err)
	}
	if *now != *cooked {
		t.Errorf("the tty mode was not restored after the panic")
	}
	tty.Close()
	out := <-read
	if !bytes.Contains(out, []byte(leaveFullScreen)) {
		t.Errorf("no sequences leaving the alternate screen after the panic: %q", out)
	}
}
