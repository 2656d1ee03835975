//go:build linux || darwin

package report

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// stallingFile is a disk that takes the first chunk and then stalls until
// the write is interrupted: started says the write is under way.
type stallingFile struct {
	tempFile
	ctx     context.Context
	started chan struct{}
	n       int
}

func (f *stallingFile) Write(p []byte) (int, error) {
	f.n++
	if f.n == 2 {
		close(f.started)
		<-f.ctx.Done() // the slow disk answers only after the signal
	}
	return f.tempFile.Write(p)
}

// TestWriteStoppedBySignal: a real SIGINT, SIGTERM or SIGHUP delivered to
// the process while a large report is being written to a slow disk, caught
// the way main catches it (a context it cancels), leaves the previous file
// as it was and no temporary file: an export is all or nothing whatever
// stops it.
func TestWriteStoppedBySignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "r.md")
			if err := os.WriteFile(path, []byte("previous"), 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, stop := signal.NotifyContext(context.Background(), sig)
			defer stop()
			started := make(chan struct{})
			fsys := osFiles
			fsys.createTemp = func(dir, pattern string) (tempFile, error) {
				f, err := osFiles.createTemp(dir, pattern)
				if err != nil {
					return nil, err
				}
				return &stallingFile{tempFile: f, ctx: ctx, started: started}, nil
			}
			errc := make(chan error, 1)
			go func() { errc <- fsys.write(ctx, path, []byte(strings.Repeat("z", 8*chunk)), true) }()
			<-started
			if len(leftovers(t, dir, "r.md")) == 0 {
				t.Fatal("no temporary file while the report is being written: the test proves nothing")
			}
			if err := syscall.Kill(os.Getpid(), sig); err != nil {
				t.Fatal(err)
			}
			err := <-errc
			if err == nil || !strings.Contains(err.Error(), "interrupted; nothing was written") {
				t.Fatalf("write stopped by %v: %v", sig, err)
			}
			if b, err := os.ReadFile(path); err != nil || string(b) != "previous" {
				t.Errorf("the previous report became %q (%v)", b, err)
			}
			if left := leftovers(t, dir, "r.md"); len(left) > 0 {
				t.Errorf("temporary files left after %v: %v", sig, left)
			}
		})
	}
}

// TestNewReportStoppedBySignal: the same for a new report: no file at all.
func TestNewReportStoppedBySignal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new.html")
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGHUP)
	defer stop()
	started := make(chan struct{})
	fsys := osFiles
	fsys.createTemp = func(dir, pattern string) (tempFile, error) {
		f, err := osFiles.createTemp(dir, pattern)
		return &stallingFile{tempFile: f, ctx: ctx, started: started}, err
	}
	errc := make(chan error, 1)
	go func() { errc <- fsys.write(ctx, path, []byte(strings.Repeat("h", 8*chunk)), false) }()
	<-started
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil {
		t.Fatal("a write stopped by SIGHUP reported success")
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a stopped write left the report: %v", err)
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
