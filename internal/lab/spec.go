package lab

import (
	"net/url"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// spec is how a scenario is built: which knobs of the fake internet it
// turns, and what a correct client should then observe. The knobs drive
// the servers; the hand-written expectation is checked against real
// requests by the tests, so the two cannot drift apart silently.
type spec struct {
	name, desc string
	// ids are the client as the edge sees it per path; zero means
	// defaultIdentities.
	ids identities
	// env is the scenario's environment (proxy, API key); values layer
	// over the caller's.
	env map[string]string

	gate    *gate    // chatgpt.com's firewall rule, nil when none fires
	web     webMode  // what chatgpt.com's origin answers
	api     apiMode  // what api.openai.com answers
	dns     dnsMode  // how the resolvers behave
	conn    connMode // where TCP connects to the edge addresses land
	proxy   bool     // run the CONNECT proxy and set HTTPS_PROXY
	slow    bool     // add latency before every edge response
	escape  bool     // inject terminal escape sequences everywhere
	hostile bool
	// intercept makes a root installed on the machine re-sign every edge
	// certificate: an antivirus's, or a company's inspection proxy's.
	intercept interceptor
	// status is what OpenAI's status page reports besides an outage.
	status statusMode
	// clockSkew is how far this machine's clock runs ahead of the lab's
	// servers: the edge's trace and Date headers run behind by it.
	clockSkew time.Duration

	expect Expectation // Targets, TopCause and APIKey; scenario() derives the rest
}

// gate is a Cloudflare firewall rule on the chatgpt.com zone.
type gate struct {
	// code is the error the rule answers: 1020, 1015, 1009, or 1010,
	// which fires only for requests without a browser signature (a
	// Browser Integrity Check / UA rule); 0 serves a managed challenge.
	code int
	// paths limits the rule to some client identities; nil means all.
	paths []string
}

type interceptor int

const (
	interceptNone      interceptor = iota
	interceptAntivirus             // Kaspersky's personal root, as an antivirus installs it
	interceptCorporate             // Zscaler's root, as a company's TLS inspection installs it
)

type statusMode int

const (
	statusFromWeb  statusMode = iota // operational, or the outage web503 stages
	statusDegraded                   // minor: ChatGPT degraded performance, an open incident
)

type webMode int

const (
	webApp          webMode = iota // 200, the app shell
	web522                         // Cloudflare 522: the origin timed out
	web503                         // the origin's 503 passed through Cloudflare: an outage
	webHuge                        // 200 with a 1 GiB body
	webDrip                        // 200, one body byte per second
	webRedirectLoop                // 302 to itself forever
)

type apiMode int

const (
	apiNormal      apiMode = iota // 401 missing key without one, 200 with one
	apiInvalidKey                 // 401 invalid_api_key
	apiRateLimit                  // 429 rate_limit_exceeded
	apiQuota                      // 429 insufficient_quota
	apiOverloaded                 // 503 server_is_overloaded, key or not
	apiRegion                     // 403 unsupported_country_region_territory, key or not
	apiMalformed                  // a raw ESC in a header line: unparsable
	apiServerError                // 500 server_error, key or not
)

type dnsMode int

const (
	dnsHonest   dnsMode = iota
	dnsHijack           // system resolver lies about OpenAI hosts
	dnsNXDomain         // system resolver says OpenAI hosts do not exist
	dnsServfail         // system resolver fails every query
	dnsStale            // the machine's resolver cache holds an old address for chatgpt.com until flushed
)

type connMode int

const (
	connEdge      connMode = iota
	connBlackhole          // OpenAI hosts: TCP accepted, then silence
	connTLSStall           // OpenAI hosts: TLS handshake never completes
	connReset              // OpenAI hosts: RST on accept
	connCaptive            // every edge address: :80 the portal, :443 refused
	connOffline            // every address refused; resolvers fail (system SERVFAIL, 1.1.1.1 silent, 8.8.8.8 REFUSED)
)

// The API keys scenarios put in OPENAI_API_KEY. They are fake; the
// invalid one is shaped so OpenAI's masked echo of it is recognisable.
const (
	labValidKey   = "sk-proj-labDemoKey0valid7Q2mX8vN3pL6wT1rY5uZ0aBcDeF"
	labInvalidKey = "sk-abc1x9Lq2Wm7Rt4Yp8Zs3Vd6Fg0Hj5Kn2Bc8Nm4Qr7Tw1wxyz"
)

// Answers shared by many scenarios.
var (
	ansOK         = Answer{Verdict: classify.VerdictOK, Status: 200}
	ansAPIMissing = Answer{Verdict: classify.VerdictOpenAIMissingKey, Status: 401}
	ans1020       = Answer{Verdict: classify.VerdictCFBlock, Status: 403, Code: 1020}
)

func failure(class string) Answer { return Answer{Failure: class} }

// targets builds the three default-target expectations; chat.openai.com
// redirects to chatgpt.com, so it expects the same final answer.
func targets(web Answer, webOverrides []VariantAnswer, api Answer) []TargetExpectation {
	urls := probes.DefaultTargets()
	return []TargetExpectation{
		{URL: urls[0].URL, Answer: web, Overrides: webOverrides},
		{URL: urls[1].URL, Answer: web, Overrides: webOverrides},
		{URL: urls[2].URL, Answer: api},
	}
}

func env(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// allSpecs is the scenario table, in the order `demo --list` shows it.
func allSpecs() []spec {
	russia := defaultIdentities()
	russia.v4.loc, russia.v4.colo = "RU", "ARN"
	russia.v6.loc, russia.v6.colo = "RU", "ARN"
	warp := defaultIdentities()
	warp.v4 = identity{path: pathDirect4, ip: "104.28.197.122", loc: "NL", colo: "AMS", warp: "on", fl: "81f311"}
	warp.v6 = identity{path: pathDirect6, ip: "2a09:bac1:3f40::1f:2e7", loc: "NL", colo: "AMS", warp: "on", fl: "81f311"}

	specs := []spec{
		{
			name: "healthy", desc: "everything works: chatgpt.com loads, the API answers, the API key is valid",
			env:    env("OPENAI_API_KEY", labValidKey),
			expect: Expectation{Targets: targets(ansOK, nil, ansAPIMissing), APIKey: probes.KeyValid},
		},
		{
			name: "block-1020", desc: "chatgpt.com answers Cloudflare error 1020 (access denied) to this IP on every path",
			gate:   &gate{code: 1020},
			expect: Expectation{Targets: targets(ans1020, nil, ansAPIMissing), TopCause: "flagged-ip"},
		},
		{
			name: "rate-1015", desc: "chatgpt.com answers Cloudflare error 1015 (rate limited, retry after 30 s)",
			gate: &gate{code: 1015},
			expect: Expectation{Targets: targets(Answer{Verdict: classify.VerdictCFRateLimit, Status: 429, Code: 1015}, nil, ansAPIMissing),
				TopCause: "rate-limited"},
		},
		{
			name: "sig-1010", desc: "chatgpt.com answers 1010 (browser signature) to scripts and curl, but serves real browsers",
			gate: &gate{code: 1010},
			expect: Expectation{Targets: targets(ansOK,
				[]VariantAnswer{{Headers: probes.HeadersPlain, Answer: Answer{Verdict: classify.VerdictCFBrowserSignature, Status: 403, Code: 1010}}},
				ansAPIMissing), TopCause: "browser-signature"},
		},
		{
			name: "country-1009", desc: "the IP geolocates to Russia: chatgpt.com answers 1009, the API refuses the region",
			ids: russia, gate: &gate{code: 1009}, api: apiRegion,
			expect: Expectation{Targets: targets(Answer{Verdict: classify.VerdictCFCountryBlock, Status: 403, Code: 1009}, nil,
				Answer{Verdict: classify.VerdictOpenAIRegion, Status: 403}), TopCause: "geo-restricted"},
		},
		{
			name: "challenge", desc: "chatgpt.com serves a Cloudflare managed challenge (cf-mitigated: challenge)",
			gate: &gate{},
			expect: Expectation{Targets: targets(Answer{Verdict: classify.VerdictCFChallenge, Status: 403}, nil, ansAPIMissing),
				TopCause: "cloudflare-challenge"},
		},
		{
			name: "origin-5xx", desc: "chatgpt.com answers Cloudflare 522 (origin timed out) while the status page is green",
			web: web522,
			expect: Expectation{Targets: targets(Answer{Verdict: classify.VerdictCF5xx, Status: 522, Code: 522}, nil, ansAPIMissing),
				TopCause: "origin-error"},
		},
		{
			name: "api-401", desc: "the OPENAI_API_KEY in the environment is rejected as invalid (401 invalid_api_key)",
			api: apiInvalidKey, env: env("OPENAI_API_KEY", labInvalidKey),
			expect: Expectation{Targets: targets(ansOK, nil, ansAPIMissing), APIKey: probes.KeyInvalid, TopCause: "invalid-api-key"},
		},
		{
			name: "api-429-rate", desc: "the API key works but hits its rate limit (429 rate_limit_exceeded)",
			api: apiRateLimit, env: env("OPENAI_API_KEY", labValidKey),
			expect: Expectation{Targets: targets(ansOK, nil, ansAPIMissing), APIKey: probes.KeyRateLimited, TopCause: "rate-limited"},
		},
		{
			name: "api-429-quota", desc: "the API key's account is out of credit (429 insufficient_quota)",
			api: apiQuota, env: env("OPENAI_API_KEY", labValidKey),
			expect: Expectation{Targets: targets(ansOK, nil, ansAPIMissing), APIKey: probes.KeyQuotaExhausted, TopCause: "quota-exhausted"},
		},
		{
			name: "outage-503", desc: "OpenAI is down: chatgpt.com and the API answer 503, the status page reports a major incident",
			web: web503, api: apiOverloaded,
			expect: Expectation{Targets: targets(Answer{Verdict: classify.VerdictCFUnknown, Status: 503}, nil,
				Answer{Verdict: classify.VerdictOpenAIOverloaded, Status: 503}), TopCause: "openai-outage"},
		},
		{
			name: "ipv6-only-block", desc: "chatgpt.com answers 1020 over IPv6 only; IPv4 works",
			gate: &gate{code: 1020, paths: []string{pathDirect6}},
			expect: Expectation{Targets: targets(ansOK,
				[]VariantAnswer{{Route: probes.RouteDirect, Family: probes.FamilyIPv6, Answer: ans1020}},
				ansAPIMissing), TopCause: "ipv6-path"},
		},
		{
			name: "slow", desc: "everything works, slowly: every edge response waits (default 1 s) before its headers",
			slow:   true,
			expect: Expectation{Targets: targets(ansOK, nil, ansAPIMissing), TopCause: "slow-network"},
		},
		{
			name: "blackhole", desc: "connections to OpenAI hosts are accepted and then never answered, not even TLS",
			conn:   connBlackhole,
			expect: Expectation{Targets: targets(failure(FailureTimeout), nil, failure(FailureTimeout)), TopCause: "network-filter"},
		},
		{
			name: "tls-intercepted", desc: "an antivirus (Kaspersky) re-signs TLS with its own root, and chatgpt.com answers 1020",
			gate: &gate{code: 1020}, intercept: interceptAntivirus,
			expect: Expectation{Targets: targets(ans1020, nil, ansAPIMissing), TopCause: "security-software"},
		},
		{
			name: "dns-hijack", desc: "the ISP resolver sends OpenAI hosts to a block page (198.51.100.7) or 0.0.0.0; 1.1.1.1 and DoH are honest",
			dns: dnsHijack,
			expect: Expectation{Targets: targets(failure(FailureTLS),
				[]VariantAnswer{{Family: probes.FamilyIPv6, Answer: failure(FailureDNS)}},
				failure(FailureRefused)), TopCause: "dns-hijack"},
		},
		{
			name: "stale-dns", desc: "the DNS cache still holds the office VPN's answer for chatgpt.com (10.20.0.15), refused off the VPN",
			dns:    dnsStale,
			expect: Expectation{Targets: targets(failure(FailureRefused), nil, ansAPIMissing), TopCause: "dns-hijack"},
		},
		{
			name: "proxy", desc: "HTTPS_PROXY points at a working proxy whose exit chatgpt.com blocks (1020); direct works",
			gate: &gate{code: 1020, paths: []string{pathProxy}}, proxy: true,
			expect: Expectation{Targets: targets(ansOK,
				[]VariantAnswer{{Route: probes.RouteProxy, Answer: ans1020}},
				ansAPIMissing), TopCause: "proxy-path"},
		},
		{
			name: "vpn-exit", desc: "traffic leaves through a VPN (WARP, Amsterdam) whose exit chatgpt.com blocks with 1020",
			ids: warp, gate: &gate{code: 1020},
			expect: Expectation{Targets: targets(ans1020, nil, ansAPIMissing), TopCause: "vpn-proxy-tor"},
		},
		{
			name: "captive-portal", desc: "a hotspot login page intercepts plain HTTP and refuses HTTPS until you log in",
			conn:   connCaptive,
			expect: Expectation{Targets: targets(failure(FailureRefused), nil, failure(FailureRefused)), TopCause: "captive-portal"},
		},
		{
			name: "offline", desc: "no network: resolvers fail (SERVFAIL, REFUSED, silence) and every connection is refused",
			conn:   connOffline,
			expect: Expectation{Targets: targets(failure(FailureDNS), nil, failure(FailureDNS)), TopCause: "no-connectivity"},
		},
		{
			name: "api-500", desc: "the API answers 500 server_error to every request; chatgpt.com and the status page are fine",
			api: apiServerError, env: env("OPENAI_API_KEY", labValidKey),
			expect: Expectation{Targets: targets(ansOK, nil, Answer{Verdict: classify.VerdictOpenAIServerError, Status: 500}),
				APIKey: probes.KeyServerError, TopCause: "openai-server-error"},
		},
		{
			name: "status-degraded", desc: "everything answers, while OpenAI's status page reports degraded performance for ChatGPT",
			status: statusDegraded,
			// Worth checking, not a cause: the outage finding is possible.
			expect: Expectation{Targets: targets(ansOK, nil, ansAPIMissing)},
		},
		{
			name: "clock-skew", desc: "this machine's clock runs 26 minutes ahead: pages load, but logins and challenges are time-limited",
			clockSkew: 26 * time.Minute,
			expect:    Expectation{Targets: targets(ansOK, nil, ansAPIMissing), TopCause: "clock-skew"},
		},
		{
			name: "corporate", desc: "a company's Zscaler inspects TLS and its shared egress IP gets chatgpt.com's 1020",
			gate: &gate{code: 1020}, intercept: interceptCorporate,
			expect: Expectation{Targets: targets(ans1020, nil, ansAPIMissing), TopCause: "corporate-policy"},
		},
		// Hostile scenarios: robustness, not diagnosis.
		{
			name: "huge-body", desc: "hostile: chatgpt.com streams a 1 GiB page",
			web: webHuge, hostile: true,
			expect: Expectation{Targets: targets(ansOK, nil, ansAPIMissing)},
		},
		{
			name: "drip-body", desc: "hostile: chatgpt.com sends its headers, then one body byte per second",
			web: webDrip, hostile: true,
			expect: Expectation{Targets: targets(ansOK, nil, ansAPIMissing)},
		},
		{
			name: "escapes", desc: "hostile: terminal escape sequences in headers (server, cf-ray), pages, DNS TXT, trace and status text",
			gate: &gate{code: 1020}, api: apiMalformed, escape: true, hostile: true,
			expect: Expectation{Targets: targets(ans1020, nil, failure(FailureProtocol)), TopCause: "flagged-ip"},
		},
		{
			name: "redirect-loop", desc: "hostile: chatgpt.com redirects to itself forever",
			web: webRedirectLoop, hostile: true,
			expect: Expectation{Targets: targets(failure(FailureRedirects), nil, ansAPIMissing), TopCause: "origin-error"},
		},
		{
			name: "tls-stall", desc: "hostile: OpenAI hosts accept TCP and start TLS but never finish the handshake",
			conn: connTLSStall, hostile: true,
			expect: Expectation{Targets: targets(failure(FailureTimeout), nil, failure(FailureTimeout)), TopCause: "network-filter"},
		},
		{
			name: "nxdomain", desc: "hostile: the system resolver says OpenAI hosts do not exist; 1.1.1.1 and DoH are honest",
			dns: dnsNXDomain, hostile: true,
			expect: Expectation{Targets: targets(failure(FailureDNS), nil, failure(FailureDNS)), TopCause: "dns-hijack"},
		},
		{
			name: "servfail", desc: "hostile: the system resolver answers SERVFAIL to everything; 1.1.1.1 works",
			dns: dnsServfail, hostile: true,
			expect: Expectation{Targets: targets(failure(FailureDNS), nil, failure(FailureDNS)), TopCause: "dns-failure"},
		},
		{
			name: "reset", desc: "hostile: connections to OpenAI hosts are reset (TCP RST) as soon as they open",
			conn: connReset, hostile: true,
			expect: Expectation{Targets: targets(failure(FailureReset), nil, failure(FailureReset)), TopCause: "network-filter"},
		},
	}
	for i := range specs {
		if specs[i].ids == (identities{}) {
			specs[i].ids = defaultIdentities()
		}
	}
	return specs
}

// zone is the DNS data of the scenario: the public zone, plus the hotspot's
// login host behind a captive portal.
func (s spec) zone() []record {
	if s.conn != connCaptive {
		return honestZone
	}
	return append(append([]record(nil), honestZone...), record{name: hostPortal, a: portalAddr})
}

func specByName(name string) (spec, bool) {
	for _, s := range allSpecs() {
		if s.name == name {
			return s, true
		}
	}
	return spec{}, false
}

// scenario derives the exported description: the hand-written parts plus
// what follows from the knobs (trace identities, DNS, Ray IDs).
func (s spec) scenario() Scenario {
	e := s.expect
	e.Hostile = s.hostile
	e.Proxy = s.proxy
	e.Captive = s.conn == connCaptive
	e.DNS = s.dnsExpectation()

	// Which paths reach the edge for chatgpt.com: direct ones when
	// nothing interferes, the proxy's whenever there is one.
	reach := map[string]identity{}
	if s.conn == connEdge && s.dns == dnsHonest {
		reach[pathDirect4], reach[pathDirect6] = s.ids.v4, s.ids.v6
	}
	if s.proxy {
		reach[pathProxy] = s.ids.proxy
	}
	// A stale cache misleads chatgpt.com's lookups only: the status page
	// resolves and answers.
	if len(reach) > 0 || s.conn == connEdge && s.dns == dnsStale {
		for p, id := range reach {
			if e.Trace == nil {
				e.Trace = map[string]TraceExpectation{}
			}
			e.Trace[p] = TraceExpectation{IP: id.ip, Loc: id.loc, Colo: id.colo, Warp: id.warp}
		}
		e.StatusIndicator = "none"
		switch {
		case s.outage():
			e.StatusIndicator = "major"
		case s.status == statusDegraded:
			e.StatusIndicator = "minor"
		}
	}

	e.Targets = append([]TargetExpectation(nil), e.Targets...)
	for i := range e.Targets {
		t := &e.Targets[i]
		// The final response's host and path: chat.openai.com's 308 keeps
		// the path and ends at chatgpt.com.
		u, err := url.Parse(t.URL)
		if err != nil {
			continue // not one of DefaultTargets, which all parse
		}
		host, urlPath := u.Hostname(), u.Path
		if host == hostChat {
			host = hostChatGPT
		}
		for p := range reach {
			v := probes.Variant{Route: probes.RouteDirect, Family: probes.FamilyIPv4, Headers: probes.HeadersBrowser}
			switch p {
			case pathDirect6:
				v.Family = probes.FamilyIPv6
			case pathProxy:
				v.Route, v.Family = probes.RouteProxy, probes.FamilyAny
			}
			if t.For(v).Status == 0 {
				continue
			}
			if t.RayIDs == nil {
				t.RayIDs = map[string]string{}
			}
			t.RayIDs[p] = rayID(s.name, p, host, urlPath)
		}
	}
	return Scenario{Name: s.name, Description: s.desc, Expect: e}
}

// outage reports whether OpenAI is down, which the status page then
// says: the origin's 503 coming through Cloudflare is one.
func (s spec) outage() bool { return s.web == web503 }

// sysEgress is the system resolver's egress address
// (whoami.ds.akahelp.net): the hijacking ISP resolver's, Cloudflare's when
// WARP carries DNS, else the ISP's.
func (s spec) sysEgress() string {
	switch {
	case s.dns == dnsHijack:
		return hijackingResolverEgress
	case s.ids.v4.warp == "on":
		return cloudflareResolverEgress
	}
	return ispResolverEgress
}

func (s spec) dnsExpectation() DNSExpectation {
	chat, _ := lookupRecord(honestZone, hostChatGPT)
	d := DNSExpectation{SystemRCode: "NOERROR", ResolverEgress: s.sysEgress(), PublicIP: s.ids.v4.ip,
		SystemChatGPT: []string{chat.a.String(), chat.aaaa.String()}}
	switch s.dns {
	case dnsHijack:
		d.SystemChatGPT, d.Hijacked = []string{ispBlockAddr.String()}, true
	case dnsStale:
		d.SystemChatGPT, d.Hijacked = []string{staleChatGPT4.String(), staleChatGPT6.String()}, true
	case dnsNXDomain:
		d.SystemRCode, d.SystemChatGPT = "NXDOMAIN", nil
	case dnsServfail:
		d.SystemRCode, d.SystemChatGPT, d.ResolverEgress = "SERVFAIL", nil, ""
	}
	if s.conn == connOffline {
		d.SystemRCode, d.SystemChatGPT, d.ResolverEgress, d.PublicIP = "SERVFAIL", nil, "", ""
	}
	return d
}
