package collect

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// planCells lists the variant matrix of a web target: direct over IPv4 and
// IPv6, each with Go's plain headers and with a browser's, plus both header
// sets through the proxy when one applies (the proxy picks the family
// there, so those cells say "any"). It is pure: whether the host has an
// address in a family is found out when the cell runs, and a missing family
// makes that cell skipped, not failed.
func planCells(proxied bool) []probes.Variant {
	var cells []probes.Variant
	for _, fam := range []string{probes.FamilyIPv4, probes.FamilyIPv6} {
		for _, hs := range []string{probes.HeadersPlain, probes.HeadersBrowser} {
			cells = append(cells, probes.Variant{Route: probes.RouteDirect, Family: fam, Headers: hs})
		}
	}
	if proxied {
		for _, hs := range []string{probes.HeadersPlain, probes.HeadersBrowser} {
			cells = append(cells, probes.Variant{Route: probes.RouteProxy, Family: probes.FamilyAny, Headers: hs})
		}
	}
	return cells
}

// parseVariant reads a cell name ("direct-ipv6-plain") back.
func parseVariant(s string) (probes.Variant, bool) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return probes.Variant{}, false
	}
	return probes.Variant{Route: parts[0], Family: parts[1], Headers: parts[2]}, true
}

// targetLabel is the name a target's probe IDs carry: its host, or host and
// path when another configured target shares the host, so IDs stay unique.
func targetLabel(t probes.Target, cfg probes.Config) string {
	host := t.Host()
	shared := 0
	for _, o := range cfg.Targets {
		if o.Host() == host {
			shared++
		}
	}
	if shared <= 1 {
		return host
	}
	u, err := url.Parse(t.URL)
	if err != nil || u.Path == "" || u.Path == "/" {
		return host
	}
	return host + u.EscapedPath()
}

// matrixDerivation summarises each web target's cells into one KindMatrix
// result ("matrix:chatgpt.com"): which cells were blocked, which were
// challenged, and the single axis (route, family or headers) that separates
// them, so a rule can say "blocked only over IPv6" or "only without browser
// headers". A hard block and a challenge are told apart: a challenge asks
// for a browser, a block refuses this client.
func matrixDerivation(cfg probes.Config) probes.Derivation {
	type web struct {
		t     probes.Target
		label string
	}
	var webs []web
	for _, t := range cfg.Targets {
		if t.Kind == probes.TargetWeb {
			webs = append(webs, web{t, targetLabel(t, cfg)})
		}
	}
	return func(results []probes.Result) []probes.Result {
		var out []probes.Result
		for _, wt := range webs {
			prefix := "endpoint:" + wt.label + ":"
			var cells []probes.MatrixCell
			var failReason string
			var badReasons []string // what answered cells that were neither fine nor blocked got
			for _, r := range results {
				if r.Kind != probes.KindEndpoint || !strings.HasPrefix(r.ID, prefix) {
					continue
				}
				c := matrixCell(r, strings.TrimPrefix(r.ID, prefix))
				if c.Status == probes.StatusFail && !c.Answered && failReason == "" {
					failReason = r.Reason
				}
				if unwell(c) && !slices.Contains(badReasons, r.Reason) {
					badReasons = append(badReasons, r.Reason)
				}
				cells = append(cells, c)
			}
			if len(cells) == 0 {
				continue
			}
			out = append(out, summariseMatrix(wt.t, wt.label, cells, failReason, badReasons))
		}
		return out
	}
}

// matrixCell reads one cell's outcome from its endpoint result.
func matrixCell(r probes.Result, suffix string) probes.MatrixCell {
	c := probes.MatrixCell{ResultID: r.ID, Status: r.Status}
	d, ok := r.Details.(*probes.EndpointDetails)
	if ok && d != nil {
		c.Variant = d.Variant
		if d.Failure == "" && d.StatusCode != 0 {
			c.Answered = true
			c.Verdict = d.Verdict.Kind
			c.Challenged = d.Verdict.Kind == classify.VerdictCFChallenge
			c.Blocked = d.Verdict.Blocked() && !c.Challenged
		}
	}
	if c.Variant == (probes.Variant{}) {
		c.Variant, _ = parseVariant(suffix)
	}
	return c
}

// unwell: the cell got an answer that was not the normal one, yet neither
// a block nor a challenge (a 503, a 522, a captive page, a page that
// stalled).
func unwell(c probes.MatrixCell) bool {
	return c.Answered && !c.Blocked && !c.Challenged && c.Status != probes.StatusPass
}

// summariseMatrix builds the matrix result for one target. badReasons are
// the distinct reasons of its unwell cells.
func summariseMatrix(t probes.Target, label string, cells []probes.MatrixCell, failReason string, badReasons []string) probes.Result {
	d := &probes.MatrixDetails{URL: defaultClean(t.URL), Cells: cells}
	var answered, blocked, challenged, failed, bad, silent int
	for _, c := range cells {
		switch {
		case c.Answered:
			answered++
			if c.Blocked {
				blocked++
			}
			if c.Challenged {
				challenged++
			}
			if c.Status == probes.StatusFail {
				failed++
			}
			if unwell(c) {
				bad++
			}
		case c.Status == probes.StatusFail:
			silent++
		}
	}
	d.Split, d.BlockedWhen = splitAxis(cells, func(c probes.MatrixCell) bool { return c.Blocked })
	if blocked == 0 {
		d.ChallengeSplit, d.ChallengedWhen = splitAxis(cells, func(c probes.MatrixCell) bool { return c.Challenged })
	}
	res := probes.Result{
		ID:      "matrix:" + label,
		Kind:    probes.KindMatrix,
		Target:  t.URL,
		Title:   label + " variant matrix",
		Details: d,
	}
	for _, c := range cells {
		line := fmt.Sprintf("%s: %s", c.Variant, c.Status)
		if c.Verdict != "" {
			line += " (" + string(c.Verdict) + ")"
		}
		res.Evidence = append(res.Evidence, line)
	}
	noAnswer := ""
	if silent > 0 {
		noAnswer = fmt.Sprintf("; %d of %d cells got no answer", silent, len(cells))
	}
	got := strings.Join(badReasons[:min(len(badReasons), maxBadReasons)], "; ")
	if len(badReasons) > maxBadReasons {
		got += fmt.Sprintf("; %d more", len(badReasons)-maxBadReasons)
	}
	others := ""
	if bad > 0 {
		others = fmt.Sprintf("; %d more did not answer normally: %s", bad, got)
	}
	switch {
	case answered == 0:
		res.Status = probes.StatusUnknown
		res.Reason = fmt.Sprintf("no cell of %s got an answer", label)
		if silent > 0 {
			res.Status = probes.StatusFail
			res.Reason += ": " + failReason
		} else if allSkipped(cells) {
			res.Status = probes.StatusSkipped
		}
	case blocked == answered:
		res.Status = probes.StatusFail
		res.Reason = fmt.Sprintf("%s %s this machine in every cell that got an answer (%d of %d)%s", label, d.BlockVerb(), blocked, answered, noAnswer)
	case failed == answered:
		res.Status = probes.StatusFail
		res.Reason = fmt.Sprintf("%s failed in every cell that got an answer (%d of %d)%s: %s%s", label, failed, answered, blockedWords(blocked), got, noAnswer)
	case blocked > 0:
		res.Status = probes.StatusWarn
		res.Reason = fmt.Sprintf("%s %s %d of %d answered cells: %s%s%s", label, d.BlockVerb(), blocked, answered, splitWords(d.Split, d.BlockedWhen, "blocked"), others, noAnswer)
	case challenged > 0:
		res.Status = probes.StatusWarn
		which := ""
		if challenged < answered {
			which = " (" + splitWords(d.ChallengeSplit, d.ChallengedWhen, "challenged") + ")"
		}
		res.Reason = fmt.Sprintf("%s served a Cloudflare challenge in %d of %d answered cells%s; a browser can pass a challenge%s%s",
			label, challenged, answered, which, others, noAnswer)
	case bad > 0:
		res.Status = probes.StatusWarn
		res.Reason = fmt.Sprintf("%s did not answer normally in %d of %d answered cells: %s%s", label, bad, answered, got, noAnswer)
	default:
		res.Status = probes.StatusPass
		res.Reason = fmt.Sprintf("%s did not block any of %d answered cells%s", label, answered, noAnswer)
	}
	return res
}

// maxBadReasons is how many distinct reasons of unwell cells the matrix
// reason quotes; each cell's result holds its own in full.
const maxBadReasons = 2

// blockedWords counts the blocked cells among failed ones (", 2 of them blocked").
func blockedWords(blocked int) string {
	if blocked == 0 {
		return ""
	}
	return fmt.Sprintf(", %d of them blocked", blocked)
}

func allSkipped(cells []probes.MatrixCell) bool {
	for _, c := range cells {
		if c.Status != probes.StatusSkipped {
			return false
		}
	}
	return true
}

// splitAxis finds the one axis whose value separates the answered cells
// where hit holds from those where it does not: every cell with that value
// hit, every other cell not. Cells without an answer do not count. The
// family value "any" only occurs on the proxy route, so it is left to the
// route axis to name.
func splitAxis(cells []probes.MatrixCell, hit func(probes.MatrixCell) bool) (axis, value string) {
	var answered []probes.MatrixCell
	for _, c := range cells {
		if c.Answered {
			answered = append(answered, c)
		}
	}
	axes := []struct {
		name string
		get  func(probes.Variant) string
	}{
		{"route", func(v probes.Variant) string { return v.Route }},
		{"family", func(v probes.Variant) string { return v.Family }},
		{"headers", func(v probes.Variant) string { return v.Headers }},
	}
	found := 0
	for _, ax := range axes {
		for _, val := range distinct(answered, ax.get) {
			if ax.name == "family" && val == probes.FamilyAny {
				continue
			}
			in, out, ok := 0, 0, true
			for _, c := range answered {
				if ax.get(c.Variant) == val {
					in++
					ok = ok && hit(c)
				} else {
					out++
					ok = ok && !hit(c)
				}
			}
			if ok && in > 0 && out > 0 {
				found++
				axis, value = ax.name, val
			}
		}
	}
	if found != 1 {
		return "", ""
	}
	return axis, value
}

func distinct(cells []probes.MatrixCell, get func(probes.Variant) string) []string {
	var vals []string
	seen := map[string]bool{}
	for _, c := range cells {
		if v := get(c.Variant); !seen[v] {
			seen[v] = true
			vals = append(vals, v)
		}
	}
	return vals
}

// splitWords says what the split means ("only over IPv6").
func splitWords(axis, value, verb string) string {
	switch axis {
	case "family":
		return "only over " + probes.FamilyLabel(value)
	case "route":
		if value == probes.RouteProxy {
			return "only through the proxy"
		}
		return "only without the proxy"
	case "headers":
		if value == probes.HeadersPlain {
			return "only without browser headers"
		}
		return "only with browser headers"
	}
	return "no single route, family or header set explains which cells were " + verb
}
