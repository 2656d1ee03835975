package report

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/session"
)

// smallRecord is enough of a session to write.
func smallRecord() session.Record {
	return session.Record{SchemaVersion: session.SchemaVersion, Mode: "report", Tool: session.Tool{Name: "gptdoctor", Version: "test"}}
}

// leftovers lists the files in dir other than keep.
func leftovers(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !strings.Contains(strings.Join(keep, "\x00"), e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWriteFileIsPrivateAndRefusesToReplace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.md")
	ctx := context.Background()
	if err := WriteFile(ctx, path, smallRecord(), Markdown, Options{}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v, want 0600", st.Mode().Perm())
	}
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = WriteFile(ctx, path, smallRecord(), Markdown, Options{}, WriteOptions{})
	if !errors.Is(err, ErrExists) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("overwrite without force: %v, want one-line ErrExists", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("refused overwrite changed the file to %q", b)
	}
	if err := WriteFile(ctx, path, smallRecord(), Markdown, Options{}, WriteOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "# gptdoctor report") {
		t.Errorf("forced overwrite left %q", b)
	}
	if left := leftovers(t, dir, "r.md"); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestWriteRefusesALateComer: a file created between the check and the
// rename is not clobbered.
func TestWriteRefusesALateComer(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.md")
	fsys := osFiles
	fsys.link = func(oldname, newname string) error {
		if err := os.WriteFile(newname, []byte("theirs"), 0o600); err != nil {
			return err
		}
		return os.Link(oldname, newname)
	}
	err := fsys.write(context.Background(), path, []byte("ours"), false)
	if !errors.Is(err, ErrExists) {
		t.Fatalf("late comer: %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "theirs" {
		t.Errorf("the other file became %q", b)
	}
	if left := leftovers(t, dir, "r.md"); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// failingFile writes part of the data to a real temporary file, then fails
// like a full disk.
type failingFile struct {
	*os.File
	budget int
	err    error
}

func (f *failingFile) Write(p []byte) (int, error) {
	if len(p) > f.budget {
		n, _ := f.File.Write(p[:f.budget])
		f.budget = 0
		return n, f.err
	}
	f.budget -= len(p)
	return f.File.Write(p)
}

// TestWriteFailingHalfway: a write that fails after part of the report
// leaves the previous file as it was and no temporary file.
func TestWriteFailingHalfway(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"disk full", &fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}, "disk is full"},
		{"io error", &fs.PathError{Op: "write", Path: "x", Err: syscall.EIO}, "nothing was written"},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "r.html")
		if err := os.WriteFile(path, []byte("previous"), 0o600); err != nil {
			t.Fatal(err)
		}
		fsys := osFiles
		fsys.createTemp = func(dir, pattern string) (tempFile, error) {
			f, err := os.CreateTemp(dir, pattern)
			return &failingFile{File: f, budget: 100, err: tc.err}, err
		}
		data := []byte(strings.Repeat("x", 3*chunk))
		err := fsys.write(context.Background(), path, data, true)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming the file and %q", tc.name, err, tc.want)
		}
		if b, _ := os.ReadFile(path); string(b) != "previous" {
			t.Errorf("%s: the previous file became %d bytes", tc.name, len(b))
		}
		if left := leftovers(t, dir, "r.html"); len(left) > 0 {
			t.Errorf("%s: temporary files left: %v", tc.name, left)
		}
	}
}

// TestWriteInterrupted: cancelling mid-write (Ctrl-C in the CLI, Esc in
// the dashboard's export) leaves neither the report nor a temporary file.
func TestWriteInterrupted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fsys := osFiles
	// The first chunk goes through; the interrupt arrives with it.
	called := false
	fsys.createTemp = wrapCreate(osFiles.createTemp, func() { called = true; cancel() })
	err := fsys.write(ctx, path, []byte(strings.Repeat("y", 4*chunk)), false)
	if err == nil || !strings.Contains(err.Error(), "interrupted") || !called {
		t.Fatalf("interrupted write: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an interrupted write left the report: %v", err)
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// wrapCreate calls hook after the first successful write to the file.
func wrapCreate(create func(string, string) (tempFile, error), hook func()) func(string, string) (tempFile, error) {
	return func(dir, pattern string) (tempFile, error) {
		f, err := create(dir, pattern)
		if err != nil {
			return nil, err
		}
		return &hookFile{tempFile: f, hook: hook}, nil
	}
}

type hookFile struct {
	tempFile
	hook func()
	done bool
}

func (h *hookFile) Write(p []byte) (int, error) {
	n, err := h.tempFile.Write(p)
	if !h.done {
		h.done = true
		h.hook()
	}
	return n, err
}

func TestWriteErrorsSayWhatToDo(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	err := WriteFile(ctx, filepath.Join(dir, "missing", "r.md"), smallRecord(), Markdown, Options{}, WriteOptions{})
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing directory: %v", err)
	}
	file := filepath.Join(dir, "plain")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(ctx, filepath.Join(file, "r.md"), smallRecord(), Markdown, Options{}, WriteOptions{}); err == nil ||
		!strings.Contains(err.Error(), "not a directory") && !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a file as directory: %v", err)
	}
	if err := WriteFile(ctx, dir, smallRecord(), Markdown, Options{}, WriteOptions{}); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "directory") {
		t.Errorf("a directory as the file: %v", err)
	}

	// No permission: injected, since root (CI containers) may write
	// anywhere; and for real where the test does not run as root.
	fsys := osFiles
	fsys.createTemp = func(dir, _ string) (tempFile, error) {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: fs.ErrPermission}
	}
	if err := fsys.write(ctx, filepath.Join(dir, "r.md"), []byte("x"), false); err == nil || !strings.Contains(err.Error(), "no permission to write in") {
		t.Errorf("no permission (injected): %v", err)
	}
	if runtime.GOOS != "windows" && os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(ctx, filepath.Join(ro, "r.md"), smallRecord(), Markdown, Options{}, WriteOptions{}); err == nil ||
			!strings.Contains(err.Error(), "no permission") {
			t.Errorf("read-only directory: %v", err)
		}
	}
}

func TestFormatsAndNames(t *testing.T) {
	at := time.Date(2026, 11, 26, 7, 5, 9, 0, time.FixedZone("CET", 3600))
	if got := DefaultName(at, Markdown); got != "gptdoctor-report-20261126-070509.md" {
		t.Errorf("default name %q", got)
	}
	for path, want := range map[string]Format{"a.md": Markdown, "b.MARKDOWN": Markdown, "c.json": JSON, "d.htm": HTML, "e.html": HTML} {
		if f, ok := FormatOf(path); !ok || f != want {
			t.Errorf("FormatOf(%q) = %q, %v", path, f, ok)
		}
	}
	for _, path := range []string{"a.txt", "noext", "md"} {
		if f, ok := FormatOf(path); ok {
			t.Errorf("FormatOf(%q) = %q", path, f)
		}
	}
	if _, err := ParseFormat("pdf"); err == nil {
		t.Error("pdf accepted")
	}
}
