//go:build windows

package command

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// ownGroup keeps exec's default cancellation (kill the process): netsh,
// reg and ipconfig have no children worth chasing.
func ownGroup(*exec.Cmd) {}

// stopGently keeps exec's default: there is no SIGTERM to send, and there
// is no sudo to relay one.
func stopGently(*exec.Cmd) {}

// detach starts a launched program (a browser) in a process group of its
// own, so a Ctrl-C meant for gptdoctor does not close it too.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: windows.CREATE_NEW_PROCESS_GROUP}
}
