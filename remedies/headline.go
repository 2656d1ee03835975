package remedies

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// Headline is the first thing a person reads about a run: what they saw,
// named the way they would search for it ("Error 1020", "HTTP 429
// insufficient_quota", "NXDOMAIN"), then why. People arrive with the code
// in their head; a headline that opens with a cause makes them hunt for it.
type Headline struct {
	// Code is what the user saw, as they would type it into a search box:
	// "1020", "522", "429 rate_limit_exceeded", "challenge", "NXDOMAIN",
	// "reset"; empty when nothing failed.
	Code string `json:"code,omitempty"`
	// Text is the headline: the code, a dash, what it means here, built
	// from the answers ("Error 1020 — Cloudflare's firewall denies
	// chatgpt.com and chat.openai.com (Ray 74010bfafc5c1d24-FRA, seen as
	// 203.0.113.77 in DE)").
	Text string `json:"text"`
	// MostLikely is the second line: the top cause and what to do first, or
	// for a healthy run what is left to try in the browser.
	MostLikely string `json:"most_likely,omitempty"`
	// Cause and Confidence are the finding MostLikely names.
	Cause      string     `json:"cause,omitempty"`
	Confidence Confidence `json:"confidence,omitempty"`
}

// maxHeadline bounds the headline: it quotes remote text (Ray IDs,
// incident names, redirect targets).
const maxHeadline = 300

// HeadlineOf builds the headline of a run from its snapshot and findings
// (as Diagnose returned them). It is a pure function. A run where every
// target answered normally gets the plain statement that nothing here
// blocks ChatGPT and what is left to try in the browser.
func HeadlineOf(s probes.Snapshot, found []Finding, ctx DiagnoseContext) Headline {
	return headlineOf(newFacts(s, ctx), found)
}

// headlineOf is HeadlineOf from facts already read.
func headlineOf(f *facts, found []Finding) Headline {
	top, ok := topProblem(found)
	var h Headline
	switch {
	case !ok && len(f.failing) == 0:
		h = healthyHeadline(f, found)
	case len(f.failing) == 0 && top.Confidence == Possible:
		// Everything answered; the top cause is only worth checking (a
		// degraded status page): say both, the working part first.
		h = healthyHeadline(f, found)
		if top.Cause == CauseOutage {
			h.Text += "; " + outageNote(f)
		}
		h.Cause, h.Confidence, h.MostLikely = top.Cause, top.Confidence, mostLikely(top)
		h.MostLikely = strings.Replace(h.MostLikely, "Most likely:", "Worth checking:", 1)
	default:
		h = symptomHeadline(f, top)
		if ok {
			h.Cause, h.Confidence = top.Cause, top.Confidence
			h.MostLikely = mostLikely(top)
		}
	}
	h.Text = sanitize.LineN(sanitize.Secrets(h.Text), maxHeadline)
	h.MostLikely = sanitize.LineN(sanitize.Secrets(h.MostLikely), maxHeadline)
	return h
}

// topProblem is the first finding that says something is wrong: the
// browser-state advice of a run that works, and slowness alone, are not.
func topProblem(found []Finding) (Finding, bool) {
	for _, x := range found {
		if x.Cause == CauseBrowserState && x.Confidence == Possible {
			continue
		}
		if x.Severity == Advisory {
			continue
		}
		return x, true
	}
	return Finding{}, false
}

// mostLikely names the cause and the first thing to do about it.
func mostLikely(top Finding) string {
	out := fmt.Sprintf("Most likely: %s [%s].", lowerFirst(top.Title), top.Confidence)
	if len(top.Remedies) > 0 {
		if r, ok := RemedyByID(top.Remedies[0]); ok {
			out += " First: " + lowerFirst(r.Title) + "."
		}
	}
	return out
}

func healthyHeadline(f *facts, found []Finding) Headline {
	what := "ChatGPT"
	if !slices.ContainsFunc(f.hosts, f.isWeb) {
		what = "the OpenAI API"
	}
	var h Headline
	switch {
	case len(f.hosts) == 0:
		h.Text = "Nothing was measured: no request to OpenAI finished"
		return h
	case len(f.unfinishedEndpoints()) > 0:
		h.Text = fmt.Sprintf("Nothing found so far blocks %s: every request that finished answered normally (%s)", what, joinWords(f.hosts))
	default:
		h.Text = fmt.Sprintf("Nothing on this machine or network blocks %s: %s answer normally from here", what, joinWords(f.hosts))
	}
	if slow := slowWords(found); slow != "" {
		h.Text += ", but " + slow
	}
	for _, x := range found {
		if x.Cause != CauseBrowserState {
			continue
		}
		var titles []string
		for _, id := range x.Remedies {
			if r, ok := RemedyByID(id); ok {
				titles = append(titles, lowerFirst(r.Title))
			}
		}
		if len(titles) > 0 {
			h.MostLikely = "If it still fails in your browser: " + joinWords(titles) + "."
			h.Cause, h.Confidence = x.Cause, x.Confidence
		}
		break
	}
	return h
}

// slowWords is the slowness finding's phase in a few words, for the
// headline of a run that works.
func slowWords(found []Finding) string {
	for _, x := range found {
		if x.Cause == CauseSlowNetwork && len(x.Evidence) > 0 {
			return "slowly: " + lowerFirst(firstSentence(x.Summary))
		}
	}
	return ""
}

// symptomHeadline describes what failed, from the requests the top
// finding cites (all failing requests when it cites none).
func symptomHeadline(f *facts, top Finding) Headline {
	cited := map[string]bool{}
	for _, e := range top.Evidence {
		cited[e.ResultID] = true
	}
	var list []obs
	for _, o := range f.obs {
		if !o.healthy() && cited[o.r.ID] && !(o.d.Expected) {
			list = append(list, o)
		}
	}
	if len(list) == 0 {
		list = f.where(func(o obs) bool { return !o.healthy() && !o.d.Expected && !f.healthy[o.host] })
	}
	// A top cause about DNS or the key is told from its own probe: the
	// requests' failures follow from it.
	switch top.Cause {
	case CauseDNSHijack, CauseDNSFailure:
		if h, ok := dnsHeadline(f, top); ok {
			return h
		}
	case CauseOutage:
		return outageHeadline(f, list)
	case CauseCaptivePortal:
		text := "Network login page — " + lowerFirst(firstSentence(top.Summary))
		if len(f.failing) > 0 {
			text += fmt.Sprintf("; until you sign in, %s %s", joinWords(f.failing), verb(f.failing, "fails", "fail"))
		}
		return Headline{Code: "login page", Text: text}
	case CauseClockSkew:
		return Headline{Code: "clock", Text: "Clock off — " + lowerFirst(firstSentence(top.Summary))}
	}
	if o, ok := mostTelling(list); ok {
		return answerHeadline(f, o, list)
	}
	if h, ok := keyHeadline(f); ok {
		return h
	}
	if top.Title != "" && top.Summary != "" {
		return Headline{Text: top.Title + " — " + firstSentence(top.Summary)}
	}
	if top.Title != "" {
		return Headline{Text: top.Title}
	}
	return Headline{Text: "A problem was found"}
}

// mostTelling picks the request whose answer says most: a Cloudflare or
// OpenAI code beats a bare status, an answer beats silence.
func mostTelling(list []obs) (obs, bool) {
	best, score := obs{}, -1
	for _, o := range list {
		sc := 0
		switch {
		case o.answered() && (!o.cut() || o.mangled()) && o.d.Verdict.Code != 0:
			sc = 5
		case o.answered() && (!o.cut() || o.mangled()) && o.d.Verdict.OpenAI != nil:
			sc = 4
		case o.answered() && (!o.cut() || o.mangled()):
			sc = 3
		case o.cut() || o.malformed():
			sc = 2
		default:
			sc = 1
		}
		if sc > score {
			best, score = o, sc
		}
	}
	return best, score >= 0
}

// sameSymptom returns the hosts whose requests failed like o, in order.
func sameSymptom(o obs, list []obs) []string {
	var hosts []string
	for _, x := range list {
		if symptomKey(x) == symptomKey(o) && !slices.Contains(hosts, x.host) {
			hosts = append(hosts, x.host)
		}
	}
	return hosts
}

// symptomKey is what makes two failures the same symptom for the
// headline: the failure code of a request cut short or unanswered (its
// message names hosts and addresses), otherwise the answer in words.
func symptomKey(o obs) string {
	switch o.d.Failure {
	case "":
	case probes.FailureReset, "tls_reset", "closed":
		return probes.FailureReset // one cut, whichever step it hit
	default:
		return o.d.Failure
	}
	return sameAnswer(o)
}

// scope says on which paths the symptom appears when it is not all of
// them: "over IPv6", "through the proxy", "without browser headers".
func scope(f *facts, o obs, list []obs) string {
	var family, route, headers []string
	for _, x := range f.ofHost(o.host) {
		bad := !x.healthy() && symptomKey(x) == symptomKey(o)
		if !bad {
			family = append(family, "-"+x.d.Variant.Family)
			route = append(route, "-"+x.d.Variant.Route)
			headers = append(headers, "-"+x.d.Variant.Headers)
		}
	}
	if len(family) == 0 {
		return ""
	}
	v := o.d.Variant
	switch {
	case v.Route == probes.RouteProxy && !slices.Contains(route, "-"+probes.RouteProxy):
		return " through the proxy"
	case v.Family == probes.FamilyIPv6 && !slices.Contains(family, "-"+probes.FamilyIPv6):
		return " over IPv6"
	case v.Family == probes.FamilyIPv4 && !slices.Contains(family, "-"+probes.FamilyIPv4):
		return " over IPv4"
	case v.Headers == probes.HeadersPlain && !slices.Contains(headers, "-"+probes.HeadersPlain):
		return " to clients without a browser's headers"
	}
	return ""
}

// answerHeadline describes one request's answer (or failure) and names
// every host that got the same.
func answerHeadline(f *facts, o obs, list []obs) Headline {
	h := answerWords(f, o, list)
	if v := o.violation(); v != "" {
		h.Text += "; the answer's bytes break HTTP (" + v + "): something between you and Cloudflare mangles answers"
	}
	return h
}

// answerWords is answerHeadline without the note on broken HTTP.
func answerWords(f *facts, o obs, list []obs) Headline {
	hl := sameSymptom(o, list)
	hosts := joinWords(hl)
	where := hosts + scope(f, o, list)
	v := o.d.Verdict
	switch {
	case o.cut() && !o.mangled():
		return cutHeadline(o, hosts, hl)
	case o.malformed():
		return Headline{Code: "bad answer", Text: fmt.Sprintf("Broken answer — %s sent a reply that is not valid HTTP (%s): something between you and Cloudflare mangles answers",
			where, strings.TrimPrefix(verdictWords(o), "a malformed HTTP answer "))}
	case !o.answered():
		return transportHeadline(f, o, where, hl)
	}
	ray := rayWords(f, o)
	switch o.kind() {
	case classify.VerdictCFChallenge:
		return Headline{Code: "challenge", Text: fmt.Sprintf("Cloudflare challenge — %s %s%s with \"Verify you are human\": a browser passes it, a script cannot%s",
			hosts, verb(hl, "answers", "answer"), scope(f, o, list), ray)}
	case classify.VerdictCFBlock, classify.VerdictCFMalicious:
		if v.Code == 0 {
			return Headline{Code: strconv.Itoa(o.d.StatusCode), Text: fmt.Sprintf("HTTP %d — Cloudflare's firewall denies %s (a block page without an error code)%s", o.d.StatusCode, where, ray)}
		}
		return Headline{Code: strconv.Itoa(v.Code), Text: fmt.Sprintf("Error %d — Cloudflare's firewall denies %s%s", v.Code, where, ray)}
	case classify.VerdictCFRateLimit:
		wait := ""
		if v.RetryAfterSeconds > 0 {
			wait = ", retry after " + humanDuration(time.Duration(v.RetryAfterSeconds)*time.Second)
		}
		return Headline{Code: codeOr(v.Code, o.d.StatusCode), Text: fmt.Sprintf("Error %s — Cloudflare rate-limits %s%s%s", codeOr(v.Code, o.d.StatusCode), where, wait, ray)}
	case classify.VerdictCFBrowserSignature:
		why := scope(f, o, list)
		if why == "" {
			why = ": the request does not look like a browser's"
		}
		return Headline{Code: codeOr(v.Code, o.d.StatusCode), Text: fmt.Sprintf("Error %s — Cloudflare refuses %s%s%s", codeOr(v.Code, o.d.StatusCode), hosts, why, ray)}
	case classify.VerdictCFCountryBlock:
		return Headline{Code: codeOr(v.Code, o.d.StatusCode), Text: fmt.Sprintf("Error %s — %s %s not offered in the country Cloudflare places you in%s", codeOr(v.Code, o.d.StatusCode), where, verb(hl, "is", "are"), ray)}
	case classify.VerdictCFIPBan:
		return Headline{Code: codeOr(v.Code, o.d.StatusCode), Text: fmt.Sprintf("Error %s — Cloudflare bans this IP address (or its network) from %s%s", codeOr(v.Code, o.d.StatusCode), where, ray)}
	case classify.VerdictCF5xx:
		c := cf5xxCode(o)
		if c == 500 {
			return Headline{Code: "500", Text: fmt.Sprintf("Error 500 — Cloudflare's own server failed answering %s%s", where, ray)}
		}
		return Headline{Code: strconv.Itoa(c), Text: fmt.Sprintf("Error %d — Cloudflare could not get an answer from OpenAI's servers for %s (%s)", c, where,
			strings.Join(append([]string{originWords(c)}, rayParts(f, o)...), "; "))}
	case classify.VerdictCaptivePortal:
		return Headline{Code: "login page", Text: fmt.Sprintf("Login page — the network answers %s with its own sign-in page", where)}
	}
	if e := v.OpenAI; e != nil {
		code := strconv.Itoa(o.d.StatusCode)
		if c := firstNonEmpty(e.Code, e.Type); c != "" {
			code += " " + c
		}
		return Headline{Code: code, Text: fmt.Sprintf("HTTP %s — %s%s", code, openAIWords(f, o, where), requestWords(e.RequestID))}
	}
	switch {
	case o.kind() == classify.VerdictCFUnknown && o.d.StatusCode >= 500:
		return Headline{Code: strconv.Itoa(o.d.StatusCode), Text: fmt.Sprintf("HTTP %d — %s answers with a server error through Cloudflare%s", o.d.StatusCode, where, ray)}
	case o.kind() == classify.VerdictOriginError:
		return Headline{Code: strconv.Itoa(o.d.StatusCode), Text: fmt.Sprintf("HTTP %d without Cloudflare — something other than OpenAI answers %s", o.d.StatusCode, where)}
	}
	return Headline{Code: strconv.Itoa(o.d.StatusCode), Text: fmt.Sprintf("HTTP %d — %s answers %s%s", o.d.StatusCode, where, v.Summary, ray)}
}

// openAIWords says what an API error means, with the reset time the
// x-ratelimit-* headers gave when there are any.
func openAIWords(f *facts, o obs, where string) string {
	switch o.kind() {
	case classify.VerdictOpenAIInvalidKey:
		return where + " rejects the API key"
	case classify.VerdictOpenAIIPNotAuthorized:
		return where + " refuses this IP address for the key's project"
	case classify.VerdictOpenAIRegion:
		return where + " is not offered in the country your requests come from"
	case classify.VerdictOpenAIRateLimit:
		return where + " rate-limits this key" + resetWords(f)
	case classify.VerdictOpenAIQuota:
		return "the API key's account is out of credit or at its spending limit"
	case classify.VerdictOpenAIServerError:
		return "OpenAI's servers failed answering " + where
	case classify.VerdictOpenAIOverloaded:
		return "OpenAI's servers are overloaded (" + where + ")"
	}
	return where + " answers with an API error"
}

// keyHeadline tells the API key check's failure when no request cites one
// (the key check is the only authenticated request).
func keyHeadline(f *facts) (Headline, bool) {
	for _, k := range f.apiKeys {
		code := strconv.Itoa(k.d.StatusCode)
		host := hostOf(k.d.URL)
		env := firstNonEmpty(k.d.EnvVar, probes.DefaultAPIKeyEnv)
		switch k.d.Outcome {
		case probes.KeyInvalid:
			return Headline{Code: code + " invalid_api_key", Text: fmt.Sprintf("HTTP %s invalid_api_key — %s rejects the key in %s%s", code, host, env, requestWords(k.d.RequestID))}, true
		case probes.KeyIPNotAuthorized:
			return Headline{Code: code, Text: fmt.Sprintf("HTTP %s — %s refuses this IP address for the key in %s (project IP allowlist)", code, host, env)}, true
		case probes.KeyRateLimited:
			return Headline{Code: code + " rate_limit_exceeded", Text: fmt.Sprintf("HTTP %s rate_limit_exceeded — %s rate-limits the key in %s%s", code, host, env, resetWords(f))}, true
		case probes.KeyQuotaExhausted:
			return Headline{Code: code + " insufficient_quota", Text: fmt.Sprintf("HTTP %s insufficient_quota — the account of the key in %s is out of credit or at its spending limit", code, env)}, true
		case probes.KeyServerError:
			return Headline{Code: code, Text: fmt.Sprintf("HTTP %s — OpenAI's servers failed answering the key check on %s%s", code, host, requestWords(k.d.RequestID))}, true
		case probes.KeyRegion:
			return Headline{Code: code, Text: fmt.Sprintf("HTTP %s — %s is not offered in the country your requests come from", code, host)}, true
		case probes.KeyMissing:
			return Headline{Code: code, Text: fmt.Sprintf("HTTP %s — no API key reached %s (%s)", code, host, env)}, true
		}
	}
	return Headline{}, false
}

// resetWords reads the x-ratelimit-* headers the key check got: which limit
// ran out and when it resets.
func resetWords(f *facts) string {
	for _, k := range f.apiKeys {
		h := k.d.RateLimit
		var parts []string
		for _, kind := range []string{"requests", "tokens"} {
			if h["x-ratelimit-remaining-"+kind] == "0" && h["x-ratelimit-reset-"+kind] != "" {
				parts = append(parts, fmt.Sprintf("%s reset in %s", kind, h["x-ratelimit-reset-"+kind]))
			}
		}
		if len(parts) > 0 {
			return " (" + strings.Join(parts, ", ") + ")"
		}
	}
	return ""
}

// cutHeadline names an answer the probe had to stop following: a redirect
// loop, a page that stalled after its headers.
func cutHeadline(o obs, hosts string, hl []string) Headline {
	switch o.d.Failure {
	case "redirect_loop", "too_many_redirects":
		chain := o.r.Error.Message
		if i := strings.LastIndex(chain, "redirect loop: "); i >= 0 {
			chain = chain[i+len("redirect loop: "):]
		}
		return Headline{Code: "redirect loop", Text: fmt.Sprintf("Redirect loop — %s %s redirecting and never %s the page (%s)", hosts, verb(hl, "keeps", "keep"), verb(hl, "serves", "serve"), chain)}
	}
	if o.d.StatusCode > 0 {
		return Headline{Code: "stalled", Text: fmt.Sprintf("Stalled page — %s answered HTTP %d, then stopped sending after %s", hosts, o.d.StatusCode, countOf(int(o.d.BodyBytes), "byte"))}
	}
	return Headline{Code: o.d.Failure, Text: fmt.Sprintf("Cut short — %s: %s", hosts, verdictWords(o))}
}

// transportHeadline names a request that got no answer by the step it
// broke at.
func transportHeadline(f *facts, o obs, where string, hl []string) Headline {
	fail := o.d.Failure
	switch {
	case fail == "nxdomain":
		return Headline{Code: "NXDOMAIN", Text: fmt.Sprintf("NXDOMAIN — this machine's DNS says %s %s", where, verb(hl, "does not exist", "do not exist"))}
	case fail == "servfail":
		return Headline{Code: "SERVFAIL", Text: fmt.Sprintf("SERVFAIL — this machine's DNS fails to look up %s", where)}
	case strings.HasPrefix(fail, "dns") || fail == "no_address":
		return Headline{Code: "DNS", Text: fmt.Sprintf("DNS failure — %s does not resolve on this machine (%s)", where, fail)}
	case fail == "refused":
		return Headline{Code: "refused", Text: fmt.Sprintf("Connection refused — nothing accepts connections for %s", where)}
	case fail == "reset" || fail == "tls_reset" || fail == "closed":
		return Headline{Code: "reset", Text: fmt.Sprintf("Connection reset — connections to %s are cut before an answer comes back", where)}
	case fail == "tls_stall":
		return Headline{Code: "TLS timeout", Text: fmt.Sprintf("TLS timeout — %s %s connections but never %s the TLS handshake", where, verb(hl, "accepts", "accept"), verb(hl, "completes", "complete"))}
	case fail == "connect_timeout":
		return Headline{Code: "timeout", Text: fmt.Sprintf("Timeout — connections to %s never open", where)}
	case fail == "header_timeout":
		return Headline{Code: "timeout", Text: fmt.Sprintf("Timeout — %s accepted the request but never answered", where)}
	case strings.HasPrefix(fail, "tls_"):
		issuer := ""
		if o.d.TLS != nil && len(o.d.TLS.Chain) > 0 {
			issuer = " issued by " + firstNonEmpty(o.d.TLS.Chain[0].IssuerOrg, o.d.TLS.Chain[0].IssuerCN)
		}
		return Headline{Code: "certificate", Text: fmt.Sprintf("Certificate error — %s presents a certificate%s that this machine does not accept (%s)", where, issuer, fail)}
	case strings.HasPrefix(fail, "proxy"):
		return Headline{Code: "proxy", Text: fmt.Sprintf("Proxy failure — the proxy did not carry requests to %s (%s)", where, fail)}
	}
	return Headline{Code: firstNonEmpty(fail, "no answer"), Text: fmt.Sprintf("No answer — %s: %s", where, verdictWords(o))}
}

// dnsHeadline tells a DNS cause from the lookups: what the resolver
// answered instead of Cloudflare's addresses.
func dnsHeadline(f *facts, top Finding) (Headline, bool) {
	var hijacked, failed []string
	var addr, rcode string
	for _, l := range f.lookups {
		for _, a := range l.d.Answers {
			if a.Resolver != "system" && !strings.HasPrefix(a.Resolver, "system") {
				continue
			}
			switch {
			case l.d.Hijacked && len(a.Addrs) > 0:
				hijacked = append(hijacked, l.d.Host)
				if addr == "" {
					addr = a.Addrs[0].IP
				}
			case a.RCode != "" && a.RCode != "NOERROR":
				failed = append(failed, l.d.Host)
				rcode = a.RCode
			}
		}
	}
	switch {
	case len(hijacked) > 0:
		return Headline{Code: "DNS", Text: fmt.Sprintf("Wrong DNS answer — this machine's resolver sends %s to %s, not to Cloudflare", joinWords(uniq(hijacked)), addr)}, true
	case len(failed) > 0:
		names := uniq(failed)
		return Headline{Code: rcode, Text: fmt.Sprintf("%s — this machine's resolver answers %s for %s while other resolvers find %s", rcode, rcode, joinWords(names), verb(names, "it", "them"))}, true
	}
	return Headline{}, false
}

// outageNote is the status page's words for a run where everything
// answered: "OpenAI's status page reports degraded performance
// ("Increased latency …")".
func outageNote(f *facts) string {
	level, incident := "an outage", ""
	for _, m := range f.status {
		if statusLevel(m) == "degraded" {
			level = "degraded performance"
		}
		if len(m.d.Incidents) > 0 && m.d.Incidents[0].Name != "" && incident == "" {
			incident = fmt.Sprintf(" (%q)", m.d.Incidents[0].Name)
		}
	}
	return "OpenAI's status page reports " + level + incident
}

// outageHeadline names the incident and the errors seen.
func outageHeadline(f *facts, list []obs) Headline {
	incident := "an outage"
	for _, m := range f.status {
		if statusLevel(m) == "degraded" {
			incident = "degraded performance"
		}
		if len(m.d.Incidents) > 0 && m.d.Incidents[0].Name != "" {
			incident = fmt.Sprintf("%q", m.d.Incidents[0].Name)
			break
		}
	}
	codes := map[string]bool{}
	var seen []string
	for _, o := range list {
		if o.answered() && !codes[strconv.Itoa(o.d.StatusCode)] {
			codes[strconv.Itoa(o.d.StatusCode)] = true
			seen = append(seen, strconv.Itoa(o.d.StatusCode))
		}
	}
	code := "outage"
	text := "OpenAI outage — the status page reports " + incident
	if len(seen) > 0 {
		code = seen[0]
		hosts := hostsOf(list)
		text = fmt.Sprintf("HTTP %s — OpenAI is down: %s %s %s and the status page reports %s",
			strings.Join(seen, "/"), joinWords(hosts), verb(hosts, "answers", "answer"), strings.Join(seen, "/"), incident)
	}
	return Headline{Code: code, Text: text}
}

// rayWords is the Ray ID support asks for and what Cloudflare saw of this
// client, in parentheses: " (Ray 74010bfafc5c1d24-FRA, seen as
// 203.0.113.77 in DE)".
func rayWords(f *facts, o obs) string {
	parts := rayParts(f, o)
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// rayParts are rayWords' parts: the Ray ID, what Cloudflare saw.
func rayParts(f *facts, o obs) []string {
	v := o.d.Verdict
	var parts []string
	if v.RayID != "" {
		ray := "Ray " + v.RayID
		if v.Colo != "" && !strings.HasSuffix(v.RayID, "-"+v.Colo) {
			ray += "-" + v.Colo
		}
		parts = append(parts, ray)
	}
	ip, loc := v.ClientIP, v.Country
	if ip == "" {
		if t, ok := f.trace(o.d.Variant.Route); ok {
			ip, loc = t.d.IP, t.d.Loc
		}
	}
	if ip != "" {
		seen := "seen as " + ip
		if loc != "" {
			seen += " in " + loc
		}
		parts = append(parts, seen)
	}
	return parts
}

func requestWords(id string) string {
	if id == "" {
		return ""
	}
	return " (request " + id + ")"
}

// originWords are Cloudflare's own names for its origin errors.
func originWords(code int) string {
	switch code {
	case 502:
		return "bad gateway"
	case 504:
		return "gateway timeout"
	case 520:
		return "unknown error from the origin"
	case 521:
		return "the origin refused the connection"
	case 522:
		return "connection to the origin timed out"
	case 523:
		return "origin unreachable"
	case 524:
		return "the origin took too long to answer"
	case 525:
		return "TLS handshake with the origin failed"
	case 526:
		return "the origin's certificate is invalid"
	case 530:
		return "origin error"
	}
	return "origin error"
}

func codeOr(code, status int) string {
	if code != 0 {
		return strconv.Itoa(code)
	}
	return strconv.Itoa(status)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// firstSentence is a summary's first sentence without its full stop.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, ".")
}

// lowerFirst lowers a title's first letter for use inside a sentence,
// unless the first word is a name or an acronym ("OpenAI", "API", "DNS").
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	word, _, _ := strings.Cut(s, " ")
	if word != strings.ToUpper(word[:1])+strings.ToLower(word[1:]) || properNames[word] {
		return s // an acronym or a name with capitals inside: "API", "OpenAI"
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// properNames keep their capital inside a sentence.
var properNames = map[string]bool{"Cloudflare": true}

// verb picks the form that agrees with a list of hosts: one host "is", two
// "are".
func verb(hosts []string, one, many string) string {
	if len(hosts) == 1 {
		return one
	}
	return many
}
