package remedies

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// Evidence is one line of proof for a finding, pointing at the probe result
// it comes from so a renderer can jump to it and a fix can re-run it.
type Evidence struct {
	// ResultID is the id of the probe result this line of proof comes from.
	ResultID string `json:"result_id"`
	// Text is the observation in one line, sanitised and with secrets
	// redacted.
	Text string `json:"text"`
}

// ev builds an evidence line. Probe details are sanitised by contract; the
// line is sanitised again because it is assembled here and goes straight to
// a terminal and into support tickets.
func ev(r probes.Result, format string, args ...any) Evidence {
	return Evidence{ResultID: r.ID, Text: sanitize.Line(sanitize.Secrets(fmt.Sprintf(format, args...)))}
}

// verdictWords is a short name for what answered: "Cloudflare 1020",
// "HTTP 503 openai_overloaded", "200 OK".
func verdictWords(o obs) string {
	if !o.answered() {
		step := o.transportStep()
		if o.malformed() {
			if o.r.Error == nil {
				return "a malformed HTTP answer"
			}
			return "a malformed HTTP answer (" + strings.TrimPrefix(o.r.Error.Message, "request: "+o.host+": ") + ")"
		}
		if o.r.Error != nil && o.r.Error.Message != "" {
			return "no answer (" + o.r.Error.Message + ")"
		}
		return "no answer (" + step + " failed)"
	}
	v := o.d.Verdict
	switch {
	case o.cut() && !o.mangled():
		if o.r.Reason != "" {
			return o.r.Reason
		}
		return o.r.Error.Message
	case o.healthy():
		return fmt.Sprintf("%d %s", o.d.StatusCode, httpText(o.d.StatusCode))
	case v.Code != 0:
		return fmt.Sprintf("Cloudflare %d", v.Code)
	case v.Kind == classify.VerdictCFChallenge:
		return "Cloudflare challenge"
	case v.OpenAI != nil && v.OpenAI.Code != "":
		return fmt.Sprintf("HTTP %d %s", o.d.StatusCode, v.OpenAI.Code)
	case v.OpenAI != nil && v.OpenAI.Type != "":
		return fmt.Sprintf("HTTP %d %s", o.d.StatusCode, v.OpenAI.Type)
	}
	if w, ok := kindWords[v.Kind]; ok {
		return fmt.Sprintf("HTTP %d %s", o.d.StatusCode, w)
	}
	return fmt.Sprintf("HTTP %d %s", o.d.StatusCode, v.Kind)
}

// kindWords name the verdicts that carry no code of their own.
var kindWords = map[classify.VerdictKind]string{
	classify.VerdictCFUnknown:     "through Cloudflare",
	classify.VerdictCFBlock:       "Cloudflare block page",
	classify.VerdictOriginError:   "without Cloudflare",
	classify.VerdictCaptivePortal: "login page",
	classify.VerdictUnexpected:    "unexpected page",
}

// httpText is the reason phrase for the statuses a healthy target gives.
func httpText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 204:
		return "No Content"
	case 401:
		return "(API reachable, no key sent)"
	}
	return ""
}

// obsLine is the evidence line for one endpoint measurement: what answered,
// the Ray ID support staff ask for, and the data centre.
func obsLine(o obs) Evidence {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", o.host)
	fmt.Fprintf(&b, " (%s)", o.d.Variant.Words())
	b.WriteString(": ")
	v := o.d.Verdict
	switch {
	case !o.answered() || (o.cut() && !o.mangled()):
		b.WriteString(verdictWords(o))
	case strings.Contains(v.Summary, fmt.Sprintf("HTTP %d", o.d.StatusCode)):
		b.WriteString(v.Summary) // it names the status already
	case v.Summary != "":
		fmt.Fprintf(&b, "HTTP %d, %s", o.d.StatusCode, v.Summary)
	default:
		fmt.Fprintf(&b, "HTTP %d, %s", o.d.StatusCode, verdictWords(o))
	}
	if o.d.Expected && v.Kind != classify.VerdictOK {
		b.WriteString(" (the normal answer without a key: the API is reachable)")
	}
	if v.RayID != "" {
		fmt.Fprintf(&b, "; Ray ID %s", v.RayID)
		if v.Colo != "" {
			fmt.Fprintf(&b, "-%s", v.Colo)
		}
	}
	if v.OpenAI != nil && v.OpenAI.Code != "" && !strings.Contains(v.Summary, v.OpenAI.Code) {
		fmt.Fprintf(&b, " (%s)", v.OpenAI.Code)
	}
	if v.OpenAI != nil && v.OpenAI.RequestID != "" {
		fmt.Fprintf(&b, "; request %s", v.OpenAI.RequestID)
	}
	if v.RetryAfterSeconds > 0 && !strings.Contains(b.String(), "retry after") {
		fmt.Fprintf(&b, "; retry after %ds", v.RetryAfterSeconds)
	}
	if o.d.Proxy != "" {
		fmt.Fprintf(&b, "; proxy %s", o.d.Proxy)
	}
	if v := o.violation(); v != "" {
		fmt.Fprintf(&b, "; the answer breaks HTTP: %s", v)
	}
	return ev(o.r, "%s", b.String())
}

// obsLines is obsLine for up to max observations. Requests to the same host
// that got the same answer (or failed the same way) are folded into one
// line with a count, so a matrix of four identical blocks reads as one
// fact. Every host in list keeps at least one line, beyond max if need be:
// the evidence is what says which hosts a finding is about.
func obsLines(list []obs, max int) []Evidence {
	type group struct {
		key   string
		first obs
		n     int
	}
	var groups []group
	for _, o := range list {
		key := o.host + "\x00" + sameAnswer(o)
		i := slices.IndexFunc(groups, func(g group) bool { return g.key == key })
		if i < 0 {
			groups = append(groups, group{key, o, 1})
			continue
		}
		groups[i].n++
	}
	var out []Evidence
	shown, left := map[string]bool{}, 0
	var more obs
	for i, g := range groups {
		if i >= max && shown[g.first.host] {
			if left == 0 {
				more = g.first
			}
			left++
			continue
		}
		shown[g.first.host] = true
		e := obsLine(g.first)
		if g.n > 1 {
			// Said of the answer, not of its Ray ID: each request has its own.
			e.Text += fmt.Sprintf(" (%s to %s got the same answer)", countOf(g.n-1, "other request"), g.first.host)
		}
		out = append(out, e)
	}
	if left > 0 {
		out = append(out, Evidence{ResultID: more.r.ID, Text: fmt.Sprintf("… and %d more answers like these", left)})
	}
	return out
}

// sameAnswer is what makes two requests' outcomes the same for folding:
// the failure code of a request that got no answer (its message differs in
// addresses and times), otherwise the answer in words.
func sameAnswer(o obs) string {
	switch {
	case !o.answered() && (o.d.Failure == probes.FailureReset || o.d.Failure == "tls_reset"):
		// Cut while connecting or during the handshake: the same cut,
		// landing where the kernel happened to deliver it.
		return "reset"
	case !o.answered() && o.d.Failure != "":
		return o.transportStep() + "/" + o.d.Failure
	}
	return verdictWords(o)
}

// traceLine says what Cloudflare itself saw: the IP and country a block rule
// evaluated.
func traceLine(t measured[probes.TraceDetails]) Evidence {
	d := t.d
	var b strings.Builder
	b.WriteString("Cloudflare saw ")
	if d.IP != "" {
		fmt.Fprintf(&b, "IP %s", d.IP)
	} else {
		b.WriteString("this client")
	}
	if d.Loc != "" {
		fmt.Fprintf(&b, " in %s", d.Loc)
	}
	var extra []string
	if d.Colo != "" {
		extra = append(extra, "colo "+d.Colo)
	}
	if d.Route == probes.RouteProxy {
		extra = append(extra, "through the proxy")
	}
	if d.Warp != "" && d.Warp != "off" {
		extra = append(extra, "warp="+d.Warp)
	}
	if d.Gateway != "" && d.Gateway != "off" {
		extra = append(extra, "gateway="+d.Gateway)
	}
	if d.FromBlockPage {
		extra = append(extra, "read from the block page")
	}
	if len(extra) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(extra, ", "))
	}
	return ev(t.r, "%s", b.String())
}

// humanDuration prints a skew or wait the way people say it: "2h3m",
// "7m30s", "45s". Sign is dropped; callers say the direction.
func humanDuration(d time.Duration) string {
	d = abs(d).Round(time.Second)
	h, m, sec := d/time.Hour, (d%time.Hour)/time.Minute, (d%time.Minute)/time.Second
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	case m > 0 && sec > 0:
		return fmt.Sprintf("%dm%ds", m, sec)
	case m > 0:
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%ds", sec)
}

// countOf says how many of a thing there are: "1 request", "3 requests".
func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// joinWords joins names as prose: "a", "a and b", "a, b and c".
func joinWords(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// uniq keeps the first occurrence of each string.
func uniq(items []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range items {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}
