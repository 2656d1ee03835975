package remedies

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

type ruleCase struct {
	name string
	s    probes.Snapshot
	ctx  DiagnoseContext
	// top is the expected first finding (cause and confidence).
	top     string
	topConf Confidence
	// has lists other findings that must be present, with confidence.
	has map[string]Confidence
	// not lists causes that must be absent.
	not []string
	// says lists substrings the finding of a cause must contain (summary or
	// evidence).
	says map[string][]string
	// only: the findings must be exactly top plus has.
	only bool
}

func TestDiagnoseRules(t *testing.T) {
	linuxCtx := DiagnoseContext{GOOS: "linux"}
	cases := []ruleCase{
		// All clear.
		{
			name: "healthy: one browser-side finding", s: healthy(hostResult()), ctx: linuxCtx,
			top: CauseBrowserState, topConf: Possible, only: true,
			says: map[string][]string{CauseBrowserState: {"Nothing on this machine or network blocks ChatGPT", "chatgpt.com 200 OK", "203.0.113.7"}},
		},
		{
			name: "healthy with the plain client challenged: still all clear",
			s: snap(concat(one(
				ep("chatgpt.com", "direct-ipv4-browser", vOK),
				ep("chatgpt.com", "direct-ipv4-plain", vChall),
				challengeMatrix("chatgpt.com", "headers", "plain"),
				ep("api.openai.com", "default", vMissing)))...),
			top: CauseBrowserState, topConf: Possible, only: true,
			says: map[string][]string{CauseBrowserState: {"challenges clients without browser headers"}},
		},
		{
			name: "no key set and the API answers missing key: nothing blamed",
			s:    snap(ep("chatgpt.com", "direct-ipv4-browser", vOK), ep("api.openai.com", "default", vMissing), apiKey(probes.KeyMissing, 0, probes.StatusSkipped)),
			top:  CauseBrowserState, topConf: Possible, only: true,
			not: []string{CauseMissingAPIKey},
		},

		// A keyless API request refused while the pages load: the
		// browser and the account took no part.
		{
			name: "API 403 without a key, pages load: no cookies or account blamed",
			s: snap(ep("chatgpt.com", "direct-ipv4-browser", vOK),
				ep("api.openai.com", "default", classify.Verdict{Kind: classify.VerdictCFBlock, Status: 403, Code: 1020, Cloudflare: true, Summary: "Cloudflare error 1020"})),
			top: CauseFlaggedIP, topConf: Likely, not: []string{CauseBrowserState, CauseAccountFlag},
		},

		// Slowness is advice, never a block.
		{
			name: "every answer waits 1.2 s for its first byte: slow, not blocked",
			s: snap(ep("chatgpt.com", "direct-ipv4-browser", vOK, withTimings(3, 20, 30, 1250)), ep("chatgpt.com", "direct-ipv6-browser", vOK, withTimings(3, 20, 30, 1300)),
				ep("api.openai.com", "default", vMissing, withTimings(2, 10, 20, 1200))),
			top: CauseSlowNetwork, topConf: Likely, has: map[string]Confidence{CauseBrowserState: Possible}, only: true,
			says: map[string][]string{CauseSlowNetwork: {"The wait for the first byte takes 1.2 s (median; slow above 800 ms)", "Requests still succeed, so nothing is blocked"}},
		},
		{
			name: "one slow DNS lookup among fast ones: not a finding",
			s: snap(ep("chatgpt.com", "direct-ipv4-browser", vOK, withTimings(900, 20, 30, 90)), ep("chatgpt.com", "direct-ipv6-browser", vOK, withTimings(3, 20, 30, 90)),
				ep("api.openai.com", "default", vMissing, withTimings(2, 10, 20, 80))),
			top: CauseBrowserState, topConf: Possible, only: true,
		},

		// OpenAI's side.
		{
			name: "outage with 503s: confirmed, and it suppresses blame",
			s: snap(concat(web("chatgpt.com", v503), one(
				ep("api.openai.com", "default", v503),
				statusPage("major", "major_outage", "partial_outage", probes.StatusFail),
				vpnResult(true, probes.StatusWarn)))...),
			top: CauseOutage, topConf: Confirmed, only: true,
			says: map[string][]string{CauseOutage: {"indicator major", "Elevated errors", "server_is_overloaded", "OpenAI's side"}},
		},
		{
			name: "outage on the status page, requests fine: likely",
			s:    healthy(statusPage("critical", "major_outage", "operational", probes.StatusFail)),
			top:  CauseOutage, topConf: Likely, only: true,
		},
		{
			name: "degraded status, requests fine: possible, plus the browser",
			s:    healthy(statusPage("minor", "degraded_performance", "operational", probes.StatusWarn)),
			top:  CauseOutage, topConf: Possible, has: map[string]Confidence{CauseBrowserState: Possible},
		},
		{
			name: "status page unknown is no proof of an outage",
			s:    snap(ep("chatgpt.com", "direct-ipv4-browser", v503), statusPage("major", "major_outage", "major_outage", probes.StatusUnknown)),
			top:  CauseServerError, topConf: Confirmed, not: []string{CauseOutage},
		},
		{
			name: "5xx without an outage: server error, and the origin unreachable",
			s:    snap(ep("chatgpt.com", "direct-ipv4-browser", vCF502), ep("api.openai.com", "default", v500), statusPage("none", "operational", "operational", probes.StatusPass)),
			top:  CauseServerError, topConf: Confirmed, has: map[string]Confidence{CauseOriginError: Confirmed},
			not:  []string{CauseOutage, CauseBrowserState},
			says: map[string][]string{CauseServerError: {"req_def456"}, CauseOriginError: {"error 502"}},
		},
		{
			name: "Cloudflare 522 with a green status page: origin error",
			s: snap(concat(web("chatgpt.com", classify.Verdict{Kind: classify.VerdictCF5xx, Status: 522, Code: 522, Summary: "Cloudflare 522: connection timed out", Cloudflare: true, RayID: "8a1b2c3d4e5f6a83", Colo: "FRA"}),
				one(ep("api.openai.com", "default", vMissing), statusPage("none", "operational", "operational", probes.StatusPass)))...),
			top: CauseOriginError, topConf: Confirmed, only: true,
			says: map[string][]string{CauseOriginError: {"could not get an answer from OpenAI's servers", "error 522"}},
		},
		{
			name: "a redirect loop: origin error",
			s: snap(ep("chatgpt.com", "direct-ipv4-browser", classify.Verdict{Kind: classify.VerdictOK, Status: 302, Cloudflare: true}, func(r *probes.Result, _ *probes.EndpointDetails) {
				r.Status, r.Reason = probes.StatusFail, "redirect loop: chatgpt.com/ -> chatgpt.com/"
				r.Error = &probes.StepError{Step: "request", Message: "request: chatgpt.com: redirect loop: chatgpt.com/ -> chatgpt.com/"}
			}), ep("api.openai.com", "default", vMissing)),
			top: CauseOriginError, topConf: Likely, not: []string{CauseBrowserState},
			says: map[string][]string{CauseOriginError: {"redirect loop"}},
		},
		{
			name: "origin error through the proxy names the proxy",
			s:    snap(ep("chatgpt.com", "proxy-any-browser", vOrigin), ep("chatgpt.com", "direct-ipv4-browser", vOrigin)),
			top:  CauseOriginError, topConf: Likely,
			says: map[string][]string{CauseOriginError: {"proxy.example:3128"}},
		},

		// Blocks: the differential matrix.
		{
			name: "blocked through the proxy, fine direct: proxy confirmed",
			s: snap(
				ep("chatgpt.com", "proxy-any-browser", v1020), ep("chatgpt.com", "proxy-any-plain", v1020),
				ep("chatgpt.com", "direct-ipv4-browser", vOK), ep("chatgpt.com", "direct-ipv4-plain", vOK),
				matrix("chatgpt.com", "route", "proxy"), trace("proxy", "198.51.100.9", "NL"), trace("direct", "203.0.113.7", "DE"),
				proxyEnv("http://proxy.example:3128")),
			top: CauseProxyPath, topConf: Confirmed, only: true,
			says: map[string][]string{CauseProxyPath: {"blocked through the proxy http://proxy.example:3128", "8a1b2c3d4e5f6a7b", "198.51.100.9"}},
		},
		{
			name: "blocked over IPv6 only: the IPv6 path",
			s: snap(concat(one(
				ep("chatgpt.com", "direct-ipv4-browser", vOK), ep("chatgpt.com", "direct-ipv4-plain", vOK),
				ep("chatgpt.com", "direct-ipv6-browser", v1020), ep("chatgpt.com", "direct-ipv6-plain", v1020),
				matrix("chatgpt.com", "family", "ipv6")))...),
			top: CauseIPv6Path, topConf: Confirmed, only: true,
			says: map[string][]string{CauseIPv6Path: {"blocked over IPv6 and works over IPv4", "IPv6"}},
		},
		{
			name: "blocked over IPv4 only: the IPv4 address is flagged",
			s: snap(ep("chatgpt.com", "direct-ipv4-browser", v1020), ep("chatgpt.com", "direct-ipv6-browser", vOK),
				matrix("chatgpt.com", "family", "ipv4"), trace("direct", "203.0.113.7", "DE")),
			top: CauseFlaggedIP, topConf: Likely, not: []string{CauseIPv6Path},
			says: map[string][]string{CauseFlaggedIP: {"Only IPv4 is blocked"}},
		},
		{
			name: "blocked without browser headers only: the signature",
			s: snap(ep("chatgpt.com", "direct-ipv4-browser", vOK), ep("chatgpt.com", "direct-ipv4-plain", v1020),
				matrix("chatgpt.com", "headers", "plain")),
			top: CauseBrowserSignature, topConf: Likely, not: []string{CauseFlaggedIP, CauseVPNProxyTor},
		},
		{
			name: "1010: signature confirmed",
			s:    snap(concat(web("chatgpt.com", v1010))...),
			top:  CauseBrowserSignature, topConf: Confirmed, not: []string{CauseFlaggedIP},
			says: map[string][]string{CauseBrowserSignature: {"error 1010", "8a1b2c3d4e5f6a7f"}},
		},

		// Blocks: who is to blame.
		{
			name: "1020 with a VPN up: the VPN",
			s:    snap(concat(web("chatgpt.com", v1020), one(matrix("chatgpt.com", "", ""), vpnResult(true, probes.StatusWarn), trace("direct", "185.65.134.1", "SE")))...),
			top:  CauseVPNProxyTor, topConf: Likely, not: []string{CauseFlaggedIP, CauseAccountFlag},
			says: map[string][]string{CauseVPNProxyTor: {"a VPN (WireGuard)", "185.65.134.1 (SE)", "wg0", "Ray ID 8a1b2c3d4e5f6a7b-FRA"}},
		},
		{
			name: "1020 with Tor running: Tor",
			s:    snap(concat(web("chatgpt.com", v1020), one(torResult()))...),
			top:  CauseVPNProxyTor, topConf: Likely,
			says: map[string][]string{CauseVPNProxyTor: {"Tor", "127.0.0.1:9050"}},
		},
		{
			name: "1020 with warp=on: WARP",
			s:    snap(concat(web("chatgpt.com", v1020), one(trace("direct", "104.28.197.122", "US", func(d *probes.TraceDetails) { d.Warp = "on" })))...),
			top:  CauseVPNProxyTor, topConf: Likely,
			says: map[string][]string{CauseVPNProxyTor: {"Cloudflare WARP", "warp=on"}},
		},
		{
			name: "1020 through a proxy with nothing direct to compare: the proxy is in the path",
			s:    snap(ep("api.openai.com", "proxy-any-plain", v1020), proxyEnv("http://proxy.example:3128")),
			top:  CauseVPNProxyTor, topConf: Likely,
			says: map[string][]string{CauseVPNProxyTor: {"the proxy http://proxy.example:3128"}},
		},
		{
			name: "1020 with nothing local: flagged IP, account and browser possible",
			s:    snap(concat(web("chatgpt.com", v1020), one(matrix("chatgpt.com", "", ""), trace("direct", "203.0.113.7", "DE"), vpnResult(false, probes.StatusPass)))...),
			top:  CauseFlaggedIP, topConf: Likely,
			has:  map[string]Confidence{CauseAccountFlag: Possible, CauseBrowserState: Possible},
			not:  []string{CauseVPNProxyTor},
			says: map[string][]string{CauseFlaggedIP: {"203.0.113.7 (DE)", "nothing on this machine explains it", "8a1b2c3d4e5f6a7b"}},
		},
		{
			name: "a VPN result that could not tell is no proof",
			s:    snap(concat(web("chatgpt.com", v1020), one(vpnResult(true, probes.StatusUnknown)))...),
			top:  CauseFlaggedIP, topConf: Likely, not: []string{CauseVPNProxyTor},
		},
		{
			name: "IP ban: flagged IP confirmed",
			s:    snap(concat(web("chatgpt.com", v1006), one(trace("direct", "203.0.113.7", "DE")))...),
			top:  CauseFlaggedIP, topConf: Confirmed,
			says: map[string][]string{CauseFlaggedIP: {"banned the public IP 203.0.113.7 (DE)"}},
		},
		{
			name: "1012: flagged IP with a malware scan first",
			s:    snap(concat(web("chatgpt.com", v1012))...),
			top:  CauseFlaggedIP, topConf: Likely,
			says: map[string][]string{CauseFlaggedIP: {"malicious traffic"}},
		},

		// Rate, quota, keys.
		{
			name: "1015: rate limited, with the wait",
			s:    snap(concat(web("chatgpt.com", v1015))...),
			top:  CauseRateLimited, topConf: Confirmed, not: []string{CauseFlaggedIP},
			says: map[string][]string{CauseRateLimited: {"wait 30s"}},
		},
		{
			name: "API 429 rate limit from the key check",
			s: snap(ep("chatgpt.com", "direct-ipv4-browser", vOK), ep("api.openai.com", "default", vMissing),
				func() probes.Result {
					r := apiKey(probes.KeyRateLimited, 429, probes.StatusFail)
					r.Details.(*probes.APIKeyDetails).RateLimit = map[string]string{"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "6m0s"}
					return r
				}()),
			top: CauseRateLimited, topConf: Confirmed,
			says: map[string][]string{CauseRateLimited: {"x-ratelimit-reset-requests: 6m0s", "wait 6m"}},
		},
		{
			name: "API 429 rate limit on the endpoint",
			s:    snap(ep("api.openai.com", "default", vRate)),
			top:  CauseRateLimited, topConf: Confirmed,
		},
		{
			name: "insufficient quota: confirmed, never a rate limit",
			s:    snap(ep("api.openai.com", "default", vQuota), apiKey(probes.KeyQuotaExhausted, 429, probes.StatusFail)),
			top:  CauseQuotaExhausted, topConf: Confirmed, not: []string{CauseRateLimited},
			says: map[string][]string{CauseQuotaExhausted: {"Retrying will not help"}},
		},
		{
			name: "invalid key: confirmed",
			s:    snap(ep("chatgpt.com", "direct-ipv4-browser", vOK), ep("api.openai.com", "default", vMissing), apiKey(probes.KeyInvalid, 401, probes.StatusFail)),
			ctx:  DiagnoseContext{APIKeyConfigured: true},
			top:  CauseInvalidAPIKey, topConf: Confirmed, not: []string{CauseBrowserState},
			says: map[string][]string{CauseInvalidAPIKey: {"OPENAI_API_KEY", "req_key1"}},
		},
		{
			name: "invalid key on the endpoint verdict",
			s:    snap(ep("api.openai.com", "default", vInvalid)),
			top:  CauseInvalidAPIKey, topConf: Confirmed,
		},
		{
			name: "IP not authorized: the project allowlist, naming the IP",
			s:    snap(ep("api.openai.com", "default", vIPDeny), trace("direct", "203.0.113.7", "DE")),
			top:  CauseAPIIPAllowlist, topConf: Confirmed, not: []string{CauseInvalidAPIKey},
			says: map[string][]string{CauseAPIIPAllowlist: {"203.0.113.7"}},
		},
		{
			name: "the key check says missing: possible",
			s:    healthy(apiKey(probes.KeyMissing, 401, probes.StatusWarn)),
			top:  CauseMissingAPIKey, topConf: Possible, has: map[string]Confidence{CauseBrowserState: Possible},
		},
		{
			name: "a key was configured yet the API saw none: likely, bypass the proxy first",
			s:    healthy(apiKey(probes.KeyMissing, 401, probes.StatusFail)),
			ctx:  DiagnoseContext{APIKeyConfigured: true},
			top:  CauseMissingAPIKey, topConf: Likely,
			says: map[string][]string{CauseMissingAPIKey: {"removed the Authorization header"}},
		},

		// Geography.
		{
			name: "1009: geo confirmed naming the country",
			s:    snap(concat(web("chatgpt.com", v1009), one(trace("direct", "203.0.113.7", "HK")))...),
			top:  CauseGeoRestricted, topConf: Confirmed, not: []string{CauseFlaggedIP},
			says: map[string][]string{CauseGeoRestricted: {"refuse requests from HK: the service is not offered where Cloudflare places your IP."}},
		},
		{
			name: "API region refusal: geo confirmed",
			s:    snap(ep("api.openai.com", "default", vRegion), publicIP("RU", false)),
			top:  CauseGeoRestricted, topConf: Confirmed,
			says: map[string][]string{CauseGeoRestricted: {"refuse requests from RU", "supported list (list of 2026-08-05)"}},
		},
		{
			name: "unsupported country with failures: likely, naming the list date",
			s:    snap(concat(web("chatgpt.com", v1020), one(publicIP("CN", false), trace("direct", "203.0.113.7", "CN")))...),
			top:  CauseGeoRestricted, topConf: Likely, has: map[string]Confidence{CauseFlaggedIP: Likely},
			says: map[string][]string{CauseGeoRestricted: {"CN", "list of 2026-08-05"}},
		},
		{
			name: "unsupported country behind a VPN: turn the VPN off first",
			s:    snap(concat(web("chatgpt.com", v1009), one(vpnResult(true, probes.StatusWarn)))...),
			top:  CauseGeoRestricted, topConf: Confirmed,
			says: map[string][]string{CauseGeoRestricted: {"VPN"}},
		},

		// TLS.
		{
			name: "TLS intercepted by antivirus while requests pass: security software, naming the issuer",
			s: healthy(ep("chatgpt.com", "direct-ipv4-browser", vOK, withTLS(probes.TLSDetails{
				SystemVerified: true, Intercepted: true, InterceptedBy: "Kaspersky Anti-Virus Personal Root Certificate", Product: "Kaspersky"}))),
			top: CauseSecuritySoftware, topConf: Possible, has: map[string]Confidence{CauseBrowserState: Possible},
			says: map[string][]string{CauseSecuritySoftware: {"Kaspersky", "Kaspersky Anti-Virus Personal Root Certificate"}},
		},
		{
			name: "TLS intercepted and blocked: security software likely, IP only possible",
			s: snap(concat(web("chatgpt.com", v1020, withTLS(probes.TLSDetails{SystemVerified: true, Intercepted: true, InterceptedBy: "ESET SSL Filter CA", Product: "ESET"})),
				one(trace("direct", "203.0.113.7", "DE")))...),
			top: CauseSecuritySoftware, topConf: Likely, has: map[string]Confidence{CauseFlaggedIP: Possible},
			not:  []string{CauseAccountFlag},
			says: map[string][]string{CauseSecuritySoftware: {"ESET SSL Filter CA"}},
		},
		{
			name: "corporate TLS inspection with blocks: corporate policy and IT",
			s:    snap(concat(web("chatgpt.com", v1020, withTLS(probes.TLSDetails{SystemVerified: true, Intercepted: true, InterceptedBy: "Zscaler Intermediate Root CA", Product: "Zscaler", Corporate: true})))...),
			top:  CauseCorporatePolicy, topConf: Likely, has: map[string]Confidence{CauseSecuritySoftware: Likely, CauseFlaggedIP: Possible},
			says: map[string][]string{CauseCorporatePolicy: {"Zscaler"}},
		},
		{
			name: "a middlebox re-signing with an untrusted CA breaks TLS",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "tls", "tls: chatgpt.com: certificate signed by unknown authority 'FortiGate CA'",
				withFailure("tls_untrusted"),
				withTLS(probes.TLSDetails{Chain: []probes.CertInfo{{Subject: "CN=chatgpt.com", IssuerCN: "FortiGate CA", IssuerOrg: "Fortinet"}}, Product: "Fortinet", Corporate: true}))),
			top: CauseCorporatePolicy, topConf: Likely, has: map[string]Confidence{CauseSecuritySoftware: Likely},
			not:  []string{CauseNoConnectivity},
			says: map[string][]string{CauseSecuritySoftware: {"FortiGate CA", "does not trust"}},
		},
		{
			name: "an endpoint suite re-signing TLS (Sophos) is the user's software, not IT's",
			s:    snap(concat(web("chatgpt.com", v1020, withTLS(probes.TLSDetails{SystemVerified: true, Intercepted: true, InterceptedBy: "Sophos SSL CA", Product: "Sophos"})))...),
			top:  CauseSecuritySoftware, topConf: Likely, has: map[string]Confidence{CauseFlaggedIP: Possible},
			not:  []string{CauseCorporatePolicy},
			says: map[string][]string{CauseSecuritySoftware: {"Sophos"}},
		},
		{
			name: "a consumer filter re-signing with an untrusted CA: security software",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "tls", "tls: chatgpt.com: x509: certificate signed by unknown authority",
				withTLS(probes.TLSDetails{Chain: []probes.CertInfo{{Subject: "CN=chatgpt.com", IssuerCN: "AdGuard Personal CA"}}}))),
			top: CauseSecuritySoftware, topConf: Likely, only: true,
			says: map[string][]string{CauseSecuritySoftware: {"AdGuard Personal CA"}},
		},

		// DNS, portals, connectivity, clock.
		{
			name: "DNS hijack: confirmed naming the address",
			s: snap(ep("chatgpt.com", "direct-ipv4-browser", classify.Verdict{Kind: classify.VerdictUnexpected, Status: 200, Summary: "some other page answered"}),
				lookup("chatgpt.com", true, answer("system", "system", "NOERROR", privAddr), answer("1.1.1.1:53", "udp", "NOERROR", cfAddr))),
			top: CauseDNSHijack, topConf: Confirmed, only: true,
			says: map[string][]string{CauseDNSHijack: {"10.10.0.1", "104.18.32.47 (Cloudflare)", "private address"}},
		},
		{
			name: "the system resolver refuses while 1.1.1.1 answers: likely",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "dns", "dns: resolve chatgpt.com: NXDOMAIN"),
				lookup("chatgpt.com", false, answer("system", "system", "NXDOMAIN"), answer("1.1.1.1:53", "udp", "NOERROR", cfAddr))),
			top: CauseDNSHijack, topConf: Likely, not: []string{CauseNoConnectivity},
		},
		{
			name: "the system resolver fails outright while 1.1.1.1 answers: nothing resolves",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "dns", "dns: resolve chatgpt.com: SERVFAIL"),
				epFail("api.openai.com", "default", "dns", "dns: resolve api.openai.com: SERVFAIL"),
				lookup("chatgpt.com", false, answer("system", "system", "SERVFAIL"), answer("1.1.1.1:53", "udp", "NOERROR", cfAddr))),
			top: CauseDNSFailure, topConf: Likely, not: []string{CauseDNSHijack},
			says: map[string][]string{CauseDNSFailure: {"Your resolver fails (SERVFAIL)"}},
		},
		{
			name: "DNS hijack to a block page: its certificate is not blamed on security software",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "tls", "tls: handshake with chatgpt.com: x509: certificate is valid for block.isp.example",
				withTLS(probes.TLSDetails{Chain: []probes.CertInfo{{Subject: "CN=block.isp.example", IssuerCN: "Example ISP CA", IssuerOrg: "Example ISP"}}})),
				epFail("api.openai.com", "default", "connect", "connect: 0.0.0.0:443: connection refused"),
				lookup("chatgpt.com", true, answer("system", "system", "NOERROR", probes.AddressInfo{IP: "198.51.100.7", Class: "documentation"}), answer("1.1.1.1:53", "udp", "NOERROR", cfAddr)),
				lookup("api.openai.com", true, answer("system", "system", "NOERROR", probes.AddressInfo{IP: "0.0.0.0", Class: "unspecified"}), answer("1.1.1.1:53", "udp", "NOERROR", cfAddr))),
			top: CauseDNSHijack, topConf: Confirmed, only: true,
			says: map[string][]string{CauseDNSHijack: {"198.51.100.7", "0.0.0.0"}},
		},
		{
			name: "handshakes stall on every host: a firewall filtering by name",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "tls", "tls: handshake with chatgpt.com: no answer within 3s"),
				epFail("api.openai.com", "default", "tls", "tls: handshake with api.openai.com: no answer within 3s"),
				lookup("chatgpt.com", false, answer("system", "system", "NOERROR", cfAddr), answer("1.1.1.1:53", "udp", "NOERROR", cfAddr))),
			top: CauseNetworkFilter, topConf: Likely, only: true,
			says: map[string][]string{CauseNetworkFilter: {"chatgpt.com and api.openai.com open and are then reset", "phone hotspot"}},
		},
		{
			name: "connections reset as they open on every host: a filter, not an outage of the internet",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "connect", "connect: 104.18.32.47:443: connection reset by peer", withFailure("reset")),
				epFail("api.openai.com", "default", "tls", "tls: handshake with api.openai.com: connection reset by peer", withFailure("tls_reset")),
				captiveResult(false)),
			top: CauseNetworkFilter, topConf: Likely, only: true,
			says: map[string][]string{CauseNetworkFilter: {"other traffic gets through"}},
		},
		{
			name: "one reset is a blip, not a filter",
			s:    snap(epFail("api.openai.com", "default", "connect", "connect: 104.18.32.47:443: connection reset by peer", withFailure("reset"))),
			top:  CauseNoConnectivity, topConf: Likely, not: []string{CauseNetworkFilter},
		},
		{
			name: "handshakes cut on a managed network: the filter, blamed on its firewall",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "tls", "tls: handshake with chatgpt.com: connection reset by peer", withFailure("tls_reset")),
				epFail("api.openai.com", "default", "tls", "tls: handshake with api.openai.com: connection reset by peer", withFailure("tls_reset")),
				probes.Result{ID: "proxy:desktop", Kind: probes.KindProxy, Status: probes.StatusWarn,
					Details: &probes.ProxySettingsDetails{Source: "gsettings", Mode: "auto", PACURL: "http://wpad.corp.example/wpad.dat"}}),
			top: CauseNetworkFilter, topConf: Likely, only: true,
			says: map[string][]string{CauseNetworkFilter: {"This network is managed (a proxy auto-configuration)", "wpad.corp.example"}},
		},
		{
			name: "captive portal: confirmed, and it explains the failures",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "connect", "connect: chatgpt.com: connection refused"),
				epFail("api.openai.com", "default", "connect", "connect: api.openai.com: connection refused"), captiveResult(true)),
			top: CauseCaptivePortal, topConf: Confirmed, only: true,
			says: map[string][]string{CauseCaptivePortal: {"login.hotel.example"}},
		},
		{
			name: "a target answered by a login page: captive portal",
			s:    snap(ep("chatgpt.com", "direct-ipv4-browser", vPortal), captiveResult(false)),
			top:  CauseCaptivePortal, topConf: Confirmed, only: true,
			says: map[string][]string{CauseCaptivePortal: {"a login page answered"}},
		},
		{
			name: "nothing answers and no resolver answers: offline",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "dns", "dns: resolve chatgpt.com: no route"),
				epFail("api.openai.com", "default", "dns", "dns: resolve api.openai.com: no route"),
				lookup("chatgpt.com", false, answer("system", "system", "TIMEOUT"), answer("1.1.1.1:53", "udp", "TIMEOUT")),
				egress(false, false, nil), captiveResult(false)),
			ctx: linuxCtx,
			top: CauseNoConnectivity, topConf: Confirmed, only: true,
		},
		{
			name: "names resolve but nothing connects: a firewall, likely",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "connect", "connect: 104.18.32.47:443: timeout"),
				lookup("chatgpt.com", false, answer("system", "system", "NOERROR", cfAddr), answer("1.1.1.1:53", "udp", "NOERROR", cfAddr))),
			top: CauseNoConnectivity, topConf: Likely, only: true,
			says: map[string][]string{CauseNoConnectivity: {"Names resolve", "104.18.32.47:443: timeout"}},
		},
		{
			name: "an unrelated finding does not hide a failing host",
			s: snap(concat(web("chatgpt.com", vOK), one(
				epFail("api.openai.com", "default", "connect", "connect: 104.18.32.47:443: connection reset by peer", withFailure("reset")),
				statusPage("minor", "degraded_performance", "operational", probes.StatusWarn)))...),
			top: CauseOutage, topConf: Possible, has: map[string]Confidence{CauseNoConnectivity: Possible}, only: true,
			says: map[string][]string{CauseNoConnectivity: {"api.openai.com", "connection reset"}, CauseOutage: {"no server errors were seen from here"}},
		},
		{
			name: "a maintenance the status probe warns about is reported",
			s: snap(ep("chatgpt.com", "direct-ipv4-browser", vOK), ep("api.openai.com", "default", vMissing),
				statusPage("maintenance", "operational", "operational", probes.StatusWarn)),
			top: CauseOutage, topConf: Possible, has: map[string]Confidence{CauseBrowserState: Possible}, only: true,
			says: map[string][]string{CauseOutage: {"degraded service"}},
		},
		{
			name: "a failure no rule explains is still reported",
			s:    snap(ep("api.openai.com", "default", classify.Verdict{Kind: classify.VerdictOpenAIOther, Status: 404, Summary: "OpenAI: not found", Cloudflare: true})),
			top:  CauseOriginError, topConf: Possible, only: true,
		},
		{
			name: "a challenge on the API works like a block",
			s:    snap(ep("chatgpt.com", "direct-ipv4-browser", vOK), ep("api.openai.com", "default", vChall)),
			top:  CauseChallenge, topConf: Confirmed, not: []string{CauseBrowserState},
			says: map[string][]string{CauseChallenge: {"works like a block"}},
		},
		{
			name: "clock 12 minutes behind per Cloudflare: confirmed",
			s:    healthy(trace("direct", "203.0.113.7", "DE", traceSkew(12*time.Minute))),
			top:  CauseClockSkew, topConf: Confirmed, has: map[string]Confidence{CauseBrowserState: Possible},
			says: map[string][]string{CauseClockSkew: {"12m behind"}},
		},
		{
			name: "one Date header 2 hours off: likely",
			s:    snap(ep("chatgpt.com", "direct-ipv4-browser", vOK, withSkew(-2*time.Hour))),
			top:  CauseClockSkew, topConf: Likely,
			says: map[string][]string{CauseClockSkew: {"2h ahead of"}},
		},
		{
			name: "three minutes off is within tolerance",
			s:    healthy(trace("direct", "203.0.113.7", "DE", traceSkew(3*time.Minute))),
			top:  CauseBrowserState, topConf: Possible, not: []string{CauseClockSkew},
		},
		{
			name: "certificates 'expired' on two hosts: the clock",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "tls", "tls: chatgpt.com: certificate chatgpt.com is outside its validity (2026-01-01T00:00:00Z to 2026-04-01T00:00:00Z) at this machine's time 2029-11-26T09:30:00Z",
				withFailure("tls_expired"), withTLS(probes.TLSDetails{Chain: []probes.CertInfo{{Subject: "CN=chatgpt.com", IssuerCN: "WE1", IssuerOrg: "Google Trust Services"}}})),
				epFail("api.openai.com", "default", "tls", "tls: api.openai.com: certificate api.openai.com is outside its validity (2026-01-01T00:00:00Z to 2026-04-01T00:00:00Z) at this machine's time 2029-11-26T09:30:00Z",
					withFailure("tls_expired"), withTLS(probes.TLSDetails{Chain: []probes.CertInfo{{Subject: "CN=api.openai.com", IssuerCN: "WE1", IssuerOrg: "Google Trust Services"}}}))),
			top: CauseClockSkew, topConf: Confirmed, only: true,
		},
		{
			name: "certificates 'expired' while Cloudflare's clock agrees: not the clock",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "tls", "tls: chatgpt.com: certificate chatgpt.com is outside its validity (2019-01-01T00:00:00Z to 2020-01-01T00:00:00Z) at this machine's time 2026-11-26T09:30:00Z",
				withFailure("tls_expired"), withTLS(probes.TLSDetails{Chain: []probes.CertInfo{{Subject: "CN=chatgpt.com", IssuerCN: "FortiGate CA", IssuerOrg: "Fortinet"}}})),
				epFail("api.openai.com", "default", "tls", "tls: api.openai.com: certificate api.openai.com is outside its validity (2019-01-01T00:00:00Z to 2020-01-01T00:00:00Z) at this machine's time 2026-11-26T09:30:00Z",
					withFailure("tls_expired"), withTLS(probes.TLSDetails{Chain: []probes.CertInfo{{Subject: "CN=api.openai.com", IssuerCN: "FortiGate CA", IssuerOrg: "Fortinet"}}})),
				trace("direct", "203.0.113.7", "DE", traceSkew(0))),
			not: []string{CauseClockSkew},
			top: CauseSecuritySoftware, topConf: Possible,
			says: map[string][]string{CauseSecuritySoftware: {"Cloudflare's trace clock agrees", "stale certificate"}},
		},

		// Challenges, corporate networks, proxies, IPv6.
		{
			name: "challenge for browser requests: a browser is needed",
			s:    snap(concat(web("chatgpt.com", vChall))...),
			top:  CauseChallenge, topConf: Confirmed, not: []string{CauseFlaggedIP, CauseBrowserSignature},
		},
		{
			name: "Cloudflare Gateway in the path with blocks: corporate policy",
			s:    snap(concat(web("chatgpt.com", v1020), one(trace("direct", "203.0.113.7", "DE", func(d *probes.TraceDetails) { d.Gateway = "on" })))...),
			top:  CauseCorporatePolicy, topConf: Likely, has: map[string]Confidence{CauseFlaggedIP: Possible},
			says: map[string][]string{CauseCorporatePolicy: {"Cloudflare Zero Trust Gateway", "gateway=on"}},
		},
		{
			name: "PAC proxy with blocks: corporate policy",
			s: snap(concat(web("chatgpt.com", v1020), one(probes.Result{ID: "proxy:desktop", Kind: probes.KindProxy, Status: probes.StatusWarn,
				Details: &probes.ProxySettingsDetails{Source: "gsettings", Mode: "auto", PACURL: "http://wpad.corp.example/wpad.dat"}}))...),
			top: CauseCorporatePolicy, topConf: Likely,
			says: map[string][]string{CauseCorporatePolicy: {"wpad.corp.example"}},
		},
		{
			name: "a dead proxy with direct working: proxy confirmed",
			s: snap(epFail("chatgpt.com", "proxy-any-browser", "proxy", "proxy: connect proxy.example:3128: connection refused"),
				ep("chatgpt.com", "direct-ipv4-browser", vOK),
				probes.Result{ID: "proxy:reach:proxy.example:3128", Kind: probes.KindProxy, Status: probes.StatusFail,
					Details: &probes.ProxyReachDetails{Proxy: "http://proxy.example:3128", Addr: "proxy.example:3128"}}),
			top: CauseProxyPath, topConf: Confirmed, not: []string{CauseNoConnectivity},
			says: map[string][]string{CauseProxyPath: {"does not accept connections"}},
		},
		{
			name: "broken IPv6 on a machine with an IPv6 route: possible",
			s: snap(ep("chatgpt.com", "direct-ipv4-browser", vOK),
				epFail("chatgpt.com", "direct-ipv6-browser", "connect", "connect: [2606:4700::6812:202f]:443: timeout"), egress(true, true, nil)),
			top: CauseIPv6Path, topConf: Possible, has: map[string]Confidence{CauseBrowserState: Possible},
		},
		{
			name: "resolvers disagree and the host fails: DNS possible",
			s: snap(epFail("chatgpt.com", "direct-ipv4-browser", "connect", "connect: 104.18.32.47:443: timeout"),
				func() probes.Result {
					r := lookup("chatgpt.com", false, answer("system", "system", "NOERROR", cfAddr),
						answer("1.1.1.1:53", "udp", "NOERROR", probes.AddressInfo{IP: "104.18.33.47", Cloudflare: true, Class: "public"}))
					r.Details.(*probes.DNSLookupDetails).Consistent = false
					return r
				}()),
			top: CauseNoConnectivity, topConf: Likely, has: map[string]Confidence{CauseDNSHijack: Possible},
			says: map[string][]string{CauseDNSHijack: {"Resolvers disagree about chatgpt.com"}},
		},
		{
			name: "the proxy refuses connections and direct was not tried: proxy likely",
			s: snap(epFail("chatgpt.com", "proxy-any-browser", "proxy", "proxy: connect proxy.example:3128: connection refused"),
				probes.Result{ID: "proxy:reach:proxy.example:3128", Kind: probes.KindProxy, Status: probes.StatusFail,
					Details: &probes.ProxyReachDetails{Proxy: "http://proxy.example:3128", Addr: "proxy.example:3128"}}),
			top: CauseProxyPath, topConf: Likely,
			says: map[string][]string{CauseProxyPath: {"nothing was tried without it"}},
		},
		{
			name: "a country off OpenAI's list while everything works: geo possible",
			s: snap(concat(web("chatgpt.com", vOK), one(ep("api.openai.com", "default", vMissing), trace("direct", "203.0.113.7", "RU"),
				probes.Result{ID: "identity:public-ip", Kind: probes.KindIdentity, Status: probes.StatusWarn,
					Details: &probes.PublicIPDetails{TraceIP: "203.0.113.7", TraceLoc: "RU", CountrySupported: new(false), SupportedListDate: "2026-08-05"}}))...),
			top: CauseGeoRestricted, topConf: Possible,
			says: map[string][]string{CauseGeoRestricted: {"RU"}},
		},
		{
			name: "an unmarked 429 through Cloudflare: rate limit likely",
			s:    snap(concat(web("chatgpt.com", classify.Verdict{Kind: classify.VerdictCFUnknown, Status: 429, Cloudflare: true, Summary: "HTTP 429 through Cloudflare"}))...),
			top:  CauseRateLimited, topConf: Likely,
		},
		{
			name: "no IPv6 route: failing IPv6 cells are not news",
			s: snap(ep("chatgpt.com", "direct-ipv4-browser", vOK),
				epFail("chatgpt.com", "direct-ipv6-browser", "connect", "connect: network is unreachable"), egress(true, false, nil)),
			top: CauseBrowserState, topConf: Possible, only: true,
		},
	}
	produced := map[string]bool{} // cause + "/" + confidence, across the table
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Diagnose(tc.s, tc.ctx)
			if len(got) == 0 {
				t.Fatalf("no findings")
			}
			for _, f := range got {
				produced[f.Cause+"/"+string(f.Confidence)] = true
			}
			checkInvariants(t, tc.s, got)
			if got[0].Cause != tc.top || got[0].Confidence != tc.topConf {
				t.Errorf("top = %s/%s, want %s/%s\n%s", got[0].Cause, got[0].Confidence, tc.top, tc.topConf, dump(got))
			}
			for cause, conf := range tc.has {
				f, ok := findCause(got, cause)
				if !ok {
					t.Errorf("missing %s\n%s", cause, dump(got))
				} else if f.Confidence != conf {
					t.Errorf("%s confidence = %s, want %s", cause, f.Confidence, conf)
				}
			}
			for _, cause := range tc.not {
				if _, ok := findCause(got, cause); ok {
					t.Errorf("unexpected %s\n%s", cause, dump(got))
				}
			}
			if tc.only && len(got) != 1+len(tc.has) {
				t.Errorf("want exactly %d findings, got %d\n%s", 1+len(tc.has), len(got), dump(got))
			}
			for cause, subs := range tc.says {
				f, ok := findCause(got, cause)
				if !ok {
					t.Errorf("missing %s for text checks", cause)
					continue
				}
				text := f.Summary
				for _, e := range f.Evidence {
					text += "\n" + e.Text
				}
				for _, sub := range subs {
					if !strings.Contains(text, sub) {
						t.Errorf("%s does not mention %q:\n%s", cause, sub, text)
					}
				}
			}
		})
	}
	// Every row of the rules table in docs/causes.md is something a case
	// above produces: the documentation never promises an untested rule.
	for _, r := range rules {
		for _, d := range r.docs {
			conf, _, _ := strings.Cut(d.Confidence, " ")
			if !produced[d.Cause+"/"+conf] {
				t.Errorf("rule %s: no case produces %s/%s (%s)", r.name, d.Cause, conf, d.Trigger)
			}
		}
	}
}

// checkInvariants holds for every diagnosis: known causes and remedies,
// evidence that points at results that measured something, ranking order.
func checkInvariants(t *testing.T, s probes.Snapshot, got []Finding) {
	t.Helper()
	for i, f := range got {
		c := causeOf(f.Cause)
		if causeIndex(f.Cause) == len(causes) {
			t.Errorf("finding %d: unknown cause %q", i, f.Cause)
		}
		if f.Title != c.Title || f.Severity != c.Severity {
			t.Errorf("finding %s: title/severity not from the catalogue", f.Cause)
		}
		if f.Summary == "" || len(f.Evidence) == 0 {
			t.Errorf("finding %s: no summary or no evidence", f.Cause)
		}
		if len(f.Remedies) == 0 {
			t.Errorf("finding %s: no remedies", f.Cause)
		}
		for _, id := range f.Remedies {
			if _, ok := RemedyByID(id); !ok {
				t.Errorf("finding %s: unknown remedy %q", f.Cause, id)
			}
		}
		for _, e := range f.Evidence {
			r, ok := s.Get(e.ResultID)
			if !ok {
				t.Errorf("finding %s: evidence points at missing result %q", f.Cause, e.ResultID)
				continue
			}
			if r.Status == probes.StatusSkipped || r.Status == probes.StatusUnknown {
				t.Errorf("finding %s: evidence uses %s result %s", f.Cause, r.Status, r.ID)
			}
		}
		if i > 0 {
			p := got[i-1]
			if p.Confidence.rank() > f.Confidence.rank() ||
				p.Confidence == f.Confidence && p.Severity.rank() > f.Severity.rank() {
				t.Errorf("ranking: %s/%s/%s before %s/%s/%s", p.Cause, p.Confidence, p.Severity, f.Cause, f.Confidence, f.Severity)
			}
		}
	}
	seen := map[string]bool{}
	for _, f := range got {
		if seen[f.Cause] {
			t.Errorf("cause %s reported twice", f.Cause)
		}
		seen[f.Cause] = true
	}
}

func findCause(list []Finding, cause string) (Finding, bool) {
	for _, f := range list {
		if f.Cause == cause {
			return f, true
		}
	}
	return Finding{}, false
}

func dump(list []Finding) string {
	var b strings.Builder
	for _, f := range list {
		fmt.Fprintf(&b, "  %s %s: %s\n", f.Confidence, f.Cause, f.Summary)
		for _, e := range f.Evidence {
			fmt.Fprintf(&b, "      [%s] %s\n", e.ResultID, e.Text)
		}
	}
	return b.String()
}

func TestDiagnoseNothingUsable(t *testing.T) {
	s := snap(ep("chatgpt.com", "direct-ipv4-browser", v1020, withStatus(probes.StatusUnknown)),
		statusPage("major", "major_outage", "major_outage", probes.StatusSkipped))
	if got := Diagnose(s, DiagnoseContext{}); got != nil {
		t.Fatalf("want no findings from unknown/skipped results, got\n%s", dump(got))
	}
	if got := Diagnose(probes.Snapshot{}, DiagnoseContext{}); got != nil {
		t.Fatalf("empty snapshot: got %v", got)
	}
}

func TestDiagnoseRemediesFollowOS(t *testing.T) {
	s := snap(epFail("chatgpt.com", "direct-ipv4-browser", "connect", "connect: timeout"),
		epFail("api.openai.com", "default", "connect", "connect: timeout"))
	for goos, wantReset := range map[string]bool{"linux": false, "darwin": false, "windows": true, "": true} {
		got := Diagnose(s, DiagnoseContext{GOOS: goos})
		f, ok := findCause(got, CauseNoConnectivity)
		if !ok {
			t.Fatalf("%s: no no-connectivity finding\n%s", goos, dump(got))
		}
		if has := slices.Contains(f.Remedies, "reset-network"); has != wantReset {
			t.Errorf("%s: reset-network offered = %v, want %v", goos, has, wantReset)
		}
	}
}

func TestDiagnoseIsDeterministic(t *testing.T) {
	s := snap(concat(web("chatgpt.com", v1020), one(vpnResult(true, probes.StatusWarn), torResult(),
		trace("direct", "203.0.113.7", "DE", traceSkew(time.Hour)), captiveResult(false)))...)
	first := dump(Diagnose(s, DiagnoseContext{}))
	for range 20 {
		if again := dump(Diagnose(s, DiagnoseContext{})); again != first {
			t.Fatalf("diagnosis changed between runs:\n%s\nvs\n%s", first, again)
		}
	}
}

func TestGeoNamesTheListOnlyWhenKnown(t *testing.T) {
	got := Diagnose(snap(concat(web("chatgpt.com", v1009))...), DiagnoseContext{})
	f, ok := findCause(got, CauseGeoRestricted)
	if !ok || strings.Contains(f.Summary, "list of") {
		t.Errorf("without the public-ip result no list is named: %q", f.Summary)
	}
}

// TestProxySplitEvidenceLeavesOutChallenges: the matrix does not count a
// challenge as a block, so neither does the evidence of its split.
func TestProxySplitEvidenceLeavesOutChallenges(t *testing.T) {
	s := snap(ep("chatgpt.com", "proxy-any-browser", v1020), ep("chatgpt.com", "proxy-any-plain", v1020),
		ep("chatgpt.com", "direct-ipv4-browser", vOK), ep("chatgpt.com", "direct-ipv4-plain", vChall),
		matrix("chatgpt.com", "route", "proxy"))
	got := Diagnose(s, DiagnoseContext{})
	f, ok := findCause(got, CauseProxyPath)
	if !ok || f.Confidence != Confirmed {
		t.Fatalf("no confirmed proxy-path\n%s", dump(got))
	}
	for _, e := range f.Evidence {
		if e.ResultID == "endpoint:chatgpt.com:direct-ipv4-plain" {
			t.Errorf("a challenge is shown as blocked: %s", e.Text)
		}
	}
}

// TestNoConnectivityCitesTheLookupThatAnswered: "names resolve" points at
// a lookup some resolver answered, not at the first one.
func TestNoConnectivityCitesTheLookupThatAnswered(t *testing.T) {
	s := snap(epFail("chatgpt.com", "direct-ipv4-browser", "connect", "connect: 104.18.32.47:443: timeout"),
		epFail("api.openai.com", "default", "connect", "connect: 104.18.32.47:443: timeout"),
		lookup("chatgpt.com", false, answer("system", "system", "SERVFAIL")),
		lookup("api.openai.com", false, answer("system", "system", "NOERROR", cfAddr)))
	got := Diagnose(s, DiagnoseContext{})
	f, ok := findCause(got, CauseNoConnectivity)
	if !ok {
		t.Fatalf("no no-connectivity\n%s", dump(got))
	}
	cited := false
	for _, e := range f.Evidence {
		if strings.HasPrefix(e.Text, "DNS answers:") {
			cited = e.ResultID == "dns:lookup:api.openai.com" && strings.Contains(e.Text, "api.openai.com resolves")
		}
	}
	if !cited {
		t.Errorf("evidence does not cite the lookup that answered:\n%s", dump(got))
	}
}
