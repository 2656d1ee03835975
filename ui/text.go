package ui

import (
	"github.com/charmbracelet/x/ansi"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

func stripANSI(s string) string { return ansi.Strip(s) }

// sanitizeLine is sanitize.Line: one line of printable text.
func sanitizeLine(s string) string { return sanitize.Line(s) }
