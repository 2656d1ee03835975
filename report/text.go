package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gptdoctor/gptdoctor/session"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// TextOptions tune the readable summary.
type TextOptions struct {
	// Color enables SGR colours (the caller decides: a terminal, and
	// NO_COLOR unset).
	Color bool
	// Verbose lists every probe with its evidence, every finding in full
	// and every remedy's steps; otherwise the summary fits one screen.
	Verbose bool
	// Width wraps prose to this many columns (a terminal's width); 0 keeps
	// one line per item, for pipes and files.
	Width int
	// Browsers are the browsers found on the machine: remedy steps that
	// differ per browser are shown for these only (none found: all).
	Browsers []string
}

// section groups results of some kinds under a heading, in reading order:
// the answer first, then the evidence from the outside in.
type section struct {
	heading string
	kinds   []probes.Kind
}

var sections = []section{
	{heading: "Endpoints", kinds: []probes.Kind{probes.KindEndpoint, probes.KindMatrix}},
	{heading: "What Cloudflare sees", kinds: []probes.Kind{probes.KindEdgeTrace}},
	{heading: "OpenAI status", kinds: []probes.Kind{probes.KindStatusPage, probes.KindAPIKey}},
	{heading: "DNS", kinds: []probes.Kind{probes.KindDNS}},
	{heading: "This machine", kinds: []probes.Kind{probes.KindIdentity}},
	{heading: "Proxy", kinds: []probes.Kind{probes.KindProxy}},
}

// Without --verbose the summary is one screen: the top cause shows this
// many evidence lines and steps per remedy, the other causes one line each.
const (
	maxEvidence = 3
	maxSteps    = 3
	// stepsFor is how many of the top cause's remedies show their steps;
	// the rest are named, and --verbose shows theirs.
	stepsFor = 1
	// evidenceRows is how many wrapped rows one evidence line may take.
	evidenceRows = 2
	// maxOther is how many checks that did not pass are listed; the
	// diagnosis above already read them.
	maxOther = 3
)

// WriteText writes the readable summary: the headline (what was seen, then
// the most likely cause), the top cause with its evidence and numbered
// steps, the other causes one line each, then the checks by section.
func WriteText(w io.Writer, d session.Document, opt TextOptions) error {
	p := palette{on: opt.Color}
	t := &textWriter{width: opt.Width}

	// Header.
	mode := d.Mode
	if d.Scenario != "" {
		mode += " " + d.Scenario
	}
	t.raw(p.dim(fmt.Sprintf("gptdoctor %s · %s · run %s · %s · %s",
		d.Tool.Version, mode, d.RunID, d.Started.Format("2006-01-02 15:04:05 UTC"), probes.HumanDuration(time.Duration(d.Duration)))))
	if d.Mode == "demo" {
		t.raw(p.dim("Lab on loopback: every answer below is staged; nothing left this machine."))
	}
	if len(d.Settings.ConnectTo) > 0 && d.Mode != "demo" {
		t.raw(p.dim("Connections rerouted by --connect-to: " + strings.Join(d.Settings.ConnectTo, ", ")))
	}
	t.blank()

	// Headline.
	icon := p.red("✗")
	switch d.Outcome.Status {
	case session.OutcomeReachable:
		icon = p.green("✓")
	case session.OutcomeIncomplete:
		icon = p.yellow("?")
	case session.OutcomeNotChecked:
		icon = probes.StatusSkipped.Glyph()
	}
	t.para(icon+" ", "  ", p.bold(line(d.Outcome.Headline)))
	if d.Outcome.MostLikely != "" {
		t.para("  ", "  ", line(d.Outcome.MostLikely))
	}

	writeFindings(t, p, d, opt)

	t.blank()
	if opt.Verbose {
		for _, sec := range sections {
			lines := sectionLines(p, sec, d.Results)
			if len(lines) == 0 {
				continue
			}
			t.raw(p.bold(strings.ToUpper(sec.heading)))
			for _, l := range lines {
				t.raw(l)
			}
			t.blank()
		}
	} else {
		t.raw(p.bold("CHECKS"))
		writeChecks(t, p, d.Results)
		t.blank()
	}

	if len(d.Actions) > 0 {
		t.raw(p.bold("ACTIONS"))
		for _, a := range d.Actions {
			t.para("  ", "    ", line(a.Line()))
		}
		t.blank()
	}

	// Footer.
	t.para("", "", p.dim(footer(d, opt)))
	_, err := io.WriteString(w, t.String())
	return err
}

func footer(d session.Document, opt TextOptions) string {
	hints := []string{"--json shows the record"}
	if !opt.Verbose {
		hints = []string{"more: --verbose, --json"}
	}
	c := d.Outcome.Counts
	var counts []string
	for _, st := range []probes.Status{probes.StatusPass, probes.StatusWarn, probes.StatusFail, probes.StatusUnknown, probes.StatusSkipped} {
		if c[st] > 0 || st == probes.StatusPass {
			counts = append(counts, fmt.Sprintf("%d %s", c[st], statusWords[st]))
		}
	}
	return fmt.Sprintf("%d probes: %s · exit %d · %s", len(d.Results), strings.Join(counts, ", "), d.Outcome.ExitCode, strings.Join(hints, ", "))
}

// statusWords are the footer's words for the statuses.
var statusWords = map[probes.Status]string{
	probes.StatusPass: "passed", probes.StatusWarn: "warned", probes.StatusFail: "failed",
	probes.StatusUnknown: "unknown", probes.StatusSkipped: "skipped",
}

// writeFindings writes the diagnosis. Without --verbose: the top cause in
// full (summary, its strongest evidence, numbered remedies with their
// steps for this OS and the browsers found), then the other causes one
// line each. A run that works gets its browser advice as "left to try".
func writeFindings(t *textWriter, p palette, d session.Document, opt TextOptions) {
	if len(d.Findings) == 0 {
		return
	}
	shown := d.Findings
	if !opt.Verbose {
		shown = shown[:1]
	}
	for i, f := range shown {
		t.blank()
		advice := d.Outcome.Status == session.OutcomeReachable && f.Severity != remedies.Blocking && f.Confidence == remedies.Possible
		if advice && f.Cause == remedies.CauseBrowserState && !opt.Verbose {
			// The headline said nothing here blocks ChatGPT; what is left
			// is the browser's, step by step.
			t.para("", "", p.bold("LEFT TO TRY IN THE BROWSER"))
			writeRemedyList(t, p, d, f, opt)
			continue
		} else {
			t.para(fmt.Sprintf("%d. ", i+1), "   ", p.bold(line(f.Title))+"  ["+confWord(p, f.Confidence)+"]")
		}
		if f.Summary != "" {
			t.para("   ", "   ", prose(f.Summary))
		}
		all := f.Evidence
		if !opt.Verbose {
			all = foldSame(all)
		}
		evs := all
		if !opt.Verbose && len(evs) > maxEvidence {
			evs = evs[:maxEvidence]
		}
		for _, e := range evs {
			ref := ""
			if opt.Verbose && e.ResultID != "" {
				ref = p.dim("  (" + e.ResultID + ")")
			}
			rows := 0
			if !opt.Verbose {
				rows = evidenceRows
			}
			t.paraN("   • ", "     ", line(e.Text)+ref, rows)
		}
		if more := len(all) - len(evs); more > 0 {
			t.para("     ", "     ", p.dim(fmt.Sprintf("… and %d more (--verbose shows all)", more)))
		}
		writeRemedies(t, p, d, f, opt)
	}
	if len(d.Findings) > 1 && !opt.Verbose {
		t.blank()
		t.para("", "", p.bold("ALSO POSSIBLE"))
		for _, f := range d.Findings[1:] {
			first := ""
			if len(f.Remedies) > 0 {
				if rem, ok := remedies.RemedyByID(f.Remedies[0]); ok {
					first = "— first: " + lowerFirst(rem.Title)
				}
			}
			t.para("  • ", "    ", line(f.Title)+" ["+confWord(p, f.Confidence)+"] "+p.dim(line(first)))
		}
	}
}

// foldSame folds evidence lines of the same words from different probes
// (three traces that saw the same clock) into one with a count.
func foldSame(evs []remedies.Evidence) []remedies.Evidence {
	var out []remedies.Evidence
	count := map[string]int{}
	for _, e := range evs {
		if count[e.Text]++; count[e.Text] == 1 {
			out = append(out, e)
		}
	}
	for i, e := range out {
		if n := count[e.Text]; n > 1 {
			out[i].Text = fmt.Sprintf("%s (seen %d times)", e.Text, n)
		}
	}
	return out
}

// lowerFirst lowers the first letter of a remedy title inside a line.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func confWord(p palette, c remedies.Confidence) string {
	switch c {
	case remedies.Confirmed:
		return p.red(string(c))
	case remedies.Likely:
		return p.yellow(string(c))
	}
	return p.dim(string(c))
}

// writeRemedies numbers the finding's remedies, best first, each with the
// action that applies it and its steps for this OS and these browsers.
func writeRemedies(t *textWriter, p palette, d session.Document, f remedies.Finding, opt TextOptions) {
	if len(f.Remedies) == 0 {
		return
	}
	t.para("   ", "   ", p.cyan("What to do:"))
	writeRemedyList(t, p, d, f, opt)
}

// writeRemedyList is the numbered remedies of writeRemedies without its
// heading.
func writeRemedyList(t *textWriter, p palette, d session.Document, f remedies.Finding, opt TextOptions) {
	n := 0
	for _, id := range f.Remedies {
		rem, ok := remedies.RemedyByID(id)
		if !ok {
			continue
		}
		n++
		act := ""
		if rem.Action != "" {
			act = p.dim("  → gptdoctor fix " + rem.Action)
		}
		t.para(fmt.Sprintf("   %d. ", n), "      ", line(rem.Title)+act)
		steps := rem.StepsFor(d.Tool.OS, opt.Browsers)
		if !opt.Verbose && n > stepsFor {
			steps = nil
		}
		if !opt.Verbose && len(steps) > maxSteps {
			more := len(steps) - maxSteps
			steps = append(steps[:maxSteps:maxSteps], p.dim(fmt.Sprintf("… %d more (--verbose shows all)", more)))
		}
		for _, step := range steps {
			t.para("      - ", "        ", line(step))
		}
	}
}

// writeChecks writes the checks without --verbose: those that did not
// pass one line each (cut to the width: the diagnosis above read them in
// full), at most maxOther of them, and the passing ones folded into one
// line that counts them per section.
func writeChecks(t *textWriter, p palette, results []probes.Result) {
	cells, worstCell := matrixIndex(results)
	var passed, hidden []string
	shown := 0
	for _, sec := range sections {
		pass, other := 0, 0
		for _, r := range results {
			if !slices.Contains(sec.kinds, r.Kind) || r.Status == probes.StatusSkipped {
				continue
			}
			if r.Kind == probes.KindEndpoint && cells[r.ID] {
				continue // its matrix stands for it
			}
			if r.Status == probes.StatusPass {
				pass++
				continue
			}
			if shown < maxOther {
				reason := r.Reason
				if wc := worstCell[r.ID]; wc != "" && !strings.Contains(reason, wc) {
					reason += ": " + wc
				}
				t.clip(fmt.Sprintf("  %s %s: %s", p.icon(r.Status), title(r), line(reason)))
				shown++
				continue
			}
			other++
		}
		if pass > 0 {
			passed = append(passed, fmt.Sprintf("%s (%d)", sec.heading, pass))
		}
		if other > 0 {
			hidden = append(hidden, fmt.Sprintf("%s (%d)", sec.heading, other))
		}
	}
	if len(hidden) > 0 {
		t.para("  … ", "    ", p.dim("also did not pass — "+strings.Join(hidden, ", ")+"; --verbose shows them"))
	}
	if len(passed) > 0 {
		t.para(fmt.Sprintf("  %s ", p.icon(probes.StatusPass)), "    ", p.dim("passed — "+strings.Join(passed, ", ")))
	}
}

// matrixIndex reads the run's matrices once: which endpoint results are
// cells of one (the matrix stands for them) and, per matrix, its worst
// cell's reason, which the matrix's line quotes.
func matrixIndex(results []probes.Result) (cells map[string]bool, worstCell map[string]string) {
	byID := map[string]probes.Result{}
	for _, r := range results {
		byID[r.ID] = r
	}
	cells, worstCell = map[string]bool{}, map[string]string{}
	for _, m := range results {
		md, ok := m.Details.(*probes.MatrixDetails)
		if !ok {
			continue
		}
		worst := probes.StatusPass
		for _, c := range md.Cells {
			cells[c.ResultID] = true
			if cell, ok := byID[c.ResultID]; ok && cell.Status.Rank() > worst.Rank() {
				worst = cell.Status
				worstCell[m.ID] = cell.Reason
			}
		}
	}
	return cells, worstCell
}

// sectionLines renders every result of one section, for --verbose: each
// cell of a matrix and each skipped probe too, with its duration.
func sectionLines(p palette, sec section, results []probes.Result) []string {
	var picked []probes.Result
	for _, r := range results {
		if slices.Contains(sec.kinds, r.Kind) {
			picked = append(picked, r)
		}
	}
	if len(picked) == 0 {
		return nil
	}
	width := 0
	var shown []probes.Result
	for _, r := range picked {
		shown = append(shown, r)
		width = max(width, utf8.RuneCountInString(title(r)))
	}
	width = min(width, 40)
	var out []string
	for _, r := range shown {
		t := title(r)
		pad := strings.Repeat(" ", max(0, width-utf8.RuneCountInString(t)))
		dur := p.dim("  " + probes.HumanDuration(time.Duration(r.Duration)))
		reason := r.Reason
		if utf8.RuneCountInString(t) > width {
			// A title too long for the column gets a line of its own, so
			// the reasons below and above stay aligned.
			out = append(out, fmt.Sprintf("  %s %s", p.icon(r.Status), t))
			out = append(out, fmt.Sprintf("    %s  %s%s", strings.Repeat(" ", width), line(reason), dur))
		} else {
			out = append(out, fmt.Sprintf("  %s %s%s  %s%s", p.icon(r.Status), t, pad, line(reason), dur))
		}
		for _, e := range r.Evidence {
			out = append(out, "      "+p.dim(line(e)))
		}
		if r.Error != nil {
			out = append(out, "      "+p.dim(line(r.Error.Message)))
		}
	}
	return out
}

func title(r probes.Result) string {
	t := r.Title
	if t == "" {
		t = r.ID
	}
	return line(t)
}

// maxProse bounds a finding's summary as the diagnosis bounds it: a few
// sentences, longer than one sanitised line may be.
const maxProse = 1200

// prose is line for a finding's summary.
func prose(s string) string { return sanitize.LineN(s, maxProse) }

// line is the last defence: whatever reached the document, nothing but
// printable text reaches the terminal.
func line(s string) string { return sanitize.Line(s) }
