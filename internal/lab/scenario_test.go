package lab

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// wantNames is the scenario list the lead and the demo depend on.
var wantNames = []string{
	"healthy", "block-1020", "rate-1015", "sig-1010", "country-1009", "challenge", "origin-5xx",
	"api-401", "api-429-rate", "api-429-quota", "outage-503", "ipv6-only-block", "slow", "blackhole",
	"tls-intercepted", "dns-hijack", "stale-dns", "proxy", "vpn-exit", "captive-portal", "offline",
	"api-500", "status-degraded", "clock-skew", "corporate",
	"huge-body", "drip-body", "escapes", "redirect-loop", "tls-stall", "nxdomain", "servfail", "reset",
}

// causeIDs are the remedies catalogue's cause IDs a scenario may name.
var causeIDs = map[string]bool{
	"": true, "openai-outage": true, "flagged-ip": true, "vpn-proxy-tor": true, "rate-limited": true,
	"quota-exhausted": true, "browser-state": true, "security-software": true, "browser-signature": true,
	"geo-restricted": true, "account-flag": true, "dns-hijack": true, "invalid-api-key": true,
	"missing-api-key": true, "openai-server-error": true, "cloudflare-challenge": true, "clock-skew": true,
	"captive-portal": true, "no-connectivity": true, "ipv6-path": true, "proxy-path": true,
	"corporate-policy": true, "network-filter": true, "dns-failure": true, "origin-error": true, "slow-network": true,
}

var verdictKinds = map[classify.VerdictKind]bool{
	classify.VerdictOK: true, classify.VerdictCFBlock: true, classify.VerdictCFRateLimit: true,
	classify.VerdictCFBrowserSignature: true, classify.VerdictCFCountryBlock: true, classify.VerdictCFIPBan: true,
	classify.VerdictCFMalicious: true, classify.VerdictCFOther1xxx: true, classify.VerdictCFChallenge: true,
	classify.VerdictCF5xx: true, classify.VerdictCFUnknown: true, classify.VerdictOpenAIInvalidKey: true,
	classify.VerdictOpenAIMissingKey: true, classify.VerdictOpenAIIPNotAuthorized: true, classify.VerdictOpenAIRegion: true,
	classify.VerdictOpenAIRateLimit: true, classify.VerdictOpenAIQuota: true, classify.VerdictOpenAIServerError: true,
	classify.VerdictOpenAIOverloaded: true, classify.VerdictOpenAIOther: true, classify.VerdictOriginError: true,
	classify.VerdictCaptivePortal: true, classify.VerdictUnexpected: true,
}

var failures = map[string]bool{FailureDNS: true, FailureRefused: true, FailureTimeout: true, FailureReset: true,
	FailureTLS: true, FailureRedirects: true, FailureProtocol: true}

var keyOutcomes = map[string]bool{"": true, probes.KeyValid: true, probes.KeyInvalid: true, probes.KeyMissing: true,
	probes.KeyQuotaExhausted: true, probes.KeyRateLimited: true, probes.KeyIPNotAuthorized: true,
	probes.KeyRegion: true, probes.KeyServerError: true, probes.KeyUnknown: true}

func TestScenarioTable(t *testing.T) {
	scs := Scenarios()
	if len(scs) != len(wantNames) {
		t.Fatalf("%d scenarios, want %d", len(scs), len(wantNames))
	}
	defaults := probes.DefaultTargets()
	for i, sc := range scs {
		if sc.Name != wantNames[i] {
			t.Errorf("scenario %d is %q, want %q", i, sc.Name, wantNames[i])
		}
		if sc.Description == "" || strings.ContainsAny(sc.Description, "\n\r") || len(sc.Description) > 120 {
			t.Errorf("%s: description must be one short line: %q", sc.Name, sc.Description)
		}
		got, ok := Lookup(sc.Name)
		if !ok || got.Name != sc.Name || got.Description != sc.Description {
			t.Errorf("Lookup(%q) = %v, %v", sc.Name, got.Name, ok)
		}
		e := sc.Expect
		if !causeIDs[e.TopCause] {
			t.Errorf("%s: unknown cause %q", sc.Name, e.TopCause)
		}
		if !keyOutcomes[e.APIKey] {
			t.Errorf("%s: unknown key outcome %q", sc.Name, e.APIKey)
		}
		if len(e.Targets) != len(defaults) {
			t.Fatalf("%s: %d targets, want %d", sc.Name, len(e.Targets), len(defaults))
		}
		for j, te := range e.Targets {
			if te.URL != defaults[j].URL {
				t.Errorf("%s: target %d is %s, want %s", sc.Name, j, te.URL, defaults[j].URL)
			}
			answers := []Answer{te.Answer}
			for _, o := range te.Overrides {
				answers = append(answers, o.Answer)
				if o.Route != "" && o.Route != probes.RouteDirect && o.Route != probes.RouteProxy ||
					o.Family != "" && o.Family != probes.FamilyIPv4 && o.Family != probes.FamilyIPv6 && o.Family != probes.FamilyAny ||
					o.Headers != "" && o.Headers != probes.HeadersPlain && o.Headers != probes.HeadersBrowser {
					t.Errorf("%s: override with unknown axis value %+v", sc.Name, o)
				}
			}
			for _, a := range answers {
				if (a.Failure == "") == (a.Verdict == "") || a.Failure != "" && !failures[a.Failure] ||
					a.Verdict != "" && (!verdictKinds[a.Verdict] || a.Status == 0) {
					t.Errorf("%s %s: answer must be a known verdict with a status or a known failure: %+v", sc.Name, te.URL, a)
				}
			}
			for p, ray := range te.RayIDs {
				if !reRayHeader.MatchString(ray + "-SJC") {
					t.Errorf("%s %s %s: ray %q is not 16 hex digits", sc.Name, te.URL, p, ray)
				}
			}
		}
		if e.Hostile != (i >= 25) {
			t.Errorf("%s: hostile = %v", sc.Name, e.Hostile)
		}
	}
	if _, ok := Lookup("no-such-scenario"); ok {
		t.Error("Lookup found a scenario that does not exist")
	}
}

// TestRayIDsDiffer: Ray IDs are deterministic but not constant, so a test
// asserting one proves it came from the right scenario, path and host.
func TestRayIDsDiffer(t *testing.T) {
	seen := map[string]string{}
	for _, sc := range []string{"healthy", "block-1020"} {
		for _, p := range []string{pathDirect4, pathDirect6, pathProxy} {
			for _, host := range []string{hostChatGPT, hostAPI} {
				key := sc + " " + p + " " + host
				r := rayID(sc, p, host, "/")
				if r != rayID(sc, p, host, "/") {
					t.Fatalf("%s: ray not deterministic", key)
				}
				if prev, dup := seen[r]; dup {
					t.Errorf("%s and %s share ray %s", prev, key, r)
				}
				seen[r] = key
			}
		}
	}
	b, _ := Lookup("block-1020")
	if b.Expect.Targets[0].RayIDs[pathDirect4] == "" || b.Expect.Targets[0].RayIDs[pathDirect6] == "" {
		t.Errorf("block-1020 exposes no ray IDs: %+v", b.Expect.Targets[0].RayIDs)
	}
	if _, ok := b.Expect.Targets[0].RayIDs[pathProxy]; ok {
		t.Error("block-1020 has no proxy, yet exposes a proxy ray")
	}
}

func TestExpectationFor(t *testing.T) {
	sc, _ := Lookup("ipv6-only-block")
	web := sc.Expect.Targets[0]
	cases := []struct {
		v    probes.Variant
		want classify.VerdictKind
	}{
		{variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain), classify.VerdictOK},
		{variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersBrowser), classify.VerdictOK},
		{variant(probes.RouteDirect, probes.FamilyIPv6, probes.HeadersPlain), classify.VerdictCFBlock},
		{variant(probes.RouteDirect, probes.FamilyIPv6, probes.HeadersBrowser), classify.VerdictCFBlock},
	}
	for _, c := range cases {
		if got := web.For(c.v).Verdict; got != c.want {
			t.Errorf("%s: %s, want %s", c.v, got, c.want)
		}
	}
	if PathKey(variant(probes.RouteProxy, probes.FamilyAny, probes.HeadersPlain)) != "proxy-any" ||
		PathKey(variant(probes.RouteDirect, probes.FamilyIPv6, probes.HeadersPlain)) != "direct-ipv6" {
		t.Error("PathKey names paths wrongly")
	}
}

func TestStartRejectsBadInput(t *testing.T) {
	_, err := Start("nope", Options{})
	if err == nil {
		t.Fatal("Start accepted an unknown scenario")
	}
	for _, n := range []string{`"nope"`, "healthy", "block-1020", "reset"} {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not mention %s", err, n)
		}
	}
	if _, err := Start("slow", Options{Latency: -1}); err == nil {
		t.Error("Start accepted a negative latency")
	}
	if _, err := Start("slow", Options{Latency: MaxLatency + time.Millisecond}); err == nil || !strings.Contains(err.Error(), MaxLatency.String()) {
		t.Errorf("Start accepted a latency above MaxLatency, or did not name the limit: %v", err)
	}
	if _, err := Start("drip-body", Options{Drip: -1}); err == nil {
		t.Error("Start accepted a negative drip interval")
	}
}

// TestZoneLooksReal: every OpenAI and Cloudflare-site address is inside
// Cloudflare's published ranges, so probes that check
// "is this Cloudflare?" see what they would on the internet. The resolver
// addresses (1.1.1.1) are Cloudflare's but outside the proxy ranges, as in
// reality.
func TestZoneLooksReal(t *testing.T) {
	ranges := []netip.Prefix{netip.MustParsePrefix("104.16.0.0/13"), netip.MustParsePrefix("162.158.0.0/15"),
		netip.MustParsePrefix("2606:4700::/32")}
	for _, r := range honestZone {
		if r.name == hostOneOneOne {
			continue
		}
		for _, a := range []netip.Addr{r.a, r.aaaa} {
			in := false
			for _, p := range ranges {
				in = in || p.Contains(a)
			}
			if !in {
				t.Errorf("%s: %s is outside Cloudflare's ranges", r.name, a)
			}
		}
	}
	if r, ok := lookupRecord(honestZone, "ChatGPT.com."); !ok || r.a.String() != "104.18.32.47" || r.aaaa.String() != "2606:4700::6812:202f" {
		t.Errorf("chatgpt.com record %+v", r)
	}
}
