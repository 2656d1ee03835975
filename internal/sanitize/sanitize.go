// Package sanitize turns untrusted remote text into text that is safe to put
// on a terminal or in a report.
//
// Everything a server sends (headers, bodies, block pages, status-page
// incident titles, error messages) may carry ANSI escape sequences, OSC
// hyperlinks, cursor movement, bidirectional overrides or raw control bytes.
// Printed as-is they can repaint the user's screen, forge output, or set the
// terminal title. Every string that crossed the network passes through Text or
// Line before it is stored in a probe result.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLine bounds one sanitised line so a hostile header cannot fill a screen.
const MaxLine = 512

// Text removes escape sequences and control characters from s, keeping
// newlines and tabs, replacing invalid UTF-8, and truncating to max runes
// (max <= 0 means no limit). A truncated result ends with "…".
func Text(s string, max int) string {
	return clean(s, max, true)
}

// Line is Text for single-line values (headers, titles, messages): newlines
// and tabs become spaces, runs of whitespace collapse, and the result is at
// most MaxLine runes.
func Line(s string) string {
	return clean(s, MaxLine, false)
}

// LineN is Line with a caller-chosen limit.
func LineN(s string, max int) string {
	return clean(s, max, false)
}

func clean(s string, max int, multiline bool) string {
	var b strings.Builder
	b.Grow(min(len(s), 4096))
	runes := 0
	lastSpace := false
	truncated := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			r = '\uFFFD'
			size = 1
		}
		// ESC starts a sequence: skip the whole sequence, not just the byte,
		// so no half-sequence ("[31m") leaks into the output.
		if r == 0x1b {
			i += skipEscape(s[i:])
			continue
		}
		// C1 CSI/OSC/DCS introducers act like ESC on some terminals.
		if r == 0x9b || r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f {
			i += size + skipSequenceBody(s[i+size:], r)
			continue
		}
		i += size
		switch {
		case r == '\n' && multiline:
			// keep
		case r == '\r':
			continue
		case r == '\t' || r == '\n' || r == '\v' || r == '\f':
			r = ' '
		case isDangerous(r):
			continue
		}
		if !multiline && r == ' ' {
			if lastSpace || b.Len() == 0 {
				continue
			}
			lastSpace = true
		} else {
			lastSpace = false
		}
		if max > 0 && runes >= max {
			truncated = true
			break
		}
		b.WriteRune(r)
		runes++
	}
	out := b.String()
	if !multiline {
		out = strings.TrimRight(out, " ")
	}
	if truncated {
		out = strings.TrimRight(out, " ") + "…"
	}
	return out
}

// isDangerous reports runes that control the terminal or reorder text
// without being visible: C0/C1 controls, DEL, bidirectional overrides and
// isolates, and other invisible format characters.
func isDangerous(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r == 0xfeff:
		return true
	}
	return unicode.Is(unicode.Cf, r) && r != 0x200d // keep ZWJ for emoji sequences
}

// skipEscape returns the length of the escape sequence at the start of s
// (which begins with ESC).
func skipEscape(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[': // CSI: parameters and intermediates, then a final byte 0x40-0x7e
		return 2 + skipSequenceBody(s[2:], 0x9b)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: until BEL or ST
		return 2 + skipSequenceBody(s[2:], 0x9d)
	default:
		// Two-byte sequences (ESC c, ESC 7, ESC ( B …): an intermediate
		// 0x20-0x2f may precede the final byte.
		j := 1
		for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
			j++
		}
		if j < len(s) {
			j++
		}
		return j
	}
}

// skipSequenceBody returns how many bytes of s belong to the body of a
// sequence opened by introducer (CSI 0x9b or a string-type 0x9d/0x90/...).
func skipSequenceBody(s string, introducer rune) int {
	if introducer == 0x9b {
		for j := 0; j < len(s); j++ {
			c := s[j]
			if c >= 0x40 && c <= 0x7e {
				return j + 1
			}
			if c < 0x20 || c > 0x7e {
				return j // malformed: stop at the first byte that cannot belong
			}
		}
		return len(s)
	}
	for j := 0; j < len(s); j++ {
		switch {
		case s[j] == 0x07:
			return j + 1
		case s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\':
			return j + 2
		}
		// UTF-8 encoded ST (U+009C) is 0xc2 0x9c.
		if s[j] == 0xc2 && j+1 < len(s) && s[j+1] == 0x9c {
			return j + 2
		}
	}
	return len(s)
}
