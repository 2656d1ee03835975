package collect

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// diagnosticHeaders are the response headers a diagnosis reads: who
// answered (server, cf-ray, via), what kind of answer (cf-mitigated,
// cf-error-*, content-type), when to retry, and the IDs support asks for.
// Cookies and credentials are never kept.
var diagnosticHeaders = []string{
	"server", "cf-ray", "cf-mitigated", "cf-cache-status", "cf-error-type", "cf-error-origin",
	"content-type", "content-length", "content-encoding", "retry-after", "location", "date",
	"via", "alt-svc", "x-cache", "proxy-status", "www-authenticate",
	"x-request-id", "openai-organization", "openai-processing-ms", "openai-version",
}

// diagnosticPrefixes keep header families (OpenAI's rate-limit counters).
var diagnosticPrefixes = []string{"x-ratelimit-"}

// maxPrefixHeaders bounds how many prefix-matched headers are kept: OpenAI
// sends six to eight rate-limit headers; a hostile server could send
// thousands.
const maxPrefixHeaders = 16

// maxMarkerEvidence bounds the classifier markers quoted as evidence: the
// few that decided the verdict, not every weak hint.
const maxMarkerEvidence = 6

// excerptRunes is how much of a body the result quotes: enough to show
// "error code: 1020" or a page title, not enough to flood a report.
const excerptRunes = 300

// clockSkewNotable is the server-time difference worth an evidence line.
// Date has one-second resolution and requests take time, so smaller
// differences are noise; a minute or more breaks TLS validity and
// challenge cookies.
const clockSkewNotable = time.Minute

// keptHeaders picks the diagnostic headers, lower-cased, values sanitised
// and passed through clean (which masks the request's secret). Location
// loses its query as redirect URLs do (see bareURL).
func keptHeaders(h http.Header, clean func(string) string) map[string]string {
	out := map[string]string{}
	for _, k := range diagnosticHeaders {
		vs := h.Values(k)
		if len(vs) == 0 {
			continue
		}
		if k == "location" {
			vs = []string{bareLocation(nil, vs[0])}
		}
		out[k] = clean(strings.Join(vs, ", "))
	}
	var extra []string
	for k := range h {
		lk := strings.ToLower(k)
		for _, p := range diagnosticPrefixes {
			if strings.HasPrefix(lk, p) {
				extra = append(extra, k)
			}
		}
	}
	sort.Strings(extra)
	if len(extra) > maxPrefixHeaders {
		extra = extra[:maxPrefixHeaders]
	}
	for _, k := range extra {
		out[clean(strings.ToLower(k))] = clean(strings.Join(h.Values(k), ", "))
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// excerpt is the start of a body as sanitised text, secrets masked.
func excerpt(body []byte, secret string) string {
	if len(body) > 16*excerptRunes {
		body = body[:16*excerptRunes]
	}
	// Mask before cutting too, so a secret that straddles the cut does not
	// leave its first half behind.
	s := maskSecret(sanitize.Secrets(string(body)), secret)
	return strings.TrimSpace(maskSecret(sanitize.SecretsText(s, excerptRunes), secret))
}

// responseEvidence lists what a response showed: status line, the edge
// headers, classifier markers, the certificate issuer, redirects, timings.
func responseEvidence(d *probes.EndpointDetails, bodyNote string) []string {
	var ev []string
	if d.StatusCode != 0 {
		line := fmt.Sprintf("%s %d", d.HTTPVersion, d.StatusCode)
		if d.RemoteAddr != "" {
			line += " from " + d.RemoteAddr
		}
		ev = append(ev, strings.TrimSpace(line))
	}
	shown := map[string]bool{}
	for _, k := range []string{"server", "cf-ray", "cf-mitigated", "cf-error-type", "retry-after", "x-request-id"} {
		if v := d.Headers[k]; v != "" {
			ev = append(ev, k+": "+v)
			shown[strings.ToLower(k+": "+v)] = true
		}
	}
	markers := 0
	for _, m := range d.Verdict.Markers {
		// The classifier names the headers it relied on; those already
		// have their own line.
		if h, ok := strings.CutPrefix(m, "header "); ok && shown[strings.ToLower(h)] {
			continue
		}
		if markers == maxMarkerEvidence {
			break
		}
		markers++
		ev = append(ev, "marker: "+m)
	}
	ev = append(ev, tlsEvidence(d.TLS)...)
	ev = append(ev, redirectEvidence(d.Redirects)...)
	ev = append(ev, skewEvidence(d.ClockSkew)...)
	if bodyNote != "" {
		if !strings.HasPrefix(bodyNote, "body ") {
			bodyNote = "body: " + bodyNote
		}
		ev = append(ev, bodyNote)
	} else if d.BodyExcerpt != "" && d.StatusCode >= 400 {
		ev = append(ev, "body: "+sanitize.LineN(d.BodyExcerpt, 120))
	}
	ev = append(ev, timingEvidence(d.Timings))
	return ev
}

// tlsEvidence names who signed the chain and how it was judged.
func tlsEvidence(t *probes.TLSDetails) []string {
	if t == nil || len(t.Chain) == 0 {
		return nil
	}
	var ev []string
	leaf := t.Chain[0]
	issuer := leaf.IssuerCN
	if leaf.IssuerOrg != "" {
		issuer += " (" + leaf.IssuerOrg + ")"
	}
	ev = append(ev, "TLS issuer: "+issuer)
	if t.Version != "" {
		line := "TLS: " + t.Version
		if t.ALPN != "" {
			line += ", ALPN " + t.ALPN
		}
		ev = append(ev, line)
	}
	switch {
	case t.Intercepted:
		line := "TLS re-signed by " + t.InterceptedBy
		if t.Product != "" {
			line += " (" + t.Product + ")"
		}
		ev = append(ev, line+": trusted by this machine, not by the public roots")
	case !t.SystemVerified && t.SystemError != "":
		ev = append(ev, "TLS rejected: "+t.SystemError)
		if t.Product != "" {
			ev = append(ev, "TLS signer looks like "+t.Product)
		}
	case t.UserTrusted && !t.PublicVerified:
		ev = append(ev, "TLS chain ends at a root you declared with --ca-file")
	}
	if t.IssuerNote != "" {
		ev = append(ev, "note: "+t.IssuerNote)
	}
	return ev
}

func timingEvidence(t probes.PhaseTimings) string {
	var parts []string
	add := func(name string, m probes.Millis) {
		if m > 0 {
			parts = append(parts, name+" "+m.String())
		}
	}
	add("dns", t.DNS)
	add("connect", t.Connect)
	add("tls", t.TLS)
	add("first byte", t.FirstByte)
	add("total", t.Total)
	return "timings: " + strings.Join(parts, ", ")
}

// redirectEvidence is one line per redirect hop.
func redirectEvidence(rs []probes.Redirect) []string {
	var ev []string
	for _, r := range rs {
		ev = append(ev, fmt.Sprintf("redirect: %d %s -> %s", r.Status, r.From, r.To))
	}
	return ev
}

// skewEvidence is a line for a server clock at least clockSkewNotable
// off this machine's, nothing for a smaller or unknown skew.
func skewEvidence(m *probes.Millis) []string {
	if m == nil {
		return nil
	}
	switch d := m.D(); {
	case d >= clockSkewNotable:
		return []string{fmt.Sprintf("clock: server time is %s ahead of this machine's clock", d.Round(time.Second))}
	case -d >= clockSkewNotable:
		return []string{fmt.Sprintf("clock: server time is %s behind this machine's clock", (-d).Round(time.Second))}
	}
	return nil
}
