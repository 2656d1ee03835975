package lab

import (
	"slices"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// Scenario is one fake internet the lab can play: a name for `gptdoctor demo
// NAME`, a one-line description for `demo --list`, and what a correct
// diagnosis of it looks like.
type Scenario struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Expect      Expectation `json:"expect"`
}

// Expectation is what the lab promises a correct client observes in a
// scenario, so integration tests can hold the probes and the diagnosis to it
// without knowing how the lab is built.
type Expectation struct {
	// Targets holds one entry per probes.DefaultTargets() URL, in that
	// order.
	Targets []TargetExpectation `json:"targets"`
	// TopCause is the cause ID the diagnosis should rank first, from the
	// remedies catalogue ("flagged-ip", "dns-hijack" …); empty when the
	// machine is healthy or only a non-network finding is expected.
	TopCause string `json:"top_cause"`
	// APIKey is the outcome the API-key probe should report with the key
	// the scenario puts in OPENAI_API_KEY (probes.KeyValid …); empty when
	// the scenario sets no key (the probe is skipped).
	APIKey string `json:"api_key,omitempty"`
	// Trace is what /cdn-cgi/trace on chatgpt.com reports per path
	// ("direct-ipv4", "direct-ipv6", "proxy-any"; see PathKey). Paths that
	// cannot reach the edge in this scenario are absent.
	Trace map[string]TraceExpectation `json:"trace,omitempty"`
	// DNS is what the resolvers answer.
	DNS DNSExpectation `json:"dns"`
	// StatusIndicator is the status page's status.indicator (none, major);
	// empty when the status page cannot be reached.
	StatusIndicator string `json:"status_indicator,omitempty"`
	// Captive is true when the captive-portal check finds a portal.
	Captive bool `json:"captive,omitempty"`
	// Proxy is true when the scenario configures HTTPS_PROXY.
	Proxy bool `json:"proxy,omitempty"`
	// Hostile marks scenarios that exist to test robustness (huge or
	// dripping bodies, escape sequences, loops, stalls): assert that the
	// client stays bounded and sanitised, and treat TopCause as the most
	// likely reading rather than a contract.
	Hostile bool `json:"hostile,omitempty"`
}

// TargetExpectation is what one target answers, per matrix cell.
type TargetExpectation struct {
	URL string `json:"url"`
	// Answer is what every variant gets unless an override matches. For
	// chat.openai.com it is the answer after following its 308 to
	// chatgpt.com.
	Answer
	// Overrides replace Answer for the variants they match; the first
	// match wins.
	Overrides []VariantAnswer `json:"overrides,omitempty"`
	// RayIDs are the 16-hex Ray IDs of the final response per path
	// ("direct-ipv4" …), for paths where the edge answers.
	RayIDs map[string]string `json:"ray_ids,omitempty"`
}

// Answer is one expected outcome of a request.
type Answer struct {
	// Verdict is the classifier's verdict; empty when no HTTP response
	// arrives (see Failure).
	Verdict classify.VerdictKind `json:"verdict,omitempty"`
	// Status is the final HTTP status; 0 when no response arrives.
	Status int `json:"status,omitempty"`
	// Code is the Cloudflare 1xxx/5xx code the response states, 0 if none.
	Code int `json:"code,omitempty"`
	// Failure is the transport failure class when no response arrives:
	// one of the Failure* constants.
	Failure string `json:"failure,omitempty"`
}

// VariantAnswer overrides a target's answer for the matrix cells it
// matches. Empty Route, Family or Headers match any value.
type VariantAnswer struct {
	Route   string `json:"route,omitempty"`
	Family  string `json:"family,omitempty"`
	Headers string `json:"headers,omitempty"`
	Answer
}

// Failure classes: how a request fails when no HTTP response arrives.
const (
	FailureDNS       = "dns"       // the name does not resolve (NXDOMAIN, SERVFAIL, no address of that family)
	FailureRefused   = "refused"   // TCP connect refused
	FailureTimeout   = "timeout"   // TCP or TLS accepted but nothing answers
	FailureReset     = "reset"     // the connection is reset
	FailureTLS       = "tls"       // the certificate does not verify
	FailureRedirects = "redirects" // the redirect chain never ends
	FailureProtocol  = "protocol"  // the response is malformed
)

// TraceExpectation is what /cdn-cgi/trace reports about the client.
type TraceExpectation struct {
	IP   string `json:"ip"`
	Loc  string `json:"loc"`
	Colo string `json:"colo"`
	Warp string `json:"warp"`
}

// DNSExpectation is what the resolvers say.
type DNSExpectation struct {
	// SystemRCode is the system resolver's answer for chatgpt.com
	// (NOERROR, NXDOMAIN, SERVFAIL).
	SystemRCode string `json:"system_rcode"`
	// SystemChatGPT are the addresses it gives for chatgpt.com.
	SystemChatGPT []string `json:"system_chatgpt,omitempty"`
	// Hijacked is true when those addresses are not what independent
	// resolvers return.
	Hijacked bool `json:"hijacked,omitempty"`
	// ResolverEgress is whoami.ds.akahelp.net's "ns" value through the
	// system resolver; PublicIP is whoami.cloudflare CH TXT via 1.1.1.1:53.
	// Empty when unreachable.
	ResolverEgress string `json:"resolver_egress,omitempty"`
	PublicIP       string `json:"public_ip,omitempty"`
}

// For returns the answer a matrix cell should get.
func (t TargetExpectation) For(v probes.Variant) Answer {
	for _, o := range t.Overrides {
		if (o.Route == "" || o.Route == v.Route) &&
			(o.Family == "" || o.Family == v.Family) &&
			(o.Headers == "" || o.Headers == v.Headers) {
			return o.Answer
		}
	}
	return t.Answer
}

// RayID returns the Ray ID the final response carries for a cell, or ""
// when no edge answers on that path.
func (t TargetExpectation) RayID(v probes.Variant) string {
	return t.RayIDs[PathKey(v)]
}

// PathKey names the client identity a variant reaches the edge as:
// "direct-ipv4", "direct-ipv6" or "proxy-any" (whatever family the proxy
// chose).
func PathKey(v probes.Variant) string {
	if v.Route == probes.RouteProxy {
		return pathProxy
	}
	return v.Route + "-" + v.Family
}

// Scenarios lists every scenario in a stable order: the diagnosable ones
// first, then the hostile ones.
func Scenarios() []Scenario {
	specs := allSpecs()
	out := make([]Scenario, len(specs))
	for i, s := range specs {
		out[i] = s.scenario()
	}
	return out
}

// Lookup finds a scenario by name.
func Lookup(name string) (Scenario, bool) {
	s, ok := specByName(name)
	if !ok {
		return Scenario{}, false
	}
	return s.scenario(), true
}

// names lists scenario names sorted, for error messages.
func names() []string {
	var out []string
	for _, s := range allSpecs() {
		out = append(out, s.name)
	}
	slices.Sort(out)
	return out
}

// FastLimits are probe limits for tests that run the scenarios which stall
// (Scenario.Stalls): a stall is the same stall in milliseconds, so a test
// never waits out the seconds a real network is given.
var FastLimits = probes.Limits{Probe: 800 * time.Millisecond, DNS: 200 * time.Millisecond, Connect: 300 * time.Millisecond,
	TLS: 300 * time.Millisecond, Header: 400 * time.Millisecond, BodyReserve: 150 * time.Millisecond,
	DNSQuery: 300 * time.Millisecond, DNSRetransmit: 100 * time.Millisecond, Command: 200 * time.Millisecond}

// Stalls reports whether a run of the scenario waits out the probes'
// limits: a body that drips, or a request expected to time out. (A huge
// body is cut by size, not time, and the slow scenario's delay must stay
// under the limits to read as slow rather than dead.)
func (s Scenario) Stalls() bool {
	if s.Name == "drip-body" {
		return true
	}
	for _, te := range s.Expect.Targets {
		if te.Failure == FailureTimeout || slices.ContainsFunc(te.Overrides, func(o VariantAnswer) bool { return o.Failure == FailureTimeout }) {
			return true
		}
	}
	return false
}
