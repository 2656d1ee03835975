//go:build windows

package remedies

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// stopGently keeps exec's default on Windows: there is no SIGTERM to send,
// and the commands run there (ipconfig, netsh) hold no terminal state.
func stopGently(*exec.Cmd) {}

// detach starts a launched program (a browser) in a process group of its
// own, so a Ctrl-C meant for gptdoctor does not close it too.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: windows.CREATE_NEW_PROCESS_GROUP}
}
