package sanitize

import (
	"fmt"
	"unicode/utf8"
)

// Check reports the first thing in s that text gptdoctor shows or writes
// must never hold: invalid UTF-8, an escape or control character (a
// newline only when multiline), a bidi override or other invisible format
// character, or an API key Secrets would have removed. It is the single
// definition of "sanitised" the fuzz targets assert, so they cannot drift
// from what Line, Text and Secrets promise.
func Check(s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("invalid UTF-8 in %q", s)
	}
	for _, r := range s {
		if r == '\n' && multiline {
			continue
		}
		if isDangerous(r) {
			return fmt.Errorf("unsafe rune %U in %q", r, s)
		}
	}
	if k := LeakedKey(s); k != "" {
		return fmt.Errorf("API key %q survived in %q", k, s)
	}
	return nil
}

// LeakedKey returns the first API-key-shaped token in s: what the key
// pattern Secrets uses matches, with at least one letter or digit after
// "sk-". The pattern also takes '-', '_', '*' and '…' so that masked keys
// ("sk-abc1***…wxyz") are removed whole; a token made of those alone
// ("sk-", "sk-…" left by truncation, "sk--") carries nothing of a key and
// is not reported. "" when there is none.
func LeakedKey(s string) string {
	for _, m := range keyPattern.FindAllString(s, -1) {
		for _, c := range []byte(m[len("sk-"):]) {
			if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				return m
			}
		}
	}
	return ""
}
