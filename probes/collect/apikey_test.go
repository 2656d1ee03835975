package collect

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

func TestAPIKeyProbeValidKey(t *testing.T) {
	tw := newTestWorld(t)
	var gotAuth string
	srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		cfHeaders(w)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req_abc123")
		w.Header().Set("X-Ratelimit-Remaining-Requests", "4999")
		w.Header().Set("X-Ratelimit-Reset-Requests", "12ms")
		_, _ = io.WriteString(w, `{"object":"list","data":[{"id":"gpt-5","object":"model"}]}`)
	}))
	tw.host("api.openai.com", apiV4, "", addr(srv))
	tw.setEnv("OPENAI_API_KEY", "sk-proj-validkey0123456789")
	r := runProbe(t, apiKeyProbe(probes.DefaultConfig(), tw.World()))
	d := r.Details.(*probes.APIKeyDetails)
	if gotAuth != "Bearer sk-proj-validkey0123456789" {
		t.Errorf("server saw Authorization %q", gotAuth)
	}
	if r.Status != probes.StatusPass || d.Outcome != probes.KeyValid || d.RequestID != "req_abc123" || d.EnvVar != "OPENAI_API_KEY" {
		t.Errorf("got %s %q details %+v", r.Status, r.Reason, d)
	}
	if d.RateLimit["x-ratelimit-remaining-requests"] != "4999" || d.RateLimit["x-ratelimit-reset-requests"] != "12ms" {
		t.Errorf("rate limit %v", d.RateLimit)
	}
	assertClean(t, r, "validkey0123456789")
}

// TestAPIKeyNeverInResult uses a canary key the server echoes everywhere
// it can: the body, headers, and a redirect Location (plain and
// URL-escaped). Nothing of it may reach the result.
func TestAPIKeyNeverInResult(t *testing.T) {
	for _, key := range []string{"canary+Key/9f8e7d6c5b4a3", "sk-canaryABCDEF0123456789"} {
		t.Run(key, func(t *testing.T) {
			tw := newTestWorld(t)
			srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				echo := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
				cfHeaders(w)
				w.Header().Set("X-Request-Id", "req_"+echo)
				w.Header().Set("X-Ratelimit-Limit-Requests", echo)
				w.Header().Set("Www-Authenticate", `Bearer realm="`+echo+`"`)
				if r.URL.Path == "/v1/models" {
					w.Header().Set("Location", "https://login.example.net/?key="+url.QueryEscape(echo)+"&raw="+echo)
					w.WriteHeader(http.StatusFound)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				msg, _ := json.Marshal("Incorrect API key provided: " + echo + ". You can find your API key at https://platform.openai.com/account/api-keys.")
				_, _ = io.WriteString(w, `{"error":{"message":`+string(msg)+`,"type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`)
			}))
			tw.host("api.openai.com", apiV4, "", addr(srv))
			tw.setEnv("OPENAI_API_KEY", key)
			for _, target := range []string{"https://api.openai.com/v1/models", "https://api.openai.com/v1/other"} {
				cfg := probes.DefaultConfig()
				cfg.Targets = []probes.Target{probes.APITarget(target)}
				r := runProbe(t, apiKeyProbe(cfg, tw.World()))
				if r.Status == "" || r.Reason == "" {
					t.Fatalf("unclassified: %+v", r)
				}
				assertClean(t, r, key, url.QueryEscape(key), key[4:20])
			}
		})
	}
}

func TestAPIKeyTransportErrorHidesKey(t *testing.T) {
	tw := newTestWorld(t) // api.openai.com does not resolve
	const key = "sk-transportcanary0123456789"
	tw.setEnv("OPENAI_API_KEY", key)
	r := runProbe(t, apiKeyProbe(probes.DefaultConfig(), tw.World()))
	d := r.Details.(*probes.APIKeyDetails)
	if r.Status != probes.StatusUnknown || d.Failure != "nxdomain" || r.Error == nil {
		t.Errorf("got %s %q %+v", r.Status, r.Reason, d)
	}
	assertClean(t, r, key)
}

func TestAPIKeyProbeSkips(t *testing.T) {
	tw := newTestWorld(t)
	cfg := probes.DefaultConfig()
	p := apiKeyProbe(cfg, tw.World())
	if p.ID != "apikey:openai" || p.Kind != probes.KindAPIKey || p.Target != "https://api.openai.com/v1/models" {
		t.Errorf("probe %s %s %s", p.ID, p.Kind, p.Target)
	}
	if r := runProbe(t, p); r.Status != probes.StatusSkipped || r.Reason != "no OPENAI_API_KEY set" {
		t.Errorf("no key: %s %q", r.Status, r.Reason)
	}
	tw.setEnv("OPENAI_API_KEY", "sk-somekey0123456789")
	cfg.Targets = []probes.Target{probes.WebTarget("https://chatgpt.com/")}
	if r := runProbe(t, apiKeyProbe(cfg, tw.World())); r.Status != probes.StatusSkipped || r.Reason != "no API target configured" {
		t.Errorf("no API target: %s %q", r.Status, r.Reason)
	}
	cfg.Targets = []probes.Target{probes.APITarget("http://api.openai.com/v1/models")}
	if r := runProbe(t, apiKeyProbe(cfg, tw.World())); r.Status != probes.StatusSkipped || !strings.Contains(r.Reason, "only sent over HTTPS") {
		t.Errorf("plain http: %s %q", r.Status, r.Reason)
	}
}

func TestKeyOutcome(t *testing.T) {
	cases := []struct {
		kind    classify.VerdictKind
		status  int
		outcome string
		st      probes.Status
	}{
		{classify.VerdictOK, 200, probes.KeyValid, probes.StatusPass},
		{classify.VerdictOK, 302, probes.KeyUnknown, probes.StatusUnknown},
		{classify.VerdictOpenAIInvalidKey, 401, probes.KeyInvalid, probes.StatusFail},
		{classify.VerdictOpenAIMissingKey, 401, probes.KeyMissing, probes.StatusFail},
		{classify.VerdictOpenAIQuota, 429, probes.KeyQuotaExhausted, probes.StatusFail},
		{classify.VerdictOpenAIRateLimit, 429, probes.KeyRateLimited, probes.StatusWarn},
		{classify.VerdictOpenAIIPNotAuthorized, 401, probes.KeyIPNotAuthorized, probes.StatusFail},
		{classify.VerdictOpenAIRegion, 403, probes.KeyRegion, probes.StatusFail},
		{classify.VerdictOpenAIServerError, 500, probes.KeyServerError, probes.StatusWarn},
		{classify.VerdictOpenAIOverloaded, 503, probes.KeyServerError, probes.StatusWarn},
		{classify.VerdictCF5xx, 522, probes.KeyServerError, probes.StatusWarn},
		{classify.VerdictCFBlock, 403, probes.KeyUnknown, probes.StatusFail},
		{classify.VerdictCaptivePortal, 200, probes.KeyUnknown, probes.StatusUnknown},
	}
	for _, tc := range cases {
		outcome, st, reason := keyOutcome(classify.Verdict{Kind: tc.kind, Status: tc.status}, tc.status, "OPENAI_API_KEY")
		if outcome != tc.outcome || st != tc.st || reason == "" {
			t.Errorf("%s %d: %s %s %q, want %s %s", tc.kind, tc.status, outcome, st, reason, tc.outcome, tc.st)
		}
	}
}

// TestSealAPIKeyMasksEverything: the last step of the key probe masks the
// key in every string of the result, whichever field a server echoed it in.
func TestSealAPIKeyMasksEverything(t *testing.T) {
	const key = "plainkey-0123456789abcdef"
	d := &probes.APIKeyDetails{URL: "https://api.openai.com/v1/models", Verdict: classify.Verdict{
		Summary: "bad key " + key, Category: key, Markers: []string{"body: " + key, "ok"},
		OpenAI: &classify.OpenAIError{Message: "Incorrect API key provided: " + key, Param: key, RequestID: "req_" + key},
	}}
	r := sealAPIKey(probes.Result{Reason: "reason " + key, Evidence: []string{"ev " + url.QueryEscape(key)}, Details: d,
		Error: &probes.StepError{Step: "request", Message: "request: " + key}}, key)
	b, _ := json.Marshal(r)
	if strings.Contains(string(b), key) {
		t.Errorf("result still holds the key: %s", b)
	}
	if got := r.Details.(*probes.APIKeyDetails).Verdict.Markers[1]; got != "ok" {
		t.Errorf("verdict mangled: %q", got)
	}
}

func TestScrubSecretCoversEveryField(t *testing.T) {
	const key = `odd"key<&>0123456789`
	d := &probes.APIKeyDetails{URL: "https://api.openai.com/v1/models", EnvVar: "OPENAI_API_KEY", Outcome: probes.KeyInvalid,
		RateLimit: map[string]string{"x-ratelimit-limit-requests": "v" + key},
		Verdict:   classify.Verdict{Kind: classify.VerdictOpenAIInvalidKey, Markers: []string{"m " + key}, OpenAI: &classify.OpenAIError{Type: key}}}
	scrubSecret(d, key)
	b, _ := json.Marshal(d)
	if strings.Contains(string(b), "0123456789") {
		t.Errorf("key survived: %s", b)
	}
	if d.Outcome != probes.KeyInvalid || d.Verdict.Kind != classify.VerdictOpenAIInvalidKey || d.RateLimit["x-ratelimit-limit-requests"] != "v[redacted]" {
		t.Errorf("details damaged: %+v", d)
	}
}

// TestAPIKeyNeverInResultOnRedirect: a redirect stops the key check early;
// what the redirect carried is masked on that path too. The server puts
// the key in a Cloudflare structured error's category, a verdict field no
// per-field cleaning covered.
func TestAPIKeyNeverInResultOnRedirect(t *testing.T) {
	const key = "plaintoken-0123456789abcdef"
	tw := newTestWorld(t)
	srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		echo := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		cfHeaders(w)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "https://login.example.net/")
		w.WriteHeader(http.StatusFound)
		_, _ = io.WriteString(w, `{"cloudflare_error":true,"error_code":1020,"error_name":"access_denied","error_category":"`+echo+`"}`)
	}))
	tw.host("api.openai.com", apiV4, "", addr(srv))
	tw.setEnv("OPENAI_API_KEY", key)
	r := runProbe(t, apiKeyProbe(probes.DefaultConfig(), tw.World()))
	if d := r.Details.(*probes.APIKeyDetails); d.Failure != "redirect_not_followed" {
		t.Fatalf("not the redirect path: %s %s %+v", r.Status, r.Reason, d)
	}
	assertClean(t, r, key)
}

// TestAPIKeyOnlyToOpenAI: an API target on another host (a user's
// --target https://api.example.com/) never sees the key; with the
// OpenAI API also configured, the key goes there and only there.
func TestAPIKeyOnlyToOpenAI(t *testing.T) {
	const key = "sk-canaryOtherHost0123456789"
	tw := newTestWorld(t)
	var mu sync.Mutex
	seen := map[string]string{} // host -> Authorization it received
	srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Host] = r.Header.Get("Authorization")
		mu.Unlock()
		cfHeaders(w)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"object":"list","data":[]}`)
	}), testCAs().public.leaf("api.example.com", "api.openai.com"))
	tw.host("api.example.com", "192.0.2.80", "", addr(srv))
	tw.host("api.openai.com", apiV4, "", addr(srv))
	tw.setEnv("OPENAI_API_KEY", key)

	other, err := probes.ParseTarget("https://api.example.com/")
	if err != nil || other.Kind != probes.TargetAPI {
		t.Fatalf("ParseTarget: %+v %v", other, err)
	}
	cfg := probes.DefaultConfig()
	cfg.Targets = []probes.Target{other, probes.APITarget("https://api.example.com/v1/models")}
	p := apiKeyProbe(cfg, tw.World())
	r := runProbe(t, p)
	if r.Status != probes.StatusSkipped || r.Reason != "the OpenAI key is only sent to api.openai.com, not to api.example.com" || p.Target != "https://api.example.com/" {
		t.Errorf("other host: %s %q target %s", r.Status, r.Reason, p.Target)
	}
	if auth, ok := seen["api.example.com"]; ok {
		t.Errorf("api.example.com was contacted with Authorization %q", auth)
	}

	cfg.Targets = append(cfg.Targets, probes.APITarget("https://api.openai.com/v1/models"))
	p = apiKeyProbe(cfg, tw.World())
	if r := runProbe(t, p); r.Status != probes.StatusPass || p.Target != "https://api.openai.com/v1/models" {
		t.Errorf("with api.openai.com: %s %q target %s", r.Status, r.Reason, p.Target)
	}
	mu.Lock()
	defer mu.Unlock()
	if _, ok := seen["api.example.com"]; ok || seen["api.openai.com"] != "Bearer "+key {
		t.Errorf("requests seen: api.example.com %v, api.openai.com carried the key %v", ok, seen["api.openai.com"] == "Bearer "+key)
	}
}
