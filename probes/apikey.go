package probes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// APIKeyDetails is what one authenticated GET /v1/models said about the key.
// The key itself never appears here, in evidence, or in any error text.
type APIKeyDetails struct {
	// URL is the API URL the authenticated request went to.
	URL string `json:"url"`
	// EnvVar names the variable the key was read from.
	EnvVar string `json:"env_var"`
	// Outcome is valid, invalid, missing, quota_exhausted, rate_limited,
	// ip_not_authorized, region, server_error or unknown.
	Outcome string `json:"outcome"`
	// StatusCode is the HTTP status the API answered with; absent when no
	// answer came.
	StatusCode int `json:"status_code,omitempty"`
	// RequestID is the x-request-id to quote to OpenAI support.
	RequestID string `json:"request_id,omitempty"`
	// RateLimit holds the x-ratelimit-* headers as received.
	RateLimit map[string]string `json:"rate_limit,omitempty"`
	// Verdict is the classifier's reading of the answer, from which Outcome
	// follows.
	Verdict Verdict `json:"verdict"`
	// Failure is the transport failure code when no answer came.
	Failure string `json:"failure,omitempty"`
}

// API key outcomes.
const (
	KeyValid           = "valid"
	KeyInvalid         = "invalid"
	KeyMissing         = "missing"
	KeyQuotaExhausted  = "quota_exhausted"
	KeyRateLimited     = "rate_limited"
	KeyIPNotAuthorized = "ip_not_authorized"
	KeyRegion          = "region"
	KeyServerError     = "server_error"
	KeyUnknown         = "unknown"
)

func (*APIKeyDetails) details() {}

// APIKeyHosts are the hosts an OpenAI API key belongs to. The key is sent
// to no other host: an API target elsewhere (api.example.com, a gateway
// under /v1/) is still probed, but without the key, which it must never
// see.
var APIKeyHosts = []string{"api.openai.com"}

// keyHost reports whether the key may be sent to t.
func keyHost(t Target) bool {
	return slices.Contains(APIKeyHosts, strings.ToLower(t.Host()))
}

// APIKeyProbe checks the user's API key with one authenticated GET of the
// first API target on a host in APIKeyHosts (api.openai.com/v1/models by
// default) on the route a Go program here would take. It is skipped without
// a key or such a target, and never sends the key to another host, over
// plain HTTP or on to a redirect. The key is masked in everything the
// result holds, including transport errors and whatever the server echoes
// back.
func APIKeyProbe(cfg Config, w World) Probe {
	tm := timeoutsFor(cfg.Budget, w.Limits)
	env := cfg.APIKeyEnv
	if env == "" {
		env = DefaultAPIKeyEnv
	}
	// target is the first API target the key belongs to; other is the
	// first API target, named when the key is withheld from it.
	var target, other *Target
	for i := range cfg.Targets {
		t := &cfg.Targets[i]
		if t.Kind != TargetAPI {
			continue
		}
		if other == nil {
			other = t
		}
		if target == nil && keyHost(*t) {
			target = t
		}
	}
	p := Probe{ID: "apikey:openai", Kind: KindAPIKey, Title: "OpenAI API key", Timeout: tm.Probe}
	if target != nil {
		p.Target = target.URL
	} else if other != nil {
		p.Target = other.URL
	}
	p.Run = func(ctx context.Context) Result {
		skip := func(reason string) Result {
			return Result{Status: StatusSkipped, Reason: reason, Details: &APIKeyDetails{EnvVar: env, Outcome: KeyUnknown}}
		}
		if other == nil {
			return skip("no API target configured")
		}
		key := ""
		if w.LookupEnv != nil {
			key, _ = w.LookupEnv(env)
		}
		key = strings.TrimSpace(key)
		if key == "" {
			return skip("no " + env + " set")
		}
		if target == nil {
			return skip("the OpenAI key is only sent to " + strings.Join(APIKeyHosts, ", ") + ", not to " + defaultClean(other.Host()))
		}
		if u, err := url.Parse(target.URL); err != nil || u.Scheme != "https" {
			return skip("the API key is only sent over HTTPS, and " + defaultClean(target.Host()) + " is not an https URL")
		}
		return runAPIKey(ctx, *target, env, key, goRoute(target.URL, cfg, w), w, tm)
	}
	return p
}

// runAPIKey makes the authenticated request and judges the answer. Every
// way out of it passes through sealAPIKey, so the key is masked in all the
// result holds.
func runAPIKey(ctx context.Context, t Target, env, key, route string, w World, tm timeouts) (res Result) {
	defer func() { res = sealAPIKey(res, key) }()
	fr := fetch(ctx, w, fetchSpec{
		URL:          t.URL,
		Variant:      Variant{Route: route, Family: FamilyAny, Headers: HeadersPlain},
		Header:       http.Header{"Authorization": {"Bearer " + key}},
		MaxRedirects: 0, // the key goes to this URL and nowhere else
		BodyLimit:    maxBody,
		Secret:       key,
		Timeouts:     tm,
	})
	d := &APIKeyDetails{URL: fr.Details.URL, EnvVar: env, Outcome: KeyUnknown}
	res = Result{Details: d}
	if fr.Fail != nil {
		d.Failure = fr.Fail.Code
		res.Status = StatusUnknown
		res.Reason = "could not check the key: " + fr.Fail.Reason
		res.Error = fr.Fail.stepError()
		return res
	}
	d.StatusCode = fr.Details.StatusCode
	d.RequestID = fr.Details.Headers["x-request-id"]
	for k, v := range fr.Details.Headers {
		if strings.HasPrefix(k, "x-ratelimit-") {
			if d.RateLimit == nil {
				d.RateLimit = map[string]string{}
			}
			d.RateLimit[k] = v
		}
	}
	verdict := Classify(ClassifyInput{Status: d.StatusCode, Header: fr.Header, Body: fr.Body, ExpectCloudflare: t.ExpectCloudflare})
	d.Verdict = verdict
	if d.RequestID == "" && verdict.OpenAI != nil {
		d.RequestID = verdict.OpenAI.RequestID
	}
	res.Evidence = apiKeyEvidence(d, fr)
	if fr.Cut != "" {
		d.Failure = fr.CutCode
		res.Status = StatusUnknown
		res.Reason = "could not check the key: the API " + fr.Cut + " (a captive portal or proxy may be answering)"
		return res
	}
	d.Outcome, res.Status, res.Reason = keyOutcome(verdict, d.StatusCode, env)
	return res
}

// sealAPIKey masks the key everywhere in a finished result: the details
// through their JSON form (scrubSecret), reason, evidence and error text
// with the request's cleaner.
func sealAPIKey(res Result, key string) Result {
	if d, ok := res.Details.(*APIKeyDetails); ok {
		scrubSecret(d, key)
	}
	clean := cleanerFor(key)
	res.Reason = clean(res.Reason)
	for i, e := range res.Evidence {
		res.Evidence[i] = clean(e)
	}
	if res.Error != nil {
		e := *res.Error
		e.Message = clean(e.Message)
		res.Error = &e
	}
	return res
}

// scrubSecret is the API key probe's backstop: every string the details
// hold, including fields a later version adds to Verdict, is checked for
// the key through the JSON form and masked there.
func scrubSecret(d *APIKeyDetails, secret string) {
	encode := func(v any) []byte {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if enc.Encode(v) != nil {
			return nil
		}
		return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	all := encode(d)
	needle := bytes.TrimSuffix(bytes.TrimPrefix(encode(secret), []byte(`"`)), []byte(`"`))
	if all == nil || len(needle) == 0 {
		return
	}
	if !bytes.Contains(all, needle) {
		return
	}
	var out APIKeyDetails
	if err := json.Unmarshal(bytes.ReplaceAll(all, needle, []byte(sanitize.Redacted)), &out); err != nil {
		*d = APIKeyDetails{URL: d.URL, EnvVar: d.EnvVar, Outcome: d.Outcome, StatusCode: d.StatusCode}
		return
	}
	*d = out
}

// keyOutcome maps the classifier's verdict to what it says about the key.
func keyOutcome(v Verdict, status int, env string) (string, Status, string) {
	msg := ""
	if v.OpenAI != nil && v.OpenAI.Message != "" {
		msg = ": " + v.OpenAI.Message
	}
	switch v.Kind {
	case VerdictOK:
		if status >= 200 && status < 300 {
			return KeyValid, StatusPass, fmt.Sprintf("the key in %s works (HTTP %d)", env, status)
		}
	case VerdictOpenAIInvalidKey:
		return KeyInvalid, StatusFail, fmt.Sprintf("the API rejected the key in %s (HTTP %d)%s", env, status, msg)
	case VerdictOpenAIMissingKey:
		return KeyMissing, StatusFail, fmt.Sprintf("the API saw no key although one was sent (HTTP %d): something on the way strips the Authorization header", status)
	case VerdictOpenAIQuota:
		return KeyQuotaExhausted, StatusFail, fmt.Sprintf("the key works but its quota is used up (HTTP %d)%s", status, msg)
	case VerdictOpenAIRateLimit:
		return KeyRateLimited, StatusWarn, fmt.Sprintf("the key works but is being rate limited (HTTP %d)%s", status, msg)
	case VerdictOpenAIIPNotAuthorized:
		return KeyIPNotAuthorized, StatusFail, fmt.Sprintf("the key's project does not allow requests from this IP address (HTTP %d)%s", status, msg)
	case VerdictOpenAIRegion:
		return KeyRegion, StatusFail, fmt.Sprintf("the API refuses requests from this country or region (HTTP %d)%s", status, msg)
	case VerdictOpenAIServerError, VerdictOpenAIOverloaded, VerdictCF5xx:
		return KeyServerError, StatusWarn, fmt.Sprintf("the API failed on its side (HTTP %d), so the key could not be judged%s", status, msg)
	}
	if v.Blocked() {
		return KeyUnknown, StatusFail, "the key could not be checked: " + withStatus(verdictSummary(v), status)
	}
	return KeyUnknown, StatusUnknown, "the key could not be judged from the answer: " + withStatus(verdictSummary(v), status)
}

func apiKeyEvidence(d *APIKeyDetails, fr fetchResult) []string {
	ev := []string{fmt.Sprintf("%s %d", fr.Details.HTTPVersion, d.StatusCode)}
	if d.RequestID != "" {
		ev = append(ev, "x-request-id: "+d.RequestID)
	}
	keys := make([]string, 0, len(d.RateLimit))
	for k := range d.RateLimit {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ev = append(ev, k+": "+d.RateLimit[k])
	}
	if d.Verdict.OpenAI != nil && d.Verdict.OpenAI.Code != "" {
		ev = append(ev, "error code: "+d.Verdict.OpenAI.Code)
	}
	if v := fr.Details.Headers["cf-ray"]; v != "" {
		ev = append(ev, "cf-ray: "+v)
	}
	return ev
}
