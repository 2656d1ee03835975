package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
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
		verdict = st.Accent.Render(spinFrames[m.frame%len(spinFrames)]) + " " + st.Bold.Render("Checking how this machine reaches ChatGPT and the OpenAI API…")
	default:
		verdict = st.Muted.Render("No run yet: r runs one")
	}
	var parts []string
	if m.opts.Demo || (m.sess != nil && m.sess.Mode() == "demo") {
		lab := "LAB"
		if m.sess != nil && m.sess.Scenario() != "" {
			lab += " " + m.sess.Scenario()
		}
		parts = append(parts, st.Selected.Render(" "+lab+" ")+st.Muted.Render(" staged on loopback"))
	}
	if m.last != nil {
		age := m.now().Sub(m.lastFinished)
		parts = append(parts, fmt.Sprintf("run #%d at %s (%s ago)", m.last.Seq, m.lastFinished.Format("15:04:05"), ageWords(age)))
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
		parts = append(parts, st.Accent.Render(fmt.Sprintf("%s %s %d/%d", spinFrames[m.frame%len(spinFrames)], what, min(done, total), total)))
	}
	parts = append(parts, m.refreshWords())
	if m.share {
		parts = append(parts, st.Warn.Render("share mode: addresses masked"))
	}
	return []string{" " + verdict, " " + strings.Join(parts, st.Muted.Render(" · "))}
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
		s += ", next in " + ageWords(max(0, m.nextRefresh.Sub(m.now())))
	}
	return s
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

// verdictLine names the code, where and how it was seen, the Ray ID and
// the IP and country Cloudflare saw: "✗ Error 1020 — Cloudflare denies
// chatgpt.com on every path · Ray 8a1b…-FRA · seen as 203.0.113.77 (DE)".
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
	parts := []string{glyph + " " + st.Verdict.Render(m.clean(headline(d)))}
	if r, ok := worstEndpoint(d.Snapshot); ok {
		if ed, ok := r.Details.(*probes.EndpointDetails); ok && ed.Verdict.RayID != "" {
			parts = append(parts, "Ray "+m.clean(ed.Verdict.RayID))
		}
	}
	if ip, loc := seenAs(d.Snapshot); ip != "" {
		s := "seen as " + ip
		if loc != "" {
			s += " (" + loc + ")"
		}
		parts = append(parts, m.clean(s))
	}
	if len(d.Findings) > 0 && d.Outcome.Status != session.OutcomeReachable {
		parts = append(parts, string(d.Findings[0].Confidence)+": "+m.clean(d.Findings[0].Title))
	}
	return strings.Join(parts, st.Muted.Render(" · "))
}

// headline is the verdict in words that name the code.
func headline(d *session.Diagnosis) string {
	r, ok := worstEndpoint(d.Snapshot)
	if !ok {
		return d.Outcome.Headline
	}
	ed, _ := r.Details.(*probes.EndpointDetails)
	host := hostOf(r)
	how := howSeen(d.Snapshot, r)
	if ed == nil || ed.StatusCode == 0 {
		s := "No answer from " + host
		if ed != nil && ed.Failure != "" {
			s += " (" + ed.Failure + ")"
		}
		return s + how
	}
	v := ed.Verdict
	if v.Cloudflare && v.Code != 0 {
		return fmt.Sprintf("Error %d — Cloudflare %s %s%s", v.Code, cfVerb(v.Kind), host, how)
	}
	if v.OpenAI != nil && v.OpenAI.Code != "" {
		return fmt.Sprintf("HTTP %d — the OpenAI API answers %s (%s)%s", ed.StatusCode, v.OpenAI.Code, host, how)
	}
	return fmt.Sprintf("HTTP %d — %s: %s%s", ed.StatusCode, host, r.Reason, how)
}

func cfVerb(k probes.VerdictKind) string {
	switch k {
	case probes.VerdictCFBlock:
		return "denies"
	case probes.VerdictCFRateLimit:
		return "rate-limits"
	case probes.VerdictCFBrowserSignature:
		return "rejects this client's signature on"
	case probes.VerdictCFCountryBlock:
		return "blocks this country from"
	case probes.VerdictCFIPBan:
		return "bans this IP from"
	case probes.VerdictCFMalicious:
		return "flags this network's traffic to"
	case probes.VerdictCFChallenge:
		return "challenges"
	}
	return "answers with an error for"
}

func hostOf(r probes.Result) string {
	rest := strings.TrimPrefix(r.ID, "endpoint:")
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		return rest[:i]
	}
	return rest
}

// howSeen is where the failure shows: on every path, or only on one side
// of the axis the target's matrix found ("only through the proxy").
func howSeen(s probes.Snapshot, r probes.Result) string {
	m, ok := s.Get("matrix:" + hostOf(r))
	if !ok {
		return ""
	}
	md, ok := m.Details.(*probes.MatrixDetails)
	if !ok {
		return ""
	}
	if md.Split != "" {
		w := map[string]string{"proxy": "through the proxy", "direct": "without the proxy", "ipv6": "over IPv6", "ipv4": "over IPv4",
			"plain": "without browser headers", "browser": "with browser headers"}[md.BlockedWhen]
		return " only " + orWords(w, md.BlockedWhen)
	}
	failed := 0
	for _, c := range md.Cells {
		if c.Status == probes.StatusFail {
			failed++
		}
	}
	if failed == len(md.Cells) && failed > 1 {
		return " on every path"
	}
	return ""
}

// worstEndpoint is the failure the header names: an answered block before
// an error page before a silence, first in plan order among equals.
func worstEndpoint(s probes.Snapshot) (probes.Result, bool) {
	var best probes.Result
	bestRank := -1
	for _, r := range s.Results {
		if r.Kind != probes.KindEndpoint || r.Status != probes.StatusFail {
			continue
		}
		rank := 0
		if d, ok := r.Details.(*probes.EndpointDetails); ok {
			switch {
			case d.Verdict.Cloudflare && d.Verdict.Code != 0:
				rank = 3
			case d.StatusCode != 0:
				rank = 2
			default:
				rank = 1
			}
		}
		if rank > bestRank {
			best, bestRank = r, rank
		}
	}
	return best, bestRank >= 0
}

// seenAs is the IP and country Cloudflare saw: the block page's own words
// when there is one, else the first direct trace.
func seenAs(s probes.Snapshot) (string, string) {
	if r, ok := worstEndpoint(s); ok {
		if d, ok := r.Details.(*probes.EndpointDetails); ok && d.Verdict.ClientIP != "" {
			return d.Verdict.ClientIP, d.Verdict.Country
		}
	}
	for _, r := range s.OfKind(probes.KindEdgeTrace) {
		if d, ok := r.Details.(*probes.TraceDetails); ok && d.IP != "" {
			return d.IP, d.Loc
		}
	}
	if r, ok := s.Get("identity:public-ip"); ok {
		if d, ok := r.Details.(*probes.PublicIPDetails); ok && d.TraceIP != "" {
			return d.TraceIP, d.TraceLoc
		}
	}
	return "", ""
}
