package collect

import (
	"encoding/json"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/sanitize/fuzzcheck"
	"github.com/gptdoctor/gptdoctor/probes"
)

// FuzzStatusPage feeds summary.json bodies (capped at statusBodyLimit) in
// both shapes, Atlassian Statuspage's (shortlink strings) and incident.io's
// compatibility feed (shortlink null), through the same steps
// runStatusPage takes after the fetch. Invariants: no panic, bounded time,
// at most maxStatusComponents components and maxStatusIncidents
// incidents, products in the known set, every string sanitised, no URL
// password left.
func FuzzStatusPage(f *testing.F) {
	f.Add([]byte(summary("none", "operational", "operational", "")))
	f.Add([]byte(summary("major", "operational", "partial_outage", openIncident)))
	f.Add([]byte(summary("minor", "degraded_performance", "under_maintenance", `{"name":"Login issues","status":"identified","impact":"minor","shortlink":"https://user:`+fuzzcheck.PasswordCore+`@stspg.io/x","created_at":"2026-11-20T09:58:00.000-07:00"}`)))
	f.Add([]byte(`{"page":{"updated_at":null},"status":{"indicator":"critical"},"components":null,"incidents":[{"shortlink":null}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		body = capBytes(body, statusBodyLimit)
		d := &probes.StatusPageDetails{URL: "https://status.openai.com/api/v2/summary.json"}
		res := probes.Result{Details: d}
		fuzzcheck.Within(t, func() {
			var sum summaryJSON
			if err := json.Unmarshal(body, &sum); err != nil {
				res.Status, res.Reason = probes.StatusUnknown, "the status page did not return a Statuspage summary"
				res.Error = &probes.StepError{Step: "parse", Message: "parse: " + d.URL + ": " + defaultClean(err.Error())}
				return
			}
			fillStatus(d, &sum)
			res.Status, res.Reason = judgeStatus(d)
			res.Evidence = statusEvidence(d)
		})
		checkFuzzResult(t, res, fuzzcheck.Planted(string(body)))
		if len(d.Components) > maxStatusComponents || len(d.Incidents) > maxStatusIncidents {
			t.Fatalf("%d components, %d incidents", len(d.Components), len(d.Incidents))
		}
		for _, c := range d.Components {
			if c.Product != "chatgpt" && c.Product != "api" {
				t.Fatalf("component %q of product %q", c.Name, c.Product)
			}
		}
	})
}
