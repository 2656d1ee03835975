package collect

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// maxTraceFields bounds the fields kept from one trace body. A real trace
// has about fifteen lines; a hostile or wrong page could have thousands.
const maxTraceFields = 64

// parseTrace reads a /cdn-cgi/trace body: one key=value per line, split on
// the first '=' only (the uag value holds a user agent, which may contain
// '='), in any order, unknown keys kept when they are shaped like
// Cloudflare's (traceKey). Values are sanitised and masked, so the map may
// go straight into a result. Lines without '=' are ignored.
func parseTrace(body []byte) map[string]string {
	out := map[string]string{}
	for line := range strings.SplitSeq(string(body), "\n") {
		k, v, ok := strings.Cut(strings.TrimRight(line, "\r"), "=")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		if !traceKey(k) {
			continue
		}
		if _, dup := out[k]; !dup && len(out) >= maxTraceFields {
			continue
		}
		out[k] = sanitize.SecretsLine(v)
	}
	return out
}

// traceKey: Cloudflare's field names are short words (fl, visit_scheme,
// sliver); a field named otherwise is not kept. Letters, digits, '_', '-'
// and '.' are allowed, so a field Cloudflare may add is still shown, but
// nothing a secret scrubber would mask: a hostile server could otherwise
// name a field with a key ("sk-…"), shown and written as it came, since
// only values are masked.
func traceKey(k string) bool {
	if k == "" || len(k) > 32 {
		return false
	}
	for _, c := range []byte(k) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return sanitize.Secrets(k) == k
}

// looksLikeTrace says a parsed body is a real trace, not some page that
// happens to contain '=' characters.
func looksLikeTrace(f map[string]string) bool {
	n := 0
	for _, k := range []string{"fl", "h", "ip", "ts", "visit_scheme", "colo", "loc"} {
		if _, ok := f[k]; ok {
			n++
		}
	}
	return n >= 3
}

// parseTraceTS reads the ts field (Unix seconds with a fraction).
func parseTraceTS(s string) (time.Time, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f <= 0 || f > 1e11 || math.IsNaN(f) {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond)).UTC(), true
}

// traceProbes asks Cloudflare what it sees of this machine: GET
// /cdn-cgi/trace once per distinct Cloudflare-fronted target host, directly
// and, when a proxy applies, through it too (the proxy's egress is a
// different client to Cloudflare). IDs are "trace:chatgpt.com:direct".
func traceProbes(cfg probes.Config, w probes.World) []probes.Probe {
	tm := timeoutsFor(cfg.Budget, w.Limits)
	seen := map[string]bool{}
	var ps []probes.Probe
	for _, t := range cfg.Targets {
		if !t.ExpectCloudflare {
			continue
		}
		u, err := url.Parse(t.URL)
		if err != nil || u.Hostname() == "" || seen[u.Host] {
			continue
		}
		seen[u.Host] = true
		scheme := u.Scheme
		if scheme != "http" {
			scheme = "https"
		}
		traceURL := (&url.URL{Scheme: scheme, Host: u.Host, Path: "/cdn-cgi/trace"}).String()
		routes := []string{probes.RouteDirect}
		if proxyApplies(traceURL, cfg, w) {
			routes = append(routes, probes.RouteProxy)
		}
		for _, route := range routes {
			host := u.Hostname()
			title := "Cloudflare trace for " + host
			if route == probes.RouteProxy {
				title += " through the proxy"
			}
			ps = append(ps, probes.Probe{
				ID:      "trace:" + host + ":" + route,
				Kind:    probes.KindEdgeTrace,
				Target:  traceURL,
				Title:   title,
				Timeout: tm.Probe,
				Run:     func(ctx context.Context) probes.Result { return runTrace(ctx, host, traceURL, route, w, tm) },
			})
		}
	}
	return ps
}

// runTrace fetches and reads one trace. A trace that is itself blocked
// still tells something: the block page's client IP, country and Ray ID
// stand in for the trace fields.
func runTrace(ctx context.Context, host, traceURL, route string, w probes.World, tm timeouts) probes.Result {
	fr := fetch(ctx, w, fetchSpec{
		URL:              traceURL,
		Variant:          probes.Variant{Route: route, Family: probes.FamilyAny, Headers: probes.HeadersPlain},
		MaxRedirects:     maxRedirects,
		BodyLimit:        maxBody,
		ExpectCloudflare: true,
		Timeouts:         tm,
	})
	host = defaultClean(host)
	d := &probes.TraceDetails{URL: fr.Details.URL, Host: host, Route: route}
	res := probes.Result{Details: d}
	if fr.Fail != nil {
		d.Failure = fr.Fail.Code
		res.Status = fr.Fail.status()
		res.Reason = "no Cloudflare trace: " + fr.Fail.Reason
		res.Error = fr.Fail.stepError()
		res.Evidence = failureEvidence(&fr.Details)
		return res
	}
	verdict := classify.Classify(classify.ClassifyInput{Status: fr.Details.StatusCode, Header: fr.Header, Body: fr.Body, ExpectCloudflare: true})
	d.Verdict = verdict
	if fields := parseTrace(fr.Body); fr.Details.StatusCode == 200 && fr.Cut == "" && looksLikeTrace(fields) {
		fillTrace(d, fields, fr.ReceivedAt)
		res.Status = probes.StatusPass
		res.Reason = traceReason(d)
		res.Evidence = traceEvidence(d)
		return res
	}
	fr.Details.Verdict = verdict
	res.Evidence = responseEvidence(&fr.Details, fr.BodyNote)
	status := fr.Details.StatusCode
	switch {
	case fr.Cut != "":
		d.Failure = fr.CutCode
		res.Status = probes.StatusFail
		res.Reason = "no Cloudflare trace: " + fr.Cut
		res.Error = &probes.StepError{Step: "request", Message: "request: " + host + ": " + fr.Cut}
	case verdict.Kind == classify.VerdictCFChallenge:
		d.FromBlockPage = true
		res.Status = probes.StatusWarn
		res.Reason = fmt.Sprintf("the trace on %s was answered with a Cloudflare challenge (HTTP %d)", host, status)
	case verdict.Blocked():
		d.FromBlockPage = true
		d.IP, d.Loc, d.Colo = verdict.ClientIP, verdict.Country, verdict.Colo
		res.Status = probes.StatusFail
		res.Reason = fmt.Sprintf("even the trace on %s was blocked: %s", host, withStatus(verdictSummary(verdict), status))
		if d.IP != "" || d.Loc != "" {
			res.Reason += fmt.Sprintf("; the block page says Cloudflare saw %s", strings.TrimSpace(d.IP+" "+inCountry(d.Loc)))
		}
	case !verdict.Cloudflare && status == 404:
		res.Status = probes.StatusSkipped
		res.Reason = host + " is not behind Cloudflare (no trace, and a 404 without Cloudflare markers)"
	default:
		res.Status = probes.StatusFail
		res.Reason = fmt.Sprintf("no Cloudflare trace from %s: %s", host, withStatus(verdictSummary(verdict), status))
	}
	return res
}

func inCountry(loc string) string {
	if loc == "" {
		return ""
	}
	return "in " + loc
}

// fillTrace copies the interpreted fields.
func fillTrace(d *probes.TraceDetails, f map[string]string, localNow time.Time) {
	d.Fields = f
	d.IP, d.Loc, d.Colo = traceIP(f["ip"]), traceCode(f["loc"], 2), traceCode(f["colo"], 3)
	d.Warp, d.Gateway = f["warp"], f["gateway"]
	d.HTTP, d.TLS, d.SNI = f["http"], f["tls"], f["sni"]
	d.UAG, d.Kex = f["uag"], f["kex"]
	if ts, ok := parseTraceTS(f["ts"]); ok {
		d.TS = ts
		if !localNow.IsZero() {
			skew := probes.Millis(ts.Sub(localNow))
			d.ClockSkew = &skew
		}
	}
}

// traceIP keeps the trace's ip only when it is an address: results and
// reasons say "Cloudflare sees this machine as <ip>", which must not
// repeat whatever a hostile page put there. Fields keeps the raw value.
func traceIP(s string) string {
	ip, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return ""
	}
	return ip.Unmap().String()
}

// traceCode keeps a loc (2: ISO 3166 or Cloudflare's XX and T1) or colo
// (3: IATA) value only when it has that shape, upper-case letters and
// digits.
func traceCode(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) != n {
		return ""
	}
	for i := range len(s) {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return s
}

func traceReason(d *probes.TraceDetails) string {
	s := "Cloudflare sees this machine as " + orWords(d.IP, "an unknown IP")
	if d.Loc != "" {
		s += " in " + d.Loc
	}
	if d.Colo != "" {
		s += " via data centre " + d.Colo
	}
	var extra []string
	if d.Warp != "" && d.Warp != "off" {
		extra = append(extra, "WARP "+d.Warp)
	}
	if d.Gateway != "" && d.Gateway != "off" {
		extra = append(extra, "Zero Trust Gateway "+d.Gateway)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

func traceEvidence(d *probes.TraceDetails) []string {
	var ev []string
	for _, k := range []string{"ip", "loc", "colo", "warp", "gateway", "http", "tls", "sni", "kex", "h"} {
		if v, ok := d.Fields[k]; ok {
			ev = append(ev, k+"="+v)
		}
	}
	return append(ev, skewEvidence(d.ClockSkew)...)
}
