package report

import (
	"github.com/gptdoctor/gptdoctor/probes"
)

// palette colours terminal text with plain SGR sequences when enabled. The
// readable summary needs five colours and bold; a styling library would add
// nothing but weight to a headless command.
type palette struct{ on bool }

func (p palette) wrap(code, s string) string {
	if !p.on || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p palette) bold(s string) string   { return p.wrap("1", s) }
func (p palette) dim(s string) string    { return p.wrap("2", s) }
func (p palette) red(s string) string    { return p.wrap("31", s) }
func (p palette) green(s string) string  { return p.wrap("32", s) }
func (p palette) yellow(s string) string { return p.wrap("33", s) }
func (p palette) cyan(s string) string   { return p.wrap("36", s) }

// icon is the status's glyph (probes.Status.Glyph), coloured by severity.
func (p palette) icon(s probes.Status) string {
	switch s {
	case probes.StatusPass:
		return p.green(s.Glyph())
	case probes.StatusFail:
		return p.red(s.Glyph())
	case probes.StatusSkipped:
		return p.dim(s.Glyph())
	default:
		return p.yellow(s.Glyph())
	}
}
