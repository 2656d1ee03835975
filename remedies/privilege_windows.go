//go:build windows

package remedies

import "golang.org/x/sys/windows"

// IsAdmin reports whether this process can run admin actions without
// escalating: on Windows, whether its token is elevated (UAC), which is
// what an administrator's unelevated terminal lacks.
func IsAdmin() bool { return windows.GetCurrentProcessToken().IsElevated() }
