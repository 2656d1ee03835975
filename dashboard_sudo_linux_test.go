package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/internal/ptytest"
)

// fakeSudo stands in for sudo as a person meets it: the prompt and the
// password go through the terminal itself (/dev/tty, with echo off), not
// through stdin or stdout, which gptdoctor captures. It records what was
// typed, then runs the command it was given.
const fakeSudo = `#!/bin/sh
[ "$1" = "--" ] && shift
stty -echo < /dev/tty
printf '[sudo] password: ' > /dev/tty
IFS= read -r pw < /dev/tty
stty echo < /dev/tty
printf '\n' > /dev/tty
printf '%s\n' "$pw" > "$GPTDOCTOR_TEST_SUDO"
exec "$@"
`

// fakeNscd records the flush it was asked for.
const fakeNscd = `#!/bin/sh
printf '%s\n' "$*" > "$GPTDOCTOR_TEST_NSCD"
`

// TestDashboardSudoHandsOverTheTerminal runs the dashboard of this machine
// (not the demo, whose staged sudo never asks) without root, with
// a DNS cache running (a process named nscd) and stand-ins for sudo and
// nscd first on the PATH. Applying flush-dns must show the exact sudo
// command, then leave the full screen so sudo's password prompt is on the
// terminal and what is typed reaches sudo without being echoed, then take
// the screen back with the outcome; q still restores the terminal. Above
// the prompt the terminal says which command runs and why sudo asks.
func TestDashboardSudoHandsOverTheTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	// The dashboard must run without root, or it needs no sudo: as root
	// the test drops to nobody with setpriv, otherwise it runs as itself.
	var drop []string
	if os.Geteuid() == 0 {
		setpriv, err := exec.LookPath("setpriv")
		if err != nil {
			t.Skip("running as root, and no setpriv (util-linux) to run the dashboard as nobody")
		}
		drop = []string{setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"}
	}
	// Everything the dashboard must read, run or write lives in one
	// world-readable directory: as nobody it could not reach the test
	// binary's own build directory, which is root's alone.
	dir, err := os.MkdirTemp("", "gptdoctor-sudo-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin, tools, home := filepath.Join(dir, "gptdoctor"), filepath.Join(dir, "bin"), filepath.Join(dir, "home")
	for _, d := range []string{tools, home, filepath.Join(dir, "daemon")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	must(t, os.Chmod(dir, 0o755))
	must(t, os.Chmod(home, 0o777))
	copyFile(t, binPath, bin, 0o755)
	must(t, os.WriteFile(filepath.Join(tools, "sudo"), []byte(fakeSudo), 0o755))
	must(t, os.WriteFile(filepath.Join(tools, "nscd"), []byte(fakeNscd), 0o755))

	// A running process named nscd: the DNS probe sees a cache to flush.
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("needs sleep, to stand in for a running nscd")
	}
	daemon := filepath.Join(dir, "daemon", "nscd")
	copyFile(t, sleep, daemon, 0o755)
	cache := exec.Command(daemon, "60") // killed when the test ends; 60 s at most if it cannot be
	must(t, cache.Start())
	t.Cleanup(func() { cache.Process.Kill(); cache.Wait() })

	l, err := lab.Start("stale-dns", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	env := l.Env()
	args := l.Args()
	readableByAll(t, env, args)

	sudoRec, nscdRec := filepath.Join(home, "sudo.rec"), filepath.Join(home, "nscd.rec")
	env = append(env, "PATH="+tools+":"+os.Getenv("PATH"), "GPTDOCTOR_TEST_SUDO="+sudoRec, "GPTDOCTOR_TEST_NSCD="+nscdRec)
	argv := append(append(drop, bin, "--interval", "0", "--timeout", l.Config().Budget.String()), args...)
	tm := ptytest.Start(t, ptytest.Options{
		Path: argv[0],
		Args: argv[1:],
		Env:  ptytest.Env(home, env...),
		Dir:  home,
		Cols: 120, Rows: 40,
	})
	tm.WaitFor("the stale answer's findings", 0, func(s string) bool { return finished(s) && strings.Contains(s, "Flush the DNS cache") })
	tm.Type("5")
	tm.WaitText(0, "▶5 Remedies")
	selectRow(t, tm, "Flush the DNS cache")
	tm.Type("a")
	tm.WaitText(0, "sudo -- nscd -i hosts", "[ Cancel ]", "[ Run ]")
	tm.Press(vt.KeyPressEvent{Code: vt.KeyTab})
	tm.Press(vt.KeyPressEvent{Code: vt.KeyEnter})

	handed := tm.WaitFor("sudo's prompt on the terminal, the full screen gone", 0, func(s string) bool {
		return strings.Contains(s, "[sudo] password:") && !tm.Emulator().IsAltScreen()
	})
	if !strings.Contains(handed, "flush-dns needs root, so it runs through sudo:") || !strings.Contains(handed, "sudo -- nscd -i hosts") {
		t.Errorf("the prompt came without saying what runs and why\n%s", handed)
	}
	const password = "correct-horse-battery"
	tm.Type(password + "\r")
	screen := tm.WaitText(20*time.Second, "flush-dns:", "▶5 Remedies")
	if !tm.Emulator().IsAltScreen() {
		t.Errorf("the dashboard did not take the full screen back\n%s", tm.Dump())
	}
	if got, _ := os.ReadFile(sudoRec); string(got) != password+"\n" {
		t.Errorf("sudo read %q from the terminal, want the password typed", got)
	}
	if got, _ := os.ReadFile(nscdRec); string(got) != "-i hosts\n" {
		t.Errorf("nscd ran with %q, want -i hosts", got)
	}
	if bytes.Contains(tm.Raw(), []byte(password)) {
		t.Errorf("the password was echoed to the terminal")
	}
	if strings.Contains(screen, "[sudo]") {
		t.Errorf("sudo's prompt stayed on the dashboard\n%s", tm.Dump())
	}
	quit(t, tm)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(from)
	must(t, err)
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	must(t, err)
	_, err = io.Copy(out, in)
	must(t, err)
	must(t, out.Close())
}

// readableByAll opens the lab's certificate files (written for root
// alone) to the unprivileged user the dashboard runs as.
func readableByAll(t *testing.T, env, args []string) {
	t.Helper()
	var paths []string
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); (k == "SSL_CERT_FILE" || k == "SSL_CERT_DIR") && v != "" {
			paths = append(paths, v)
		}
	}
	for i, a := range args {
		if a == "--public-ca-file" && i+1 < len(args) {
			paths = append(paths, args[i+1])
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		must(t, err)
		mode := os.FileMode(0o644)
		if st.IsDir() {
			mode = 0o755
		}
		must(t, os.Chmod(p, mode))
		must(t, os.Chmod(filepath.Dir(p), 0o755))
	}
}
