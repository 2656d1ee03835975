package lab

import (
	"net/http"
	"time"
)

// statusPageID is OpenAI's incident.io status page id.
const statusPageID = "01JMDK9XYNY6RXSED6SDWW50WY"

// status is status.openai.com: the Statuspage-compatible /api/v2 feed
// OpenAI's incident.io page still serves.
func (e *edge) status(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "max-age=0, private, must-revalidate")
	sum := e.summary()
	switch r.URL.Path {
	case "/api/v2/summary.json":
		writeJSON(w, http.StatusOK, sum)
	case "/api/v2/status.json":
		writeJSON(w, http.StatusOK, map[string]any{"page": sum["page"], "status": sum["status"]})
	case "/api/v2/components.json":
		writeJSON(w, http.StatusOK, map[string]any{"page": sum["page"], "components": sum["components"]})
	case "/api/v2/incidents/unresolved.json", "/api/v2/incidents.json":
		writeJSON(w, http.StatusOK, map[string]any{"page": sum["page"], "incidents": sum["incidents"]})
	case "/":
		page(w, http.StatusOK, "text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>OpenAI Status</title></head><body><h1>OpenAI Status</h1></body></html>\n")
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found"})
	}
}

// summary builds /api/v2/summary.json: page, status{indicator,
// description}, components and unresolved incidents.
func (e *edge) summary() map[string]any {
	now := time.Now().UTC()
	started := e.started.UTC().Add(-37 * time.Minute)
	ts := func(t time.Time) string { return t.Format("2006-01-02T15:04:05.000Z") }

	chatgpt, api := "operational", "operational"
	indicator, description := "none", "All Systems Operational"
	var incidents []map[string]any
	if e.spec.outage() {
		chatgpt, api = "major_outage", "partial_outage"
		indicator, description = "major", "Partial System Outage"
		incidents = append(incidents, map[string]any{
			"id": "01JLABOUTAGE0000000000000", "name": "Elevated error rates on ChatGPT and the API",
			"status": "investigating", "impact": "major",
			"shortlink":  "https://status.openai.com/incidents/01JLABOUTAGE0000000000000",
			"started_at": ts(started), "created_at": ts(started), "updated_at": ts(now), "monitoring_at": nil, "resolved_at": nil,
			"page_id": statusPageID,
			"incident_updates": []map[string]any{{
				"id": "01JLABUPDATE0000000000000", "status": "investigating",
				"body":       "We are seeing elevated error rates for ChatGPT and the API and are investigating.",
				"created_at": ts(started), "updated_at": ts(started), "display_at": ts(started),
				"affected_components": []map[string]any{
					{"code": "lab-chatgpt", "name": "ChatGPT", "old_status": "operational", "new_status": chatgpt},
					{"code": "lab-api", "name": "API", "old_status": "operational", "new_status": api},
				},
			}},
			"components": []string{"lab-chatgpt", "lab-api"},
		})
	}
	if e.spec.status == statusDegraded {
		chatgpt = "degraded_performance"
		indicator, description = "minor", "Minor Service Outage"
		incidents = append(incidents, map[string]any{
			"id": "01JLABDEGRADED00000000000", "name": "Increased latency for ChatGPT responses",
			"status": "monitoring", "impact": "minor",
			"shortlink":  "https://status.openai.com/incidents/01JLABDEGRADED00000000000",
			"started_at": ts(started), "created_at": ts(started), "updated_at": ts(now), "monitoring_at": ts(now), "resolved_at": nil,
			"page_id": statusPageID,
			"incident_updates": []map[string]any{{
				"id": "01JLABDEGUPD0000000000000", "status": "monitoring",
				"body":       "A fix has been implemented and we are monitoring the results.",
				"created_at": ts(now), "updated_at": ts(now), "display_at": ts(now),
				"affected_components": []map[string]any{
					{"code": "lab-chatgpt", "name": "ChatGPT", "old_status": "operational", "new_status": chatgpt},
				},
			}},
			"components": []string{"lab-chatgpt"},
		})
	}
	if e.spec.escape {
		incidents = append(incidents, map[string]any{
			"id": "01JLABESCAPE0000000000000", "name": "\x1b[2J\x1b]0;pwned\x07Scheduled \x1b]8;;https://evil.example/\x1b\\maintenance\x1b]8;;\x1b\\",
			"status": "identified", "impact": "none", "shortlink": nil,
			"started_at": ts(started), "created_at": ts(started), "updated_at": ts(now), "page_id": statusPageID,
			"incident_updates": []map[string]any{{"id": "01JLABESCUPD0000000000000", "status": "identified",
				"body": "\x1b[31mnothing to see\x1b[0m", "created_at": ts(started)}},
		})
	}
	if incidents == nil {
		incidents = []map[string]any{}
	}
	component := func(id, name, status string, pos int) map[string]any {
		return map[string]any{"id": id, "name": name, "status": status, "created_at": "2025-02-18T00:00:00.000Z",
			"updated_at": ts(now), "position": pos, "description": nil, "showcase": true, "start_date": nil,
			"group_id": nil, "page_id": statusPageID, "group": false, "only_show_if_degraded": false}
	}
	return map[string]any{
		"page": map[string]any{"id": statusPageID, "name": "OpenAI", "url": "https://status.openai.com",
			"time_zone": "Etc/UTC", "updated_at": ts(now)},
		"status": map[string]any{"indicator": indicator, "description": description},
		"components": []map[string]any{
			component("lab-api", "API", api, 1),
			component("lab-chatgpt", "ChatGPT", chatgpt, 2),
			component("lab-sora", "Sora", "operational", 3),
			component("lab-playground", "Playground", "operational", 4),
		},
		"incidents": incidents,
	}
}
