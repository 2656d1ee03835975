package collect

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
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// apiKeyHosts are the hosts an OpenAI API key belongs to. The key is sent
// to no other host: an API target elsewhere (api.example.com, a gateway
// under /v1/) is still probed, but without the key, which it must never
// see.
var apiKeyHosts = []string{"api.openai.com"}

// keyHost reports whether the key may be sent to t.
func keyHost(t probes.Target) bool {
	return slices.Contains(apiKeyHosts, strings.ToLower(t.Host()))
}

// apiKeyProbe checks the user's API key with one authenticated GET of the
// first API target on a host in apiKeyHosts (api.openai.com/v1/models by
// default) on the route a Go program here would take. It is skipped without
// a key or such a target, and never sends the key to another host, over
// plain HTTP or on to a redirect. The key is masked in everything the
// result holds, including transport errors and whatever the server echoes
// back.
func apiKeyProbe(cfg probes.Config, w probes.World) probes.Probe {
	tm := timeoutsFor(cfg.Budget, w.Limits)
	env := cfg.APIKeyEnv
	if env == "" {
		env = probes.DefaultAPIKeyEnv
	}
	// target is the first API target the key belongs to; other is the
	// first API target, named when the key is withheld from it.
	var target, other *probes.Target
	for i := range cfg.Targets {
		t := &cfg.Targets[i]
		if t.Kind != probes.TargetAPI {
			continue
		}
		if other == nil {
			other = t
		}
		if target == nil && keyHost(*t) {
			target = t
		}
	}
	p := probes.Probe{ID: "apikey:openai", Kind: probes.KindAPIKey, Title: "OpenAI API key", Timeout: tm.Probe}
	if target != nil {
		p.Target = target.URL
	} else if other != nil {
		p.Target = other.URL
	}
	p.Run = func(ctx context.Context) probes.Result {
		skip := func(reason string) probes.Result {
			return probes.Result{Status: probes.StatusSkipped, Reason: reason, Details: &probes.APIKeyDetails{EnvVar: env, Outcome: probes.KeyUnknown}}
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
			return skip("the OpenAI key is only sent to " + strings.Join(apiKeyHosts, ", ") + ", not to " + defaultClean(other.Host()))
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
func runAPIKey(ctx context.Context, t probes.Target, env, key, route string, w probes.World, tm timeouts) (res probes.Result) {
	defer func() { res = sealAPIKey(res, key) }()
	fr := fetch(ctx, w, fetchSpec{
		URL:          t.URL,
		Variant:      probes.Variant{Route: route, Family: probes.FamilyAny, Headers: probes.HeadersPlain},
		Header:       http.Header{"Authorization": {"Bearer " + key}},
		MaxRedirects: 0, // the key goes to this URL and nowhere else
		BodyLimit:    maxBody,
		Secret:       key,
		Timeouts:     tm,
	})
	d := &probes.APIKeyDetails{URL: fr.Details.URL, EnvVar: env, Outcome: probes.KeyUnknown}
	res = probes.Result{Details: d}
	if fr.Fail != nil {
		d.Failure = fr.Fail.Code
		res.Status = probes.StatusUnknown
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
	verdict := classify.Classify(classify.ClassifyInput{Status: d.StatusCode, Header: fr.Header, Body: fr.Body, ExpectCloudflare: t.ExpectCloudflare})
	d.Verdict = verdict
	if d.RequestID == "" && verdict.OpenAI != nil {
		d.RequestID = verdict.OpenAI.RequestID
	}
	res.Evidence = apiKeyEvidence(d, fr)
	if fr.Cut != "" {
		d.Failure = fr.CutCode
		res.Status = probes.StatusUnknown
		res.Reason = "could not check the key: the API " + fr.Cut + " (a captive portal or proxy may be answering)"
		return res
	}
	d.Outcome, res.Status, res.Reason = keyOutcome(verdict, d.StatusCode, env)
	return res
}

// sealAPIKey masks the key everywhere in a finished result: the details
// through their JSON form (scrubSecret), reason, evidence and error text
// with the request's cleaner.
func sealAPIKey(res probes.Result, key string) probes.Result {
	if d, ok := res.Details.(*probes.APIKeyDetails); ok {
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
func scrubSecret(d *probes.APIKeyDetails, secret string) {
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
	var out probes.APIKeyDetails
	if err := json.Unmarshal(bytes.ReplaceAll(all, needle, []byte(sanitize.Redacted)), &out); err != nil {
		*d = probes.APIKeyDetails{URL: d.URL, EnvVar: d.EnvVar, Outcome: d.Outcome, StatusCode: d.StatusCode}
		return
	}
	*d = out
}

// keyOutcome maps the classifier's verdict to what it says about the key.
func keyOutcome(v classify.Verdict, status int, env string) (string, probes.Status, string) {
	msg := ""
	if v.OpenAI != nil && v.OpenAI.Message != "" {
		msg = ": " + v.OpenAI.Message
	}
	switch v.Kind {
	case classify.VerdictOK:
		if status >= 200 && status < 300 {
			return probes.KeyValid, probes.StatusPass, fmt.Sprintf("the key in %s works (HTTP %d)", env, status)
		}
	case classify.VerdictOpenAIInvalidKey:
		return probes.KeyInvalid, probes.StatusFail, fmt.Sprintf("the API rejected the key in %s (HTTP %d)%s", env, status, msg)
	case classify.VerdictOpenAIMissingKey:
		return probes.KeyMissing, probes.StatusFail, fmt.Sprintf("the API saw no key although one was sent (HTTP %d): something on the way strips the Authorization header", status)
	case classify.VerdictOpenAIQuota:
		return probes.KeyQuotaExhausted, probes.StatusFail, fmt.Sprintf("the key works but its quota is used up (HTTP %d)%s", status, msg)
	case classify.VerdictOpenAIRateLimit:
		return probes.KeyRateLimited, probes.StatusWarn, fmt.Sprintf("the key works but is being rate limited (HTTP %d)%s", status, msg)
	case classify.VerdictOpenAIIPNotAuthorized:
		return probes.KeyIPNotAuthorized, probes.StatusFail, fmt.Sprintf("the key's project does not allow requests from this IP address (HTTP %d)%s", status, msg)
	case classify.VerdictOpenAIRegion:
		return probes.KeyRegion, probes.StatusFail, fmt.Sprintf("the API refuses requests from this country or region (HTTP %d)%s", status, msg)
	case classify.VerdictOpenAIServerError, classify.VerdictOpenAIOverloaded, classify.VerdictCF5xx:
		return probes.KeyServerError, probes.StatusWarn, fmt.Sprintf("the API failed on its side (HTTP %d), so the key could not be judged%s", status, msg)
	}
	if v.Blocked() {
		return probes.KeyUnknown, probes.StatusFail, "the key could not be checked: " + withStatus(verdictSummary(v), status)
	}
	return probes.KeyUnknown, probes.StatusUnknown, "the key could not be judged from the answer: " + withStatus(verdictSummary(v), status)
}

func apiKeyEvidence(d *probes.APIKeyDetails, fr fetchResult) []string {
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
