package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/report"
	"github.com/gptdoctor/gptdoctor/session"
)

// exportNow writes a report in a command: the file is fsynced, which is
// I/O Update must not wait for. With no Export option the report package
// writes the session's record (writeReport).
func (m *Model) exportNow(format report.Format, share bool, path string) tea.Cmd {
	w := &m.writes
	if exp := m.opts.Export; exp != nil {
		return func() tea.Msg {
			if !w.start() {
				return exportedMsg{err: errQuitting}
			}
			defer w.done()
			p, err := exp(string(format), share, path)
			return exportedMsg{path: p, err: err}
		}
	}
	s, dir, now, ctx, private := m.sess, m.opts.ReportDir, m.now(), m.ctx, m.private
	return func() tea.Msg {
		if !w.start() {
			return exportedMsg{err: errQuitting}
		}
		defer w.done()
		p, err := writeReport(ctx, s, dir, now, private, format, share, path)
		return exportedMsg{path: p, err: err}
	}
}

// errQuitting answers an export asked for as the dashboard quits.
var errQuitting = errors.New("not written: the dashboard is quitting")

// writes tracks reports being written, so Run returns only after each has
// finished or removed its temporary file: the process exits right after
// Run, and a signal during an export would otherwise leave the temporary
// file behind.
type writes struct {
	mu     sync.Mutex
	wg     sync.WaitGroup
	closed bool
}

// start registers a write; false once the dashboard is quitting.
func (w *writes) start() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return false
	}
	w.wg.Add(1)
	return true
}

func (w *writes) done() { w.wg.Done() }

// wait refuses new writes and waits for those under way (the dashboard's
// context is cancelled first, so they stop at their next chunk).
func (w *writes) wait() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.wg.Wait()
}

// writeReport writes the whole session (every run kept and the actions)
// as the report command does: the same secrets removed, the same things
// masked in share mode, written atomically. An empty path is the default
// name in dir. It returns the absolute path written.
func writeReport(ctx context.Context, s *session.Session, dir string, now time.Time, private report.Private, f report.Format, share bool, path string) (string, error) {
	if s == nil {
		return "", errors.New("no session to report")
	}
	if _, ok := s.Latest(); !ok {
		return "", errors.New("no finished run to report yet")
	}
	if path == "" {
		path = filepath.Join(dir, report.DefaultName(now, f))
	}
	opts := report.Options{Share: share, Private: private,
		Secrets: report.SecretsFromEnv(s.World().LookupEnv, s.Config().APIKeyEnv)}
	if err := report.WriteFile(ctx, path, s.Record(), f, opts, report.WriteOptions{}); err != nil {
		return "", err
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return path, nil
}

// exportDialog chooses the format, share mode and path of a report.
type exportDialog struct {
	field  int // 0 format, 1 share, 2 path, 3 write
	format int
	share  bool
	path   textinput.Model
}

func (m *Model) openExportDialog() {
	ti := textinput.New()
	ti.Placeholder = filepath.Join(m.opts.ReportDir, report.DefaultName(m.now(), report.Formats[0]))
	ti.Prompt = ""
	ti.SetWidth(60)
	m.exp = &exportDialog{share: m.share, path: ti}
}

func (m *Model) exportKey(msg tea.KeyPressMsg) tea.Cmd {
	e := m.exp
	switch msg.String() {
	case "esc":
		m.exp = nil
		return nil
	case "tab", "down":
		e.field = (e.field + 1) % 4
	case "shift+tab", "up":
		e.field = (e.field + 3) % 4
	case "enter":
		m.exp = nil
		return m.exportNow(report.Formats[e.format], e.share, e.path.Value())
	case "left", "right", "space":
		switch e.field {
		case 0:
			e.format = (e.format + 1) % len(report.Formats)
			e.path.Placeholder = filepath.Join(m.opts.ReportDir, report.DefaultName(m.now(), report.Formats[e.format]))
			return nil
		case 1:
			e.share = !e.share
			return nil
		}
	}
	if e.field == 2 {
		e.path.Focus()
		var cmd tea.Cmd
		e.path, cmd = e.path.Update(msg)
		return cmd
	}
	e.path.Blur()
	return nil
}

func (m *Model) exportBox() box {
	st := m.styles
	e := m.exp
	mark := func(i int, s string) string {
		if e.field == i {
			return st.Selected.Render("› " + s)
		}
		return "  " + s
	}
	share := "off"
	if e.share {
		share = "on: addresses and names masked"
	}
	lines := []string{
		mark(0, "Format: "+formatWord(report.Formats[e.format])+st.Muted.Render("  (←/→ changes)")),
		mark(1, "Share mode: "+share+st.Muted.Render("  (←/→ toggles)")),
		mark(2, "Path: ") + e.path.View(),
		mark(3, "[ Write ]"),
		"",
		st.Muted.Render("enter writes · tab moves · esc cancels · an empty path writes the name shown"),
	}
	return box{title: "Export the session report", lines: lines, w: 80}
}

// copySummary puts the support summary (Ray IDs, IP, time, what was
// tried) on the clipboard through the terminal (OSC 52), which works over
// SSH and needs no clipboard tool.
func (m *Model) copySummary() tea.Cmd {
	if m.last == nil {
		return nil
	}
	t := remedies.SupportTicket(m.last.Snapshot, m.last.Findings, m.sess.Actions())
	if m.share {
		t = m.mask(t)
	}
	m.notify(logInfo, fmt.Sprintf("support summary copied to the clipboard (%d lines, via the terminal)", strings.Count(t, "\n")))
	return tea.SetClipboard(t)
}

// formatWord names a format with its extension: "Markdown (.md)".
func formatWord(f report.Format) string { return f.Name() + " (." + string(f) + ")" }
