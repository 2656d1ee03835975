package ui

import (
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/report"
)

var spinFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// spinner is the spinner's frame for the tick loop's current frame.
func (m *Model) spinner() string { return spinFrames[m.frame%len(spinFrames)] }

// sync rebuilds the board from the runs and feeds every pane. It runs after
// anything the panes show has changed, never from View.
func (m *Model) sync() {
	b := &board{
		st:       m.styles,
		now:      m.now(),
		spin:     m.spinner(),
		clean:    m.clean,
		goos:     m.goos(),
		results:  map[string]probes.Result{},
		pending:  map[string]bool{},
		planned:  map[string]probes.Kind{},
		diag:     m.last,
		hist:     m.hist,
		outcomes: m.outcomes,
		applied:  m.applied,
		running:  m.cur != nil,
	}
	seen := map[string]bool{}
	addID := func(id string) {
		if !seen[id] {
			seen[id] = true
			b.order = append(b.order, id)
		}
	}
	if m.last != nil {
		for _, r := range m.last.Snapshot.Results {
			b.results[r.ID] = r
			addID(r.ID)
		}
	}
	if c := m.cur; c != nil {
		b.whatIf = c.whatIf
		for _, p := range c.planned {
			b.planned[p.ID] = p.Kind
		}
		for _, id := range c.order {
			addID(id)
			if r, ok := c.results[id]; ok {
				b.results[id] = r
			} else {
				b.pending[id] = true
			}
		}
	}
	if m.flow.active() {
		b.busy = m.flow.plan.ID()
		b.busyWhat = flowWords(m.flow.stage)
	}
	if m.share {
		// The results say which addresses and names are this person's
		// (what Cloudflare saw, the host name), so the mask follows them.
		rs := make([]probes.Result, 0, len(b.results))
		for _, id := range b.order {
			if r, ok := b.results[id]; ok {
				rs = append(rs, r)
			}
		}
		m.mask = report.ShareText(rs, m.private)
	}
	m.board = b
	m.identity.Set(identityRows(b))
	m.dns.Set(dnsRows(b))
	m.proxy.Set(proxyRows(b))
	m.endpoints.Set(b)
	m.remedies.Set(remedyRows(b))
	m.activity.Set(m.activityRows())
}

func flowWords(s flowStage) string {
	switch s {
	case flowRunning:
		return "running"
	case flowWaiting:
		return "waiting to re-check"
	case flowQueued:
		return "re-check queued behind the run in flight"
	case flowRecheck:
		return "re-checking"
	}
	return ""
}
