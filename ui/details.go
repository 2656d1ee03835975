package ui

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// detailsView is the full-body view enter opens: everything known about
// one result, finding or remedy, scrollable; esc goes back.
type detailsView struct {
	title  string
	lines  []string
	offset int
	h      int
}

func (d *detailsView) View(st *Styles, w, h int) []string {
	d.h = max(h-2, 0)
	d.offset = clampOffset(d.offset, len(d.lines), d.h)
	lines := make([]string, len(d.lines))
	for i, l := range d.lines {
		lines[i] = " " + l
	}
	out := st.frame(0, d.title+"  (esc back)", lines, d.offset, w, h, true)
	return out
}

func (m *Model) detailsKey(msg tea.KeyPressMsg) tea.Cmd {
	d := m.details
	switch {
	case key.Matches(msg, m.keys.Back):
		m.details = nil
	case key.Matches(msg, m.keys.Up):
		d.offset = max(0, d.offset-1)
	case key.Matches(msg, m.keys.Down):
		d.offset = clampOffset(d.offset+1, len(d.lines), d.h)
	case msg.String() == "pgdown" || msg.String() == "space":
		d.offset = clampOffset(d.offset+d.h, len(d.lines), d.h)
	case msg.String() == "pgup":
		d.offset = max(0, d.offset-d.h)
	}
	return nil
}

// openDetails opens the details of what is selected in the focused pane.
func (m *Model) openDetails() {
	k := m.selectedKey()
	switch {
	case k == "":
		return
	case strings.HasPrefix(k, "finding:"):
		i, _ := strconv.Atoi(strings.TrimPrefix(k, "finding:"))
		if m.last != nil && i < len(m.last.Findings) {
			m.details = m.findingDetails(m.last.Findings[i])
		}
	case strings.HasPrefix(k, "remedy:"):
		if rem, ok := remedies.RemedyByID(m.selectedRemedy()); ok {
			m.details = m.remedyDetails(rem)
		}
	case strings.HasPrefix(k, "applied:"):
		i, _ := strconv.Atoi(strings.TrimPrefix(k, "applied:"))
		if i < len(m.applied) {
			m.details = m.recordDetails(m.applied[i])
		}
	case strings.HasPrefix(k, "log:"):
		i, _ := strconv.Atoi(strings.TrimPrefix(k, "log:"))
		if i < len(m.log) {
			e := m.log[i]
			m.details = &detailsView{title: "Activity at " + e.at, lines: wrapAll([]string{m.clean(e.text)}, max(m.lay.W-6, 20))}
		}
	default:
		if r, ok := m.board.get(k); ok {
			m.details = m.resultDetails(r)
		}
	}
}

func wrapAll(in []string, w int) []string {
	var out []string
	for _, l := range in {
		out = append(out, wrap(l, w)...)
	}
	return out
}

// resultDetails: status, reason, error, the typed measurement and every
// line of evidence. An endpoint cell gets the timing waterfall, the
// headers that matter, the certificate chain and its verdict, the body
// excerpt and the redirect chain.
func (m *Model) resultDetails(r probes.Result) *detailsView {
	st := m.styles
	var l []string
	add := func(format string, args ...any) { l = append(l, fmt.Sprintf(format, args...)) }
	head := func(s string) { l = append(l, "", st.Bold.Render(s)) }
	add("%s  %s", st.badge(r.Status), m.clean(r.Reason))
	add("%s", st.Muted.Render(m.clean(fmt.Sprintf("probe %s · %s · took %s", r.ID, r.Kind, r.Duration))))
	if r.Target != "" {
		add("target %s", m.clean(r.Target))
	}
	if r.Error != nil {
		to := ""
		if r.Error.Timeout {
			to = " (timed out)"
		}
		add("%s", st.Fail.Render("error at step "+m.clean(r.Error.Step)+to+": ")+m.clean(r.Error.Message))
	}
	switch d := r.Details.(type) {
	case *probes.EndpointDetails:
		l = append(l, m.endpointDetails(d)...)
	case nil:
	default:
		head("Measurement")
		if b, err := json.MarshalIndent(d, "", "  "); err == nil {
			for _, s := range strings.Split(string(b), "\n") {
				l = append(l, m.clean(s))
			}
		}
	}
	if len(r.Evidence) > 0 {
		head("Evidence")
		for _, e := range r.Evidence {
			add("• %s", m.clean(e))
		}
	}
	return &detailsView{title: m.clean(r.Title), lines: l}
}

func (m *Model) endpointDetails(d *probes.EndpointDetails) []string {
	st := m.styles
	var l []string
	add := func(format string, args ...any) { l = append(l, fmt.Sprintf(format, args...)) }
	head := func(s string) { l = append(l, "", st.Bold.Render(s)) }
	head("Request")
	add("%s · %s", m.clean(d.URL), d.Variant.Words())
	if d.Proxy != "" {
		add("through proxy %s", m.clean(d.Proxy))
	}
	if d.RemoteAddr != "" {
		add("connected to %s %s", m.clean(d.RemoteAddr), m.clean(d.HTTPVersion))
	}
	head("Timing")
	l = append(l, waterfall(st, d.Timings, 40)...)
	if d.StatusCode != 0 {
		head("Answer")
		v := d.Verdict
		add("HTTP %d · %s", d.StatusCode, m.clean(orWords(v.Summary, string(v.Kind))))
		var who []string
		if v.RayID != "" {
			who = append(who, "Ray "+m.clean(v.RayID))
		}
		if v.Colo != "" {
			who = append(who, "data centre "+m.clean(v.Colo))
		}
		if v.ClientIP != "" {
			who = append(who, "client "+m.clean(v.ClientIP)+" "+m.clean(v.Country))
		}
		if v.RetryAfterSeconds > 0 {
			who = append(who, fmt.Sprintf("retry after %ds", v.RetryAfterSeconds))
		}
		if len(who) > 0 {
			add("%s", strings.Join(who, " · "))
		}
		if d.Expected {
			add("%s", st.Pass.Render("✓ this is what the target answers a healthy machine"))
		}
	} else if d.Failure != "" {
		head("No answer")
		add("%s %s", st.Fail.Render("✗"), m.clean(d.Failure))
	}
	if len(d.Headers) > 0 {
		head("Headers that matter")
		keys := make([]string, 0, len(d.Headers))
		for k := range d.Headers {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			add("%s: %s", m.clean(k), m.clean(d.Headers[k]))
		}
	}
	if t := d.TLS; t != nil {
		head("TLS and certificate chain")
		add("%s %s · SNI %s", m.clean(t.Version), m.clean(t.ALPN), m.clean(t.ServerName))
		add("%s", tlsVerdict(st, t, m.clean))
		for i, c := range t.Chain {
			add("%d %s ← %s %s · valid %s to %s", i, m.clean(c.Subject), m.clean(c.IssuerCN), m.clean(c.IssuerOrg),
				c.NotBefore.Format("2006-01-02"), c.NotAfter.Format("2006-01-02"))
		}
	}
	if len(d.Redirects) > 0 {
		head("Redirect chain")
		for _, r := range d.Redirects {
			add("%d %s → %s", r.Status, m.clean(r.From), m.clean(r.To))
		}
	}
	if d.BodyExcerpt != "" {
		trunc := ""
		if d.BodyTruncated {
			trunc = ", cut short"
		}
		head(fmt.Sprintf("Body excerpt (sanitised; %d bytes read%s)", d.BodyBytes, trunc))
		for _, s := range strings.Split(sanitize.Text(d.BodyExcerpt, 2000), "\n") {
			if s = strings.TrimSpace(s); s != "" {
				l = append(l, "  "+m.clean(s))
			}
		}
	}
	return l
}

// tlsVerdict says how the chain was judged.
func tlsVerdict(st *Styles, t *probes.TLSDetails, clean func(string) string) string {
	switch {
	case t.Intercepted:
		s := "re-signed on the way by " + clean(t.InterceptedBy)
		if t.Product != "" {
			s += " (" + clean(t.Product) + ")"
		}
		return st.Warn.Render("! intercepted: ") + s
	case t.UserTrusted:
		return st.Pass.Render("✓ trusted") + " through a root you declared (--ca-file)"
	case t.SystemVerified && t.PublicVerified:
		return st.Pass.Render("✓ trusted") + " by this machine and by the public roots"
	case !t.SystemVerified:
		return st.Fail.Render("✗ rejected by this machine: ") + clean(t.SystemError)
	}
	return st.Warn.Render("! not publicly trusted: ") + clean(t.PublicError)
}

// waterfall draws the request phases one after another on a shared scale:
// DNS, connect, TLS, then the server's wait up to the first byte, and the
// total. FirstByte counts from the start of the final request (as httptrace
// reports it), so its bar starts where the handshake ended; the scale is
// the longer of the total and the first byte, so no bar runs past the edge.
func waterfall(st *Styles, t probes.PhaseTimings, width int) []string {
	total := t.Total.D()
	if total <= 0 {
		return []string{st.Muted.Render("no timings recorded")}
	}
	span := max(total, t.FirstByte.D())
	scale := func(d time.Duration) int { return int(int64(width) * int64(d) / int64(span)) }
	handshake := t.DNS.D() + t.Connect.D() + t.TLS.D()
	phases := []struct {
		name  string
		shown time.Duration // the figure printed: a duration, or for the first byte the time it arrived
		d     time.Duration // the bar's length
	}{
		{"DNS", t.DNS.D(), t.DNS.D()},
		{"connect", t.Connect.D(), t.Connect.D()},
		{"TLS", t.TLS.D(), t.TLS.D()},
		{"first byte", t.FirstByte.D(), max(t.FirstByte.D()-handshake, 0)},
	}
	var out []string
	at := time.Duration(0)
	for _, p := range phases {
		if p.shown <= 0 {
			out = append(out, fmt.Sprintf("%-10s %8s %s", p.name, "—", st.Muted.Render("(did not happen, or reused)")))
			continue
		}
		start := min(scale(at), width-1)
		n := min(max(1, scale(p.d)), width-start)
		out = append(out, fmt.Sprintf("%-10s %8s %s%s", p.name, shortDur(p.shown), strings.Repeat(" ", start), st.Accent.Render(strings.Repeat("█", n))))
		at += p.d
	}
	out = append(out, fmt.Sprintf("%-10s %8s %s", "total", shortDur(total), st.Muted.Render(strings.Repeat("▔", scale(total)))))
	return out
}

// findingDetails: what the finding says, the cause explained, each line of
// evidence with the probe it came from, and its remedies.
func (m *Model) findingDetails(f remedies.Finding) *detailsView {
	st := m.styles
	l := []string{confidenceMark(st, f.Confidence) + " · " + string(f.Severity), m.clean(f.Summary)}
	for _, c := range remedies.Causes() {
		if c.ID == f.Cause {
			l = append(l, "", st.Bold.Render("What this means"), m.clean(c.Explanation))
		}
	}
	l = append(l, "", st.Bold.Render("Evidence"))
	for _, e := range f.Evidence {
		l = append(l, "• "+m.clean(e.Text))
		if r, ok := m.board.get(e.ResultID); ok {
			l = append(l, "    "+st.Muted.Render("from ")+st.badge(r.Status)+" "+st.Muted.Render(m.clean(r.Title+" ["+r.ID+"]")))
		} else if e.ResultID != "" {
			l = append(l, "    "+st.Muted.Render("from "+m.clean(e.ResultID)))
		}
	}
	l = append(l, "", st.Bold.Render("Remedies"))
	for _, id := range f.Remedies {
		if rem, ok := remedies.RemedyByID(id); ok {
			how := "manual"
			if rem.Action != "" {
				how = "runnable: gptdoctor fix " + rem.Action
			}
			l = append(l, "▸ "+m.clean(rem.Title)+st.Muted.Render("  "+how))
		}
	}
	return &detailsView{title: m.clean(f.Title), lines: wrapAll(l, max(m.lay.W-6, 20))}
}

// remedyDetails: why it helps, its steps for this OS (and the browsers
// found), and what its action does and did.
func (m *Model) remedyDetails(rem remedies.Remedy) *detailsView {
	st := m.styles
	l := m.manualLines(rem)
	if rem.Action != "" {
		l = append(l, "", st.Bold.Render("Runnable")+": a applies it ("+rem.Action+"), after showing exactly what runs")
		if rec, ok := m.outcomes[rem.Action]; ok {
			l = append(l, outcomeMark(st, rec.Outcome)+" "+m.clean(outcomeDetail(rec)))
			if rec.Output != "" {
				l = append(l, st.Muted.Render("output:"))
				for _, s := range strings.Split(sanitize.Text(rec.Output, 4000), "\n") {
					l = append(l, "  "+m.clean(s))
				}
			}
		}
	}
	return &detailsView{title: m.clean(rem.Title), lines: wrapAll(l, max(m.lay.W-6, 20))}
}

// recordDetails: what an applied action ran, what it printed, and what the
// re-check showed before and after.
func (m *Model) recordDetails(rec remedies.ActionRecord) *detailsView {
	st := m.styles
	l := []string{outcomeMark(st, rec.Outcome) + " " + m.clean(rec.Title)}
	if rec.Verdict != "" {
		l = append(l, m.clean(rec.Verdict))
	}
	if rec.Err != "" {
		l = append(l, st.Fail.Render("✗ ")+m.clean(rec.Err))
	}
	if len(rec.Commands) > 0 {
		l = append(l, "", st.Bold.Render("Ran"))
		for _, c := range rec.Commands {
			l = append(l, "  $ "+m.clean(remedies.CommandLine(m.goos(), c)))
		}
		l = append(l, fmt.Sprintf("exit %d · took %s", rec.ExitCode, rec.Duration))
	}
	if rec.Output != "" {
		l = append(l, "", st.Bold.Render("Output"))
		for _, s := range strings.Split(sanitize.Text(rec.Output, 4000), "\n") {
			l = append(l, "  "+m.clean(s))
		}
	}
	if rec.Before != "" || rec.After != "" {
		l = append(l, "", st.Bold.Render("Before"), m.clean(rec.Before), "", st.Bold.Render("After"), m.clean(rec.After))
	}
	return &detailsView{title: m.clean(rec.Action), lines: wrapAll(l, max(m.lay.W-6, 20))}
}
