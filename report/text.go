package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
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
	// Verbose lists every probe with its evidence; otherwise passing matrix
	// cells and skipped probes are folded away.
	Verbose bool
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

// WriteText writes the readable summary: headline, diagnosis with evidence
// and remedies, then one line per probe grouped by what it looked at.
func WriteText(w io.Writer, d session.Document, opt TextOptions) error {
	p := palette{on: opt.Color}
	var b strings.Builder

	// Header.
	mode := d.Mode
	if d.Scenario != "" {
		mode += " " + d.Scenario
	}
	fmt.Fprintf(&b, "%s\n", p.dim(fmt.Sprintf("gptdoctor %s · %s · run %s · %s · %s",
		d.Tool.Version, mode, d.RunID, d.Started.Format("2006-01-02 15:04:05 UTC"), d.Duration)))
	if d.Mode == "demo" {
		fmt.Fprintf(&b, "%s\n", p.dim("Lab on loopback: every answer below is staged; nothing left this machine."))
	}
	if len(d.Settings.ConnectTo) > 0 && d.Mode != "demo" {
		fmt.Fprintf(&b, "%s\n", p.dim("Connections rerouted by --connect-to: "+strings.Join(d.Settings.ConnectTo, ", ")))
	}
	b.WriteString("\n")

	// Headline.
	switch d.Outcome.Status {
	case session.OutcomeReachable:
		fmt.Fprintf(&b, "%s %s\n", p.green("✓"), p.bold(d.Outcome.Headline))
	case session.OutcomeIncomplete:
		fmt.Fprintf(&b, "%s %s\n", p.yellow("?"), p.bold(d.Outcome.Headline))
	default:
		fmt.Fprintf(&b, "%s %s\n", p.red("✗"), p.bold(d.Outcome.Headline))
	}

	writeFindings(&b, p, d, opt)

	for _, sec := range sections {
		lines := sectionLines(p, sec, d.Results, opt)
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", p.bold(strings.ToUpper(sec.heading)))
		for _, l := range lines {
			b.WriteString(l)
			b.WriteString("\n")
		}
	}

	if len(d.Actions) > 0 {
		fmt.Fprintf(&b, "\n%s\n", p.bold("ACTIONS"))
		for _, a := range d.Actions {
			fmt.Fprintf(&b, "  %s\n", line(a.Line()))
		}
	}

	// Footer.
	fmt.Fprintf(&b, "\n%s\n", p.dim(footer(d, opt)))
	_, err := io.WriteString(w, b.String())
	return err
}

func footer(d session.Document, opt TextOptions) string {
	var hints []string
	if !opt.Verbose {
		hints = append(hints, "--verbose shows every probe and its evidence")
	}
	hints = append(hints, "--json prints the full record")
	c := d.Outcome.Counts
	return fmt.Sprintf("%d probes: %d passed, %d warned, %d failed, %d unknown, %d skipped. Exit %d. %s.",
		len(d.Results), c[probes.StatusPass], c[probes.StatusWarn], c[probes.StatusFail], c[probes.StatusUnknown],
		c[probes.StatusSkipped], d.Outcome.ExitCode, strings.Join(hints, "; "))
}

// maxEvidence is how many evidence lines a finding shows without
// --verbose: enough to prove it, few enough to read.
const maxEvidence = 5

func writeFindings(b *strings.Builder, p palette, d session.Document, opt TextOptions) {
	if len(d.Findings) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", p.bold("DIAGNOSIS"))
	for i, f := range d.Findings {
		conf := string(f.Confidence)
		switch f.Confidence {
		case remedies.Confirmed:
			conf = p.red(conf)
		case remedies.Likely:
			conf = p.yellow(conf)
		default:
			conf = p.dim(conf)
		}
		fmt.Fprintf(b, "%2d. %s  [%s]\n", i+1, p.bold(line(f.Title)), conf)
		if f.Summary != "" {
			fmt.Fprintf(b, "    %s\n", line(f.Summary))
		}
		shown := f.Evidence
		if !opt.Verbose && len(shown) > maxEvidence {
			shown = shown[:maxEvidence]
		}
		for _, e := range shown {
			ref := ""
			if opt.Verbose && e.ResultID != "" {
				ref = p.dim("  (" + e.ResultID + ")")
			}
			fmt.Fprintf(b, "      • %s%s\n", line(e.Text), ref)
		}
		if more := len(f.Evidence) - len(shown); more > 0 {
			fmt.Fprintf(b, "      %s\n", p.dim(fmt.Sprintf("… and %d more (--verbose shows all)", more)))
		}
		if len(f.Remedies) > 0 {
			fmt.Fprintf(b, "    %s\n", p.cyan("What to do:"))
			j := 0
			for _, id := range f.Remedies {
				rem, ok := remedies.RemedyByID(id)
				if !ok {
					continue
				}
				act := ""
				if rem.Action != "" {
					act = p.dim("  → gptdoctor fix " + rem.Action)
				}
				fmt.Fprintf(b, "      %c. %s%s\n", 'a'+rune(j%26), line(rem.Title), act)
				j++
				if opt.Verbose {
					for _, step := range rem.StepsFor(d.Tool.OS, nil) {
						fmt.Fprintf(b, "         - %s\n", line(step))
					}
				}
			}
		}
	}
}

// sectionLines renders the results of one section.
func sectionLines(p palette, sec section, results []probes.Result, opt TextOptions) []string {
	var picked []probes.Result
	for _, r := range results {
		if slices.Contains(sec.kinds, r.Kind) {
			picked = append(picked, r)
		}
	}
	if len(picked) == 0 {
		return nil
	}
	// A matrix summary stands in for its cells, with the worst cell's
	// reason, unless the cells disagree in a way the summary does not
	// explain; --verbose shows every cell.
	summarised := map[string]bool{}
	byID := map[string]probes.Result{}
	for _, r := range picked {
		byID[r.ID] = r
	}
	worstCell := map[string]string{}
	for _, r := range picked {
		m, ok := r.Details.(*probes.MatrixDetails)
		if !ok || opt.Verbose {
			continue
		}
		worst := probes.StatusPass
		for _, c := range m.Cells {
			summarised[c.ResultID] = true
			if cell, ok := byID[c.ResultID]; ok && cell.Status.Rank() > worst.Rank() {
				worst = cell.Status
				worstCell[r.ID] = cell.Reason
			}
		}
	}
	width := 0
	var shown []probes.Result
	for _, r := range picked {
		if !opt.Verbose && (summarised[r.ID] || r.Status == probes.StatusSkipped) {
			continue
		}
		shown = append(shown, r)
		width = max(width, utf8.RuneCountInString(title(r)))
	}
	width = min(width, 40)
	var out []string
	for _, r := range shown {
		t := title(r)
		pad := strings.Repeat(" ", max(0, width-utf8.RuneCountInString(t)))
		dur := ""
		if opt.Verbose {
			dur = p.dim("  " + r.Duration.String())
		}
		reason := r.Reason
		if wc := worstCell[r.ID]; wc != "" && !strings.Contains(reason, wc) {
			reason += ": " + wc
		}
		if utf8.RuneCountInString(t) > width {
			// A title too long for the column gets a line of its own, so
			// the reasons below and above stay aligned.
			out = append(out, fmt.Sprintf("  %s %s", p.icon(r.Status), t))
			out = append(out, fmt.Sprintf("    %s  %s%s", strings.Repeat(" ", width), line(reason), dur))
		} else {
			out = append(out, fmt.Sprintf("  %s %s%s  %s%s", p.icon(r.Status), t, pad, line(reason), dur))
		}
		if opt.Verbose {
			for _, e := range r.Evidence {
				out = append(out, "      "+p.dim(line(e)))
			}
			if r.Error != nil {
				out = append(out, "      "+p.dim(line(r.Error.Message)))
			}
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

// line is the last defence: whatever reached the document, nothing but
// printable text reaches the terminal.
func line(s string) string { return sanitize.Line(s) }
