package lab

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

var reRequestID = regexp.MustCompile(`^req_[0-9a-f]{32}$`)

type apiErrorBody struct {
	Error struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    *string `json:"code"`
	} `json:"error"`
}

func TestAPI(t *testing.T) {
	t.Parallel()
	plain := variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain)
	const url = "https://api.openai.com/v1/models"
	cases := []struct {
		scenario string
		status   int
		code     string // "" for null
		typ      string
		message  string
	}{
		{"api-401", 401, "invalid_api_key", "invalid_request_error", "Incorrect API key provided: sk-abc1"},
		{"api-429-rate", 429, "rate_limit_exceeded", "requests", "Rate limit reached for gpt-4o"},
		{"api-429-quota", 429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota"},
		{"outage-503", 503, "server_is_overloaded", "service_unavailable_error", "Our servers are currently overloaded"},
		{"country-1009", 403, "unsupported_country_region_territory", "request_forbidden", "Country, region, or territory not supported"},
	}
	for _, c := range cases {
		l := startLab(t, c.scenario, Options{})
		w := l.World(probes.World{})
		key, ok := w.LookupEnv("OPENAI_API_KEY")
		if !ok {
			key = labValidKey
		}
		res := fetch(t, w, url, fetchOpts{variant: plain, header: http.Header{"Authorization": {"Bearer " + key}}})
		if res.status != c.status {
			t.Fatalf("%s: status %d (%v), want %d", c.scenario, res.status, res.err, c.status)
		}
		var body apiErrorBody
		if err := json.Unmarshal(res.body, &body); err != nil {
			t.Fatalf("%s: %v", c.scenario, err)
		}
		code := ""
		if body.Error.Code != nil {
			code = *body.Error.Code
		}
		if code != c.code || body.Error.Type != c.typ || !strings.HasPrefix(body.Error.Message, c.message) || body.Error.Param != nil {
			t.Errorf("%s: error %+v", c.scenario, body.Error)
		}
		if !reRequestID.MatchString(res.header.Get("X-Request-Id")) {
			t.Errorf("%s: x-request-id %q", c.scenario, res.header.Get("X-Request-Id"))
		}
		if res.header.Get("Server") != "cloudflare" || res.header.Get("Cf-Ray") == "" || res.header.Get("Openai-Version") != "2020-10-01" {
			t.Errorf("%s: headers %v", c.scenario, res.header)
		}
		switch c.scenario {
		case "api-401":
			// OpenAI echoes a masked key: a fragment, never the whole.
			if strings.Contains(body.Error.Message, key) || !strings.Contains(body.Error.Message, "sk-abc1****") ||
				!strings.Contains(body.Error.Message, "*wxyz.") {
				t.Errorf("api-401: message %q", body.Error.Message)
			}
		case "api-429-rate":
			for _, h := range []string{"Limit-Requests", "Remaining-Requests", "Limit-Tokens", "Remaining-Tokens"} {
				if res.header.Get("X-Ratelimit-"+h) == "" {
					t.Errorf("api-429-rate: no x-ratelimit-%s", h)
				}
			}
			for _, h := range []string{"Reset-Requests", "Reset-Tokens"} {
				if _, err := time.ParseDuration(res.header.Get("X-Ratelimit-" + h)); err != nil {
					t.Errorf("api-429-rate: x-ratelimit-%s: %v", h, err)
				}
			}
		}
	}

	// Healthy: no key -> 401 missing key; a key -> a model list; a wrong
	// path -> 404; over plain HTTP -> a redirect to HTTPS.
	l := startLab(t, "healthy", Options{})
	w := l.World(probes.World{})
	key, _ := w.LookupEnv("OPENAI_API_KEY")
	for _, auth := range []string{"", "Basic Zm9vOg==", "Bearer ", "Bearer " + key} {
		h := http.Header{}
		if auth != "" {
			h.Set("Authorization", auth)
		}
		res := fetch(t, w, url, fetchOpts{variant: plain, header: h})
		if !reRequestID.MatchString(res.header.Get("X-Request-Id")) {
			t.Errorf("auth %q: x-request-id %q", auth, res.header.Get("X-Request-Id"))
		}
		if auth == "Bearer "+key {
			var list struct {
				Object string `json:"object"`
				Data   []struct {
					ID, Object string
				} `json:"data"`
			}
			if res.status != 200 || json.Unmarshal(res.body, &list) != nil || list.Object != "list" || len(list.Data) == 0 || list.Data[0].Object != "model" {
				t.Errorf("valid key: %d %q", res.status, res.body)
			}
			continue
		}
		var body apiErrorBody
		if res.status != 401 || json.Unmarshal(res.body, &body) != nil || body.Error.Code != nil ||
			body.Error.Type != "invalid_request_error" || !strings.HasPrefix(body.Error.Message, "You didn't provide an API key.") {
			t.Errorf("auth %q: %d %q", auth, res.status, res.body)
		}
	}
	res := fetch(t, w, "https://api.openai.com/v1/nope", fetchOpts{variant: plain})
	if res.status != 404 || !strings.Contains(string(res.body), "Invalid URL (GET /v1/nope)") {
		t.Errorf("unknown path: %d %q", res.status, res.body)
	}
	res = fetch(t, w, "http://api.openai.com/v1/models", fetchOpts{variant: plain})
	if res.status != 401 || len(res.redirects) != 1 || !strings.HasPrefix(res.redirects[0], "https://") {
		t.Errorf("http:// API: %d via %v", res.status, res.redirects)
	}
}

func TestStatusPage(t *testing.T) {
	t.Parallel()
	type summary struct {
		Page struct {
			ID        string `json:"id"`
			Name      string `json:"name"`
			UpdatedAt string `json:"updated_at"`
		} `json:"page"`
		Status struct {
			Indicator, Description string
		} `json:"status"`
		Components []struct {
			Name, Status string
		} `json:"components"`
		Incidents []struct {
			Name, Status, Impact string
			Shortlink            *string `json:"shortlink"`
			StartedAt            string  `json:"started_at"`
			IncidentUpdates      []struct {
				Status, Body string
			} `json:"incident_updates"`
		} `json:"incidents"`
	}
	v := variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain)
	for _, name := range []string{"healthy", "outage-503", "block-1020", "escapes"} {
		l := startLab(t, name, Options{})
		sc := l.Scenario()
		res := fetch(t, l.World(probes.World{}), probes.DefaultStatusURL, fetchOpts{variant: v})
		var s summary
		if res.status != 200 || json.Unmarshal(res.body, &s) != nil {
			t.Fatalf("%s: %d %v %q", name, res.status, res.err, res.body)
		}
		if s.Status.Indicator != sc.Expect.StatusIndicator || s.Page.Name != "OpenAI" {
			t.Errorf("%s: indicator %q, want %q", name, s.Status.Indicator, sc.Expect.StatusIndicator)
		}
		if _, err := time.Parse(time.RFC3339, s.Page.UpdatedAt); err != nil {
			t.Errorf("%s: updated_at: %v", name, err)
		}
		comp := map[string]string{}
		for _, c := range s.Components {
			comp[c.Name] = c.Status
		}
		wantChat, wantAPI := "operational", "operational"
		if name == "outage-503" {
			wantChat, wantAPI = "major_outage", "partial_outage"
		}
		if comp["ChatGPT"] != wantChat || comp["API"] != wantAPI {
			t.Errorf("%s: components %v", name, comp)
		}
		switch name {
		case "outage-503":
			if len(s.Incidents) != 1 {
				t.Fatalf("outage: %d incidents", len(s.Incidents))
			}
			in := s.Incidents[0]
			started, err := time.Parse(time.RFC3339, in.StartedAt)
			if in.Impact != "major" || in.Status != "investigating" || in.Shortlink == nil || err != nil ||
				time.Since(started) < 30*time.Minute || len(in.IncidentUpdates) == 0 {
				t.Errorf("outage incident %+v", in)
			}
		case "escapes":
			if len(s.Incidents) != 1 || !strings.Contains(s.Incidents[0].Name, "\x1b]0;pwned") {
				t.Errorf("escapes: incidents %+v", s.Incidents)
			}
		default:
			if len(s.Incidents) != 0 {
				t.Errorf("%s: incidents %+v", name, s.Incidents)
			}
		}
	}
	l := startLab(t, "healthy", Options{})
	res := fetch(t, l.World(probes.World{}), "https://status.openai.com/api/v2/status.json", fetchOpts{variant: v})
	if res.status != 200 || !strings.Contains(string(res.body), `"indicator": "none"`) {
		t.Errorf("status.json: %d %q", res.status, res.body)
	}
}
