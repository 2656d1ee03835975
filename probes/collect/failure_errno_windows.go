//go:build windows

package collect

import (
	"errors"

	"golang.org/x/sys/windows"
)

// sysErrKind names the socket error behind err: refused, reset,
// unreachable (no route to the network), host_unreachable or timeout; ""
// when it is none of these. Winsock reports its own WSA* codes, not the
// POSIX values the syscall package invents for Windows.
func sysErrKind(err error) string {
	switch {
	case errors.Is(err, windows.WSAECONNREFUSED):
		return "refused"
	case errors.Is(err, windows.WSAECONNRESET), errors.Is(err, windows.WSAECONNABORTED):
		return "reset"
	case errors.Is(err, windows.WSAENETUNREACH), errors.Is(err, windows.WSAEADDRNOTAVAIL):
		return "unreachable"
	case errors.Is(err, windows.WSAEHOSTUNREACH):
		return "host_unreachable"
	case errors.Is(err, windows.WSAETIMEDOUT):
		return "timeout"
	}
	return ""
}
