package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gptdoctor/gptdoctor/session"
)

// ErrExists is returned (wrapped) when the file to write exists and
// replacing it was not asked for; the file is untouched.
var ErrExists = errors.New("already exists")

// WriteOptions say how a report file is written.
type WriteOptions struct {
	// Force replaces an existing file (atomically: readers see the old
	// file or the new one, never a mix).
	Force bool
}

// WriteFile renders the session's report and writes it to path, private to
// the user (0600). The report is rendered in memory, written to a
// temporary file in the same directory, synced and then put in place, so an
// error, a full disk or a cancelled ctx leaves no partial report and no
// temporary file behind, and the old file, if any, as it was.
//
// Without Force an existing file is refused with ErrExists, and a file
// created at the same moment by someone else is not clobbered: the report
// is linked into place, which fails if the name is taken.
//
// Errors are one line naming the file and what to do.
func WriteFile(ctx context.Context, path string, rec session.Record, f Format, opts Options, wo WriteOptions) error {
	var buf bytes.Buffer
	if err := Render(&buf, rec, f, opts); err != nil {
		return err
	}
	return osFiles.write(ctx, path, buf.Bytes(), wo.Force)
}

// tempFile is what writing needs of an *os.File; tests inject one that
// fails halfway.
type tempFile interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
}

// files is the file system operations writing uses.
type files struct {
	createTemp func(dir, pattern string) (tempFile, error)
	link       func(oldname, newname string) error
	rename     func(oldname, newname string) error
}

var osFiles = files{
	createTemp: func(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) },
	link:       os.Link,
	rename:     os.Rename,
}

// chunk is how much is written between checks of ctx, so an interrupt
// stops a large report promptly.
const chunk = 64 << 10

func (fsys files) write(ctx context.Context, path string, data []byte, force bool) (err error) {
	dir := filepath.Dir(path)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write %s: interrupted; nothing was written", path)
	}
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("write %s: %w", path, existsError(path))
		}
	}
	tmp, err := fsys.createTemp(dir, ".gptdoctor-report-*.tmp")
	if err != nil {
		return writeError(path, dir, err)
	}
	published := false
	defer func() {
		if !published {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	for rest := data; len(rest) > 0; {
		if ctx.Err() != nil {
			return fmt.Errorf("write %s: interrupted; nothing was written", path)
		}
		n := min(len(rest), chunk)
		if _, err := tmp.Write(rest[:n]); err != nil {
			return writeError(path, dir, err)
		}
		rest = rest[n:]
	}
	if err := tmp.Sync(); err != nil {
		return writeError(path, dir, err)
	}
	if err := tmp.Close(); err != nil {
		return writeError(path, dir, err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("write %s: interrupted; nothing was written", path)
	}
	if force {
		if err := fsys.rename(tmp.Name(), path); err != nil {
			return writeError(path, dir, err)
		}
		published = true
		syncDir(dir)
		return nil
	}
	// Link fails if the name exists, however late it appeared: the check
	// above only gives the early, friendly message.
	if err := fsys.link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("write %s: %w", path, existsError(path))
		}
		if err := exclusiveCopy(path, data); err != nil {
			return writeError(path, dir, err)
		}
	}
	syncDir(dir)
	return nil // the deferred cleanup removes the temporary name
}

// exclusiveCopy writes data to a new file for file systems without hard
// links (FAT, some network shares): created exclusively, so nothing is
// clobbered, and removed again if writing fails.
func exclusiveCopy(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
	}
	return err
}

// syncDir makes the new name durable where the system allows it; Windows
// cannot sync a directory, and the file itself is already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

func existsError(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("is a directory, not a file: %w", ErrExists)
	}
	return ErrExists
}

// writeError says in one line why the report could not be written.
func writeError(path, dir string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("write %s: directory %s does not exist", path, dir)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("write %s: no permission to write in %s", path, dir)
	case isDiskFull(err):
		return fmt.Errorf("write %s: the disk is full; nothing was written", path)
	case isNotDir(err):
		return fmt.Errorf("write %s: %s is not a directory", path, dir)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return fmt.Errorf("write %s: %v; nothing was written", path, err)
}
