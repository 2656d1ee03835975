//go:build unix

package collect

import (
	"errors"
	"syscall"
)

// sysErrKind names the socket error behind err: refused, reset,
// unreachable (no route to the network), host_unreachable or timeout; ""
// when it is none of these.
func sysErrKind(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE):
		return "reset"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EADDRNOTAVAIL):
		return "unreachable"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host_unreachable"
	case errors.Is(err, syscall.ETIMEDOUT):
		return "timeout"
	}
	return ""
}
