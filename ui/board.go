package ui

import (
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// board is what the panes draw from: the newest result per probe (the run
// in flight over the last finished run), which planned probes have not
// answered yet, the diagnosis, the history and the actions' outcomes. The
// root rebuilds it when anything changes; panes only read it.
type board struct {
	st    *Styles
	now   time.Time
	spin  string
	clean func(string) string
	goos  string

	results map[string]probes.Result
	pending map[string]bool
	// planned are the kinds the current run's plan gives its probes, for
	// rows that have no result yet.
	planned map[string]probes.Kind
	order   []string
	diag    *session.Diagnosis
	hist    *history
	running bool
	whatIf  bool
	// outcomes are the latest record per action ID, and busy the action in
	// flight ("" when none).
	outcomes map[string]remedies.ActionRecord
	applied  []remedies.ActionRecord
	busy     string
	busyWhat string
}

func (b *board) get(id string) (probes.Result, bool) {
	r, ok := b.results[id]
	return r, ok
}

// ofKind lists the known and pending probe IDs of a kind, in plan order.
func (b *board) ofKind(k probes.Kind) []string {
	var out []string
	for _, id := range b.order {
		if r, ok := b.results[id]; ok && r.Kind == k {
			out = append(out, id)
		} else if !ok && b.pending[id] && b.planned[id] == k {
			out = append(out, id)
		}
	}
	return out
}

// mark is a row's status glyph and word, or the spinner and "pending"
// for a probe that has not answered in this run.
func (b *board) mark(id string) string {
	if b.pending[id] {
		return b.st.Muted.Render(b.spin + " pending")
	}
	r, ok := b.results[id]
	if !ok {
		return b.st.Muted.Render("  —")
	}
	return b.st.badge(r.Status)
}

// reason is a result's reason, cleaned for the screen; for a pending probe
// the previous run's reason, dimmed, so the pane does not flicker empty.
func (b *board) reason(id string) string {
	r, ok := b.results[id]
	if !ok {
		return ""
	}
	if b.pending[id] {
		return b.st.Muted.Render(b.clean(r.Reason))
	}
	return b.clean(r.Reason)
}

func (b *board) title(id string, fallback string) string {
	if r, ok := b.results[id]; ok && r.Title != "" {
		return b.clean(r.Title)
	}
	return fallback
}
