package report

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// summary is what a report says first, in every format: what support asks
// for before anything else. It is read from the latest run of the machine
// as it is and from the session's actions.
type summary struct {
	// Status and Headline are the latest run's outcome.
	Status, Headline string
	// ExitCode is the latest run's exit code.
	ExitCode int
	// Codes are the failing answers by host: "chatgpt.com: Cloudflare
	// error 1020 (HTTP 403)".
	Codes []string
	// Rays are the Ray IDs of failing answers with where and when.
	Rays []ray
	// When is the latest run's start.
	When time.Time
	// SeenAs are the IPs and countries Cloudflare reported, per route.
	SeenAs []string
	// Tried are the actions, one line each.
	Tried []string
	// Recommend are what to do, most certain cause first.
	Recommend []recommendation
	// HasRun is false for a record without runs: nothing was measured.
	HasRun bool
}

type ray struct {
	ID, Where string
	At        time.Time
}

type recommendation struct {
	// Finding is the cause's title and confidence.
	Finding, Confidence, Summary string
	// Remedies are the remedy titles, with the fix command where one
	// applies it ("gptdoctor fix flush-dns").
	Remedies []remedyLine
}

type remedyLine struct{ Title, Fix string }

// maxRecommend bounds the causes the summary names; the diagnosis section
// lists them all.
const maxRecommend = 3

func summarise(rec session.Record) summary {
	var s summary
	for _, a := range rec.Actions {
		s.Tried = append(s.Tried, triedLine(a))
	}
	run, ok := rec.Latest()
	if !ok {
		s.Status, s.Headline, s.ExitCode = session.OutcomeIncomplete, "Nothing was measured", 1
		return s
	}
	s.HasRun = true
	s.Status, s.Headline, s.ExitCode = run.Outcome.Status, run.Outcome.Headline, run.Outcome.ExitCode
	s.When = run.Started
	s.Codes = failingCodes(run.Results)
	s.Rays = rayIDs(run.Results)
	s.SeenAs = seenAs(run.Results)
	for i, f := range run.Findings {
		if i == maxRecommend {
			break
		}
		r := recommendation{Finding: f.Title, Confidence: string(f.Confidence), Summary: f.Summary}
		for _, id := range f.Remedies {
			rem, ok := remedies.RemedyByID(id)
			if !ok {
				continue
			}
			l := remedyLine{Title: rem.Title}
			if rem.Action != "" {
				l.Fix = "gptdoctor fix " + rem.Action
			}
			r.Remedies = append(r.Remedies, l)
		}
		s.Recommend = append(s.Recommend, r)
	}
	return s
}

// triedLine is an action in a few words: when, what ran and how it
// ended; its before and after are in the actions section.
func triedLine(a remedies.ActionRecord) string {
	what := a.Action
	if a.Title != "" {
		what += " (" + a.Title + ")"
	}
	if cmds := commandLines(a); len(cmds) > 0 && !a.DryRun {
		what += ": ran " + strings.Join(cmds, "; ")
		if a.ExitCode >= 0 {
			what += fmt.Sprintf(", exit %d", a.ExitCode)
		}
	}
	what += ": " + string(a.Outcome)
	if a.Verdict != "" {
		what += ", " + a.Verdict
	}
	return a.Started.UTC().Format("15:04:05 UTC") + " " + what
}

// hostOf is the host a URL names, or the text itself.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return raw
}

// answer is what one request got back, as a report names it. It is read
// from a result's details field by field, so the report does not depend on
// where the classifier's types live.
type answer struct {
	cloudflare   bool
	code, status int
	apiCode      string
	failure      string
	rayID, colo  string
}

func endpointAnswer(d *probes.EndpointDetails) answer {
	a := answer{cloudflare: d.Verdict.Cloudflare, code: d.Verdict.Code, status: d.StatusCode, failure: d.Failure, rayID: d.Verdict.RayID, colo: d.Verdict.Colo}
	if d.Verdict.OpenAI != nil {
		a.apiCode = d.Verdict.OpenAI.Code
	}
	return a
}

func apiKeyAnswer(d *probes.APIKeyDetails) answer {
	a := answer{cloudflare: d.Verdict.Cloudflare, code: d.Verdict.Code, status: d.StatusCode, failure: d.Failure, rayID: d.Verdict.RayID, colo: d.Verdict.Colo}
	if d.Verdict.OpenAI != nil {
		a.apiCode = d.Verdict.OpenAI.Code
	}
	return a
}

// String names what a failing answer was, the way support reads it: the
// Cloudflare code, the API error code, the HTTP status, or the failure
// code when no answer came.
func (a answer) String() string {
	switch {
	case a.cloudflare && a.code >= 1000 && a.code < 2000:
		return fmt.Sprintf("Cloudflare error %d (HTTP %d)", a.code, a.status)
	case a.apiCode != "":
		return fmt.Sprintf("HTTP %d %s", a.status, a.apiCode)
	case a.code > 0:
		return fmt.Sprintf("HTTP %d (code %d)", a.status, a.code)
	case a.status > 0:
		return fmt.Sprintf("HTTP %d", a.status)
	case a.failure != "":
		return "no answer: " + a.failure
	}
	return ""
}

// withRay is String with the Ray ID, for one request's line.
func (a answer) withRay() string {
	if a.rayID == "" {
		return a.String()
	}
	return a.String() + ", Ray ID " + a.rayID
}

// failingCodes lists, per host, the distinct codes of failing answers,
// including an API key check refused with a code (429 insufficient_quota).
func failingCodes(results []probes.Result) []string {
	var order []string
	codes := map[string][]string{}
	add := func(host, code string) {
		if code == "" {
			return
		}
		if _, ok := codes[host]; !ok {
			order = append(order, host)
		}
		if !slices.Contains(codes[host], code) {
			codes[host] = append(codes[host], code)
		}
	}
	for _, r := range results {
		if r.Status != probes.StatusFail && r.Status != probes.StatusUnknown {
			continue
		}
		switch d := r.Details.(type) {
		case *probes.EndpointDetails:
			if !d.Expected {
				add(hostOf(d.URL), endpointAnswer(d).String())
			}
		case *probes.APIKeyDetails:
			add(hostOf(d.URL)+" (API key)", apiKeyAnswer(d).String())
		}
	}
	out := make([]string, 0, len(order))
	for _, h := range order {
		out = append(out, h+": "+strings.Join(codes[h], ", "))
	}
	return out
}

// rayIDs lists the Ray IDs of failing answers, each once, with the host,
// the request's variant and its time.
func rayIDs(results []probes.Result) []ray {
	var out []ray
	seen := map[string]bool{}
	for _, r := range results {
		if r.Status == probes.StatusPass || r.Status == probes.StatusSkipped {
			continue
		}
		var a answer
		where := ""
		switch d := r.Details.(type) {
		case *probes.EndpointDetails:
			a, where = endpointAnswer(d), hostOf(d.URL)+", "+d.Variant.Words()
		case *probes.APIKeyDetails:
			a, where = apiKeyAnswer(d), hostOf(d.URL)+", API key check"
		case *probes.TraceDetails:
			a, where = answer{rayID: d.Verdict.RayID, colo: d.Verdict.Colo}, d.Host+" /cdn-cgi/trace"
		default:
			continue
		}
		if a.rayID == "" || seen[a.rayID] {
			continue
		}
		seen[a.rayID] = true
		id := a.rayID
		if a.colo != "" {
			id += "-" + a.colo
		}
		out = append(out, ray{ID: id, Where: where, At: r.Started})
	}
	return out
}

// seenAs describes the address and country Cloudflare reported, per route
// of its trace, and what block pages said they saw.
func seenAs(results []probes.Result) []string {
	var out []string
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, r := range results {
		d, ok := r.Details.(*probes.TraceDetails)
		if !ok || d.IP == "" {
			continue
		}
		w := d.IP
		if d.Loc != "" {
			w += ", country " + d.Loc
		}
		if d.Colo != "" {
			w += ", data centre " + d.Colo
		}
		if d.Route == probes.RouteProxy {
			w += " (through the proxy)"
		}
		add(w)
	}
	if len(out) > 0 {
		return out
	}
	for _, r := range results {
		if d, ok := r.Details.(*probes.EndpointDetails); ok && d.Verdict.ClientIP != "" {
			w := d.Verdict.ClientIP
			if d.Verdict.Country != "" {
				w += ", country " + d.Verdict.Country
			}
			add(w + " (from the block page)")
		}
	}
	return out
}

// bothTimes prints a time in UTC and in the writer's local zone:
// "2026-11-26 06:30:00 UTC (07:30:00 CET)".
func bothTimes(t time.Time, z session.Zone) string {
	if t.IsZero() {
		return "unknown"
	}
	u := t.UTC().Format("2006-01-02 15:04:05 UTC")
	loc := t.In(z.Location())
	if z.OffsetS == 0 && (z.Name == "" || z.Name == "UTC") {
		return u
	}
	local := loc.Format("15:04:05 MST")
	if loc.Format("2006-01-02") != t.UTC().Format("2006-01-02") {
		local = loc.Format("2006-01-02 15:04:05 MST")
	}
	return u + " (" + local + " local)"
}
