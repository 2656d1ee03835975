// Package command is the one way gptdoctor runs programs on a machine:
// the probes' helpers (resolvectl status, scutil --proxy, gsettings) and the
// remedies' commands (resolvectl flush-caches, a clipboard tool, a browser)
// go through the same Runner, which the World carries. The real machine's
// is ExecRunner; the lab's staged machine has its own, so a demo's remedy
// reaches the staged machine and never this one.
//
// The package depends on nothing but the standard library and sanitize, so
// the probes' model and the remedies can both use it without importing
// each other.
package command

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// Runner runs and finds programs. It never goes through a shell: argv goes
// to the OS as it is, so nothing in it is interpreted.
type Runner interface {
	// Run runs argv to completion with stdin (nil for none) and returns
	// what it printed. A command that is not installed yields an error
	// wrapping ErrNotFound; one that exits non-zero an *ExitError. The
	// caller's context bounds it.
	Run(ctx context.Context, argv []string, stdin []byte) (Output, error)
	// Launch starts argv and returns once it started, without waiting: a
	// browser must outlive the command that opened it.
	Launch(argv []string) error
	// LookPath finds a program by name on the PATH, or checks an absolute
	// path; a missing one yields an error wrapping ErrNotFound.
	LookPath(name string) (string, error)
}

// ErrNotFound is wrapped by the errors of a command that is not installed,
// so a probe can say "unknown: scutil not found" and a remedy can offer
// what to do without the tool.
var ErrNotFound = errors.New("not installed")

// Output is what a command printed, capped.
type Output struct {
	// Stdout and Stderr are kept apart so an error can quote stderr alone
	// and a parser reads stdout alone.
	Stdout string `json:"stdout,omitempty"`
	Stderr string `json:"stderr,omitempty"`
	// ExitCode is the command's exit status; -1 when it did not run to an
	// exit.
	ExitCode int `json:"exit_code"`
	// Duration is how long the command ran, to tell a slow tool from a
	// hung one.
	Duration time.Duration `json:"duration"`
	// Truncated is true when stdout was longer than the runner keeps: a
	// parser must not read a cut document as a whole one.
	Truncated bool `json:"truncated,omitempty"`
}

// Combined is stdout then stderr, for records.
func (o Output) Combined() string {
	switch {
	case o.Stdout == "":
		return o.Stderr
	case o.Stderr == "":
		return o.Stdout
	}
	return strings.TrimRight(o.Stdout, "\n") + "\n" + o.Stderr
}

// ExitError is a command that ran and failed.
type ExitError struct {
	// Argv is the command that failed, so the message names it.
	Argv []string
	// Code is its exit status.
	Code int
	// Stderr is what it printed on stderr.
	Stderr string
}

// Error names the command and quotes the first line of its stderr,
// sanitised (a tool's output can hold escape sequences) and with secrets
// masked: the message is printed and kept in records.
func (e *ExitError) Error() string {
	msg := fmt.Sprintf("%s exited with status %d", Label(e.Argv), e.Code)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[:i]
		}
		msg += ": " + sanitize.LineN(s, maxStderrInError)
	}
	return sanitize.Line(sanitize.Secrets(msg))
}

// maxStderrInError is how much of a failing command's stderr goes into its
// error message: enough for "No such schema", short enough for one line.
const maxStderrInError = 200

// Label names a command in messages ("scutil --proxy"), sanitised, secrets
// masked and shortened.
func Label(argv []string) string {
	return sanitize.LineN(sanitize.Secrets(strings.Join(argv, " ")), 120)
}

// NotFound is the error a Runner returns for a program that is not
// installed.
func NotFound(name string) error { return fmt.Errorf("%s: %w", name, ErrNotFound) }
