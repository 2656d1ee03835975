//go:build !windows

package report

import (
	"errors"
	"syscall"
)

func isDiskFull(err error) bool { return errors.Is(err, syscall.ENOSPC) }

func isNotDir(err error) bool { return errors.Is(err, syscall.ENOTDIR) }
