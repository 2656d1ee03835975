package remedies

import (
	"fmt"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// Synthetic snapshots, built the way the probes fill them. Result IDs follow
// the probes' pattern so evidence reads as it will for users, but the rules
// match on Kind and Details types, never on these strings.

var fixtureTime = time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)

func snap(rs ...probes.Result) probes.Snapshot {
	for i := range rs {
		if rs[i].Started.IsZero() {
			rs[i].Started = fixtureTime
		}
	}
	return probes.Snapshot{RunID: "run1", Started: fixtureTime, Finished: fixtureTime.Add(3 * time.Second), Results: rs}
}

// Verdicts.
var (
	vOK      = classify.Verdict{Kind: classify.VerdictOK, Status: 200, Summary: "answered normally", Cloudflare: true, RayID: "8a1b2c3d4e5f6a70", Colo: "FRA"}
	v1020    = classify.Verdict{Kind: classify.VerdictCFBlock, Status: 403, Code: 1020, Summary: "Cloudflare error 1020: access denied by the site's firewall rules", Cloudflare: true, RayID: "8a1b2c3d4e5f6a7b", Colo: "FRA"}
	v1006    = classify.Verdict{Kind: classify.VerdictCFIPBan, Status: 403, Code: 1006, Summary: "Cloudflare error 1006: your IP address has been banned", Cloudflare: true, RayID: "8a1b2c3d4e5f6a7c", Colo: "FRA"}
	v1012    = classify.Verdict{Kind: classify.VerdictCFMalicious, Status: 403, Code: 1012, Summary: "Cloudflare error 1012: access denied", Cloudflare: true, RayID: "8a1b2c3d4e5f6a7d", Colo: "FRA"}
	v1015    = classify.Verdict{Kind: classify.VerdictCFRateLimit, Status: 429, Code: 1015, Summary: "Cloudflare error 1015: you are being rate limited", Cloudflare: true, RayID: "8a1b2c3d4e5f6a7e", Colo: "FRA", RetryAfterSeconds: 30}
	v1010    = classify.Verdict{Kind: classify.VerdictCFBrowserSignature, Status: 403, Code: 1010, Summary: "Cloudflare error 1010: banned because of the browser's signature", Cloudflare: true, RayID: "8a1b2c3d4e5f6a7f", Colo: "FRA"}
	v1009    = classify.Verdict{Kind: classify.VerdictCFCountryBlock, Status: 403, Code: 1009, Summary: "Cloudflare error 1009: country or region banned", Cloudflare: true, RayID: "8a1b2c3d4e5f6a80", Colo: "HKG", Country: "HK"}
	vChall   = classify.Verdict{Kind: classify.VerdictCFChallenge, Status: 403, Summary: "Cloudflare managed challenge", Cloudflare: true, ChallengeType: "managed", RayID: "8a1b2c3d4e5f6a81", Colo: "FRA"}
	v503     = classify.Verdict{Kind: classify.VerdictOpenAIOverloaded, Status: 503, Summary: "OpenAI: servers overloaded", Cloudflare: true, OpenAI: &classify.OpenAIError{Code: "server_is_overloaded", Type: "service_unavailable_error", RequestID: "req_abc123"}}
	v500     = classify.Verdict{Kind: classify.VerdictOpenAIServerError, Status: 500, Summary: "OpenAI: server error", Cloudflare: true, OpenAI: &classify.OpenAIError{Type: "server_error", RequestID: "req_def456"}}
	vCF502   = classify.Verdict{Kind: classify.VerdictCF5xx, Status: 502, Code: 502, Summary: "Cloudflare 502: bad gateway", Cloudflare: true, RayID: "8a1b2c3d4e5f6a82", Colo: "FRA"}
	vMissing = classify.Verdict{Kind: classify.VerdictOpenAIMissingKey, Status: 401, Summary: "OpenAI: no API key sent", Cloudflare: true, OpenAI: &classify.OpenAIError{Type: "invalid_request_error"}}
	vInvalid = classify.Verdict{Kind: classify.VerdictOpenAIInvalidKey, Status: 401, Summary: "OpenAI: incorrect API key", Cloudflare: true, OpenAI: &classify.OpenAIError{Code: "invalid_api_key", RequestID: "req_inv"}}
	vIPDeny  = classify.Verdict{Kind: classify.VerdictOpenAIIPNotAuthorized, Status: 401, Summary: "OpenAI: IP not authorized", Cloudflare: true}
	vRegion  = classify.Verdict{Kind: classify.VerdictOpenAIRegion, Status: 403, Summary: "OpenAI: country, region, or territory not supported", Cloudflare: true, OpenAI: &classify.OpenAIError{Code: "unsupported_country_region_territory"}}
	vRate    = classify.Verdict{Kind: classify.VerdictOpenAIRateLimit, Status: 429, Summary: "OpenAI: rate limit reached", Cloudflare: true, OpenAI: &classify.OpenAIError{Code: "rate_limit_exceeded"}}
	vQuota   = classify.Verdict{Kind: classify.VerdictOpenAIQuota, Status: 429, Summary: "OpenAI: quota exceeded", Cloudflare: true, OpenAI: &classify.OpenAIError{Code: "insufficient_quota"}}
	vOrigin  = classify.Verdict{Kind: classify.VerdictOriginError, Status: 403, Summary: "HTTP 403 without Cloudflare markers"}
	vPortal  = classify.Verdict{Kind: classify.VerdictCaptivePortal, Status: 200, Summary: "a login page answered instead of the service"}
)

// variantOf parses "direct-ipv4-browser".
func variantOf(cell string) probes.Variant {
	p := strings.Split(cell, "-")
	if len(p) != 3 {
		return probes.Variant{Route: probes.RouteDirect, Family: probes.FamilyAny, Headers: probes.HeadersPlain}
	}
	return probes.Variant{Route: p[0], Family: p[1], Headers: p[2]}
}

type epOpt func(*probes.Result, *probes.EndpointDetails)

// ep is one endpoint result answered with v. cell "default" is the API's
// single request.
func ep(host, cell string, v classify.Verdict, opts ...epOpt) probes.Result {
	u := "https://" + host + "/"
	if strings.HasPrefix(host, "api.") {
		u = "https://" + host + "/v1/models"
	}
	d := &probes.EndpointDetails{URL: u, Variant: variantOf(cell), StatusCode: v.Status, Verdict: v}
	if d.Variant.Route == probes.RouteProxy {
		d.Proxy = "http://proxy.example:3128"
	}
	if v.Kind == classify.VerdictOpenAIMissingKey {
		d.Expected = true
	}
	r := probes.Result{ID: "endpoint:" + host + ":" + cell, Kind: probes.KindEndpoint, Target: u, Title: host + " " + cell, Details: d}
	r.Status = probes.StatusFail
	if v.Kind == classify.VerdictOK || d.Expected {
		r.Status = probes.StatusPass
	}
	r.Reason = v.Summary
	for _, o := range opts {
		o(&r, d)
	}
	return r
}

// epFail is an endpoint result that got no answer, failing at step.
func epFail(host, cell, step, msg string, opts ...epOpt) probes.Result {
	r := ep(host, cell, classify.Verdict{}, opts...)
	d := r.Details.(*probes.EndpointDetails)
	d.StatusCode, d.Verdict = 0, classify.Verdict{}
	r.Status = probes.StatusFail
	r.Reason = msg
	r.Error = &probes.StepError{Step: step, Message: msg}
	return r
}

func withStatus(s probes.Status) epOpt {
	return func(r *probes.Result, _ *probes.EndpointDetails) { r.Status = s }
}

func withTLS(t probes.TLSDetails) epOpt {
	return func(_ *probes.Result, d *probes.EndpointDetails) { d.TLS = &t }
}

func withFailure(code string) epOpt {
	return func(_ *probes.Result, d *probes.EndpointDetails) { d.Failure = code }
}

func withSkew(skew time.Duration) epOpt {
	return func(_ *probes.Result, d *probes.EndpointDetails) { m := probes.Millis(skew); d.ClockSkew = &m }
}

func withHeader(k, v string) epOpt {
	return func(_ *probes.Result, d *probes.EndpointDetails) {
		if d.Headers == nil {
			d.Headers = map[string]string{}
		}
		d.Headers[k] = v
	}
}

// web is a full four-cell direct matrix for a host, every cell answering v.
func web(host string, v classify.Verdict, opts ...epOpt) []probes.Result {
	var out []probes.Result
	for _, c := range []string{"direct-ipv4-browser", "direct-ipv4-plain", "direct-ipv6-browser", "direct-ipv6-plain"} {
		out = append(out, ep(host, c, v, opts...))
	}
	return out
}

// matrix is the matrix probe's result for a host whose blocked cells split
// on one axis (none when split is empty), worded as the probe words it.
func matrix(host, split, when string) probes.Result {
	st, reason := probes.StatusPass, host+" did not block any of 4 answered cells"
	if split != "" {
		st = probes.StatusWarn
		reason = fmt.Sprintf("%s blocked 2 of 4 answered cells: only when %s is %s", host, split, when)
	}
	return probes.Result{ID: "matrix:" + host, Kind: probes.KindMatrix, Target: "https://" + host + "/", Status: st, Reason: reason,
		Details: &probes.MatrixDetails{URL: "https://" + host + "/", Split: split, BlockedWhen: when}}
}

// challengeMatrix is the matrix probe's result for a host that challenged
// (and did not block) the cells on one side of an axis.
func challengeMatrix(host, split, when string) probes.Result {
	return probes.Result{ID: "matrix:" + host, Kind: probes.KindMatrix, Target: "https://" + host + "/", Status: probes.StatusWarn,
		Reason:  fmt.Sprintf("%s served a Cloudflare challenge in 1 of 2 answered cells (only when %s is %s); a browser can pass a challenge", host, split, when),
		Details: &probes.MatrixDetails{URL: "https://" + host + "/", ChallengeSplit: split, ChallengedWhen: when}}
}

type traceOpt func(*probes.TraceDetails)

func trace(route, ip, loc string, opts ...traceOpt) probes.Result {
	d := &probes.TraceDetails{URL: "https://chatgpt.com/cdn-cgi/trace", Host: "chatgpt.com", Route: route, IP: ip, Loc: loc, Colo: "FRA", Warp: "off", Gateway: "off", Verdict: vOK}
	for _, o := range opts {
		o(d)
	}
	return probes.Result{ID: "trace:chatgpt.com:" + route, Kind: probes.KindEdgeTrace, Target: "chatgpt.com", Status: probes.StatusPass, Details: d}
}

func traceSkew(skew time.Duration) traceOpt {
	return func(d *probes.TraceDetails) { m := probes.Millis(skew); d.ClockSkew = &m }
}

func statusPage(indicator, chatgpt, api string, st probes.Status) probes.Result {
	return probes.Result{ID: "status:openai", Kind: probes.KindStatusPage, Status: st,
		Details: &probes.StatusPageDetails{URL: probes.DefaultStatusURL, Indicator: indicator, Description: "status " + indicator, ChatGPT: chatgpt, API: api,
			Incidents: []probes.StatusIncident{{Name: "Elevated errors", Status: "investigating", Impact: indicator}}}}
}

func apiKey(outcome string, code int, st probes.Status) probes.Result {
	return probes.Result{ID: "apikey:openai", Kind: probes.KindAPIKey, Status: st,
		Details: &probes.APIKeyDetails{URL: "https://api.openai.com/v1/models", EnvVar: "OPENAI_API_KEY", Outcome: outcome, StatusCode: code, RequestID: "req_key1"}}
}

func vpnResult(active bool, st probes.Status) probes.Result {
	d := &probes.VPNDetails{Active: active, OnEgress: active}
	if active {
		d.Signals = []probes.VPNSignal{{Source: "interface", Product: "WireGuard", Evidence: "interface wg0: DEVTYPE=wireguard"}}
	}
	return probes.Result{ID: "identity:vpn", Kind: probes.KindIdentity, Status: st, Details: d}
}

func torResult() probes.Result {
	return probes.Result{ID: "identity:tor", Kind: probes.KindIdentity, Status: probes.StatusWarn,
		Details: &probes.TorDetails{Running: true, Processes: []string{"tor"}, Listeners: []string{"127.0.0.1:9050"}}}
}

func egress(v4, v6 bool, tunnel *probes.TunnelInfo) probes.Result {
	d := &probes.EgressDetails{IPv4Available: v4, IPv6Available: v6}
	if v4 {
		d.IPv4 = &probes.EgressPath{Probe: "1.1.1.1:53", Source: "192.0.2.10", Interface: "eth0", Tunnel: tunnel}
		if tunnel != nil {
			d.IPv4.Interface = "wg0"
		}
	}
	if v6 {
		d.IPv6 = &probes.EgressPath{Probe: "[2606:4700:4700::1111]:53", Source: "2001:db8::10", Interface: "eth0"}
	}
	return probes.Result{ID: "identity:egress", Kind: probes.KindIdentity, Status: probes.StatusPass, Details: d}
}

func captiveResult(portal bool) probes.Result {
	st := probes.StatusPass
	d := &probes.CaptiveDetails{URL: probes.DefaultCaptiveURL, Expected: "204 No Content", StatusCode: 204}
	if portal {
		st, d.Portal, d.StatusCode, d.RedirectTo = probes.StatusFail, true, 302, "http://login.hotel.example/"
	}
	return probes.Result{ID: "identity:captive", Kind: probes.KindIdentity, Status: st, Details: d}
}

func publicIP(loc string, supported bool) probes.Result {
	return probes.Result{ID: "identity:public-ip", Kind: probes.KindIdentity, Status: probes.StatusWarn,
		Details: &probes.PublicIPDetails{TraceIP: "203.0.113.7", TraceLoc: loc, CountrySupported: &supported, SupportedListDate: "2026-08-05"}}
}

func answer(resolver, transport, rcode string, addrs ...probes.AddressInfo) probes.ResolverAnswer {
	return probes.ResolverAnswer{Resolver: resolver, Transport: transport, RCode: rcode, Addrs: addrs}
}

var (
	cfAddr   = probes.AddressInfo{IP: "104.18.32.47", Cloudflare: true, Class: "public"}
	privAddr = probes.AddressInfo{IP: "10.10.0.1", Class: "private"}
)

func lookup(host string, hijacked bool, answers ...probes.ResolverAnswer) probes.Result {
	d := &probes.DNSLookupDetails{Host: host, Answers: answers, Consistent: !hijacked, Hijacked: hijacked, RangesDate: "2026-07-02"}
	if hijacked {
		d.HijackReason = "private address while 1.1.1.1:53 returns Cloudflare"
	}
	st := probes.StatusPass
	if hijacked {
		st = probes.StatusFail
	}
	return probes.Result{ID: "dns:lookup:" + host, Kind: probes.KindDNS, Status: st, Details: d}
}

func dnsConfig(stack string, caches ...string) probes.Result {
	return probes.Result{ID: "dns:config", Kind: probes.KindDNS, Status: probes.StatusPass,
		Details: &probes.DNSConfigDetails{Source: "/etc/resolv.conf", Stack: stack, Servers: []string{"127.0.0.53"}, Caches: caches}}
}

func proxyEnv(proxy string) probes.Result {
	d := &probes.ProxyEnvDetails{Effective: []probes.EffectiveProxy{{URL: "https://chatgpt.com/", Proxy: proxy, Why: "HTTPS_PROXY"}}}
	if proxy != "" {
		d.Vars = []probes.EnvVar{{Name: "HTTPS_PROXY", Value: proxy}}
	}
	return probes.Result{ID: "proxy:env", Kind: probes.KindProxy, Status: probes.StatusPass, Details: d}
}

func hostResult() probes.Result {
	return probes.Result{ID: "identity:host", Kind: probes.KindIdentity, Status: probes.StatusPass,
		Details: &probes.HostDetails{Facts: probes.HostFacts{Hostname: "alices-laptop", OS: "linux", Platform: "ubuntu", PlatformVersion: "24.04"}}}
}

// healthy is a machine from which everything works.
func healthy(extra ...probes.Result) probes.Snapshot {
	rs := web("chatgpt.com", vOK)
	rs = append(rs, matrix("chatgpt.com", "", ""),
		ep("api.openai.com", "default", vMissing),
		trace("direct", "203.0.113.7", "DE"),
		statusPage("none", "operational", "operational", probes.StatusPass))
	return snap(append(rs, extra...)...)
}

func concat(parts ...[]probes.Result) []probes.Result {
	var out []probes.Result
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func one(rs ...probes.Result) []probes.Result { return rs }

// withTimings sets the phases in milliseconds; firstByte counts from the
// start of the request, as the probe measures it.
func withTimings(dns, connect, tls, firstByte int) epOpt {
	return func(_ *probes.Result, d *probes.EndpointDetails) {
		m := func(n int) probes.Millis { return probes.Millis(time.Duration(n) * time.Millisecond) }
		d.Timings = probes.PhaseTimings{DNS: m(dns), Connect: m(connect), TLS: m(tls), FirstByte: m(firstByte), Total: m(firstByte + 5)}
	}
}
