//go:build !unix

package probes

import "os/exec"

// configureCommand keeps exec's default cancellation (kill the process) on
// systems without process groups; on Windows netsh and reg have no
// children worth chasing.
func configureCommand(cmd *exec.Cmd) {}
