package ui

import (
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// endpointsPane is the differential matrix: one row per target, one column
// per cell (route × family × headers), each cell with its status, verdict,
// latency now and its history across runs.
type endpointsPane struct {
	b       *board
	targets []targetRow
	extras  []string // status page and API key: the rest of "can I reach it"
	row     int
	col     int
	colOff  int
	offset  int
}

type targetRow struct {
	label  string
	matrix string // the matrix result's ID, "" for API targets
	cells  []string
	names  []string // the cells' variant names ("direct-ipv4-browser")
}

// cellOrder sorts cells the way people compare them: direct before proxy,
// IPv4 before IPv6, plain before browser.
func cellRank(name string) int {
	r := 0
	if strings.HasPrefix(name, "proxy") {
		r += 4
	}
	if strings.Contains(name, "ipv6") {
		r += 2
	}
	if strings.HasSuffix(name, "browser") {
		r++
	}
	return r
}

// Set reads the targets and their cells from the board, keeping the
// selection on the same target and cell.
func (p *endpointsPane) Set(b *board) {
	p.b = b
	var order []string
	byLabel := map[string]*targetRow{}
	for _, id := range b.ofKind(probes.KindEndpoint) {
		rest := strings.TrimPrefix(id, "endpoint:")
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			continue
		}
		label, cell := rest[:i], rest[i+1:]
		t := byLabel[label]
		if t == nil {
			t = &targetRow{label: label}
			byLabel[label] = t
			order = append(order, label)
		}
		// Insert in cell order.
		at := len(t.names)
		for j, n := range t.names {
			if cellRank(cell) < cellRank(n) {
				at = j
				break
			}
		}
		t.names = append(t.names[:at], append([]string{cell}, t.names[at:]...)...)
		t.cells = append(t.cells[:at], append([]string{id}, t.cells[at:]...)...)
	}
	p.targets = p.targets[:0]
	for _, l := range order {
		t := byLabel[l]
		if _, ok := b.results["matrix:"+l]; ok || b.pending["matrix:"+l] {
			t.matrix = "matrix:" + l
		}
		p.targets = append(p.targets, *t)
	}
	p.extras = append(b.ofKind(probes.KindStatusPage), b.ofKind(probes.KindAPIKey)...)
	p.row = min(p.row, max(len(p.targets)+len(p.extras)-1, 0))
	p.clampCol()
}

func (p *endpointsPane) clampCol() {
	if p.row < len(p.targets) {
		p.col = min(p.col, max(len(p.targets[p.row].cells)-1, 0))
	} else {
		p.col = 0
	}
}

func (p *endpointsPane) move(dy, dx int) {
	n := len(p.targets) + len(p.extras)
	if n == 0 {
		return
	}
	p.row = min(max(p.row+dy, 0), n-1)
	p.col = max(p.col+dx, 0)
	p.clampCol()
}

// selectedID is the result under the cursor: a cell, or a status/API row.
func (p *endpointsPane) selectedID() string {
	switch {
	case p.row < len(p.targets):
		t := p.targets[p.row]
		if p.col < len(t.cells) {
			return t.cells[p.col]
		}
	case p.row-len(p.targets) < len(p.extras):
		return p.extras[p.row-len(p.targets)]
	}
	return ""
}

// cellMinWidth is the narrowest a cell gets before columns scroll.
const (
	cellMinWidth = 16
	labelWidth   = 17
)

// View draws the matrix into w×h.
func (p *endpointsPane) View(st *Styles, w, h int, focused bool) []string {
	b := p.b
	if b == nil || len(p.targets)+len(p.extras) == 0 {
		var l []string
		for _, r := range emptyRows(b, "endpoint") {
			l = append(l, " "+r.text)
		}
		return st.frame(int(paneEndpoints)+1, paneTitles[paneEndpoints], l, 0, w, h, focused)
	}
	inner := w - 2
	ncols := 0
	var header []string
	for _, t := range p.targets {
		if len(t.cells) > ncols {
			ncols, header = len(t.cells), t.names
		}
	}
	avail := inner - labelWidth - 1
	visible := max(1, min(ncols, avail/cellMinWidth))
	cw := avail / visible
	if p.col < p.colOff {
		p.colOff = p.col
	}
	if p.col >= p.colOff+visible {
		p.colOff = p.col - visible + 1
	}
	p.colOff = max(0, min(p.colOff, ncols-visible))

	var lines []string
	hdr := pad(st.Muted.Render("target"), labelWidth)
	for c := p.colOff; c < min(ncols, p.colOff+visible); c++ {
		hdr += " " + fit(st.Muted.Render(cellHeading(header[c])), cw-1)
	}
	if p.colOff > 0 || p.colOff+visible < ncols {
		hdr += st.Muted.Render(fmt.Sprintf(" ‹%d-%d of %d›", p.colOff+1, min(ncols, p.colOff+visible), ncols))
	}
	lines = append(lines, hdr)
	selLine := 0
	for ri, t := range p.targets {
		l1 := pad(st.Bold.Render(fit(b.clean(t.label), labelWidth-1)), labelWidth)
		l2 := pad(fit(matrixWords(b, t.matrix), labelWidth-1), labelWidth)
		for c := p.colOff; c < min(len(t.cells), p.colOff+visible); c++ {
			a, bb := p.cellText(t.cells[c], cw-1)
			if ri == p.row && c == p.col {
				a, bb = markSelected(st, a, cw-1, focused), markSelected(st, bb, cw-1, focused)
			}
			l1 += " " + fit(a, cw-1)
			l2 += " " + fit(bb, cw-1)
		}
		if ri == p.row {
			selLine = len(lines)
		}
		lines = append(lines, l1, l2)
	}
	for i, id := range p.extras {
		label := "OpenAI status"
		if strings.HasPrefix(id, "apikey:") {
			label = "API key"
		}
		l := pad(b.mark(id), markWidth) + " " + st.Bold.Render(label) + "  " + b.reason(id)
		if len(p.targets)+i == p.row {
			selLine = len(lines)
			l = markSelected(st, l, inner, focused)
		}
		lines = append(lines, l)
	}
	lines = append(lines, "")
	selInfo := p.selectedInfo(st)
	rows := h - 2
	// The selected cell's line stays on the last row; the matrix scrolls
	// above it.
	body := rows - 1
	// Room to spare (a tall grid): the selected target's cells each get a
	// line with a history as wide as the pane.
	if p.row < len(p.targets) {
		if hist := p.historyLines(st, p.targets[p.row], inner-1); len(lines)+len(hist) <= body {
			lines = append(lines, hist...)
		}
	}
	p.offset = follow(clampOffset(p.offset, len(lines), body), selLine, body)
	if body > 0 && len(lines) > body {
		lines = lines[p.offset : p.offset+body]
	}
	for len(lines) < body {
		lines = append(lines, "")
	}
	lines = append(lines, selInfo)
	return st.frame(int(paneEndpoints)+1, paneTitles[paneEndpoints], lines, 0, w, h, focused)
}

// historyLines are one line per cell of t: its name, its history as wide
// as the pane allows, failures and p50/p95.
func (p *endpointsPane) historyLines(st *Styles, t targetRow, w int) []string {
	const nameW = 22
	out := []string{st.Bold.Render("History of "+p.b.clean(t.label)) + st.Muted.Render(" (oldest left; ✗ failure, ⧖ timeout)")}
	for i, id := range t.cells {
		s := p.b.hist.stats(id)
		tail := fmt.Sprintf(" %d of %d failed", s.failures, s.runs)
		if s.haveLatency {
			tail += " · p50 " + shortDur(s.p50) + " p95 " + shortDur(s.p95)
		}
		spark := st.sparkline(p.b.hist.of(id), max(0, w-nameW-width(tail)))
		out = append(out, pad(st.Muted.Render(cellHeading(t.names[i])), nameW)+spark+st.Muted.Render(tail))
	}
	return append(out, "")
}

func markSelected(st *Styles, s string, w int, focused bool) string {
	if focused {
		return st.Selected.Render(fit(ansi.Strip(s), w))
	}
	return st.Bold.Render(ansi.Strip(s))
}

// cellHeading is "direct v4 browser" for "direct-ipv4-browser".
func cellHeading(name string) string { return headingWords.Replace(name) }

var headingWords = strings.NewReplacer("ipv4", "v4", "ipv6", "v6", "-any", "", "-", " ")

// matrixWords summarise a target's matrix under its name: how many cells
// were blocked (or rate limited), or which single axis separates blocked from open.
func matrixWords(b *board, id string) string {
	if id == "" {
		return ""
	}
	if b.pending[id] {
		return b.st.Muted.Render(b.spin)
	}
	r, ok := b.get(id)
	d, isM := r.Details.(*probes.MatrixDetails)
	if !ok || !isM {
		return ""
	}
	blocked := 0
	for _, c := range d.Cells {
		if c.Blocked {
			blocked++
		}
	}
	switch {
	case d.Split != "":
		return b.st.status(r.Status).Render(r.Status.Glyph() + " only " + d.BlockedWhen)
	case blocked == len(d.Cells) && d.BlockVerb() != "blocked":
		// Every cell: "✗ rate limited" ("✗ 4/4 rate limited" is one cell
		// wider than the column).
		return b.st.status(r.Status).Render(r.Status.Glyph() + " " + d.BlockVerb())
	case blocked > 0:
		return b.st.status(r.Status).Render(fmt.Sprintf("%s %d/%d %s", r.Status.Glyph(), blocked, len(d.Cells), d.BlockVerb()))
	}
	return b.st.badge(r.Status)
}

// cellText is the cell's two lines: "✗ 403 1020 blocked 142ms" and the
// sparkline with failures, p50 and p95.
func (p *endpointsPane) cellText(id string, w int) (string, string) {
	b := p.b
	st := b.st
	samples := b.hist.of(id)
	stats := b.hist.stats(id)
	var l1 string
	r, have := b.get(id)
	switch {
	case b.pending[id] && have:
		// Re-checking: the last answer stays, dimmed, beside the spinner,
		// so a refresh does not blank the matrix.
		l1 = st.Muted.Render(b.spin + " " + b.clean(cellWords(r, w)))
	case b.pending[id]:
		l1 = st.Muted.Render(b.spin + " pending")
	case have:
		l1 = st.mark(r.Status) + " " + st.status(r.Status).Render(b.clean(cellWords(r, w)))
		// The latency comes last and goes first: the verdict matters more
		// (and the selected cell's line below says it anyway).
		if d, ok := r.Details.(*probes.EndpointDetails); ok && d.Timings.Total > 0 {
			if lat := " " + st.Muted.Render(shortDur(d.Timings.Total.D())); width(l1)+width(lat) <= w {
				l1 += lat
			}
		}
	}
	tail := ""
	if stats.failures > 0 {
		tail = " " + st.Fail.Render(fmt.Sprintf("%d✗", stats.failures))
	}
	if stats.haveLatency {
		tail += " " + st.Muted.Render(shortDur(stats.p50)+"/"+shortDur(stats.p95))
	}
	sw := max(0, min(len(samples), w-width(tail)))
	return l1, st.sparkline(samples, sw) + tail
}

// cellVerdict names a cell's answer in a few words: "403 1020 blocked",
// "200 ok", "connect_timeout".
func cellVerdict(r probes.Result) string {
	d, ok := r.Details.(*probes.EndpointDetails)
	if !ok {
		return statusWord(r.Status)
	}
	if d.StatusCode == 0 {
		if d.Failure != "" {
			return d.Failure
		}
		return statusWord(r.Status)
	}
	return fmt.Sprintf("%d %s", d.StatusCode, verdictShort(d.Verdict, d.Expected))
}

// cellWords are the longest words for a cell's answer that fit w cells
// beside its glyph.
func cellWords(r probes.Result, w int) string {
	words := cellVerdict(r)
	for _, short := range shorterVerdicts(r) {
		if 2+width(words) <= w {
			break
		}
		words = short
	}
	return words
}

// shorterVerdicts are ever shorter words for a narrow cell: without the
// HTTP status when a Cloudflare code says more, then the codes alone.
func shorterVerdicts(r probes.Result) []string {
	d, ok := r.Details.(*probes.EndpointDetails)
	if !ok || d.StatusCode == 0 {
		return nil
	}
	if d.Verdict.Code != 0 {
		return []string{verdictShort(d.Verdict, d.Expected), fmt.Sprintf("%d %d", d.StatusCode, d.Verdict.Code)}
	}
	return []string{verdictShort(d.Verdict, false), fmt.Sprint(d.StatusCode)}
}

func verdictShort(v classify.Verdict, expected bool) string {
	code := ""
	if v.Code != 0 {
		code = fmt.Sprintf("%d ", v.Code)
	}
	var w string
	switch v.Kind {
	case classify.VerdictOK:
		w = "ok"
	case classify.VerdictCFBlock:
		w = "blocked"
	case classify.VerdictCFRateLimit:
		w = "rate-limited"
	case classify.VerdictCFBrowserSignature:
		w = "signature"
	case classify.VerdictCFCountryBlock:
		w = "country"
	case classify.VerdictCFIPBan:
		w = "IP banned"
	case classify.VerdictCFMalicious:
		w = "malicious"
	case classify.VerdictCFChallenge:
		w = "challenge"
	case classify.VerdictCF5xx:
		w = "Cloudflare error"
	case classify.VerdictCFUnknown:
		w = "error via Cloudflare"
	case classify.VerdictOriginError:
		w = "origin error"
	case classify.VerdictOpenAIMissingKey:
		w = "no key"
	case classify.VerdictOpenAIInvalidKey:
		w = "bad key"
	case classify.VerdictOpenAIQuota:
		w = "quota"
	case classify.VerdictOpenAIRateLimit:
		w = "rate limit"
	case classify.VerdictOpenAIRegion:
		w = "region"
	case classify.VerdictOpenAIIPNotAuthorized:
		w = "IP not allowed"
	case classify.VerdictOpenAIOverloaded:
		w = "overloaded"
	case classify.VerdictCaptivePortal:
		w = "portal"
	default:
		w = strings.ReplaceAll(string(v.Kind), "_", " ")
	}
	if expected && v.Kind != classify.VerdictOK {
		w += " (expected)"
	}
	return code + w
}

// shortDur is a latency in a few cells: "142ms", "1.2s".
func shortDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "<1ms"
	case d < 10*time.Second:
		if d < time.Second {
			return fmt.Sprintf("%dms", d.Milliseconds())
		}
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

// selectedInfo is the line under the matrix about the selected cell: its
// words, Ray ID, latency now and its history's numbers.
func (p *endpointsPane) selectedInfo(st *Styles) string {
	b := p.b
	id := p.selectedID()
	if id == "" || p.row >= len(p.targets) {
		return st.Muted.Render("enter: details")
	}
	r, ok := b.get(id)
	if !ok {
		return st.Muted.Render(b.clean(id) + ": pending")
	}
	parts := []string{st.Bold.Render(b.clean(r.Title)), st.status(r.Status).Render(r.Status.Glyph() + " " + b.clean(cellVerdict(r)))}
	if d, ok := r.Details.(*probes.EndpointDetails); ok {
		if d.Verdict.RayID != "" {
			parts = append(parts, "Ray "+b.clean(d.Verdict.RayID))
		}
		if d.Timings.Total > 0 {
			parts = append(parts, "now "+shortDur(d.Timings.Total.D()))
		}
	}
	s := b.hist.stats(id)
	if s.runs > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d runs failed", s.failures, s.runs))
	}
	if s.haveLatency {
		parts = append(parts, "p50 "+shortDur(s.p50)+" p95 "+shortDur(s.p95))
	}
	return strings.Join(parts, st.Muted.Render(" · "))
}
