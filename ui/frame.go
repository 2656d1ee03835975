package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// fit makes a styled line exactly w cells wide: cut with an ellipsis when
// longer, padded with spaces when shorter.
func fit(line string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := width(line)
	if sw > w {
		line = truncate(line, w)
		sw = width(line)
	}
	if sw < w {
		line += strings.Repeat(" ", w-sw)
	}
	return line
}

// box characters: the focused pane is drawn heavy, so focus shows without
// colour.
type boxChars struct{ h, v, tl, tr, bl, br string }

var (
	lightBox = boxChars{"─", "│", "╭", "╮", "╰", "╯"}
	heavyBox = boxChars{"━", "┃", "┏", "┓", "┗", "┛"}
)

// frame draws lines in a w×h box titled "n Title". offset is the first
// line shown; when the lines do not fit, the bottom edge says which are
// shown, so scrolling is visible.
func (s *Styles) frame(n int, title string, lines []string, offset, w, h int, focused bool) []string {
	if w < 4 || h < 2 {
		return blank(w, h)
	}
	bc, bs, ts := lightBox, s.Border, s.Title
	if focused {
		bc, bs, ts = heavyBox, s.BorderFocused, s.TitleFocused
	}
	inner := w - 2
	head := fmt.Sprintf(" %d %s ", n, title)
	switch {
	case n <= 0:
		head = " " + title + " "
	case focused:
		head = fmt.Sprintf("▶%d %s ", n, title)
	}
	head = ansi.Truncate(head, max(0, inner-1), "…")
	top := bs.Render(bc.tl+bc.h) + ts.Render(head) + bs.Render(strings.Repeat(bc.h, max(0, inner-1-width(head)))+bc.tr)
	out := make([]string, 0, h)
	out = append(out, top)
	rows := h - 2
	offset = clampOffset(offset, len(lines), rows)
	for i := range rows {
		l := ""
		if j := offset + i; j < len(lines) {
			l = lines[j]
		}
		out = append(out, bs.Render(bc.v)+fit(l, inner)+bs.Render(bc.v))
	}
	foot := ""
	if len(lines) > rows && rows > 0 {
		foot = fmt.Sprintf(" %d-%d of %d ", offset+1, min(offset+rows, len(lines)), len(lines))
	}
	if width(foot) > inner-1 {
		foot = ""
	}
	out = append(out, bs.Render(bc.bl+strings.Repeat(bc.h, inner-1-width(foot)))+s.Muted.Render(foot)+bs.Render(bc.h+bc.br))
	return out
}

// clampOffset keeps a scroll offset inside the content.
func clampOffset(offset, n, rows int) int {
	return max(0, min(offset, n-rows))
}

// follow returns the offset that keeps line sel visible.
func follow(offset, sel, rows int) int {
	if rows <= 0 {
		return 0
	}
	if sel < offset {
		return sel
	}
	if sel >= offset+rows {
		return sel - rows + 1
	}
	return offset
}

func blank(w, h int) []string {
	out := make([]string, max(h, 0))
	for i := range out {
		out[i] = strings.Repeat(" ", max(w, 0))
	}
	return out
}

// overlay draws box over base with its top-left corner at (x, y).
func overlay(base, box []string, x, y int) []string {
	for i, l := range box {
		row := y + i
		if row < 0 || row >= len(base) {
			continue
		}
		b := base[row]
		bw := width(l)
		left := ansi.Truncate(b, x, "")
		if pad := x - width(left); pad > 0 {
			left += strings.Repeat(" ", pad)
		}
		base[row] = left + l + ansi.TruncateLeft(b, x+bw, "")
	}
	return base
}

// frameTitled is a focused frame with a free title, for dialogs.
func (s *Styles) frameTitled(title string, lines []string, w, h int) []string {
	bc, bs := heavyBox, s.Dialog
	inner := w - 2
	head := ansi.Truncate(" "+title+" ", max(0, inner-1), "…")
	out := []string{bs.Render(bc.tl+bc.h) + s.Bold.Render(head) + bs.Render(strings.Repeat(bc.h, max(0, inner-1-width(head)))+bc.tr)}
	for i := range h - 2 {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		out = append(out, bs.Render(bc.v)+fit(l, inner)+bs.Render(bc.v))
	}
	return append(out, bs.Render(bc.bl+strings.Repeat(bc.h, inner)+bc.br))
}
