//go:build unix

package main

import (
	"os"
	"syscall"
)

// stopSignals end a run cleanly: Ctrl-C, a polite kill or service stop, and
// the terminal closing under us (SIGHUP), which would otherwise kill the
// process with its report half written.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}
