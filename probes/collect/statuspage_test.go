package collect

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

// summary builds a Statuspage-compatible summary.json in the shape
// status.openai.com's compatibility feed serves (detection.md §5.2).
func summary(indicator, chatgpt, api, incidents string) string {
	return `{"page":{"id":"01JMDK9XYNY6RXSED6SDWW50WY","name":"OpenAI","url":"https://status.openai.com","updated_at":"2026-11-20T10:15:00.000Z"},
"status":{"indicator":"` + indicator + `","description":"\u001b[31mPartial System Degradation"},
"components":[
 {"id":"g1","name":"ChatGPT","status":"operational","group":true,"group_id":null,"components":["c1","c2"]},
 {"id":"c1","name":"Login","status":"` + chatgpt + `","group_id":"g1"},
 {"id":"c2","name":"Conversations","status":"operational","group_id":"g1","extra_field":{"nested":[1,2]}},
 {"id":"a1","name":"Responses API","status":"` + api + `","group_id":null},
 {"id":"s1","name":"Sora","status":"major_outage"},
 {"id":"r1","name":"Rapid capitals","status":"major_outage"}
],
"incidents":[` + incidents + `]}`
}

const openIncident = `{"id":"i1","name":"Elevated errors on ChatGPT\u001b]0;x\u0007","status":"investigating","impact":"major","shortlink":null,"started_at":"2026-11-20T09:58:00Z"},
{"id":"i2","name":"Old","status":"resolved","impact":"minor","shortlink":"https://stspg.io/x"}`

func TestStatusPageProbe(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		code   int
		status probes.Status
		reason string
		check  func(t *testing.T, d *probes.StatusPageDetails)
	}{
		{
			name: "all operational", body: summary("none", "operational", "operational", ""), status: probes.StatusPass,
			reason: "OpenAI reports all systems operational",
			check: func(t *testing.T, d *probes.StatusPageDetails) {
				if d.ChatGPT != "operational" || d.API != "operational" || len(d.Components) != 4 || d.UpdatedAt.IsZero() {
					t.Errorf("details %+v", d)
				}
				for _, c := range d.Components {
					if c.Name == "Sora" || c.Name == "Rapid capitals" {
						t.Errorf("unrelated component %q picked", c.Name)
					}
				}
			},
		},
		{
			name: "degraded child of the ChatGPT group", body: summary("minor", "degraded_performance", "operational", ""), status: probes.StatusWarn,
			reason: "OpenAI reports trouble: ChatGPT degraded performance",
		},
		{
			name: "API outage with an open incident", body: summary("major", "operational", "partial_outage", openIncident), status: probes.StatusFail,
			reason: `OpenAI reports an outage: the API partial outage; 1 open incident: "Elevated errors on ChatGPT"`,
			check: func(t *testing.T, d *probes.StatusPageDetails) {
				if len(d.Incidents) != 1 || d.Incidents[0].Impact != "major" || d.Incidents[0].URL != "" || d.Incidents[0].StartedAt.IsZero() {
					t.Errorf("incidents %+v", d.Incidents)
				}
			},
		},
		{
			name: "missing fields", body: `{"status":{"indicator":"none"}}`, status: probes.StatusPass,
			check: func(t *testing.T, d *probes.StatusPageDetails) {
				if d.ChatGPT != "" || d.API != "" {
					t.Errorf("products %q %q", d.ChatGPT, d.API)
				}
			},
		},
		{name: "not JSON", body: "<html>maintenance</html>", status: probes.StatusUnknown, reason: "the status page did not return a Statuspage summary"},
		{name: "server error", body: "oops", code: 503, status: probes.StatusUnknown, reason: "the status page answered HTTP 503 instead of its summary"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tw := newTestWorld(t)
			srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api/v2/summary.json" {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				if tc.code != 0 {
					w.WriteHeader(tc.code)
				}
				_, _ = io.WriteString(w, tc.body)
			}))
			tw.host("status.openai.com", "104.18.0.10", "", addr(srv))
			p := statusPageProbe(probes.DefaultConfig(), tw.World())
			if p.ID != "status:openai" || p.Kind != probes.KindStatusPage {
				t.Fatalf("probe %s %s", p.ID, p.Kind)
			}
			r := runProbe(t, p)
			if r.Status != tc.status || (tc.reason != "" && r.Reason != tc.reason) {
				t.Errorf("got %s %q\nwant %s %q", r.Status, r.Reason, tc.status, tc.reason)
			}
			if tc.check != nil {
				tc.check(t, r.Details.(*probes.StatusPageDetails))
			}
			assertClean(t, r, "]0;x")
		})
	}
}

func TestStatusPageSkippedWithoutURL(t *testing.T) {
	cfg := probes.DefaultConfig()
	cfg.StatusURL = ""
	r := runProbe(t, statusPageProbe(cfg, probes.World{}))
	if r.Status != probes.StatusSkipped {
		t.Errorf("got %s %q", r.Status, r.Reason)
	}
}

func TestComponentProduct(t *testing.T) {
	for name, want := range map[string]string{
		"ChatGPT": "chatgpt", "chatgpt.com": "chatgpt", "API": "api", "APIs": "api", "Realtime API": "api",
		"Capital": "", "Rapid": "", "Sora": "", "Playground": "",
	} {
		if got := componentProduct(name); got != want {
			t.Errorf("componentProduct(%q) = %q, want %q", name, got, want)
		}
	}
	if !strings.Contains(summary("none", "operational", "operational", ""), "Rapid") {
		t.Fatal("fixture lost its decoy component")
	}
}
