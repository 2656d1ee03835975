package watch

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// readLines decodes every line of a log file, failing on any line that is
// not one whole JSON object.
func readLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: line %d is not a JSON object: %v", path, len(out)+1, err)
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Errorf("%s does not end with a newline: a half line", path)
	}
	return out
}

// TestLogRotatesAndKeepsN: the log rotates before a line would take it
// past the size, keeps N old files, drops the oldest, and every file holds
// only whole lines in order.
func TestLogRotatesAndKeepsN(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watch.jsonl")
	line := map[string]any{"pad": strings.Repeat("x", 80)} // ~100 bytes a line
	l, err := OpenLog(path, 350, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		line["n"] = i
		if err := l.Append(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// 3 lines fit in 350 bytes: 0-2, 3-5, 6-8 rotated, 9 current.
	for file, want := range map[string][]float64{path: {9}, path + ".1": {6, 7, 8}, path + ".2": {3, 4, 5}} {
		got := readLines(t, file)
		var ns []float64
		for _, m := range got {
			ns = append(ns, m["n"].(float64))
		}
		if fmt.Sprint(ns) != fmt.Sprint(want) {
			t.Errorf("%s holds runs %v, want %v", filepath.Base(file), ns, want)
		}
		if st, _ := os.Stat(file); st.Size() > 350 {
			t.Errorf("%s is %d bytes, over the 350 limit", filepath.Base(file), st.Size())
		}
	}
	if _, err := os.Stat(path + ".3"); !os.IsNotExist(err) {
		t.Errorf("a third old file was kept: %v", err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 && os.PathSeparator == '/' {
		t.Errorf("log mode %v, want 0600", st.Mode().Perm())
	}
}

// TestLogReopenAppends: a restarted agent appends to the log it left and
// counts its size, so rotation does not wait for another full file.
func TestLogReopenAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watch.jsonl")
	for range 2 {
		l, err := OpenLog(path, 1000, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Append(map[string]string{"pad": strings.Repeat("y", 400)}); err != nil {
			t.Fatal(err)
		}
		l.Close()
	}
	if n := len(readLines(t, path)); n != 2 {
		t.Fatalf("%d lines after two sessions, want 2", n)
	}
	l, _ := OpenLog(path, 1000, 1)
	defer l.Close()
	if err := l.Append(map[string]string{"pad": strings.Repeat("z", 400)}); err != nil {
		t.Fatal(err)
	}
	if n := len(readLines(t, path)); n != 1 {
		t.Errorf("the third 400-byte line did not start a new file (%d lines)", n)
	}
	if err := l.Append(func() {}); err == nil {
		t.Error("an unencodable value was written")
	}
	if n := len(readLines(t, path)); n != 1 {
		t.Errorf("a failed encode left %d lines", n)
	}
}

// TestLogLinesAreWhole: lines appended from many goroutines (and by a
// second writer on the same file, as two agents misconfigured onto one
// log would) never interleave: each is one write on O_APPEND.
func TestLogLinesAreWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watch.jsonl")
	a, err := OpenLog(path, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := OpenLog(path, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("w", 60<<10) // a run's document is about this big
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			l := a
			if g%2 == 1 {
				l = b
			}
			for i := range 10 {
				if err := l.Append(map[string]any{"g": g, "i": i, "pad": big}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	a.Close()
	b.Close()
	if n := len(readLines(t, path)); n != 80 {
		t.Errorf("%d whole lines, want 80", n)
	}
	if err := a.Append(1); err == nil {
		t.Error("append after close succeeded")
	}
}

// TestOpenLogErrorsNameTheFile: a log that cannot be opened says which.
func TestOpenLogErrorsNameTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-dir", "watch.jsonl")
	_, err := OpenLog(path, 0, 0)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v does not name %s", err, path)
	}
}
