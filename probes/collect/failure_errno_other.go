//go:build !unix && !windows

package collect

// sysErrKind cannot name socket errors on this platform; callers fall back
// to the error text.
func sysErrKind(error) string { return "" }
