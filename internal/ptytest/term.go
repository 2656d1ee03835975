//go:build linux || darwin

package ptytest

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// DefaultWait bounds a wait when the caller gives none. It is a ceiling
// for a failing test, not a pause: a wait returns as soon as the screen
// matches.
const DefaultWait = 10 * time.Second

// Options says what to run and in which terminal.
type Options struct {
	// Path is the program; Args its arguments (without the program name).
	Path string
	Args []string
	// Env is the program's whole environment; nil means Env(tb.TempDir()).
	Env []string
	// Dir is the working directory; "" means a fresh temporary directory,
	// so anything the program writes there is the test's alone.
	Dir string
	// Cols and Rows are the terminal's size; 0 means 100×30.
	Cols, Rows int
	// Background is what the terminal answers when asked for its
	// background colour (nil: the emulator's default, black).
	Background color.Color
	// Stderr, when set, receives the program's standard error instead of
	// the terminal, so a test can read messages printed around the
	// full-screen part.
	Stderr io.Writer
}

// Term is one program running in a pseudo-terminal, drawn on an emulated
// screen. Its methods fail the test (with a dump of the screen) rather
// than return errors.
type Term struct {
	tb  testing.TB
	cmd *exec.Cmd
	pty *os.File
	em  *vt.SafeEmulator
	dir string

	// Started is when the program was started: the origin of start-up
	// measurements.
	Started time.Time

	mu     sync.Mutex
	raw    bytes.Buffer  // every byte the program wrote to the terminal
	notify chan struct{} // closed and replaced on every write and at exit

	exited  chan struct{} // closed when the process has been reaped
	state   *os.ProcessState
	waitErr error
	outDone chan struct{} // closed when the terminal's output is drained
	inDone  chan struct{} // closed when the input copier has stopped
	closing sync.Once
}

// Env is a hermetic environment for a program under test: no proxy, no
// API key, no user configuration (HOME and XDG_CONFIG_HOME point into
// home), a UTF-8 locale and an xterm-256color terminal; extra entries come
// last and win.
func Env(home string, extra ...string) []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"LANG=C.UTF-8",
		"TERM=xterm-256color",
	}, extra...)
}

// Start runs the program in a new pseudo-terminal. It skips the test when
// the system cannot open one, and stops the program (if still running)
// and releases the terminal when the test ends.
func Start(tb testing.TB, o Options) *Term {
	tb.Helper()
	if o.Cols <= 0 {
		o.Cols = 100
	}
	if o.Rows <= 0 {
		o.Rows = 30
	}
	if o.Env == nil {
		o.Env = Env(tb.TempDir())
	}
	if o.Dir == "" {
		o.Dir = tb.TempDir()
	}
	ptmx, tty, err := pty.Open()
	if err != nil {
		tb.Skipf("ptytest: this system cannot open a pseudo-terminal: %v", err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Cols: uint16(o.Cols), Rows: uint16(o.Rows)}); err != nil {
		ptmx.Close()
		tty.Close()
		tb.Skipf("ptytest: set the pseudo-terminal's size: %v", err)
	}

	cmd := exec.Command(o.Path, o.Args...)
	cmd.Env, cmd.Dir = o.Env, o.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	if o.Stderr != nil {
		cmd.Stderr = o.Stderr
	}
	// A session of its own with the pty as controlling terminal: what a
	// shell gives a program, and what makes the kernel deliver SIGWINCH.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}

	em := vt.NewSafeEmulator(o.Cols, o.Rows)
	if o.Background != nil {
		em.SetDefaultBackgroundColor(o.Background)
	}
	t := &Term{
		tb: tb, cmd: cmd, pty: ptmx, em: em, dir: o.Dir,
		notify:  make(chan struct{}),
		exited:  make(chan struct{}),
		outDone: make(chan struct{}),
		inDone:  make(chan struct{}),
	}
	t.Started = time.Now()
	err = cmd.Start()
	tty.Close() // the child holds its own copy; ours would keep the pty open after it exits
	if err != nil {
		ptmx.Close()
		tb.Fatalf("ptytest: start %s: %v", o.Path, err)
	}
	go t.readOutput()
	go t.writeInput()
	go func() {
		err := cmd.Wait()
		t.mu.Lock()
		t.state, t.waitErr = cmd.ProcessState, err
		t.mu.Unlock()
		close(t.exited)
		t.bump()
	}()
	tb.Cleanup(t.Close)
	return t
}

// readOutput copies what the program draws onto the screen (and keeps the
// raw stream) until the terminal closes.
func (t *Term) readOutput() {
	defer close(t.outDone)
	defer t.bump()
	buf := make([]byte, 32*1024)
	for {
		n, err := t.pty.Read(buf)
		if n > 0 {
			t.mu.Lock()
			t.raw.Write(buf[:n])
			t.mu.Unlock()
			t.em.Write(buf[:n])
			t.bump()
		}
		if err != nil {
			return // EIO once the program and its children have closed the terminal
		}
	}
}

// writeInput sends keys typed on the emulator and its answers to the
// program's queries (cursor position, background colour) to the program.
func (t *Term) writeInput() {
	defer close(t.inDone)
	io.Copy(t.pty, t.em) //nolint:errcheck // ends when the input pipe is closed
}

// bump wakes every wait: the screen or the process changed.
func (t *Term) bump() {
	t.mu.Lock()
	close(t.notify)
	t.notify = make(chan struct{})
	t.mu.Unlock()
}

func (t *Term) changed() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.notify
}

// Close stops the program if it still runs and releases the terminal. The
// test's cleanup calls it; a benchmark that starts the program b.N times
// calls it after each so descriptors do not pile up.
func (t *Term) Close() { t.closing.Do(t.close) }

func (t *Term) close() {
	select {
	case <-t.exited:
	default:
		t.cmd.Process.Kill() //nolint:errcheck // it may have exited since
		<-t.exited
	}
	t.pty.Close()
	<-t.outDone
	// Closing the emulator's input pipe ends the input copier; Close on
	// the emulator itself would race with its readers.
	if c, ok := t.em.InputPipe().(io.Closer); ok {
		c.Close()
	}
	<-t.inDone
}

// Dir is the program's working directory.
func (t *Term) Dir() string { return t.dir }

// PID is the program's process ID.
func (t *Term) PID() int { return t.cmd.Process.Pid }

// Signal sends sig to the program, as a user's kill or the system's
// shutdown would.
func (t *Term) Signal(sig os.Signal) {
	t.tb.Helper()
	if err := t.cmd.Process.Signal(sig); err != nil {
		t.tb.Fatalf("ptytest: signal %v: %v\n%s", sig, err, t.Dump())
	}
}

// Emulator is the screen the program draws on, for what the helpers do
// not cover (cell styles, cursor, alternate screen).
func (t *Term) Emulator() *vt.SafeEmulator { return t.em }

// Screen is the visible screen as text: styles removed, trailing blanks of
// each line trimmed, one line per row.
func (t *Term) Screen() string {
	lines := strings.Split(ansi.Strip(t.em.Render()), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// Raw is every byte the program has written to the terminal so far,
// escape sequences included.
func (t *Term) Raw() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.raw.Bytes())
}

// Type sends text as typed keys ("q", "j", "?").
func (t *Term) Type(s string) { t.em.SendText(s) }

// Press sends one key the way the emulated terminal encodes it, e.g.
// vt.KeyPressEvent{Code: vt.KeyTab, Mod: vt.ModShift}.
func (t *Term) Press(k vt.KeyPressEvent) { t.em.SendKey(k) }

// Resize changes the terminal's size: the screen first, then the pty,
// whose size change makes the kernel signal SIGWINCH to the program (sent
// again explicitly, which is harmless, for systems that coalesce it).
func (t *Term) Resize(cols, rows int) {
	t.tb.Helper()
	t.em.Resize(cols, rows)
	if err := pty.Setsize(t.pty, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)}); err != nil {
		t.tb.Fatalf("ptytest: resize to %dx%d: %v", cols, rows, err)
	}
	t.cmd.Process.Signal(syscall.SIGWINCH) //nolint:errcheck // it may have exited; the wait says so
}

// WaitFor waits until cond holds on the screen, and returns that screen.
// It fails the test with the screen when the program exits first or
// timeout (0: DefaultWait) passes. what names the condition in the
// failure message.
func (t *Term) WaitFor(what string, timeout time.Duration, cond func(screen string) bool) string {
	t.tb.Helper()
	s, err := t.Await(timeout, cond)
	if err != nil {
		t.tb.Fatalf("ptytest: waiting for %s: %v\n%s", what, err, t.Dump())
	}
	return s
}

// Settle is how long the output must stay quiet before a screen that
// matches is believed. A frame larger than the pty's buffer arrives in
// several reads; a screen taken between them mixes two frames (a header
// from the new one over panes from the old) and could satisfy a condition
// no real frame does.
const Settle = 20 * time.Millisecond

// Await is WaitFor returning an error instead of failing the test, for
// callers that want to try something else (a benchmark, an optional
// screen). It returns once cond holds on a screen the program has stopped
// drawing on for Settle.
func (t *Term) Await(timeout time.Duration, cond func(screen string) bool) (string, error) {
	return t.await(timeout, Settle, cond)
}

// Seen waits, like Await, for cond to hold, but not for the output to
// settle, and returns how long after the program's start cond first held:
// a measurement (first frame), where waiting for quiet would add the wait
// itself or never end while the screen streams.
func (t *Term) Seen(timeout time.Duration, cond func(screen string) bool) (time.Duration, error) {
	var at time.Duration
	_, err := t.await(timeout, 0, func(s string) bool {
		ok := cond(s)
		if ok {
			at = time.Since(t.Started)
		}
		return ok
	})
	return at, err
}

func (t *Term) await(timeout, settle time.Duration, cond func(screen string) bool) (string, error) {
	if timeout <= 0 {
		timeout = DefaultWait
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	quiet := time.NewTimer(settle)
	defer quiet.Stop()
	for {
		ch := t.changed() // taken before looking, so no write is missed
		s := t.Screen()
		var settled <-chan time.Time
		if cond(s) {
			if settle == 0 || t.drained() {
				return s, nil
			}
			quiet.Reset(settle)
			settled = quiet.C
		}
		select {
		case <-settled:
			return s, nil
		case <-ch:
			if t.drained() {
				// Nothing more will be drawn: look once more, then give up.
				if s := t.Screen(); cond(s) {
					return s, nil
				}
				return s, fmt.Errorf("the program ended (%s) first", t.exitDescription())
			}
		case <-deadline.C:
			return s, fmt.Errorf("not seen within %s", timeout)
		}
	}
}

// drained reports that the program has exited and its output has been
// read to the end.
func (t *Term) drained() bool {
	select {
	case <-t.outDone:
	default:
		return false
	}
	select {
	case <-t.exited:
		return true
	default:
		return false
	}
}

// WaitText waits until the screen shows every one of texts.
func (t *Term) WaitText(timeout time.Duration, texts ...string) string {
	t.tb.Helper()
	return t.WaitFor(fmt.Sprintf("%q on screen", texts), timeout, func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

// Exit waits until the program exits and its output has been read to the
// end, and returns its exit code. It fails the test with the screen when
// that takes longer than timeout (0: DefaultWait).
func (t *Term) Exit(timeout time.Duration) int {
	t.tb.Helper()
	if timeout <= 0 {
		timeout = DefaultWait
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for _, ch := range []chan struct{}{t.exited, t.outDone} {
		select {
		case <-ch:
		case <-deadline.C:
			t.tb.Fatalf("ptytest: the program has not exited within %s\n%s", timeout, t.Dump())
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var ee *exec.ExitError
	if t.waitErr != nil && !errors.As(t.waitErr, &ee) {
		t.tb.Fatalf("ptytest: wait for the program: %v", t.waitErr)
	}
	return t.state.ExitCode()
}

func (t *Term) exitDescription() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state == nil {
		return "still running"
	}
	return t.state.String()
}

// Dump is the screen framed with its size, cursor and mode, and the
// program's state: what a failure message needs to show.
func (t *Term) Dump() string {
	var b strings.Builder
	pos := t.em.CursorPosition()
	fmt.Fprintf(&b, "── screen %dx%d, cursor %d,%d hidden=%v, alternate screen=%v, program %s ──\n",
		t.em.Width(), t.em.Height(), pos.X, pos.Y, t.em.CursorHidden(), t.em.IsAltScreen(), t.exitDescription())
	for i, l := range strings.Split(t.Screen(), "\n") {
		fmt.Fprintf(&b, "%2d│%s\n", i, l)
	}
	b.WriteString("──")
	return b.String()
}
