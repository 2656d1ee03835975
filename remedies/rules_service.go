package remedies

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// Rules about OpenAI's side of the line: outages, server errors, rate limits,
// quota and API keys.

// statusLevel is the status probe's own grading of the page: "outage"
// when it failed the page (a major or critical indicator, ChatGPT or the
// API in a partial or major outage), "degraded" when it warned, "" when all
// is operational.
func statusLevel(m measured[probes.StatusPageDetails]) string {
	switch m.r.Status {
	case probes.StatusFail:
		return "outage"
	case probes.StatusWarn:
		return "degraded"
	}
	return ""
}

func statusLine(m measured[probes.StatusPageDetails]) Evidence {
	d := m.d
	var parts []string
	if d.Indicator != "" {
		parts = append(parts, "indicator "+d.Indicator)
	}
	if d.Description != "" {
		parts = append(parts, fmt.Sprintf("%q", d.Description))
	}
	if d.ChatGPT != "" {
		parts = append(parts, "ChatGPT: "+d.ChatGPT)
	}
	if d.API != "" {
		parts = append(parts, "API: "+d.API)
	}
	if !d.UpdatedAt.IsZero() {
		parts = append(parts, "updated "+d.UpdatedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return ev(m.r, "OpenAI status page: %s", strings.Join(parts, ", "))
}

// serverSymptoms are the answers an OpenAI-side failure produces here
// (server errors, and Cloudflare unable to reach OpenAI's servers), and the
// key checks that said server_error.
func (f *facts) serverSymptoms() ([]obs, []measured[probes.APIKeyDetails]) {
	list := f.where(func(o obs) bool { return o.serverError() || o.originUnreachable() })
	return list, f.keysWith(probes.KeyServerError)
}

func ruleOutage(f *facts, _ []Finding) []Finding {
	var out []Finding
	for _, m := range f.status {
		level := statusLevel(m)
		if level == "" {
			continue
		}
		evs := []Evidence{statusLine(m)}
		for _, inc := range m.d.Incidents {
			evs = append(evs, ev(m.r, "incident: %s (%s, impact %s)", inc.Name, inc.Status, inc.Impact))
		}
		symptoms, keys := f.serverSymptoms()
		evs = append(evs, obsLines(symptoms, 3)...)
		for _, k := range keys {
			evs = append(evs, ev(k.r, "API key check: HTTP %d server error", k.d.StatusCode))
		}
		seen := len(symptoms)+len(keys) > 0
		what := "an outage"
		if level == "degraded" {
			what = "degraded service"
		}
		if len(m.d.Incidents) > 0 && m.d.Incidents[0].Name != "" {
			what += fmt.Sprintf(" (%q)", m.d.Incidents[0].Name)
		}
		var conf Confidence
		var summary string
		switch {
		case seen:
			conf = Confirmed
			summary = fmt.Sprintf("OpenAI's status page reports %s and OpenAI answers with server errors from here: the problem is on OpenAI's side, not yours. Wait for the incident to end.", what)
		case level == "outage":
			conf = Likely
			summary = "OpenAI's status page reports an outage. Requests from here did not fail with server errors, but sign-in or chats may still be affected."
		default:
			conf = Possible
			summary = "OpenAI's status page reports degraded service; no server errors were seen from here."
		}
		out = append(out, newFinding(CauseOutage, conf, summary, evs...))
	}
	return out
}

func ruleServerError(f *facts, _ []Finding) []Finding {
	symptoms := f.where(obs.serverError)
	keys := f.keysWith(probes.KeyServerError)
	if len(symptoms)+len(keys) == 0 {
		return nil
	}
	conf := markedConfidence(symptoms, len(keys))
	var words []string
	for _, o := range symptoms {
		words = append(words, o.host+" "+verdictWords(o))
	}
	evs := obsLines(symptoms, 3)
	for _, k := range keys {
		words = append(words, fmt.Sprintf("the API key check HTTP %d", k.d.StatusCode))
		evs = append(evs, ev(k.r, "API key check: HTTP %d server error%s", k.d.StatusCode, requestSuffix(k.d.RequestID)))
	}
	summary := fmt.Sprintf("OpenAI's side answered with server errors (%s). The status page shows no outage yet; retry with back-off, and quote the Ray or request IDs if it persists.",
		joinWords(uniq(words)))
	return []Finding{newFinding(CauseServerError, conf, summary, evs...)}
}

func requestSuffix(id string) string {
	if id == "" {
		return ""
	}
	return "; request " + id
}

func ruleOriginError(f *facts, _ []Finding) []Finding {
	var out []Finding
	if unreachable := f.where(obs.originUnreachable); len(unreachable) > 0 {
		out = append(out, newFinding(CauseOriginError, Confirmed,
			fmt.Sprintf("Cloudflare could not get an answer from OpenAI's servers (%s): the fault is between Cloudflare and OpenAI, not on your side. It usually passes; retry with back-off and check the status page.",
				blockWords(unreachable)),
			obsLines(unreachable, 3)...))
	}
	odd := f.where(func(o obs) bool {
		switch o.kind() {
		case classify.VerdictOriginError, classify.VerdictCFOther1xxx, classify.VerdictUnexpected:
			return true
		}
		return o.cut() || o.malformed()
	})
	if len(odd) == 0 {
		return out
	}
	var proxied, words []string
	for _, o := range odd {
		words = append(words, o.host+": "+verdictWords(o))
		if o.viaProxy() && o.d.Proxy != "" {
			proxied = append(proxied, o.d.Proxy)
		}
	}
	summary := fmt.Sprintf("An answer came back that is not OpenAI's normal service (%s).", joinWords(uniq(words)))
	fnd := newFinding(CauseOriginError, Likely, "", obsLines(odd, 3)...)
	viaCloudflare := !slices.ContainsFunc(odd, func(o obs) bool { return !o.d.Verdict.Cloudflare || o.mangled() })
	var broken []string
	for _, o := range odd {
		if v := o.violation(); v != "" {
			broken = append(broken, v)
		}
	}
	switch {
	case len(broken) > 0 && len(proxied) == 0:
		// Cloudflare and OpenAI write valid HTTP: bytes that break it were
		// changed on the way.
		summary += fmt.Sprintf(" The answer's bytes break HTTP (%s): something between you and Cloudflare mangles answers, such as a filter, a security product or a middlebox.", joinWords(uniq(broken)))
		fnd.Remedies = []string{"disable-https-scanning", "change-network", "check-status"}
	case len(proxied) > 0:
		summary += fmt.Sprintf(" It came through the proxy %s, which most likely wrote it.", joinWords(uniq(proxied)))
		fnd.Remedies = []string{"bypass-proxy", "change-network", "check-status"}
	case viaCloudflare:
		// Every odd answer carries Cloudflare's markers: it left
		// OpenAI's side like that, so another network changes nothing.
		summary += " Every one of them came through Cloudflare (Ray IDs), so it left OpenAI's side like that: a fault or misconfiguration there, not on your network."
	default:
		summary += " It carries no Cloudflare markers, so something in the path (a firewall, filter or the internet provider) most likely wrote it."
		fnd.Remedies = []string{"bypass-proxy", "change-network", "check-status"}
	}
	fnd.Summary = summary
	return append(out, fnd)
}

func ruleRate(f *facts, _ []Finding) []Finding {
	var out []Finding
	rate := f.where(func(o obs) bool {
		switch o.kind() {
		case classify.VerdictCFRateLimit, classify.VerdictOpenAIRateLimit:
			return true
		case classify.VerdictCFUnknown:
			return o.d.StatusCode == 429
		}
		return false
	})
	rateKeys := f.keysWith(probes.KeyRateLimited)
	if len(rate)+len(rateKeys) > 0 {
		conf := markedConfidence(rate, len(rateKeys))
		evs := obsLines(rate, 3)
		for _, k := range rateKeys {
			evs = append(evs, ev(k.r, "API key check: HTTP %d rate_limit_exceeded%s", k.d.StatusCode, rateLimitSuffix(k.d.RateLimit)))
		}
		wait := retryHint(f.s)
		summary := "Requests are being rate limited. It lifts by itself; retrying quickly can extend it."
		if wait > 0 {
			summary = fmt.Sprintf("Requests are being rate limited; the server asks to wait %s before retrying. Retrying sooner can extend the limit.", humanDuration(wait))
		}
		fnd := newFinding(CauseRateLimited, conf, summary, evs...)
		if !slices.ContainsFunc(rate, func(o obs) bool { return o.kind() != classify.VerdictOpenAIRateLimit }) {
			// Only the API's own limits, which count per organisation and
			// project, not per IP: another network changes nothing.
			fnd.Remedies = []string{"wait-retry"}
		}
		f.notePath(&fnd, "A VPN, proxy or Tor shares its exit IP with many others, whose requests count against the same limit.")
		out = append(out, fnd)
	}
	quota, quotaKeys := f.quotaSymptoms()
	if len(quota)+len(quotaKeys) > 0 {
		evs := obsLines(quota, 3)
		for _, k := range quotaKeys {
			evs = append(evs, ev(k.r, "API key check: HTTP %d insufficient_quota%s", k.d.StatusCode, requestSuffix(k.d.RequestID)))
		}
		out = append(out, newFinding(CauseQuotaExhausted, Confirmed,
			"The API says the quota is exhausted (429 insufficient_quota): the account or project is out of credit or at its spending limit. Retrying will not help; billing will.",
			evs...))
	}
	return out
}

func rateLimitSuffix(h map[string]string) string {
	var parts []string
	for _, k := range []string{"x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"} {
		if v := h[k]; v != "" {
			parts = append(parts, k+": "+v)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, ", ")
}

func ruleAPIKey(f *facts, _ []Finding) []Finding {
	var out []Finding
	invalid := f.ofKind(classify.VerdictOpenAIInvalidKey)
	ipDenied := f.ofKind(classify.VerdictOpenAIIPNotAuthorized)
	invEv, ipEv, missEv := obsLines(invalid, 2), obsLines(ipDenied, 2), []Evidence(nil)
	envVar := ""
	for _, k := range f.apiKeys {
		if k.d.EnvVar != "" {
			envVar = k.d.EnvVar
		}
		line := ev(k.r, "API key check (%s): HTTP %d, outcome %s%s", k.d.EnvVar, k.d.StatusCode, k.d.Outcome, requestSuffix(k.d.RequestID))
		switch k.d.Outcome {
		case probes.KeyInvalid:
			invEv = append(invEv, line)
		case probes.KeyIPNotAuthorized:
			ipEv = append(ipEv, line)
		case probes.KeyMissing:
			missEv = append(missEv, line)
		}
	}
	if envVar == "" {
		envVar = probes.DefaultAPIKeyEnv
	}
	if len(invEv) > 0 {
		out = append(out, newFinding(CauseInvalidAPIKey, Confirmed,
			fmt.Sprintf("The API rejects the key from %s (401 invalid_api_key): it is wrong, revoked or belongs to another organisation. Create a new one.", envVar),
			invEv...))
	}
	if len(ipEv) > 0 {
		summary := "The API refuses this IP for the key's project (401 IP not authorized): the project has an IP allowlist."
		if t, ok := f.anyTrace(); ok && t.d.IP != "" {
			summary += fmt.Sprintf(" Your requests come from %s; add it to the allowlist or call from an allowed network.", t.d.IP)
			ipEv = append(ipEv, traceLine(t))
		}
		out = append(out, newFinding(CauseAPIIPAllowlist, Confirmed, summary, ipEv...))
	}
	if len(missEv) > 0 {
		if f.ctx.APIKeyConfigured {
			fnd := newFinding(CauseMissingAPIKey, Likely,
				fmt.Sprintf("A key was configured in %s, yet the API saw none: something on the way (usually a proxy) removed the Authorization header.", envVar),
				missEv...)
			fnd.Remedies = []string{"bypass-proxy", "set-api-key"}
			out = append(out, fnd)
		} else {
			out = append(out, newFinding(CauseMissingAPIKey, Possible,
				fmt.Sprintf("No API key is set in %s. The API itself is reachable; programs that call it need the key in their environment.", envVar),
				missEv...))
		}
	}
	return out
}
