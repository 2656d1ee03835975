// Package fuzzcheck holds the invariants every fuzz target of a parser of
// untrusted input asserts, in one place: every string the parser returns
// (found by walking the value, unexported fields and map keys included)
// is sanitised as sanitize.Check defines it, no planted secret survives,
// and one input is handled within a bounded time and allocation.
package fuzzcheck

import (
	"fmt"
	"os"
	"reflect"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// PerInput bounds the time one input may take. The parsers read inputs
// capped as production caps them and answer in microseconds; a second is
// far beyond any scheduling hiccup on a loaded machine, yet catches the
// quadratic or looping parse a hostile input can trigger.
const PerInput = time.Second

// PerInputAlloc bounds the heap one input may allocate, in total. Inputs
// are capped as production caps them (256 KiB bodies, 1 MiB files and
// command output), and the parsers allocate a small multiple of that
// (the largest seen over every seed and regression input: see
// docs/reliability.md); a parse that copies its input once per line or
// field, or builds an answer quadratic in it, passes the bound by far.
// Allocation, not the live heap: the live heap is what the caps already
// bound, the total is what a hostile input can inflate.
const PerInputAlloc = 64 << 20

// Canary secrets planted in seed inputs and by the targets themselves,
// each in a place production redacts. Their distinctive cores must never
// appear in output.
const (
	// KeyCore is the body of an API key ("sk-proj-" + KeyCore).
	KeyCore = "CANARYkey7Qx2Lm9Zt4Wv8Rb3Np6"
	// TokenCore is an Authorization bearer token.
	TokenCore = "CANARYtok5Hd8Jf2Kg7Ls4Pq9Xw1"
	// CookieCore is a cookie value.
	CookieCore = "CANARYcookie3Vb6Nm9Qa2Ws5Ed8"
	// PasswordCore is a proxy password in a URL's userinfo.
	PasswordCore = "CANARYpw4Tg7Yh1Uj5Ik8Ol2"
)

// HiddenCore is the canary a fuzz body adds itself, after the fuzzed
// input, where production never reads (a gsettings
// authentication-password line). It is never in a seed, so the fuzzer
// cannot move it somewhere legitimate: it must never appear in output.
const HiddenCore = "CANARYhidden8Mn3Bv6Cx9Za2"

// Key is the planted API key.
const Key = "sk-proj-" + KeyCore

// Cores lists every canary core, for Strings' forbidden list.
var Cores = []string{KeyCore, TokenCore, CookieCore, PasswordCore}

// plantings are the forms production redacts each canary in: a key after
// a word boundary, a bearer token, a cookie header line, a URL password.
var plantings = []struct{ form, core string }{
	{Key, KeyCore},
	{"Bearer " + TokenCore, TokenCore},
	{"Cookie: __cf_bm=" + CookieCore, CookieCore},
	{"://user:" + PasswordCore + "@", PasswordCore},
}

// Planted returns the canary cores the inputs hold in a form production
// redacts: verbatim and after a non-word character. A fuzzer mutates
// seeds, so a canary it has bent out of shape ("Bearxr CANARY…") is
// ordinary text, not a secret, and is not returned; nor is any canary when
// an input holds an escape or C1 control, which sanitising may join with
// the letters after it ("\x1b[B" eats the B of "Bearer").
func Planted(inputs ...string) []string {
	var out []string
	for _, in := range inputs {
		if strings.ContainsRune(in, 0x1b) || hasC1(in) {
			return nil
		}
	}
	for _, p := range plantings {
		for _, in := range inputs {
			if plantedIn(in, p.form) {
				out = append(out, p.core)
				break
			}
		}
	}
	return out
}

func plantedIn(s, form string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], form)
		if j < 0 {
			return false
		}
		at := i + j
		if at == 0 || !isWordByte(s[at-1]) {
			return true
		}
		i = at + 1
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func hasC1(s string) bool {
	for _, r := range s {
		if r >= 0x80 && r < 0xa0 {
			return true
		}
	}
	return false
}

// Options say what a walk allows.
type Options struct {
	// Multiline allows '\n' (fields built with sanitize.Text).
	Multiline bool
	// Forbidden are substrings no string may hold (canary cores planted
	// where production redacts them).
	Forbidden []string
}

// Strings walks v and fails t on the first string that sanitize.Check
// rejects or that holds a forbidden substring; path names the field.
func Strings(t testing.TB, v any, opt Options) {
	t.Helper()
	if path, msg := walk(reflect.ValueOf(v), "", opt, 0); msg != "" {
		t.Fatalf("%s: %s", path, msg)
	}
}

// Within runs f and fails t when it takes longer than PerInput or
// allocates more than PerInputAlloc. The allocation is the process's
// (runtime/metrics, no stop-the-world), counted in whole spans, so it is
// exact enough for a bound in megabytes; a fuzz worker runs one input at a
// time, and what the parser's own goroutines (a test server) allocate is
// part of the input's cost.
func Within(t testing.TB, f func()) {
	t.Helper()
	a0 := heapAllocs()
	start := time.Now()
	f()
	d, alloc := time.Since(start), heapAllocs()-a0
	if limit := PerInput * raceSlowdown; d > limit {
		t.Fatalf("one input took %v (limit %v)", d, limit)
	}
	if alloc > PerInputAlloc && !raceDetector {
		t.Fatalf("one input allocated %.1f MiB (limit %d MiB)", float64(alloc)/(1<<20), PerInputAlloc>>20)
	}
	if allocLog != nil {
		fmt.Fprintf(allocLog, "%s\t%d\n", t.Name(), alloc)
	}
}

// allocLog, when GPTDOCTOR_FUZZ_ALLOC_LOG names a file, receives each
// input's allocation: how PerInputAlloc was sized against the largest.
var allocLog = func() *os.File {
	name := os.Getenv("GPTDOCTOR_FUZZ_ALLOC_LOG")
	if name == "" {
		return nil
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil
	}
	return f
}()

// heapAllocs is the bytes allocated on the heap since the process started.
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

var timeType = reflect.TypeFor[time.Time]()

// walk returns the path of the first bad string and why, or "", "".
// depth stops a cyclic value from recursing forever.
func walk(v reflect.Value, path string, opt Options, depth int) (string, string) {
	if !v.IsValid() || depth > 32 {
		return "", ""
	}
	switch v.Kind() {
	case reflect.String:
		return path, checkString(v.String(), opt)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", ""
		}
		return walk(v.Elem(), path, opt, depth+1)
	case reflect.Struct:
		if v.Type() == timeType {
			return "", ""
		}
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue // never rendered or written
			}
			if p, m := walk(v.Field(i), path+"."+v.Type().Field(i).Name, opt, depth+1); m != "" {
				return p, m
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return "", "" // raw bytes are data, not text
		}
		for i := range v.Len() {
			if p, m := walk(v.Index(i), path+"[]", opt, depth+1); m != "" {
				return p, m
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if p, m := walk(it.Key(), path+"{key}", opt, depth+1); m != "" {
				return p, m
			}
			if p, m := walk(it.Value(), path+"{}", opt, depth+1); m != "" {
				return p, m
			}
		}
	}
	return "", ""
}

func checkString(s string, opt Options) string {
	if err := sanitize.Check(s, opt.Multiline); err != nil {
		return err.Error()
	}
	for _, f := range opt.Forbidden {
		if strings.Contains(s, f) {
			return "secret " + f + " survived in " + s
		}
	}
	return ""
}
