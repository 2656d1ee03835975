package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// writeMarkdown writes the report for pasting into a ticket or a GitHub
// issue: the summary support asks for first, then the details in sections.
// Every remote string is escaped, so a hostile page cannot add links,
// images or HTML to the pasted report.
func writeMarkdown(w io.Writer, rec session.Record) error {
	var b strings.Builder
	s := summarise(rec)
	fmt.Fprintf(&b, "# gptdoctor report: %s\n\n", md(s.Headline))
	if rec.Mode == "demo" {
		fmt.Fprintf(&b, "> Lab scenario %s: every answer below is staged on loopback; nothing left the machine.\n\n", code(rec.Scenario))
	}
	writeMarkdownSummary(&b, rec, s)

	run, ok := rec.Latest()
	if ok {
		writeMarkdownDiagnosis(&b, rec, run)
	}
	writeMarkdownActions(&b, rec)
	writeMarkdownRuns(&b, rec)
	for i := len(rec.Runs) - 1; i >= 0; i-- {
		writeMarkdownResults(&b, rec, rec.Runs[i], ok && rec.Runs[i].Seq == run.Seq)
	}
	writeMarkdownSettings(&b, rec)
	writeMarkdownEnvironment(&b, rec)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMarkdownSummary(b *strings.Builder, rec session.Record, s summary) {
	b.WriteString("## Summary\n\n")
	fmt.Fprintf(b, "- **Verdict:** %s %s: %s (exit code %d)\n", outcomeIcon(s.Status), s.Status, md(s.Headline), s.ExitCode)
	if len(s.Codes) > 0 {
		fmt.Fprintf(b, "- **What failed:** %s\n", md(strings.Join(s.Codes, "; ")))
	}
	if len(s.Rays) > 0 {
		b.WriteString("- **Cloudflare Ray IDs:**\n")
		for _, r := range s.Rays {
			fmt.Fprintf(b, "  - %s (%s, %s)\n", code(r.ID), md(r.Where), md(bothTimes(r.At, rec.Zone)))
		}
	}
	if s.HasRun {
		fmt.Fprintf(b, "- **Time of the check:** %s\n", md(bothTimes(s.When, rec.Zone)))
	}
	if len(s.SeenAs) > 0 {
		fmt.Fprintf(b, "- **IP address and country Cloudflare saw:** %s\n", md(strings.Join(s.SeenAs, "; ")))
	}
	if len(s.Tried) == 0 {
		b.WriteString("- **Already tried:** nothing yet\n")
	} else {
		b.WriteString("- **Already tried:**\n")
		for _, t := range s.Tried {
			fmt.Fprintf(b, "  - %s\n", md(t))
		}
	}
	if len(s.Recommend) == 0 {
		b.WriteString("- **gptdoctor recommends:** nothing: no cause was found\n")
	} else {
		b.WriteString("- **gptdoctor recommends:**\n")
		for i, r := range s.Recommend {
			fmt.Fprintf(b, "  %d. **%s** (%s): %s\n", i+1, md(r.Finding), md(r.Confidence), md(r.Summary))
			for _, l := range r.Remedies {
				fix := ""
				if l.Fix != "" {
					fix = ": " + code(l.Fix)
				}
				fmt.Fprintf(b, "     - %s%s\n", md(l.Title), fix)
			}
		}
	}
	fmt.Fprintf(b, "- **gptdoctor:** %s on %s/%s\n\n", md(rec.Tool.Version), md(rec.Tool.OS), md(rec.Tool.Arch))
}

func writeMarkdownDiagnosis(b *strings.Builder, rec session.Record, run session.RunRecord) {
	b.WriteString("## Diagnosis\n\n")
	if len(run.Findings) == 0 {
		b.WriteString("No cause was found.\n\n")
		return
	}
	for i, f := range run.Findings {
		fmt.Fprintf(b, "### %d. %s (%s, %s)\n\n", i+1, md(f.Title), md(string(f.Confidence)), md(string(f.Severity)))
		if f.Summary != "" {
			fmt.Fprintf(b, "%s\n\n", md(f.Summary))
		}
		if len(f.Evidence) > 0 {
			b.WriteString("Evidence:\n\n")
			for _, e := range f.Evidence {
				ref := ""
				if e.ResultID != "" {
					ref = " (" + code(e.ResultID) + ")"
				}
				fmt.Fprintf(b, "- %s%s\n", md(e.Text), ref)
			}
			b.WriteString("\n")
		}
		if rems := remediesOf(f); len(rems) > 0 {
			b.WriteString("What to do:\n\n")
			for _, rem := range rems {
				fix := ""
				if rem.Action != "" {
					fix = ": " + code("gptdoctor fix "+rem.Action)
				}
				fmt.Fprintf(b, "- **%s**%s\n", md(rem.Title), fix)
				for j, step := range rem.StepsFor(hostOS(run, rec), nil) {
					fmt.Fprintf(b, "  %d. %s\n", j+1, md(step))
				}
			}
			b.WriteString("\n")
		}
	}
}

func writeMarkdownActions(b *strings.Builder, rec session.Record) {
	if len(rec.Actions) == 0 {
		return
	}
	b.WriteString("## Actions\n\n")
	for i, a := range rec.Actions {
		title := a.Title
		if title == "" {
			title = a.Action
		}
		fmt.Fprintf(b, "### %d. %s: %s (%s)\n\n", i+1, code(a.Action), md(title), md(string(a.Outcome)))
		fmt.Fprintf(b, "- Started: %s, took %s\n", md(bothTimes(a.Started, rec.Zone)), md(a.Duration.String()))
		if a.DryRun {
			b.WriteString("- Dry run: shown, not run\n")
		}
		if a.Escalated {
			b.WriteString("- Ran through sudo\n")
		}
		if len(a.Commands) > 0 {
			fmt.Fprintf(b, "- Exit code: %d\n", a.ExitCode)
		}
		if a.Before != "" {
			fmt.Fprintf(b, "- Before: %s\n", md(a.Before))
		}
		if a.After != "" {
			fmt.Fprintf(b, "- After: %s\n", md(a.After))
		}
		if a.Verdict != "" {
			fmt.Fprintf(b, "- Verdict: %s\n", md(a.Verdict))
		}
		if a.Err != "" {
			fmt.Fprintf(b, "- Error: %s\n", md(a.Err))
		}
		b.WriteString("\n")
		if len(a.Commands) > 0 {
			fence(b, "Commands:", strings.Join(commandLines(a), "\n"))
		}
		if a.Output != "" {
			fence(b, "Output:", a.Output)
		}
	}
}

func writeMarkdownRuns(b *strings.Builder, rec session.Record) {
	b.WriteString("## Runs\n\n")
	if len(rec.Runs) == 0 {
		b.WriteString("No run finished.\n\n")
		return
	}
	if rec.DroppedRuns > 0 {
		fmt.Fprintf(b, "%d older runs were dropped to keep the session bounded.\n\n", rec.DroppedRuns)
	}
	b.WriteString("| run | started | took | outcome | pass | warn | fail | unknown | skipped |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rec.Runs {
		c := r.Outcome.Counts
		what := r.Outcome.Status
		if r.WhatIf {
			what += " (what-if)"
		}
		fmt.Fprintf(b, "| %d | %s | %s | %s %s | %d | %d | %d | %d | %d |\n", r.Seq, cell(bothTimes(r.Started, rec.Zone)), r.Duration,
			outcomeIcon(r.Outcome.Status), cell(what), c[probes.StatusPass], c[probes.StatusWarn], c[probes.StatusFail], c[probes.StatusUnknown], c[probes.StatusSkipped])
	}
	b.WriteString("\n")
}

// writeMarkdownResults lists a run's results by section. The latest run
// shows every probe with its evidence and the endpoint timings; earlier
// runs show only what did not pass (the JSON format has everything).
func writeMarkdownResults(b *strings.Builder, rec session.Record, run session.RunRecord, latest bool) {
	label := fmt.Sprintf("## Run %d", run.Seq)
	if latest {
		label += " (latest)"
	}
	fmt.Fprintf(b, "%s: %s\n\n", label, md(run.Outcome.Headline))
	fmt.Fprintf(b, "Run %s, %s, took %s.\n\n", code(run.RunID), md(bothTimes(run.Started, rec.Zone)), run.Duration)
	shown := 0
	for _, sec := range sections {
		var rows []probes.Result
		for _, r := range run.Results {
			if slices.Contains(sec.kinds, r.Kind) && (latest || r.Status != probes.StatusPass && r.Status != probes.StatusSkipped) {
				rows = append(rows, r)
			}
		}
		if len(rows) == 0 {
			continue
		}
		shown += len(rows)
		fmt.Fprintf(b, "### %s\n\n| | probe | result | took |\n|---|---|---|---|\n", sec.heading)
		for _, r := range rows {
			fmt.Fprintf(b, "| %s %s | %s | %s | %s |\n", statusIcon(r.Status), r.Status, cell(title(r)), cell(resultReason(r)), r.Duration)
		}
		b.WriteString("\n")
		if latest {
			writeMarkdownEvidence(b, rows)
		}
		if latest && sec.heading == "Endpoints" {
			writeMarkdownTimings(b, rows)
		}
	}
	if shown == 0 {
		b.WriteString("Every probe passed or was skipped.\n\n")
	}
}

func writeMarkdownEvidence(b *strings.Builder, rows []probes.Result) {
	var lines []string
	for _, r := range rows {
		if r.Status == probes.StatusPass || r.Status == probes.StatusSkipped {
			continue
		}
		for _, e := range r.Evidence {
			lines = append(lines, fmt.Sprintf("- %s: %s", code(r.ID), md(e)))
		}
		if r.Error != nil {
			lines = append(lines, fmt.Sprintf("- %s: %s error: %s", code(r.ID), md(r.Error.Step), md(r.Error.Message)))
		}
	}
	if len(lines) == 0 {
		return
	}
	b.WriteString("Evidence of what did not pass:\n\n")
	b.WriteString(strings.Join(lines, "\n"))
	b.WriteString("\n\n")
}

func writeMarkdownTimings(b *strings.Builder, rows []probes.Result) {
	var lines []string
	for _, r := range rows {
		d, ok := r.Details.(*probes.EndpointDetails)
		if !ok {
			continue
		}
		t := d.Timings
		answer := endpointAnswer(d).withRay()
		lines = append(lines, fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |", cell(hostOf(d.URL)+" "+d.Variant.String()),
			phase(t.DNS), phase(t.Connect), phase(t.TLS), phase(t.FirstByte), phase(t.Total), cell(answer)))
	}
	if len(lines) == 0 {
		return
	}
	b.WriteString("Timings per request (a dash: the phase did not happen):\n\n| request | DNS | connect | TLS | first byte | total | answer |\n|---|---|---|---|---|---|---|\n")
	b.WriteString(strings.Join(lines, "\n"))
	b.WriteString("\n\n")
}

func writeMarkdownSettings(b *strings.Builder, rec session.Record) {
	b.WriteString("## Settings\n\n")
	for _, kv := range settingsList(rec.Settings) {
		fmt.Fprintf(b, "- %s: %s\n", kv[0], md(kv[1]))
	}
	b.WriteString("\n")
}

func writeMarkdownEnvironment(b *strings.Builder, rec session.Record) {
	b.WriteString("## Environment\n\n")
	for _, kv := range environmentList(rec) {
		fmt.Fprintf(b, "- %s: %s\n", kv[0], md(kv[1]))
	}
}

// fence writes text as a fenced block whose fence is longer than any run
// of backticks inside, so the text cannot close it.
func fence(b *strings.Builder, label, text string) {
	text = sanitize.Text(text, 0)
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", max(3, longest+1))
	fmt.Fprintf(b, "%s\n\n%s\n%s\n%s\n\n", label, f, strings.TrimRight(text, "\n"), f)
}

// mdEscaper escapes what Markdown would read as markup: emphasis, code,
// links and images, raw HTML, table cells and headings.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "|", `\|`, "#", `\#`, "~", `\~`)

// md is one line of untrusted text as Markdown prose.
func md(s string) string { return mdEscaper.Replace(sanitize.Line(s)) }

// cell is md for a table cell.
func cell(s string) string { return md(s) }

// code is an identifier in a code span; backticks inside cannot end it.
func code(s string) string {
	s = strings.ReplaceAll(sanitize.Line(s), "`", "'")
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

// phase prints a timing, or a dash for a phase that did not happen.
func phase(m probes.Millis) string {
	if m == 0 {
		return "–"
	}
	return m.String()
}

func outcomeIcon(status string) string {
	switch status {
	case session.OutcomeReachable:
		return "✓"
	case session.OutcomeProblem:
		return "✗"
	}
	return "?"
}

func statusIcon(s probes.Status) string { return palette{}.icon(s) }

// resultReason is the reason with the error's message when the reason
// does not already say it.
func resultReason(r probes.Result) string {
	if r.Error != nil && r.Error.Message != "" && !strings.Contains(r.Reason, r.Error.Message) {
		if r.Reason == "" {
			return r.Error.Message
		}
		return r.Reason + " (" + r.Error.Message + ")"
	}
	return r.Reason
}

func remediesOf(f remedies.Finding) []remedies.Remedy {
	var out []remedies.Remedy
	for _, id := range f.Remedies {
		if rem, ok := remedies.RemedyByID(id); ok {
			out = append(out, rem)
		}
	}
	return out
}

// hostOS is the system the remedies' steps are for: the probed machine's
// (the lab's staged one in a demo), else the writer's.
func hostOS(run session.RunRecord, rec session.Record) string {
	for _, r := range run.Results {
		if d, ok := r.Details.(*probes.HostDetails); ok && d.Facts.OS != "" {
			return d.Facts.OS
		}
	}
	return rec.Tool.OS
}

func commandLines(a remedies.ActionRecord) []string {
	var out []string
	for _, c := range a.Commands {
		out = append(out, remedies.CommandLine("", c))
	}
	return out
}

// settingsList is the settings as label/value pairs, in every format.
func settingsList(st session.Settings) [][2]string {
	var out [][2]string
	add := func(k, v string) {
		if v != "" {
			out = append(out, [2]string{k, v})
		}
	}
	var targets []string
	for _, t := range st.Targets {
		targets = append(targets, t.URL)
	}
	add("Targets", strings.Join(targets, ", "))
	add("Time budget", st.BudgetMS.String())
	add("Status page API", st.StatusURL)
	add("Compared resolvers", strings.Join(st.Resolvers, ", "))
	add("Resolver override", st.Resolver)
	add("DNS-over-HTTPS", st.DoHURL)
	add("Captive-portal check", st.CaptiveURL)
	add("Egress probes", strings.Join(st.EgressProbes, ", "))
	add("API key variable", st.APIKeyEnv)
	if st.BypassProxy {
		add("Proxies", "ignored (--no-proxy)")
	}
	add("Connect-to rules", strings.Join(st.ConnectTo, ", "))
	add("Own CA files", strings.Join(st.UserCAFiles, ", "))
	add("Public roots", st.PublicRoots)
	add("Configuration file", st.ConfigFile)
	return out
}

// environmentList is the tool and the machine as label/value pairs.
func environmentList(rec session.Record) [][2]string {
	out := [][2]string{
		{"gptdoctor", rec.Tool.Version + " (" + rec.Tool.OS + "/" + rec.Tool.Arch + ")"},
		{"Mode", strings.TrimSpace(rec.Mode + " " + rec.Scenario)},
		{"Session started", bothTimes(rec.Started, rec.Zone)},
		{"Local time zone", rec.Zone.Location().String() + " (" + time.Unix(0, 0).In(rec.Zone.Location()).Format("UTC-07:00") + ")"},
	}
	if run, ok := rec.Latest(); ok {
		for _, r := range run.Results {
			d, ok := r.Details.(*probes.HostDetails)
			if !ok {
				continue
			}
			f := d.Facts
			out = append(out, [2]string{"Machine", strings.Join(slices.DeleteFunc([]string{f.OS, f.Platform, f.PlatformVersion, "kernel " + f.KernelVersion},
				func(s string) bool { return s == "" || s == "kernel " }), " ")})
			if f.Hostname != "" {
				out = append(out, [2]string{"Host name", f.Hostname})
			}
		}
	}
	return out
}
