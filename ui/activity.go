package ui

import (
	"fmt"
)

// logKind sorts the activity log's entries; each has its own glyph.
type logKind int

const (
	logRun logKind = iota
	logChange
	logAction
	logError
	logInfo
)

// maxLog bounds the activity log of a long session.
const maxLog = 500

type logEntry struct {
	at   string // HH:MM:SS, fixed when logged
	kind logKind
	text string
}

func (m *Model) logf(kind logKind, format string, args ...any) {
	e := logEntry{at: m.now().Format("15:04:05"), kind: kind, text: fmt.Sprintf(format, args...)}
	m.log = append(m.log, e)
	if len(m.log) > maxLog {
		m.log = append(m.log[:0:0], m.log[len(m.log)-maxLog:]...)
	}
}

// activityRows lists the log newest first, each with its time and a
// glyph and word for its kind.
func (m *Model) activityRows() []row {
	st := m.styles
	rows := make([]row, 0, len(m.log))
	for i := len(m.log) - 1; i >= 0; i-- {
		e := m.log[i]
		var tag string
		switch e.kind {
		case logRun:
			tag = st.Accent.Render("● run   ")
		case logChange:
			tag = st.Warn.Render("Δ change")
		case logAction:
			tag = st.Bold.Render("▸ action")
		case logError:
			tag = st.Fail.Render("✗ error ")
		default:
			tag = st.Muted.Render("· info  ")
		}
		rows = append(rows, row{text: st.Muted.Render(e.at) + " " + tag + " " + m.clean(e.text), key: fmt.Sprintf("log:%d", i)})
	}
	if len(rows) == 0 {
		rows = append(rows, row{text: st.Muted.Render("nothing yet")})
	}
	return rows
}
