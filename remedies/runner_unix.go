//go:build !windows

package remedies

import (
	"os/exec"
	"syscall"
)

// stopGently asks a command that ran out of time to stop with SIGTERM
// rather than SIGKILL: sudo relays SIGTERM to the command it runs and puts
// the terminal back (echo on) before it exits, where a SIGKILL would leave
// the command running as root and the terminal without echo. The runner's
// WaitDelay still kills whatever has not stopped by then.
func stopGently(cmd *exec.Cmd) {
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
}

// detach starts a launched program (a browser) in a process group of its
// own, so a Ctrl-C meant for gptdoctor does not close it too.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
