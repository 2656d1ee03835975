package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// statusBodyLimit bounds the summary read. OpenAI's summary.json with its
// component tree and open incidents is tens of KiB; a page in a long outage
// with many incident updates stays well under 1 MiB.
const statusBodyLimit = 1 << 20

// Limits on what a status result carries, so a hostile or huge page cannot
// flood a report.
const (
	maxStatusComponents = 40
	maxStatusIncidents  = 10
)

// statusPageProbe reads OpenAI's status page (a Statuspage-compatible
// summary.json; status.openai.com serves one from incident.io), so an
// outage on OpenAI's side is told apart from a problem on this machine. It
// is skipped when no status URL is configured. A status page that cannot be
// read is unknown, not failed: the probe could not tell.
func statusPageProbe(cfg probes.Config, w probes.World) probes.Probe {
	tm := timeoutsFor(cfg.Budget, w.Limits)
	return probes.Probe{
		ID:      "status:openai",
		Kind:    probes.KindStatusPage,
		Target:  cfg.StatusURL,
		Title:   "OpenAI status page",
		Timeout: tm.Probe,
		Run: func(ctx context.Context) probes.Result {
			if cfg.StatusURL == "" {
				return probes.Result{Status: probes.StatusSkipped, Reason: "no status page configured"}
			}
			return runStatusPage(ctx, cfg.StatusURL, goRoute(cfg.StatusURL, cfg, w), w, tm)
		},
	}
}

// summaryJSON is the part of a Statuspage summary this probe reads. Times
// are strings so an odd format costs only that field; pointers absorb
// nulls (incident.io's compatible feed sends "shortlink": null).
type summaryJSON struct {
	Page struct {
		UpdatedAt string `json:"updated_at"`
	} `json:"page"`
	Status struct {
		Indicator   string `json:"indicator"`
		Description string `json:"description"`
	} `json:"status"`
	Components []struct {
		ID      string  `json:"id"`
		Name    string  `json:"name"`
		Status  string  `json:"status"`
		GroupID *string `json:"group_id"`
	} `json:"components"`
	Incidents []struct {
		Name      string  `json:"name"`
		Status    string  `json:"status"`
		Impact    string  `json:"impact"`
		Shortlink *string `json:"shortlink"`
		StartedAt string  `json:"started_at"`
		CreatedAt string  `json:"created_at"`
	} `json:"incidents"`
}

func runStatusPage(ctx context.Context, statusURL, route string, w probes.World, tm timeouts) probes.Result {
	fr := fetch(ctx, w, fetchSpec{
		URL:          statusURL,
		Variant:      probes.Variant{Route: route, Family: probes.FamilyAny, Headers: probes.HeadersPlain},
		Header:       map[string][]string{"Accept": {"application/json"}},
		MaxRedirects: maxRedirects,
		BodyLimit:    statusBodyLimit,
		Timeouts:     tm,
	})
	d := &probes.StatusPageDetails{URL: fr.Details.URL}
	res := probes.Result{Details: d}
	if fr.Fail != nil {
		res.Status = probes.StatusUnknown
		res.Reason = "could not read the status page: " + fr.Fail.Reason
		res.Error = fr.Fail.stepError()
		res.Evidence = failureEvidence(&fr.Details)
		return res
	}
	switch {
	case fr.Cut != "":
		res.Status, res.Reason = probes.StatusUnknown, "could not read the status page: "+fr.Cut
		return res
	case fr.Details.StatusCode != 200:
		res.Status = probes.StatusUnknown
		res.Reason = fmt.Sprintf("the status page answered HTTP %d instead of its summary", fr.Details.StatusCode)
		res.Evidence = responseEvidence(&fr.Details, fr.BodyNote)
		return res
	case fr.Details.BodyTruncated:
		res.Status = probes.StatusUnknown
		res.Reason = "the status page summary was cut short: " + orWords(fr.BodyNote, "too large")
		return res
	}
	var sum summaryJSON
	if err := json.Unmarshal(fr.Body, &sum); err != nil {
		res.Status = probes.StatusUnknown
		res.Reason = "the status page did not return a Statuspage summary"
		res.Error = &probes.StepError{Step: "parse", Message: "parse: " + d.URL + ": " + defaultClean(err.Error())}
		return res
	}
	fillStatus(d, &sum)
	res.Status, res.Reason = judgeStatus(d)
	res.Evidence = statusEvidence(d)
	return res
}

func orWords(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

var (
	chatgptName = regexp.MustCompile(`(?i)chatgpt`)
	// apiName matches "API", "APIs", "Responses API" but not words that
	// merely contain the letters (a "Rapid" or "Capitals" component).
	apiName = regexp.MustCompile(`(?i)\bapis?\b`)
)

// componentProduct says which product a component name belongs to.
func componentProduct(name string) string {
	switch {
	case chatgptName.MatchString(name):
		return "chatgpt"
	case apiName.MatchString(name):
		return "api"
	}
	return ""
}

// fillStatus picks the ChatGPT and API components (and the children of
// groups so named), the worst status per product, and the open incidents.
func fillStatus(d *probes.StatusPageDetails, s *summaryJSON) {
	d.Indicator = sanitize.LineN(strings.ToLower(s.Status.Indicator), 32)
	d.Description = sanitize.Line(s.Status.Description)
	d.UpdatedAt = parseStatusTime(s.Page.UpdatedAt)

	groupProduct := map[string]string{}
	for _, c := range s.Components {
		if p := componentProduct(c.Name); p != "" && c.ID != "" {
			groupProduct[c.ID] = p
		}
	}
	worst := map[string]string{}
	for _, c := range s.Components {
		p := componentProduct(c.Name)
		if p == "" && c.GroupID != nil {
			p = groupProduct[*c.GroupID]
		}
		if p == "" {
			continue
		}
		st := sanitize.LineN(strings.ToLower(c.Status), 32)
		if len(d.Components) < maxStatusComponents {
			d.Components = append(d.Components, probes.StatusComponent{Name: sanitize.Line(c.Name), Status: st, Product: p})
		}
		if cur, ok := worst[p]; !ok || componentRank(st) > componentRank(cur) {
			worst[p] = st
		}
	}
	d.ChatGPT, d.API = worst["chatgpt"], worst["api"]

	for _, in := range s.Incidents {
		st := strings.ToLower(in.Status)
		if st == "resolved" || st == "postmortem" || st == "completed" {
			continue
		}
		if len(d.Incidents) == maxStatusIncidents {
			break
		}
		inc := probes.StatusIncident{
			Name:   sanitize.Line(in.Name),
			Status: sanitize.LineN(st, 32),
			Impact: sanitize.LineN(strings.ToLower(in.Impact), 32),
		}
		if in.Shortlink != nil {
			inc.URL = sanitize.URL(*in.Shortlink)
		}
		inc.StartedAt = parseStatusTime(in.StartedAt)
		if inc.StartedAt.IsZero() {
			inc.StartedAt = parseStatusTime(in.CreatedAt)
		}
		d.Incidents = append(d.Incidents, inc)
	}
}

// componentRank orders component statuses from fine to down. Unknown
// values rank with degraded: something is being reported.
func componentRank(s string) int {
	switch s {
	case "operational":
		return 0
	case "under_maintenance":
		return 1
	case "degraded_performance":
		return 2
	case "partial_outage":
		return 3
	case "major_outage", "full_outage":
		return 4
	}
	return 2
}

// judgeStatus: fail on a major or critical indicator or any product in an
// outage; warn on a minor indicator, degradation or maintenance; pass when
// the page says all is well.
func judgeStatus(d *probes.StatusPageDetails) (probes.Status, string) {
	var down, degraded []string
	for _, p := range []struct{ name, st string }{{"ChatGPT", d.ChatGPT}, {"the API", d.API}} {
		switch r := componentRank(p.st); {
		case p.st == "":
		case r >= 3:
			down = append(down, p.name+" "+strings.ReplaceAll(p.st, "_", " "))
		case r >= 1:
			degraded = append(degraded, p.name+" "+strings.ReplaceAll(p.st, "_", " "))
		}
	}
	incidents := ""
	if n := len(d.Incidents); n > 0 {
		incidents = fmt.Sprintf("; %d open incident", n)
		if n > 1 {
			incidents += "s"
		}
		incidents += fmt.Sprintf(": %q", d.Incidents[0].Name)
	}
	desc := d.Description
	if desc == "" {
		desc = "indicator " + orWords(d.Indicator, "missing")
	}
	switch {
	case d.Indicator == "major" || d.Indicator == "critical" || len(down) > 0:
		what := strings.Join(down, ", ")
		if what == "" {
			what = desc
		}
		return probes.StatusFail, "OpenAI reports an outage: " + what + incidents
	case (d.Indicator != "none" && d.Indicator != "") || len(degraded) > 0:
		what := strings.Join(degraded, ", ")
		if what == "" {
			what = desc
		}
		return probes.StatusWarn, "OpenAI reports trouble: " + what + incidents
	}
	if len(d.Incidents) > 0 {
		return probes.StatusPass, "OpenAI reports its systems operational" + incidents
	}
	return probes.StatusPass, "OpenAI reports all systems operational"
}

func statusEvidence(d *probes.StatusPageDetails) []string {
	ev := []string{"indicator: " + orWords(d.Indicator, "missing") + " (" + d.Description + ")"}
	if !d.UpdatedAt.IsZero() {
		ev = append(ev, "updated: "+d.UpdatedAt.UTC().Format(time.RFC3339))
	}
	ev = append(ev, "ChatGPT: "+orWords(d.ChatGPT, "no component listed"), "API: "+orWords(d.API, "no component listed"))
	for _, in := range d.Incidents {
		line := fmt.Sprintf("incident: %s (%s, impact %s)", in.Name, in.Status, in.Impact)
		if in.URL != "" {
			line += " " + in.URL
		}
		ev = append(ev, line)
	}
	return ev
}

func parseStatusTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05.000-07:00"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t
		}
	}
	return time.Time{}
}
