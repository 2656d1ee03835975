package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// StatusPageDetails is OpenAI's public status as its status page reports it.
type StatusPageDetails struct {
	// URL is the status summary endpoint read.
	URL string `json:"url"`
	// Indicator is none, minor, major or critical.
	Indicator string `json:"indicator"`
	// Description is the page's overall status in words ("All Systems
	// Operational").
	Description string `json:"description"`
	// UpdatedAt is when the page says it was last updated; absent when it does
	// not say.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// Components are the ones that matter here (ChatGPT, API and their
	// parts), with operational, degraded_performance, partial_outage,
	// major_outage or under_maintenance.
	Components []StatusComponent `json:"components,omitempty"`
	// Incidents are the unresolved incidents, at most ten.
	Incidents []StatusIncident `json:"incidents,omitempty"`
	// ChatGPT and API are the worst status among the components of each
	// product ("operational" when all are; empty when the page lists no
	// component for the product).
	ChatGPT string `json:"chatgpt"`
	API     string `json:"api"`
}

// StatusComponent is one component of the status page.
type StatusComponent struct {
	// Name is the component's name as the status page shows it.
	Name string `json:"name"`
	// Status is operational, degraded_performance, partial_outage,
	// major_outage or under_maintenance, as the page reports it.
	Status string `json:"status"`
	// Product is chatgpt or api: the product the component counts towards.
	Product string `json:"product,omitempty"`
}

// StatusIncident is one unresolved incident.
type StatusIncident struct {
	// Name is the incident's title.
	Name string `json:"name"`
	// Status is the incident's stage as the page reports it (investigating,
	// identified, monitoring …).
	Status string `json:"status"`
	// Impact is the page's rating of the incident (none, minor, major or
	// critical).
	Impact string `json:"impact"`
	// URL is the incident's public page, when the status page links one.
	URL string `json:"url,omitempty"`
	// StartedAt is when the incident began (when it was created, if the page
	// gives no start).
	StartedAt time.Time `json:"started_at,omitzero"`
}

func (*StatusPageDetails) details() {}

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

// StatusPageProbe reads OpenAI's status page (a Statuspage-compatible
// summary.json; status.openai.com serves one from incident.io), so an
// outage on OpenAI's side is told apart from a problem on this machine. It
// is skipped when no status URL is configured. A status page that cannot be
// read is unknown, not failed: the probe could not tell.
func StatusPageProbe(cfg Config, w World) Probe {
	tm := timeoutsFor(cfg.Budget, w.Limits)
	return Probe{
		ID:      "status:openai",
		Kind:    KindStatusPage,
		Target:  cfg.StatusURL,
		Title:   "OpenAI status page",
		Timeout: tm.Probe,
		Run: func(ctx context.Context) Result {
			if cfg.StatusURL == "" {
				return Result{Status: StatusSkipped, Reason: "no status page configured"}
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

func runStatusPage(ctx context.Context, statusURL, route string, w World, tm timeouts) Result {
	fr := fetch(ctx, w, fetchSpec{
		URL:          statusURL,
		Variant:      Variant{Route: route, Family: FamilyAny, Headers: HeadersPlain},
		Header:       map[string][]string{"Accept": {"application/json"}},
		MaxRedirects: MaxRedirects,
		BodyLimit:    statusBodyLimit,
		Timeouts:     tm,
	})
	d := &StatusPageDetails{URL: fr.Details.URL}
	res := Result{Details: d}
	if fr.Fail != nil {
		res.Status = StatusUnknown
		res.Reason = "could not read the status page: " + fr.Fail.Reason
		res.Error = fr.Fail.stepError()
		res.Evidence = failureEvidence(&fr.Details)
		return res
	}
	switch {
	case fr.Cut != "":
		res.Status, res.Reason = StatusUnknown, "could not read the status page: "+fr.Cut
		return res
	case fr.Details.StatusCode != 200:
		res.Status = StatusUnknown
		res.Reason = fmt.Sprintf("the status page answered HTTP %d instead of its summary", fr.Details.StatusCode)
		res.Evidence = responseEvidence(&fr.Details, fr.BodyNote)
		return res
	case fr.Details.BodyTruncated:
		res.Status = StatusUnknown
		res.Reason = "the status page summary was cut short: " + orWords(fr.BodyNote, "too large")
		return res
	}
	var sum summaryJSON
	if err := json.Unmarshal(fr.Body, &sum); err != nil {
		res.Status = StatusUnknown
		res.Reason = "the status page did not return a Statuspage summary"
		res.Error = &StepError{Step: "parse", Message: "parse: " + d.URL + ": " + defaultClean(err.Error())}
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
func fillStatus(d *StatusPageDetails, s *summaryJSON) {
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
			d.Components = append(d.Components, StatusComponent{Name: sanitize.Line(c.Name), Status: st, Product: p})
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
		inc := StatusIncident{
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
func judgeStatus(d *StatusPageDetails) (Status, string) {
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
		return StatusFail, "OpenAI reports an outage: " + what + incidents
	case (d.Indicator != "none" && d.Indicator != "") || len(degraded) > 0:
		what := strings.Join(degraded, ", ")
		if what == "" {
			what = desc
		}
		return StatusWarn, "OpenAI reports trouble: " + what + incidents
	}
	if len(d.Incidents) > 0 {
		return StatusPass, "OpenAI reports its systems operational" + incidents
	}
	return StatusPass, "OpenAI reports all systems operational"
}

func statusEvidence(d *StatusPageDetails) []string {
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
