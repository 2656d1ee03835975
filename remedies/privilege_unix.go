//go:build !windows

package remedies

import "os"

// IsAdmin reports whether this process can run admin actions without
// escalating: on Unix, whether it runs as root.
func IsAdmin() bool { return os.Geteuid() == 0 }
