package collect

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// targetProbes plans the probes of one target. A web target gets one probe
// per matrix cell ("endpoint:chatgpt.com:direct-ipv6-browser"); an API
// target gets one probe on the route a Go program on this machine would
// take ("endpoint:api.openai.com:default"). Planning reads only the proxy
// variables through w; the network is touched when the probes run.
func targetProbes(t probes.Target, cfg probes.Config, w probes.World) []probes.Probe {
	tm := timeoutsFor(cfg.Budget, w.Limits)
	label := targetLabel(t, cfg)
	if t.Kind != probes.TargetWeb {
		v := probes.Variant{Route: goRoute(t.URL, cfg, w), Family: probes.FamilyAny, Headers: probes.HeadersPlain}
		title := label
		if v.Route == probes.RouteProxy {
			title += " through the proxy"
		}
		return []probes.Probe{endpointProbe(t, "endpoint:"+label+":default", title, v, w, tm)}
	}
	var ps []probes.Probe
	for _, v := range planCells(proxyApplies(t.URL, cfg, w)) {
		ps = append(ps, endpointProbe(t, "endpoint:"+label+":"+v.String(), label+": "+v.Words(), v, w, tm))
	}
	return ps
}

// proxyApplies says whether Go would send requests for rawURL through a
// proxy. An unparsable proxy variable counts: the proxy cells then report
// the broken setting, as a Go program on this machine would hit it.
func proxyApplies(rawURL string, cfg probes.Config, w probes.World) bool {
	if cfg.BypassProxy {
		return false
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	p, err := proxyFor(w, u)
	return err != nil || p != nil
}

// goRoute is the route a Go program on this machine takes to rawURL: the
// proxy route when proxyApplies, direct otherwise.
func goRoute(rawURL string, cfg probes.Config, w probes.World) string {
	if proxyApplies(rawURL, cfg, w) {
		return probes.RouteProxy
	}
	return probes.RouteDirect
}

func endpointProbe(t probes.Target, id, title string, v probes.Variant, w probes.World, tm timeouts) probes.Probe {
	return probes.Probe{
		ID:      id,
		Kind:    probes.KindEndpoint,
		Target:  t.URL,
		Title:   title,
		Timeout: tm.Probe,
		Run:     func(ctx context.Context) probes.Result { return runEndpoint(ctx, t, v, w, tm) },
	}
}

// runEndpoint makes one request chain and judges it: the verdict against
// the target's healthy set, TLS interception, and for a request that got no
// answer, the step and cause.
//
// Status: a healthy verdict passes (warns when TLS is re-signed on the
// way, or when the body stalled or broke off before its end); a Cloudflare challenge warns, because a browser with JavaScript
// and cookies can pass it and a terminal client never can, so it is not a
// block; blocks and errors fail; a request without an answer fails, except
// that a family the host or machine lacks is skipped and a run that was
// cancelled or out of budget is unknown.
func runEndpoint(ctx context.Context, t probes.Target, v probes.Variant, w probes.World, tm timeouts) probes.Result {
	spec := fetchSpec{URL: t.URL, Variant: v, MaxRedirects: maxRedirects, BodyLimit: maxBody,
		ExpectCloudflare: t.ExpectCloudflare, Timeouts: tm}
	if v.Headers == probes.HeadersBrowser {
		spec.Header = browserHeaders(w.GOOS, w.LookupEnv)
		spec.DecodeBody = true
	}
	fr := fetch(ctx, w, spec)
	d := fr.Details
	res := probes.Result{Details: &d}
	host := defaultClean(t.Host())
	if fr.Fail != nil {
		res.Status = fr.Fail.status()
		res.Reason = fr.Fail.Reason
		res.Error = fr.Fail.stepError()
		res.Evidence = failureEvidence(&d)
		return res
	}

	verdict := classify.Classify(classify.ClassifyInput{Status: d.StatusCode, Header: fr.Header, Body: fr.Body, ExpectCloudflare: t.ExpectCloudflare})
	d.Verdict = verdict
	healthy := t.IsHealthy(verdict.Kind)
	d.Expected = healthy && fr.Cut == "" && !cutShort(&d)
	res.Evidence = responseEvidence(&d, fr.BodyNote)
	switch {
	case fr.Cut != "":
		d.Failure = fr.CutCode
		res.Status = probes.StatusFail
		res.Reason = fr.Cut
		res.Error = &probes.StepError{Step: "request", Message: "request: " + host + ": " + fr.Cut}
	case healthy && cutShort(&d):
		// The start looked normal, but a page that stalls or breaks off
		// is not one a browser can use. A block or challenge page is
		// still recognised from its start, so those keep their verdict.
		res.Status = probes.StatusWarn
		res.Reason = fmt.Sprintf("the page from %s started (HTTP %d) but did not arrive whole: %s", host, d.StatusCode, orWords(fr.BodyNote, "the body ended early"))
		res.Error = &probes.StepError{Step: "read", Message: "read: " + host + ": " + orWords(fr.BodyNote, "the body ended early")}
	case d.Expected:
		res.Status = probes.StatusPass
		if verdict.Kind == classify.VerdictOK {
			res.Reason = fmt.Sprintf("%s answered normally (HTTP %d)", host, d.StatusCode)
		} else {
			res.Reason = host + " answered as expected: " + withStatus(verdictSummary(verdict), d.StatusCode)
		}
		if d.TLS != nil && d.TLS.Intercepted {
			res.Status = probes.StatusWarn
			res.Reason += ", but TLS is re-signed on the way by " + interceptorWords(d.TLS)
		}
	case verdict.Kind == classify.VerdictCFChallenge:
		res.Status = probes.StatusWarn
		res.Reason = fmt.Sprintf("Cloudflare challenge from %s (HTTP %d): a browser with JavaScript and cookies is needed, which is not a block", host, d.StatusCode)
	default:
		res.Status = probes.StatusFail
		res.Reason = withStatus(verdictSummary(verdict), d.StatusCode)
	}
	return res
}

func verdictSummary(v classify.Verdict) string {
	if v.Summary != "" {
		return v.Summary
	}
	return string(v.Kind)
}

// withStatus is a reason naming the HTTP status once: summary as it is when
// it already names the status (most classifier summaries do), otherwise
// with "(HTTP 403)" appended.
func withStatus(summary string, status int) string {
	tag := fmt.Sprintf("HTTP %d", status)
	if strings.Contains(summary, tag) {
		return summary
	}
	return summary + " (" + tag + ")"
}

func interceptorWords(t *probes.TLSDetails) string {
	s := "'" + t.InterceptedBy + "'"
	if t.Product != "" {
		s += " (" + t.Product + ")"
	}
	return s
}

// failureEvidence lists what a request that got no answer did show: the
// chain it was offered, where it connected, redirects so far, timings.
func failureEvidence(d *probes.EndpointDetails) []string {
	var ev []string
	if d.Proxy != "" {
		ev = append(ev, "proxy: "+d.Proxy)
	}
	if d.RemoteAddr != "" {
		ev = append(ev, "connected to "+d.RemoteAddr)
	}
	ev = append(ev, tlsEvidence(d.TLS)...)
	ev = append(ev, redirectEvidence(d.Redirects)...)
	return append(ev, timingEvidence(d.Timings))
}
