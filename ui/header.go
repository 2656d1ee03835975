package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/session"
)

// headerLines are the verdict, then the run line: when the last run ended
// and how long ago, the refresh interval, back-off and pause.
func (m *Model) headerLines() []string {
	st := m.styles
	var verdict string
	switch {
	case m.last != nil:
		verdict = m.verdictLine(m.last)
	case m.cur != nil:
		verdict = st.Accent.Render(m.spinner()) + " " + st.Bold.Render("Checking how this machine reaches ChatGPT and the OpenAI API…")
	default:
		verdict = st.Muted.Render("No run yet: r runs one")
	}
	var parts []string
	if m.opts.Demo || m.lab() {
		lab := "LAB"
		if m.sess != nil && m.sess.Scenario() != "" {
			lab += " " + m.sess.Scenario()
		}
		parts = append(parts, st.Selected.Render(" "+lab+" ")+st.Muted.Render(" staged on loopback"))
	}
	if m.last != nil {
		age := m.now().Sub(m.lastFinished)
		parts = append(parts, fmt.Sprintf("run #%d at %s (%s)", m.last.Seq, m.lastFinished.Format("15:04:05"), agoWords(age)))
	}
	if m.cur != nil {
		what := "running"
		if m.cur.purpose == purposeRecheck {
			what = "re-checking"
			if m.cur.whatIf {
				what = "what-if re-check"
			}
		}
		done, total := len(m.cur.results), len(m.cur.planned)
		parts = append(parts, st.Accent.Render(fmt.Sprintf("%s %s %d/%d", m.spinner(), what, min(done, total), total)))
	}
	parts = append(parts, m.refreshWords())
	if m.share {
		parts = append(parts, st.Warn.Render("share mode: addresses masked"))
	}
	run := " " + strings.Join(parts, st.Muted.Render(" · "))
	if m.last == nil || m.last.Outcome.MostLikely == "" {
		return []string{" " + verdict, run}
	}
	likely := m.clean(m.last.Outcome.MostLikely)
	if m.lay.Header.H >= 3 {
		return []string{" " + verdict, "   " + st.Muted.Render(likely), run}
	}
	// Two lines only: the cause follows the headline, as far as it fits.
	return []string{" " + verdict + st.Muted.Render(" · "+likely), run}
}

// refreshWords describe the refresh: interval, countdown, back-off, pause.
func (m *Model) refreshWords() string {
	st := m.styles
	if m.opts.Interval <= 0 {
		return st.Muted.Render("refresh on demand (r)")
	}
	s := "refresh every " + ageWords(m.opts.Interval)
	if m.paused {
		return s + " " + st.Warn.Render("‖ paused")
	}
	if m.backoff > 0 {
		s += st.Warn.Render(fmt.Sprintf(", backing off to %s: rate limited", ageWords(m.refreshWait())))
	}
	if m.cur == nil && !m.nextRefresh.IsZero() {
		// A time, not a countdown: a countdown would redraw every second.
		s += ", next at " + m.nextRefresh.Format("15:04:05")
	}
	return s
}

// agoWords is the age of the last run to the minute ("just now", "4m
// ago"), so an idle dashboard redraws once a minute, not once a second.
func agoWords(d time.Duration) string {
	if d < time.Minute {
		return "just now"
	}
	return ageWords(d.Truncate(time.Minute)) + " ago"
}

// ageWords is a duration the way the header says it: "12s", "4m", "2h5m".
func ageWords(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		if s := int(d.Seconds()) % 60; s != 0 {
			return fmt.Sprintf("%dm%ds", int(d.Minutes()), s)
		}
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh%dm", int(d.Hours()), int(d.Minutes())%60)
}

// verdictLine is the run's outcome as the session words it, the line
// every face opens with: its status as glyph and word, the code the user
// saw, then the headline ("Error 1020 — Cloudflare's firewall
// denies chatgpt.com … (Ray …, seen as 203.0.113.77 in DE)").
func (m *Model) verdictLine(d *session.Diagnosis) string {
	st := m.styles
	var glyph string
	switch d.Outcome.Status {
	case session.OutcomeReachable:
		glyph = st.Pass.Render("✓ reachable")
	case session.OutcomeIncomplete:
		glyph = st.Unknown.Render("? incomplete")
	default:
		glyph = st.Fail.Render("✗ problem")
	}
	line := glyph + " "
	// The code as a badge, unless the headline already opens with it
	// ("Error 1020 — …"): the header says it once.
	if c := d.Outcome.Code; c != "" && !strings.Contains(d.Outcome.Headline, c) {
		line += st.Selected.Render(" "+m.clean(c)+" ") + " "
	}
	return line + st.Verdict.Render(m.clean(d.Outcome.Headline))
}
