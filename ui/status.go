package ui

import "github.com/gptdoctor/gptdoctor/probes"

// statusWord and the status's own glyph (probes.Status.Glyph, as the text
// summary and the reports draw it) carry a status without colour: every
// status on screen is drawn as glyph and word, and colour only repeats them.

func statusWord(s probes.Status) string {
	switch s {
	case probes.StatusPass:
		return "ok"
	case probes.StatusWarn:
		return "warn"
	case probes.StatusFail:
		return "fail"
	case probes.StatusSkipped:
		return "skipped"
	}
	return "unknown"
}

func (s *Styles) status(st probes.Status) paint {
	switch st {
	case probes.StatusPass:
		return s.Pass
	case probes.StatusWarn:
		return s.Warn
	case probes.StatusFail:
		return s.Fail
	case probes.StatusSkipped:
		return s.Skipped
	}
	return s.Unknown
}

// badge is "✓ ok" in the status's colour.
func (s *Styles) badge(st probes.Status) string {
	return s.status(st).Render(st.Glyph() + " " + statusWord(st))
}

// mark is the glyph alone, for dense cells where the word follows in the
// cell's own text (an HTTP status or a failure code).
func (s *Styles) mark(st probes.Status) string {
	return s.status(st).Render(st.Glyph())
}

// worst is the worst status of a set, by probes.Status.Rank; a probe that
// did not run on purpose does not make a pane look worse than "ok" unless
// nothing else ran.
func worst(results []probes.Result) probes.Status {
	w, any := probes.StatusPass, false
	for _, r := range results {
		if r.Status == probes.StatusSkipped {
			continue
		}
		any = true
		if r.Status.Rank() > w.Rank() {
			w = r.Status
		}
	}
	if !any {
		return probes.StatusSkipped
	}
	return w
}
