package sanitize

import (
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Access denied", "Access denied"},
		{"csi colour", "\x1b[31mred\x1b[0m text", "red text"},
		{"csi cursor", "a\x1b[2J\x1b[Hb", "ab"},
		{"osc title bel", "x\x1b]0;pwned\x07y", "xy"},
		{"osc hyperlink st", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"dcs", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"c1 csi utf8", "a\u009b31mb", "ab"},
		{"two byte esc", "a\x1bcb", "ab"},
		{"charset esc", "a\x1b(Bb", "ab"},
		{"trailing esc", "abc\x1b", "abc"},
		{"controls", "a\x00b\x07c\x08d", "abcd"},
		{"newlines collapse", "a\r\n\n  b\tc", "a b c"},
		{"bidi override", "abc\u202eexe.txt", "abcexe.txt"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"del", "a\x7fb", "ab"},
		{"unicode kept", "Zürich 東京 ✓", "Zürich 東京 ✓"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Line(tt.in)
			if got != tt.want {
				t.Fatalf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.ContainsRune(got, 0x1b) {
				t.Fatalf("ESC survived in %q", got)
			}
		})
	}
}

func TestTextKeepsNewlinesAndTruncates(t *testing.T) {
	got := Text("line1\nline2\x1b[1m\n", 0)
	if got != "line1\nline2\n" {
		t.Fatalf("got %q", got)
	}
	got = Text(strings.Repeat("a", 100), 10)
	if got != strings.Repeat("a", 10)+"…" {
		t.Fatalf("got %q", got)
	}
	if got := Line(strings.Repeat("b", 2*MaxLine)); len([]rune(got)) != MaxLine+1 {
		t.Fatalf("Line not capped: %d runes", len([]rune(got)))
	}
}

func FuzzLineNeverLeaksControls(f *testing.F) {
	for _, s := range []string{"\x1b[31m", "\x1b]0;t\x07", "\u009b1m", "ok", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Line(s), Text(s, 0)} {
			for _, r := range out {
				if r == '\n' {
					continue
				}
				if isDangerous(r) {
					t.Fatalf("dangerous rune %U in %q (from %q)", r, out, s)
				}
			}
		}
	})
}
