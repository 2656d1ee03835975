//go:build !windows

package collect

import "errors"

// readWinINETValues exists only on Windows; elsewhere the Windows
// collector is reachable only from tests, which replace this function.
var readWinINETValues = func() (winINETValues, error) {
	return winINETValues{}, errors.New("registry: WinINET settings exist only on Windows")
}
