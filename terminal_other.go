//go:build !windows

package main

import "os"

// enableVirtualTerminal is a no-op outside Windows: Unix terminals interpret
// escape sequences already.
func enableVirtualTerminal(*os.File) bool { return true }
