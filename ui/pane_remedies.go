package ui

import (
	"fmt"

	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// confidenceMark is a finding's confidence as glyph and word.
func confidenceMark(st *Styles, c remedies.Confidence) string {
	switch c {
	case remedies.Confirmed:
		return st.Fail.Render("● confirmed")
	case remedies.Likely:
		return st.Warn.Render("◐ likely")
	}
	return st.Muted.Render("○ possible")
}

// remedyRows: the ranked findings, each with its strongest evidence and its
// remedies (runnable with the key that runs them, or manual), and under a
// remedy that was applied its outcome with before and after.
func remedyRows(b *board) []row {
	st := b.st
	d := b.diag
	switch {
	case d == nil && b.running:
		return []row{{text: st.Muted.Render(b.spin + " diagnosing: the findings come when the first run ends")}}
	case d == nil:
		return []row{{text: st.Muted.Render("no finished run yet: r runs one")}}
	case len(d.Findings) == 0 && d.Outcome.Status == session.OutcomeReachable:
		rows := append(appliedRows(b), row{text: st.Pass.Render("✓ nothing to fix") + ": " + b.clean(d.Outcome.Headline)})
		if d.Outcome.MostLikely != "" {
			rows = append(rows, row{text: "  " + st.Muted.Render(b.clean(d.Outcome.MostLikely))})
		}
		return rows
	case len(d.Findings) == 0:
		return append(appliedRows(b), row{text: st.Warn.Render("? no cause found") + ": " + b.clean(d.Outcome.Headline)})
	}
	rows := appliedRows(b)
	quoted := map[string]int{} // evidence text -> the finding that quoted it
	for i, f := range d.Findings {
		rows = append(rows, row{
			text: fmt.Sprintf("%d. %s %s", i+1, confidenceMark(st, f.Confidence), st.Bold.Render(b.clean(f.Title))),
			key:  fmt.Sprintf("finding:%d", i),
		})
		if len(f.Evidence) > 0 {
			// Several causes often rest on the same answer (a 1020 is the
			// evidence for the IP, the account and the browser): it is
			// quoted once, and later findings point back to it.
			ev := b.clean(f.Evidence[0].Text)
			if n, ok := quoted[ev]; ok {
				rows = append(rows, row{text: "     " + st.Muted.Render(fmt.Sprintf("because of the same answer as %d.", n))})
			} else {
				quoted[ev] = i + 1
				rows = append(rows, row{text: "     " + st.Muted.Render("because ") + ev, hang: len("     because ")})
			}
		}
		for _, id := range f.Remedies {
			rem, ok := remedies.RemedyByID(id)
			if !ok {
				continue
			}
			how := st.Muted.Render("manual: a shows the steps")
			if rem.Action != "" {
				how = st.Key.Render("[a]") + " " + st.Muted.Render("runs "+rem.Action)
			}
			rows = append(rows, row{text: "   ▸ " + b.clean(rem.Title) + "  " + how, key: fmt.Sprintf("remedy:%d:%s", i, id)})
			if rem.Action == "" {
				continue
			}
			if b.busy == rem.Action {
				rows = append(rows, row{text: "       " + st.Accent.Render(b.spin+" "+b.busyWhat)})
			} else if rec, ok := b.outcomes[rem.Action]; ok {
				rows = append(rows, row{text: "       " + outcomeMark(st, rec.Outcome) + " " + b.clean(outcomeDetail(rec))})
			}
		}
	}
	return rows
}

// maxApplied is how many applied actions head the pane; the Activity log
// keeps them all.
const maxApplied = 3

// appliedRows head the pane with the latest actions applied (or declined)
// and their outcome, newest first: a fix usually removes the finding it
// was listed under, and its before and after must stay in sight.
func appliedRows(b *board) []row {
	if len(b.applied) == 0 {
		return nil
	}
	st := b.st
	rows := []row{{text: st.Bold.Render("Applied")}}
	for i := len(b.applied) - 1; i >= 0 && i >= len(b.applied)-maxApplied; i-- {
		rec := b.applied[i]
		text := "   " + outcomeMark(st, rec.Outcome) + " " + st.Bold.Render(b.clean(rec.Action))
		if d := outcomeDetail(rec); d != "" {
			text += " " + b.clean(d)
		}
		rows = append(rows, row{text: text, key: fmt.Sprintf("applied:%d", i)})
	}
	return append(rows, row{})
}

// outcomeMark is an action outcome as glyph and word.
func outcomeMark(st *Styles, o remedies.Outcome) string {
	switch o {
	case remedies.OutcomeFixed, remedies.OutcomeImproved, remedies.OutcomeDone, remedies.OutcomeConfirmed:
		return st.Pass.Render("✓ " + string(o))
	case remedies.OutcomeFailed, remedies.OutcomeWorse:
		return st.Fail.Render("✗ " + string(o))
	case remedies.OutcomeDeclined, remedies.OutcomeDryRun, remedies.OutcomeInstructions:
		return st.Muted.Render("- " + string(o))
	}
	return st.Warn.Render("! " + string(o))
}

// outcomeDetail is before → after, or why it failed.
func outcomeDetail(rec remedies.ActionRecord) string {
	switch {
	case rec.Err != "":
		return rec.Err
	case rec.Verdict != "":
		return rec.Verdict
	case rec.Before != "" || rec.After != "":
		return rec.Before + " → " + rec.After
	}
	return ""
}
