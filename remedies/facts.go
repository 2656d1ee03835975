package remedies

import (
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// usable reports whether a result measured something. Skipped and unknown
// results (the probe did not run, timed out, lacked a tool) are never used as
// proof of a problem: a probe the budget cut short must not read as a broken
// network.
func usable(r probes.Result) bool {
	switch r.Status {
	case probes.StatusPass, probes.StatusWarn, probes.StatusFail:
		return r.Details != nil
	}
	return false
}

// measured is one usable result with its typed details.
type measured[T any] struct {
	r probes.Result
	d *T
}

// allOf returns the usable results whose details are a *T, in snapshot
// order. Rules match on the details type, not on ID strings.
func allOf[T any](s probes.Snapshot) []measured[T] {
	var out []measured[T]
	for _, r := range s.Results {
		if !usable(r) {
			continue
		}
		if d, ok := any(r.Details).(*T); ok && d != nil {
			out = append(out, measured[T]{r, d})
		}
	}
	return out
}

// anyOf returns the first details of type *T without the usability filter, for planning (which DNS
// stack to flush) where partial information is better than none and nothing
// is being proven.
func anyOf[T any](s probes.Snapshot) (*T, bool) {
	for _, r := range s.Results {
		if d, ok := any(r.Details).(*T); ok && d != nil {
			return d, true
		}
	}
	return nil, false
}

// obs is one usable endpoint measurement.
type obs struct {
	r    probes.Result
	d    *probes.EndpointDetails
	host string
}

func (o obs) verdict() classify.Verdict { return o.d.Verdict }

// answered: an HTTP response came back (as opposed to a DNS, connect, TLS
// or proxy failure).
func (o obs) answered() bool { return o.d.StatusCode != 0 }

// healthy: the answer is what this target gives a healthy machine. An
// answer the probe had to cut short (a redirect loop, a body that never
// ends) carries a step error and is not healthy, whatever its status line.
func (o obs) healthy() bool {
	return o.answered() && o.r.Error == nil && (o.d.Expected || o.d.Verdict.Kind == classify.VerdictOK)
}

// cut: an answer came back but the probe had to stop following it (a
// redirect loop, too many redirects).
func (o obs) cut() bool { return o.answered() && o.r.Error != nil }

// mangled: an answer whose bytes break HTTP (a control byte or a line
// without a colon among its headers, a body shorter than announced), read
// again the way curl reads it. What it says still counts; that it is
// broken is evidence of its own.
func (o obs) mangled() bool { return o.cut() && o.d.Failure == probes.FailureBadResponse }

// violation is what broke HTTP in a mangled answer, in the probe's words
// ("a control byte (such as ESC) in a header line").
func (o obs) violation() string {
	r := o.r.Reason
	i := strings.Index(r, "(")
	j := strings.Index(r, ");")
	if !o.mangled() || i < 0 || j < i {
		return ""
	}
	return r[i+1 : j]
}

func (o obs) viaProxy() bool { return o.d.Variant.Route == probes.RouteProxy }

// malformed: something answered, but not in HTTP a client can read (a
// broken status line or header). That is an answer, from whatever sits in
// the path, not silence.
func (o obs) malformed() bool { return !o.answered() && o.d.Failure == probes.FailureBadResponse }

// transportStep is the step a request broke at when no answer came back
// ("dns", "connect", "tls", "proxy" …), empty when it was answered.
func (o obs) transportStep() string {
	if o.answered() {
		return ""
	}
	if o.r.Error != nil && o.r.Error.Step != "" {
		return o.r.Error.Step
	}
	return "request"
}

func (o obs) kind() classify.VerdictKind {
	if !o.answered() {
		return ""
	}
	return o.d.Verdict.Kind
}

// firewallBlocked: Cloudflare's firewall refused this client by IP, rule or
// reputation (1020, the WAF page, IP and ASN bans, 1012, an unmarked 403).
// Challenges, rate limits, country and signature blocks have rules of their
// own.
func (o obs) firewallBlocked() bool {
	switch o.kind() {
	case classify.VerdictCFBlock, classify.VerdictCFIPBan, classify.VerdictCFMalicious:
		return true
	case classify.VerdictCFUnknown:
		return o.d.Verdict.Status == 403 || o.d.StatusCode == 403
	}
	return false
}

func (o obs) challenged() bool { return o.kind() == classify.VerdictCFChallenge }

// serverError: OpenAI's servers (or Cloudflare's own) answered with an
// error of their own: 500, 503 overloaded, Cloudflare's internal 500, or
// an unmarked 5xx passed through Cloudflare.
func (o obs) serverError() bool {
	switch o.kind() {
	case classify.VerdictOpenAIServerError, classify.VerdictOpenAIOverloaded:
		return true
	case classify.VerdictCF5xx:
		return cf5xxCode(o) == 500
	case classify.VerdictCFUnknown:
		return o.d.StatusCode >= 500
	}
	return false
}

// originUnreachable: Cloudflare answered because it could not get an answer
// from OpenAI's servers (502, 504, 520–524) or their certificate (525,
// 526), or a 530 without a 1xxx code.
func (o obs) originUnreachable() bool {
	return o.kind() == classify.VerdictCF5xx && cf5xxCode(o) != 500
}

func cf5xxCode(o obs) int {
	if c := o.d.Verdict.Code; c != 0 {
		return c
	}
	return o.d.StatusCode
}

// hostOf names the host a result's URL points at (the URL itself when it
// does not parse, so the result is still named).
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return raw
}

// facts is the snapshot indexed once for the rules.
type facts struct {
	s   probes.Snapshot
	ctx DiagnoseContext

	obs      []obs
	hosts    []string // in first-seen order
	matrices []measured[probes.MatrixDetails]
	traces   []measured[probes.TraceDetails]
	status   []measured[probes.StatusPageDetails]
	apiKeys  []measured[probes.APIKeyDetails]
	vpn      []measured[probes.VPNDetails]
	egress   []measured[probes.EgressDetails]
	tor      []measured[probes.TorDetails]
	captive  []measured[probes.CaptiveDetails]
	publicIP []measured[probes.PublicIPDetails]
	lookups  []measured[probes.DNSLookupDetails]
	proxyEnv []measured[probes.ProxyEnvDetails]
	desktop  []measured[probes.ProxySettingsDetails]
	pac      []measured[probes.PACDetails]
	reach    []measured[probes.ProxyReachDetails]

	// hijacked are the hosts the system resolver sends elsewhere: what
	// their connections meet (a block page's certificate, a refusal) is
	// the hijack's doing, not the path's.
	hijacked map[string]bool
	// splits are the matrix probe's conclusions by host.
	splits map[string]split
	// healthy says, per host, whether it works from here (hostHealthy);
	// failing lists the hosts that do not, in hosts order.
	healthy map[string]bool
	failing []string

	// Signals several rules weigh, found on first use (only a diagnosis
	// needs them). Callers must not modify the slices.
	interceptions    func() []interception
	vpnTorWarp       func() []pathSignal
	corporateSignals func() []pathSignal
	filterCuts       func() []obs
}

func newFacts(s probes.Snapshot, ctx DiagnoseContext) *facts {
	f := &facts{s: s, ctx: ctx}
	for _, m := range allOf[probes.EndpointDetails](s) {
		o := obs{r: m.r, d: m.d, host: hostOf(m.d.URL)}
		f.obs = append(f.obs, o)
		if !slices.Contains(f.hosts, o.host) {
			f.hosts = append(f.hosts, o.host)
		}
	}
	f.matrices = allOf[probes.MatrixDetails](s)
	f.traces = allOf[probes.TraceDetails](s)
	f.status = allOf[probes.StatusPageDetails](s)
	f.apiKeys = allOf[probes.APIKeyDetails](s)
	f.vpn = allOf[probes.VPNDetails](s)
	f.egress = allOf[probes.EgressDetails](s)
	f.tor = allOf[probes.TorDetails](s)
	f.captive = allOf[probes.CaptiveDetails](s)
	f.publicIP = allOf[probes.PublicIPDetails](s)
	f.lookups = allOf[probes.DNSLookupDetails](s)
	f.proxyEnv = allOf[probes.ProxyEnvDetails](s)
	f.desktop = allOf[probes.ProxySettingsDetails](s)
	f.pac = allOf[probes.PACDetails](s)
	f.reach = allOf[probes.ProxyReachDetails](s)
	f.hijacked = map[string]bool{}
	for _, l := range f.lookups {
		if l.d.Hijacked {
			f.hijacked[l.d.Host] = true
		}
	}
	f.splits = map[string]split{}
	for _, m := range f.matrices {
		if m.d.Split != "" && m.d.BlockedWhen != "" {
			f.splits[hostOf(m.d.URL)] = split{m.d.Split, m.d.BlockedWhen, m.r}
		}
	}
	f.healthy = map[string]bool{}
	for _, h := range f.hosts {
		f.healthy[h] = f.hostHealthy(h)
		if !f.healthy[h] {
			f.failing = append(f.failing, h)
		}
	}
	f.interceptions = sync.OnceValue(f.findInterceptions)
	f.vpnTorWarp = sync.OnceValue(f.findVPNTorWarp)
	f.corporateSignals = sync.OnceValue(f.findCorporateSignals)
	f.filterCuts = sync.OnceValue(f.findFilterCuts)
	return f
}

// anyProxied reports whether any request of the run went through a proxy,
// answered or not: only then is there a proxy to bypass.
func (f *facts) anyProxied() bool {
	for _, r := range f.s.Results {
		if d, ok := r.Details.(*probes.EndpointDetails); ok && d != nil && d.Variant.Route == probes.RouteProxy {
			return true
		}
	}
	return false
}

// where returns the endpoint observations that satisfy keep.
func (f *facts) where(keep func(obs) bool) []obs {
	var out []obs
	for _, o := range f.obs {
		if keep(o) {
			out = append(out, o)
		}
	}
	return out
}

// ofKind returns the answered observations whose verdict is one of kinds.
func (f *facts) ofKind(kinds ...classify.VerdictKind) []obs {
	return f.where(func(o obs) bool { return o.answered() && slices.Contains(kinds, o.kind()) })
}

// keysWith returns the API key checks whose outcome is one of outcomes.
func (f *facts) keysWith(outcomes ...string) []measured[probes.APIKeyDetails] {
	var out []measured[probes.APIKeyDetails]
	for _, k := range f.apiKeys {
		if slices.Contains(outcomes, k.d.Outcome) {
			out = append(out, k)
		}
	}
	return out
}

// ofHost returns the observations of one host.
func (f *facts) ofHost(host string) []obs {
	return f.where(func(o obs) bool { return o.host == host })
}

// firstOf returns the host's first observation that is healthy (or, with
// healthy false, the first that is not).
func (f *facts) firstOf(host string, healthy bool) (obs, bool) {
	for _, o := range f.ofHost(host) {
		if o.healthy() == healthy {
			return o, true
		}
	}
	return obs{}, false
}

// isWeb says whether a host is a browser-facing page (judged as a matrix)
// rather than an API.
func (f *facts) isWeb(host string) bool {
	for _, t := range f.ctx.Targets {
		if t.Host() == host {
			return t.Kind == probes.TargetWeb
		}
	}
	for _, m := range f.matrices {
		if hostOf(m.d.URL) == host {
			return true
		}
	}
	for _, o := range f.ofHost(host) {
		if o.d.Variant.Headers == probes.HeadersBrowser {
			return true
		}
	}
	return false
}

// hostHealthy judges whether a host works from here the way its users use
// it (newFacts keeps the answer in healthy). A web page is healthy when
// every browser-header request succeeded: a challenge for requests without
// browser headers is Cloudflare treating a script as a script. One address
// family failing to connect while the other works is not a failure either:
// browsers fall back (the IPv6 rule reports it separately).
func (f *facts) hostHealthy(host string) bool {
	all := f.ofHost(host)
	if len(all) == 0 {
		return false
	}
	web := f.isWeb(host)
	healthyFamilies := map[string]bool{}
	for _, o := range all {
		if o.healthy() {
			healthyFamilies[o.d.Variant.Family] = true
		}
	}
	anyHealthy := false
	for _, o := range all {
		switch {
		case o.healthy():
			anyHealthy = true
		case web && o.d.Variant.Headers == probes.HeadersPlain && o.challenged():
			// Scripts get challenged; browsers do not need to care.
		case !o.answered() && familyFallback(o, healthyFamilies):
		default:
			return false
		}
	}
	return anyHealthy
}

// familyFallback: o failed to connect over one family while the other
// family works on the same route.
func familyFallback(o obs, healthyFamilies map[string]bool) bool {
	switch o.d.Variant.Family {
	case probes.FamilyIPv6:
		return healthyFamilies[probes.FamilyIPv4]
	case probes.FamilyIPv4:
		return healthyFamilies[probes.FamilyIPv6]
	}
	return false
}

// quotaSymptoms are the answers saying the API quota is used up, which
// waiting does not fix.
func (f *facts) quotaSymptoms() ([]obs, []measured[probes.APIKeyDetails]) {
	return f.ofKind(classify.VerdictOpenAIQuota), f.keysWith(probes.KeyQuotaExhausted)
}

// notePath adds the VPN, proxy, Tor and WARP evidence to fnd with the
// sentence saying what it means for this cause; it reports whether there
// was any, so the caller can reorder the remedies.
func (f *facts) notePath(fnd *Finding, sentence string) bool {
	signals := f.vpnTorWarp()
	if len(signals) == 0 {
		return false
	}
	fnd.Summary += " " + sentence
	for _, s := range signals {
		fnd.Evidence = append(fnd.Evidence, s.ev)
	}
	return true
}

// markedConfidence is how sure a rule is of answers that name their cause:
// confirmed when one carries a marker (a Cloudflare code, an OpenAI error)
// or a key check agrees, likely when all are unmarked answers through
// Cloudflare.
func markedConfidence(list []obs, keyChecks int) Confidence {
	if keyChecks > 0 || slices.ContainsFunc(list, func(o obs) bool { return o.kind() != classify.VerdictCFUnknown && !o.mangled() }) {
		return Confirmed
	}
	return Likely
}

// trace returns the usable edge trace for a route ("direct" or "proxy"),
// preferring one whose IP is known.
func (f *facts) trace(route string) (measured[probes.TraceDetails], bool) {
	var best measured[probes.TraceDetails]
	found := false
	for _, t := range f.traces {
		if route != "" && t.d.Route != "" && t.d.Route != route {
			continue
		}
		if !found || (best.d.IP == "" && t.d.IP != "") {
			best, found = t, true
		}
	}
	return best, found
}

// anyTrace returns the best usable trace on any route.
func (f *facts) anyTrace() (measured[probes.TraceDetails], bool) {
	if t, ok := f.trace(probes.RouteDirect); ok {
		return t, true
	}
	return f.trace("")
}
