package report

import (
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// writeHTML writes one self-contained page for IT staff: inline CSS, inline
// SVG, no script and nothing loaded from anywhere, so it opens the same
// from a mail attachment on an offline machine. html/template escapes every
// string.
func writeHTML(w io.Writer, rec session.Record) error {
	if err := pageTemplate.Execute(w, newPage(rec)); err != nil {
		return fmt.Errorf("report: write HTML: %w", err)
	}
	return nil
}

type page struct {
	Rec         session.Record
	S           summary
	Latest      *session.RunRecord
	Zone        session.Zone
	Findings    []htmlFinding
	Actions     []htmlAction
	Runs        []htmlRun
	Waterfalls  []waterfall
	Histories   []history
	Settings    [][2]string
	Environment [][2]string
}

type htmlFinding struct {
	Title, Confidence, Severity, Summary string
	Evidence                             []string
	Remedies                             []htmlRemedy
}

type htmlRemedy struct {
	Title, Fix string
	Steps      []string
}

type htmlAction struct {
	Action, Title, Outcome, When, Took string
	Commands                           []string
	ExitCode                           int
	Ran, DryRun, Escalated             bool
	Before, After, Err, Output         string
	Verdict                            string
}

type htmlRun struct {
	Seq               int
	RunID, When, Took string
	Status, Headline  string
	WhatIf, Latest    bool
	Counts            [5]int
	Sections          []htmlSection
	Hidden            int
}

type htmlSection struct {
	Heading string
	Rows    []htmlResult
}

type htmlResult struct {
	Status, Icon, Title, Reason, Took, ID string
	Evidence                              []string
}

func newPage(rec session.Record) page {
	p := page{Rec: rec, S: summarise(rec), Zone: rec.Zone, Settings: settingsList(rec.Settings), Environment: environmentList(rec)}
	run, ok := rec.Latest()
	if ok {
		p.Latest = &run
		os := hostOS(run, rec)
		for _, f := range run.Findings {
			hf := htmlFinding{Title: f.Title, Confidence: string(f.Confidence), Severity: string(f.Severity), Summary: f.Summary}
			for _, e := range f.Evidence {
				hf.Evidence = append(hf.Evidence, e.Text)
			}
			for _, rem := range remediesOf(f) {
				hr := htmlRemedy{Title: rem.Title, Steps: rem.StepsFor(os, nil)}
				if rem.Action != "" {
					hr.Fix = "gptdoctor fix " + rem.Action
				}
				hf.Remedies = append(hf.Remedies, hr)
			}
			p.Findings = append(p.Findings, hf)
		}
		p.Waterfalls = waterfalls(run)
	}
	for _, a := range rec.Actions {
		p.Actions = append(p.Actions, newHTMLAction(a, rec.Zone))
	}
	for i := len(rec.Runs) - 1; i >= 0; i-- {
		p.Runs = append(p.Runs, newHTMLRun(rec.Runs[i], rec.Zone, ok && rec.Runs[i].Seq == run.Seq))
	}
	p.Histories = histories(rec)
	return p
}

func newHTMLAction(a remedies.ActionRecord, z session.Zone) htmlAction {
	title := a.Title
	if title == "" {
		title = a.Action
	}
	return htmlAction{Action: a.Action, Title: title, Outcome: string(a.Outcome), When: bothTimes(a.Started, z), Took: a.Duration.String(),
		Commands: commandLines(a), ExitCode: a.ExitCode, Ran: len(a.Commands) > 0, DryRun: a.DryRun, Escalated: a.Escalated,
		Before: a.Before, After: a.After, Err: a.Err, Output: sanitize.Text(a.Output, 0), Verdict: a.Verdict}
}

// newHTMLRun lays out a run's results like the Markdown does: every probe
// of the latest run, only what did not pass of the earlier ones.
func newHTMLRun(run session.RunRecord, z session.Zone, latest bool) htmlRun {
	c := run.Outcome.Counts
	hr := htmlRun{Seq: run.Seq, RunID: run.RunID, When: bothTimes(run.Started, z), Took: run.Duration.String(),
		Status: run.Outcome.Status, Headline: run.Outcome.Headline, WhatIf: run.WhatIf, Latest: latest,
		Counts: [5]int{c[probes.StatusPass], c[probes.StatusWarn], c[probes.StatusFail], c[probes.StatusUnknown], c[probes.StatusSkipped]}}
	for _, sec := range sections {
		hs := htmlSection{Heading: sec.heading}
		for _, r := range run.Results {
			if !slices.Contains(sec.kinds, r.Kind) {
				continue
			}
			if !latest && (r.Status == probes.StatusPass || r.Status == probes.StatusSkipped) {
				hr.Hidden++
				continue
			}
			row := htmlResult{Status: string(r.Status), Icon: statusIcon(r.Status), Title: title(r), Reason: resultReason(r), Took: r.Duration.String(), ID: r.ID}
			if latest && r.Status != probes.StatusPass && r.Status != probes.StatusSkipped {
				row.Evidence = r.Evidence
			}
			hs.Rows = append(hs.Rows, row)
		}
		if len(hs.Rows) > 0 {
			hr.Sections = append(hr.Sections, hs)
		}
	}
	return hr
}

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"line":  sanitize.Line,
	"icon":  outcomeIcon,
	"times": bothTimes,
	"join":  strings.Join,
	"f1":    func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"add":   func(a, b int) int { return a + b },
	"addf":  func(a float64, b int) float64 { return a + float64(b) },
}).Parse(pageHTML))

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gptdoctor {{line .Rec.Tool.Version}}">
<title>gptdoctor report: {{line .S.Headline}}</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d1d1f;background:#fff}
h1{font-size:1.5rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
pre{background:#f5f5f7;padding:.6rem;overflow-x:auto;white-space:pre-wrap}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f5f5f7}.summary{border:2px solid #ccc;border-radius:6px;padding:.2rem 1rem}
.problem{border-color:#c62828}.reachable{border-color:#2e7d32}.incomplete{border-color:#f9a825}
.s-fail{color:#c62828}.s-warn,.s-unknown{color:#b26a00}.s-pass{color:#2e7d32}.s-skipped{color:#777}
.lab{background:#fff8e1;padding:.4rem .8rem;border-left:4px solid #f9a825}
svg{display:block;margin:.4rem 0 1rem;max-width:100%;height:auto;font:11px system-ui,sans-serif}
.phase-dns{fill:#6a1b9a}.phase-connect{fill:#ef6c00}.phase-tls{fill:#00838f}.phase-wait{fill:#2e7d32}.phase-download{fill:#1565c0}
.axis{stroke:#bbb;stroke-width:1}.latency{fill:none;stroke:#1565c0;stroke-width:2}
.point.ok circle{fill:#1565c0}.point.fail path{stroke:#c62828;stroke-width:2.5}
.point.refused rect{fill:#c62828}.point.timeout path{fill:#fff;stroke:#b26a00;stroke-width:2;stroke-dasharray:3 2}
.end.failure path{stroke:#c62828;stroke-width:2.5}.end.timeout path{stroke:#b26a00;stroke-width:2;stroke-dasharray:3 2}
.muted{color:#666}
@media (prefers-color-scheme:dark){body{background:#111;color:#eee}pre,th{background:#222}td,th{border-color:#444}svg text{fill:#ddd}}
</style>
</head>
<body>
<h1>gptdoctor report: {{line .S.Headline}}</h1>
{{if eq .Rec.Mode "demo"}}<p class="lab">Lab scenario <code>{{.Rec.Scenario}}</code>: every answer below is staged on loopback; nothing left the machine.</p>{{end}}
<section class="summary {{.S.Status}}" id="summary">
<h2>Summary</h2>
<dl>
<dt>Verdict</dt><dd><strong>{{icon .S.Status}} {{.S.Status}}: {{line .S.Headline}}</strong> (exit code {{.S.ExitCode}})</dd>
{{with .S.Codes}}<dt>What failed</dt><dd><ul>{{range .}}<li>{{line .}}</li>{{end}}</ul></dd>{{end}}
{{with .S.Rays}}<dt>Cloudflare Ray IDs</dt><dd><ul>{{range .}}<li><code>{{line .ID}}</code> ({{line .Where}}, {{times .At $.Zone}})</li>{{end}}</ul></dd>{{end}}
{{if .S.HasRun}}<dt>Time of the check</dt><dd>{{times .S.When .Zone}}</dd>{{end}}
{{with .S.SeenAs}}<dt>IP address and country Cloudflare saw</dt><dd>{{join . "; "}}</dd>{{end}}
<dt>Already tried</dt><dd>{{if .S.Tried}}<ul>{{range .S.Tried}}<li>{{line .}}</li>{{end}}</ul>{{else}}nothing yet{{end}}</dd>
<dt>gptdoctor recommends</dt><dd>{{if .S.Recommend}}<ol>{{range .S.Recommend}}<li><strong>{{line .Finding}}</strong> ({{.Confidence}}): {{line .Summary}}{{with .Remedies}}<ul>{{range .}}<li>{{line .Title}}{{with .Fix}}: <code>{{.}}</code>{{end}}</li>{{end}}</ul>{{end}}</li>{{end}}</ol>{{else}}nothing: no cause was found{{end}}</dd>
<dt>gptdoctor</dt><dd>{{line .Rec.Tool.Version}} on {{.Rec.Tool.OS}}/{{.Rec.Tool.Arch}}</dd>
</dl>
</section>
{{if .Latest}}
<section id="diagnosis">
<h2>Diagnosis</h2>
{{range $i, $f := .Findings}}<h3>{{add $i 1}}. {{line $f.Title}} ({{$f.Confidence}}, {{$f.Severity}})</h3>
{{with $f.Summary}}<p>{{line .}}</p>{{end}}
{{with $f.Evidence}}<p>Evidence:</p><ul>{{range .}}<li>{{line .}}</li>{{end}}</ul>{{end}}
{{with $f.Remedies}}<p>What to do:</p><ul>{{range .}}<li><strong>{{line .Title}}</strong>{{with .Fix}}: <code>{{.}}</code>{{end}}{{with .Steps}}<ol>{{range .}}<li>{{line .}}</li>{{end}}</ol>{{end}}</li>{{end}}</ul>{{end}}
{{else}}<p>No cause was found.</p>{{end}}
</section>
{{end}}
{{with .Actions}}<section id="actions">
<h2>Actions</h2>
{{range $i, $a := .}}<h3>{{add $i 1}}. <code>{{$a.Action}}</code>: {{line $a.Title}} ({{$a.Outcome}})</h3>
<ul><li>Started: {{$a.When}}, took {{$a.Took}}</li>
{{if $a.DryRun}}<li>Dry run: shown, not run</li>{{end}}{{if $a.Escalated}}<li>Ran through sudo</li>{{end}}
{{if $a.Ran}}<li>Exit code: {{$a.ExitCode}}</li>{{end}}
{{with $a.Before}}<li>Before: {{line .}}</li>{{end}}{{with $a.After}}<li>After: {{line .}}</li>{{end}}{{with $a.Verdict}}<li>Verdict: {{line .}}</li>{{end}}{{with $a.Err}}<li>Error: {{line .}}</li>{{end}}</ul>
{{with $a.Commands}}<p>Commands:</p><pre>{{range .}}{{line .}}
{{end}}</pre>{{end}}
{{with $a.Output}}<p>Output:</p><pre>{{.}}</pre>{{end}}
{{end}}</section>{{end}}
{{with .Histories}}<section id="history">
<h2>Latency and failures across runs</h2>
<p class="muted">The median time of the answered requests per run. A line joins answered runs only; a cross is an answer that was a failure, a filled square a request that got no answer, a dashed triangle a run that timed out.</p>
{{range $h := .}}<h3>{{line .Host}}</h3>
<svg class="history" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="latency history of {{line .Host}}">
<line class="axis" x1="60" y1="{{.BaseY}}" x2="{{.Width}}" y2="{{.BaseY}}"/>
<line class="axis" x1="60" y1="{{.TopY}}" x2="60" y2="{{.BaseY}}"/>
<text x="56" y="{{.BaseY}}" text-anchor="end">0</text>
<text x="56" y="{{addf 8.0 .TopY}}" text-anchor="end">{{.MaxLabel}}</text>
<text x="56" y="{{.TopY}}" dy="-6" text-anchor="end">no answer</text>
{{range .Lines}}<polyline class="latency" points="{{.}}"/>
{{end}}{{range .Points}}<g class="point {{.Class}}"><title>{{line .Label}}</title>{{if eq .Class "ok"}}<circle cx="{{f1 .X}}" cy="{{f1 .Y}}" r="3.5"/>{{else if eq .Class "fail"}}<path d="M{{f1 (addf .X -4)}} {{f1 (addf .Y -4)}}l8 8m0 -8l-8 8"/>{{else if eq .Class "refused"}}<rect x="{{f1 (addf .X -4)}}" y="{{f1 (addf .Y -4)}}" width="8" height="8"/>{{else}}<path d="M{{f1 .X}} {{f1 (addf .Y -5)}}l5 9h-10z"/>{{end}}</g>
{{end}}{{range .Ticks}}<text x="{{f1 .X}}" y="{{$h.TickY}}" text-anchor="middle">run {{.Label}}</text>
{{end}}</svg>
{{end}}</section>{{end}}
{{with .Waterfalls}}<section id="timings">
<h2>Timing of each request (latest run)</h2>
<p class="muted">Each request's phases on one time scale: DNS, connect, TLS, the server's wait, the download. A red cross ends a request that failed without an answer; a dashed line one that ran out of time.</p>
{{range $w := .}}<h3>{{line .Title}}</h3><p class="muted">{{line .Answer}}</p>
<svg class="waterfall" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="request timings">
{{range .Rows}}<text x="0" y="{{add .Y 11}}">{{.Label}}</text>{{if .Drawn}}<rect class="{{.Class}}" x="{{f1 .X}}" y="{{.Y}}" width="{{f1 .W}}" height="12"><title>{{.Label}} {{.Value}}</title></rect>{{end}}<text x="{{$w.Width}}" y="{{add .Y 11}}" text-anchor="end">{{.Value}}</text>
{{end}}{{if .End}}<g class="end {{.End}}"><title>{{line .EndLbl}}</title><path d="M{{f1 .EndX}} {{.EndY}}l8 8m0 -8l-8 8"/><text x="{{f1 (addf .EndX 12)}}" y="{{add .EndY 8}}">{{line .EndLbl}}</text></g>
{{end}}<line class="axis" x1="{{.AxisX1}}" y1="{{.AxisY}}" x2="{{.AxisX2}}" y2="{{.AxisY}}"/>
{{range .Ticks}}<text x="{{f1 .X}}" y="{{$w.TickY}}" text-anchor="middle">{{.Label}}</text>
{{end}}</svg>
{{end}}</section>{{end}}
<section id="runs">
<h2>Runs</h2>
{{if .Rec.DroppedRuns}}<p>{{.Rec.DroppedRuns}} older runs were dropped to keep the session bounded.</p>{{end}}
{{if .Runs}}<table><tr><th>run</th><th>started</th><th>took</th><th>outcome</th><th>pass</th><th>warn</th><th>fail</th><th>unknown</th><th>skipped</th></tr>
{{range .Runs}}<tr><td>{{.Seq}}</td><td>{{.When}}</td><td>{{.Took}}</td><td class="{{.Status}}">{{icon .Status}} {{.Status}}{{if .WhatIf}} (what-if){{end}}</td>{{range .Counts}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>{{else}}<p>No run finished.</p>{{end}}
</section>
{{range .Runs}}<section class="run" id="run-{{.Seq}}">
<h2>Run {{.Seq}}{{if .Latest}} (latest){{end}}: {{line .Headline}}</h2>
<p>Run <code>{{.RunID}}</code>, {{.When}}, took {{.Took}}.{{if .Hidden}} {{.Hidden}} probes that passed or were skipped are not listed.{{end}}</p>
{{range .Sections}}<h3>{{.Heading}}</h3>
<table><tr><th></th><th>probe</th><th>result</th><th>took</th></tr>
{{range .Rows}}<tr class="s-{{.Status}}"><td>{{.Icon}} {{.Status}}</td><td>{{line .Title}}</td><td>{{line .Reason}}{{with .Evidence}}<ul>{{range .}}<li>{{line .}}</li>{{end}}</ul>{{end}}</td><td>{{.Took}}</td></tr>
{{end}}</table>
{{end}}</section>
{{end}}
<section id="settings">
<h2>Settings</h2>
<table>{{range .Settings}}<tr><th>{{index . 0}}</th><td>{{line (index . 1)}}</td></tr>{{end}}</table>
</section>
<section id="environment">
<h2>Environment</h2>
<table>{{range .Environment}}<tr><th>{{index . 0}}</th><td>{{line (index . 1)}}</td></tr>{{end}}</table>
</section>
</body>
</html>
`
