package ui

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
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
	if a, ok := worstAnswer(d.Snapshot); ok && a.v.RayID != "" {
		parts = append(parts, "Ray "+m.clean(a.v.RayID))
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
	a, ok := worstAnswer(d.Snapshot)
	if !ok {
		return d.Outcome.Headline
	}
	how := howSeen(d.Snapshot, a.r)
	switch {
	case a.code == 0:
		return "No answer from " + a.host + orWords(parens(a.failure), "") + how
	case a.v.Cloudflare && a.v.Code != 0:
		return fmt.Sprintf("Error %d — Cloudflare %s %s%s", a.v.Code, cfVerb(a.v.Kind), a.host, how)
	case a.v.OpenAI != nil && a.v.OpenAI.Code != "":
		who := a.host
		if a.withKey {
			who += ", with your key"
		}
		return fmt.Sprintf("HTTP %d — the OpenAI API answers %s (%s)%s", a.code, a.v.OpenAI.Code, who, how)
	}
	return fmt.Sprintf("HTTP %d from %s (%s)%s", a.code, a.host, verdictShort(a.v, false), how)
}

func parens(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// answer is the failing answer the header names.
type answer struct {
	r       probes.Result
	host    string
	code    int
	v       classify.Verdict
	failure string
	withKey bool // the API-key probe's answer, not an endpoint cell's
}

// worstAnswer is the failure the header names: an answered Cloudflare
// block before another error page before a silence, first in plan order
// among equals; the API key's answer when no endpoint failed.
func worstAnswer(s probes.Snapshot) (answer, bool) {
	var best answer
	bestRank := -1
	for _, r := range s.Results {
		if r.Status != probes.StatusFail {
			continue
		}
		a := answer{r: r, host: hostOf(r)}
		rank := 0
		switch d := r.Details.(type) {
		case *probes.EndpointDetails:
			a.code, a.v, a.failure = d.StatusCode, d.Verdict, d.Failure
			rank = 1
		case *probes.APIKeyDetails:
			a.code, a.v, a.withKey = d.StatusCode, d.Verdict, true
			if u, err := url.Parse(d.URL); err == nil {
				a.host = u.Hostname()
			}
		default:
			continue
		}
		switch {
		case a.v.Cloudflare && a.v.Code != 0:
			rank += 8
		case a.code != 0:
			rank += 4
		}
		if a.v.ClientIP != "" {
			rank += 2 // a block page that names the IP it judged says more
		}
		if rank > bestRank {
			best, bestRank = a, rank
		}
	}
	return best, bestRank >= 0
}

func cfVerb(k classify.VerdictKind) string {
	switch k {
	case classify.VerdictCFBlock:
		return "denies"
	case classify.VerdictCFRateLimit:
		return "rate-limits"
	case classify.VerdictCFBrowserSignature:
		return "rejects this client's signature on"
	case classify.VerdictCFCountryBlock:
		return "blocks this country from"
	case classify.VerdictCFIPBan:
		return "bans this IP from"
	case classify.VerdictCFMalicious:
		return "flags this network's traffic to"
	case classify.VerdictCFChallenge:
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

// seenAs is the IP and country Cloudflare saw: the block page's own words
// when there is one, else the first direct trace.
func seenAs(s probes.Snapshot) (string, string) {
	if a, ok := worstAnswer(s); ok && a.v.ClientIP != "" {
		return a.v.ClientIP, a.v.Country
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
