//go:build windows

package report

import (
	"errors"
	"syscall"
)

// Windows error codes for a full disk (ERROR_HANDLE_DISK_FULL,
// ERROR_DISK_FULL) and a path through a file (ERROR_DIRECTORY,
// ERROR_PATH_NOT_FOUND is reported as not-exist already).
const (
	errHandleDiskFull syscall.Errno = 39
	errDiskFull       syscall.Errno = 112
	errDirectory      syscall.Errno = 267
)

func isDiskFull(err error) bool {
	return errors.Is(err, errDiskFull) || errors.Is(err, errHandleDiskFull) || errors.Is(err, syscall.ENOSPC)
}

func isNotDir(err error) bool { return errors.Is(err, errDirectory) }
