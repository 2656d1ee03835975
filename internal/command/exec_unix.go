//go:build !windows

package command

import (
	"os/exec"
	"syscall"
)

// ownGroup starts the command in its own process group and makes
// cancellation kill the whole group, so a helper the command spawned
// cannot outlive the timeout.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// Negative pid: the process group the child leads.
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
}

// stopGently asks a command that ran out of time to stop with SIGTERM;
// WaitDelay kills whatever has not stopped by then.
func stopGently(cmd *exec.Cmd) {
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
}

// detach starts a launched program (a browser) in a process group of its
// own.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
