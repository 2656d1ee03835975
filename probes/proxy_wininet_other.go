//go:build !windows

package probes

import "errors"

// readWinINETValues exists only on Windows; elsewhere the Windows
// collector is reachable only from tests, which replace this function.
var readWinINETValues = func() (WinINETValues, error) {
	return WinINETValues{}, errors.New("registry: WinINET settings exist only on Windows")
}
