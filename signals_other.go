//go:build !unix

package main

import (
	"os"
	"syscall"
)

// stopSignals end a run cleanly. Windows has no SIGHUP; closing the console
// window arrives as SIGTERM.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}
