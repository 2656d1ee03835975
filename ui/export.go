package ui

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/report"
	"github.com/gptdoctor/gptdoctor/session"
)

// exportFormats are what the export dialog offers.
var exportFormats = []string{"text", "json"}

// exportNow writes a report in a command. With no Export option the report
// package writes it (writeReport), from the session, which is safe to read
// from a command's goroutine.
func (m *Model) exportNow(format string, share bool, path string) tea.Cmd {
	if exp := m.opts.Export; exp != nil {
		return func() tea.Msg {
			p, err := exp(format, share, path)
			return exportedMsg{path: p, err: err}
		}
	}
	s, dir, now, mk := m.sess, m.opts.ReportDir, m.now(), m.masker.clone()
	return func() tea.Msg {
		p, err := writeReport(s, dir, now, mk, format, share, path)
		return exportedMsg{path: p, err: err}
	}
}

// defaultReportName is gptdoctor-report-YYYYMMDD-HHMMSS.txt (or .json).
func defaultReportName(now time.Time, format string) string {
	ext := ".txt"
	if format == "json" {
		ext = ".json"
	}
	return "gptdoctor-report-" + now.Format("20060102-150405") + ext
}

// writeReport writes the latest run's document atomically (a temporary
// file renamed into place, so a reader never sees half a report).
func writeReport(s *session.Session, dir string, now time.Time, mk *masker, format string, share bool, path string) (string, error) {
	if s == nil {
		return "", errors.New("no session")
	}
	d, ok := s.Latest()
	if !ok {
		return "", errors.New("no finished run to report yet")
	}
	if path == "" {
		path = filepath.Join(dir, defaultReportName(now, format))
	}
	var buf bytes.Buffer
	doc := s.Document(d)
	var err error
	switch format {
	case "json":
		err = report.WriteJSON(&buf, doc)
	case "text", "":
		err = report.WriteText(&buf, doc, report.TextOptions{Verbose: true})
	default:
		return "", fmt.Errorf("unknown report format %q (text or json)", format)
	}
	if err != nil {
		return "", fmt.Errorf("render report: %w", err)
	}
	out := buf.Bytes()
	if share {
		out = []byte(mk.mask(string(out)))
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gptdoctor-report-*")
	if err != nil {
		return "", fmt.Errorf("write report %s: %w", path, err)
	}
	_, werr := tmp.Write(out)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("write report %s: %w", path, werr)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return path, nil
}

func (mk *masker) clone() *masker {
	c := &masker{names: make(map[string]string, len(mk.names)), order: append([]string(nil), mk.order...)}
	for k, v := range mk.names {
		c.names[k] = v
	}
	return c
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
	ti.Placeholder = filepath.Join(m.opts.ReportDir, defaultReportName(m.now(), "text"))
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
		return m.exportNow(exportFormats[e.format], e.share, e.path.Value())
	case "left", "right", "space":
		switch e.field {
		case 0:
			e.format = (e.format + 1) % len(exportFormats)
			e.path.Placeholder = filepath.Join(m.opts.ReportDir, defaultReportName(m.now(), exportFormats[e.format]))
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
		mark(0, "Format: "+exportFormats[e.format]+st.Muted.Render("  (←/→ changes)")),
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
		t = m.masker.mask(t)
	}
	m.notify(logInfo, fmt.Sprintf("support summary copied to the clipboard (%d lines, via the terminal)", lines(t)))
	return tea.SetClipboard(t)
}

func lines(s string) int {
	n := 0
	for _, c := range s {
		if c == '\n' {
			n++
		}
	}
	return n
}
