package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal (not a pipe, file or
// /dev/null).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// useColor decides whether the readable summary is coloured: only on a
// terminal that understands escape sequences, never when NO_COLOR is set
// or --no-color was given.
func useColor(w io.Writer, o options) bool {
	if o.noColor || !isTerminal(w) {
		return false
	}
	if t, _ := os.LookupEnv("TERM"); t == "dumb" {
		return false
	}
	return enableVirtualTerminal(w.(*os.File))
}

// terminalWidth is the width prose wraps to: the terminal's columns, or 0
// (one line per item) when w is a pipe or a file.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(w) {
		return 0
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil || cols < 40 {
		return 0
	}
	return cols
}

// canRedraw reports whether w is a terminal that redraws a line in place:
// a terminal, and not TERM=dumb (Emacs shells, some CI logs), where the
// carriage return and erase codes would print as they are.
func canRedraw(w io.Writer, lookupEnv func(string) (string, bool)) bool {
	if !isTerminal(w) {
		return false
	}
	t, ok := lookupEnv("TERM")
	return !ok || t != "dumb"
}
