package watch

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
)

// Log appends one JSON document per line to a file and rotates it by size:
// when the next line would take the file past MaxSize, file is renamed
// file.1, file.1 becomes file.2 and so on up to file.Keep, the oldest is
// removed, and the line starts a new file.
//
// A line is written whole or not at all: it is built in memory, then
// written with a single write(2) on an O_APPEND descriptor, which the
// kernel applies atomically with respect to other appenders and which a
// signal cannot split (the watch loop finishes the write before it stops).
// Each line is fsynced before Append returns, so a power cut loses at most
// the run being written, never an earlier one; at one line a minute the
// cost is nothing.
type Log struct {
	path    string
	maxSize int64 // 0: never rotate
	keep    int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// OpenLog opens (creating with mode 0600: the documents name this
// machine's addresses) the log at path for appending.
func OpenLog(path string, maxSize int64, keep int) (*Log, error) {
	if maxSize < 0 || keep < 0 {
		return nil, fmt.Errorf("log %s: size and keep must not be negative", path)
	}
	l := &Log{path: path, maxSize: maxSize, keep: keep}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Log) open() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("log %s: open: %w", l.path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("log %s: stat: %w", l.path, err)
	}
	l.f, l.size = f, st.Size()
	return nil
}

// Append writes v as one compact JSON line.
func (l *Log) Append(v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("log %s: encode: %w", l.path, err)
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return fmt.Errorf("log %s: closed", l.path)
	}
	if l.maxSize > 0 && l.size > 0 && l.size+int64(len(line)) > l.maxSize {
		if err := l.rotate(); err != nil {
			return err
		}
	}
	before := l.size
	n, err := l.f.Write(line)
	l.size += int64(n)
	if err != nil {
		// A short write (a full disk) would leave half a line that breaks
		// every reader: cut it off again.
		if n > 0 && l.f.Truncate(before) == nil {
			l.size = before
		}
		return fmt.Errorf("log %s: write: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("log %s: sync: %w", l.path, err)
	}
	return nil
}

// rotate shifts file.N-1 to file.N … file to file.1 and reopens file.
func (l *Log) rotate() error {
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("log %s: close before rotating: %w", l.path, err)
	}
	l.f = nil
	if l.keep == 0 {
		if err := os.Remove(l.path); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("log %s: rotate: %w", l.path, err)
		}
	} else {
		_ = os.Remove(l.backup(l.keep))
		for i := l.keep - 1; i >= 1; i-- {
			if err := os.Rename(l.backup(i), l.backup(i+1)); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("log %s: rotate: %w", l.path, err)
			}
		}
		if err := os.Rename(l.path, l.backup(1)); err != nil {
			return fmt.Errorf("log %s: rotate: %w", l.path, err)
		}
	}
	return l.open()
}

func (l *Log) backup(i int) string { return l.path + "." + strconv.Itoa(i) }

// Close closes the file; later Appends fail.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
