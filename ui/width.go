package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// width is the display width of a styled line. Nearly every line the
// dashboard draws is ASCII, box drawing, blocks, braille and a few status
// glyphs, all one cell each, with SGR sequences around them; those are
// counted directly. Anything else (CJK, emoji, combining marks in remote
// text) takes ansi.StringWidth's full grapheme rules.
func width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c == 0x1b {
			j := skipSGR(s, i)
			if j < 0 {
				return ansi.StringWidth(s)
			}
			i = j
			continue
		}
		if c < 0x80 {
			if c < 0x20 || c == 0x7f {
				return ansi.StringWidth(s)
			}
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !narrow(r) {
			return ansi.StringWidth(s)
		}
		n++
		i += size
	}
	return n
}

// skipSGR returns the index after a CSI sequence starting at i, or -1 when
// the escape is not one.
func skipSGR(s string, i int) int {
	if i+1 >= len(s) || s[i+1] != '[' {
		return -1
	}
	for j := i + 2; j < len(s); j++ {
		if c := s[j]; c >= 0x40 && c <= 0x7e {
			return j + 1
		}
	}
	return -1
}

// narrow: one cell wide and not combining, for the ranges the dashboard
// draws itself.
func narrow(r rune) bool {
	switch {
	case r >= 0xa0 && r < 0x300: // Latin-1 and Latin Extended
		return true
	case r >= 0x2010 && r <= 0x2027: // dashes, quotes, bullets, ellipsis
		return true
	case r >= 0x2030 && r <= 0x205e, r >= 0x2190 && r <= 0x21ff: // punctuation, arrows
		return true
	case r >= 0x2500 && r <= 0x25ff: // box drawing, blocks, geometric shapes
		return r != 0x25fd && r != 0x25fe
	case r >= 0x2800 && r <= 0x28ff: // braille (the spinner)
		return true
	}
	switch r {
	case '✓', '✗', '⧖', '⚠', '▔':
		return true
	}
	return false
}

// truncate cuts a styled line to w cells, ending in "…" when it had to
// cut, and keeps the escape sequences after the cut so styles still
// close. Like width, it counts the dashboard's own characters directly and
// leaves anything else to ansi.Truncate.
func truncate(s string, w int) string {
	if width(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s))
	n, cut := 0, false
	for i := 0; i < len(s); {
		c := s[i]
		if c == 0x1b {
			j := skipSGR(s, i)
			if j < 0 {
				return ansi.Truncate(s, w, "…")
			}
			b.WriteString(s[i:j])
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if c >= 0x80 && !narrow(r) || c < 0x20 {
			return ansi.Truncate(s, w, "…")
		}
		if !cut {
			if n == w-1 {
				b.WriteString("…")
				cut = true
			} else {
				b.WriteString(s[i : i+size])
				n++
			}
		}
		i += size
	}
	return b.String()
}
