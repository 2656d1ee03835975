package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWatchRefusesBadFlags: each mistake is one line naming the flag, and
// an interval under 10 s says why it is refused.
func TestWatchRefusesBadFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--interval", "5s"}, "1015 rate limits"},
		{[]string{"--interval", "48h"}, "at most 24h"},
		{[]string{"--log-max-size", "lots"}, "--log-max-size"},
		{[]string{"--log-keep", "-1"}, "--log-keep"},
		{[]string{"--listen", "9464"}, "HOST:PORT"},
		{[]string{"--demo", "block-102"}, "did you mean block-1020"},
		{[]string{"--demo", "block-1020", "--target", "https://example.com/"}, "--target does not apply"},
		{[]string{"stray"}, "unexpected argument"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"watch"}, tt.args...), &out, &errb)
		msg := errb.String()
		if code != exitCannotRun || !strings.Contains(msg, tt.want) || strings.Count(msg, "\n") != 2 {
			t.Errorf("watch %v: exit %d, stderr %q; want exit 2 and %q", tt.args, code, msg, tt.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "1048576": 1 << 20, "10MiB": 10 << 20, "10M": 10 << 20,
		"500KB": 500000, "2 GiB": 2 << 30, "1gb": 1e9, "7b": 7} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "ten", "10XB", "1.5MiB", "99999999999G"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestWatchJSONLines: with --json, stdout is only JSON lines, one
// document per run; the metrics address goes to stderr.
func TestWatchJSONLines(t *testing.T) {
	defer func(old time.Duration) { minWatchInterval = old }(minWatchInterval)
	minWatchInterval = 10 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"watch", "--demo", "block-1020", "--interval", "20ms", "--listen", "127.0.0.1:0", "--json"}, &out, &errb)
	}()
	for strings.Count(out.String(), "\n") < 2 && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	for i, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var doc struct {
			Mode     string `json:"mode"`
			Scenario string `json:"scenario"`
		}
		if err := json.Unmarshal([]byte(line), &doc); err != nil || doc.Mode != "watch" || doc.Scenario != "block-1020" {
			t.Errorf("stdout line %d is not a watch document: %v %.80q", i+1, err, line)
		}
	}
	if !strings.Contains(errb.String(), "metrics on http://127.0.0.1:") {
		t.Errorf("stderr does not announce the metrics address: %q", errb.String())
	}
}

// TestWatchCommandRunsUntilCancelled runs the command in process against
// the lab with the interval floor lowered (the test hook; no flag can):
// it prints a line and logs a document per run, and a cancel ends it with
// exit 0.
func TestWatchCommandRunsUntilCancelled(t *testing.T) {
	defer func(old time.Duration) { minWatchInterval = old }(minWatchInterval)
	minWatchInterval = 10 * time.Millisecond
	path := filepath.Join(t.TempDir(), "watch.jsonl")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"watch", "--demo", "healthy", "--interval", "50ms", "--listen", "", "--log", path}, &out, &errb)
	}()
	for strings.Count(out.String(), "\n") < 3 && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d after cancel, stderr %q", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 3 || !strings.Contains(lines[0], "run 1: reachable:") {
		t.Errorf("output:\n%s", out.String())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte("\n")); n < len(lines) || !bytes.HasSuffix(b, []byte("}\n")) {
		t.Errorf("%d log lines for %d printed runs", n, len(lines))
	}
}
