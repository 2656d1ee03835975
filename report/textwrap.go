package report

import (
	"strings"
	"unicode/utf8"
)

// textWriter assembles the readable summary. With a width, prose wraps to
// it under a hanging indent; without one, each item stays on one line, so
// piped output can be searched and cut line by line.
type textWriter struct {
	b     strings.Builder
	width int
}

func (t *textWriter) String() string { return t.b.String() }

// raw writes a line as it is.
func (t *textWriter) raw(s string) { t.b.WriteString(s + "\n") }

// clip writes a line cut to the width with an ellipsis: a check's own
// reason, which the diagnosis above has already read in full.
func (t *textWriter) clip(s string) {
	if t.width <= 0 || visibleWidth(s) <= t.width {
		t.raw(s)
		return
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			if j := strings.IndexByte(s[i:], 'm'); j >= 0 {
				b.WriteString(s[i : i+j+1])
				i += j + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if n == t.width-1 {
			break
		}
		b.WriteRune(r)
		i += size
		n++
	}
	t.raw(strings.TrimRight(b.String(), " ") + "…")
}

// blank writes an empty line, never two in a row.
func (t *textWriter) blank() {
	if s := t.b.String(); s == "" || strings.HasSuffix(s, "\n\n") {
		return
	}
	t.b.WriteString("\n")
}

// para writes text after first (the bullet or number), wrapping at
// the width with rest as the indent of the following lines. Words are
// never split; a word longer than the line gets a line of its own.
func (t *textWriter) para(first, rest, text string) { t.paraN(first, rest, text, 0) }

// paraN is para keeping at most maxRows rows (0: all); a cut paragraph
// ends in an ellipsis.
func (t *textWriter) paraN(first, rest, text string, maxRows int) {
	if t.width <= 0 {
		t.raw(first + text)
		return
	}
	rows := 0
	emit := func(s string) bool {
		rows++
		if maxRows > 0 && rows == maxRows {
			t.clip(s + " …")
			return false
		}
		t.raw(s)
		return true
	}
	line, lineW := first, visibleWidth(first)
	started := false
	for _, word := range strings.Fields(text) {
		w := visibleWidth(word)
		if started && lineW+1+w > t.width {
			if !emit(line) {
				return
			}
			line, lineW, started = rest, visibleWidth(rest), false
		}
		if started {
			line += " "
			lineW++
		}
		line += word
		lineW += w
		started = true
	}
	t.raw(line)
}

// visibleWidth counts the runes a terminal shows, skipping SGR colour
// sequences (the palette's only escapes).
func visibleWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			if j := strings.IndexByte(s[i:], 'm'); j >= 0 {
				i += j + 1
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}
