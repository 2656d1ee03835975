//go:build unix

package probes

import (
	"os/exec"
	"syscall"
)

// configureCommand starts the command in its own process group and makes
// cancellation kill the whole group, so a helper the command spawned (a
// D-Bus activation, a pager) cannot outlive the timeout.
func configureCommand(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		// Negative pid: the process group the child leads.
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
}
