package collect

import (
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

const (
	cgV4   = "104.18.32.47"
	cgV6   = "2606:4700::6812:202f"
	chatV4 = "104.18.37.228"
	apiV4  = "162.159.140.245"
)

func configFor(targets ...probes.Target) probes.Config {
	cfg := probes.DefaultConfig()
	cfg.Targets = targets
	return cfg
}

func endpointDetails(t *testing.T, r probes.Result) *probes.EndpointDetails {
	t.Helper()
	d, ok := r.Details.(*probes.EndpointDetails)
	if !ok || d == nil {
		t.Fatalf("details = %T, want *EndpointDetails (result %+v)", r.Details, r)
	}
	return d
}

// headerLog records the request headers a server saw, per user agent.
type headerLog struct {
	mu   sync.Mutex
	reqs []http.Header
}

func (l *headerLog) add(r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, r.Header.Clone())
}

func (l *headerLog) last() http.Header {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.reqs) == 0 {
		return nil
	}
	return l.reqs[len(l.reqs)-1]
}

func TestEndpointHealthyCell(t *testing.T) {
	tw := newTestWorld(t)
	srv := tw.serve(http.HandlerFunc(okPage))
	tw.host("chatgpt.com", cgV4, cgV6, addr(srv))
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	ps := targetProbes(cfg.Targets[0], cfg, tw.World())

	r := runProbe(t, probeByID(t, ps, "endpoint:chatgpt.com:direct-ipv4-plain"))
	d := endpointDetails(t, r)
	if r.Status != probes.StatusPass {
		t.Fatalf("status = %s (%s), want pass", r.Status, r.Reason)
	}
	if d.RemoteAddr != cgV4+":443" {
		t.Errorf("RemoteAddr = %q, want the logical address %s:443", d.RemoteAddr, cgV4)
	}
	if d.HTTPVersion != "HTTP/2.0" || d.TLS == nil || d.TLS.ALPN != "h2" || d.TLS.Version != "TLS 1.3" {
		t.Errorf("protocol = %s, TLS %+v; want HTTP/2.0 over TLS 1.3 with ALPN h2", d.HTTPVersion, d.TLS)
	}
	if !d.TLS.SystemVerified || !d.TLS.PublicVerified || d.TLS.Intercepted || d.TLS.IssuerNote != "" {
		t.Errorf("TLS judgement = %+v, want verified both ways, not intercepted, no issuer note", d.TLS)
	}
	if len(d.TLS.Chain) != 1 || d.TLS.Chain[0].IssuerOrg != "Google Trust Services LLC" || len(d.TLS.Chain[0].SHA256) != 64 {
		t.Errorf("chain = %+v", d.TLS.Chain)
	}
	if d.Headers["cf-ray"] != "8a1b2c3d4e5f6a7b-FRA" || d.Headers["server"] != "cloudflare" {
		t.Errorf("headers = %v", d.Headers)
	}
	if _, ok := d.Headers["set-cookie"]; ok {
		t.Error("Set-Cookie kept in headers")
	}
	if !d.Expected || d.Verdict.Kind != classify.VerdictOK || d.StatusCode != 200 {
		t.Errorf("verdict = %+v expected=%v status=%d", d.Verdict, d.Expected, d.StatusCode)
	}
	if d.ClockSkew == nil || d.Timings.Total <= 0 || d.Timings.TLS <= 0 || d.Timings.FirstByte <= 0 {
		t.Errorf("skew %v timings %+v", d.ClockSkew, d.Timings)
	}
	if d.Variant != (probes.Variant{Route: probes.RouteDirect, Family: probes.FamilyIPv4, Headers: probes.HeadersPlain}) || d.URL != "https://chatgpt.com/" {
		t.Errorf("variant %v url %s", d.Variant, d.URL)
	}
	wantEvidence(t, r, "cf-ray: 8a1b2c3d4e5f6a7b-FRA", "server: cloudflare", "TLS issuer: Test GTS Root R4 (Google Trust Services LLC)", "timings: ")
	assertClean(t, r, "secretcookievalue")

	r6 := runProbe(t, probeByID(t, ps, "endpoint:chatgpt.com:direct-ipv6-plain"))
	if d6 := endpointDetails(t, r6); r6.Status != probes.StatusPass || d6.RemoteAddr != "["+cgV6+"]:443" {
		t.Errorf("IPv6 cell: %s %s remote %s", r6.Status, r6.Reason, d6.RemoteAddr)
	}
}

func wantEvidence(t *testing.T, r probes.Result, prefixes ...string) {
	t.Helper()
	for _, p := range prefixes {
		found := false
		for _, e := range r.Evidence {
			if strings.HasPrefix(e, p) {
				found = true
			}
		}
		if !found {
			t.Errorf("evidence lacks %q: %q", p, r.Evidence)
		}
	}
}

func TestEndpointHeaderSets(t *testing.T) {
	tw := newTestWorld(t)
	var log headerLog
	srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.add(r)
		if !strings.Contains(r.UserAgent(), "Chrome/") {
			okPage(w, r)
			return
		}
		// The browser set asked for gzip itself: answer compressed, as
		// Cloudflare does, and make sure the probe decodes it.
		cfHeaders(w)
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(http.StatusForbidden)
		zw := gzip.NewWriter(w)
		_, _ = io.WriteString(zw, "error code: 1020")
		_ = zw.Close()
	}))
	tw.host("chatgpt.com", cgV4, "", addr(srv))
	tw.setEnv("LANG", "de_DE.UTF-8")
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	ps := targetProbes(cfg.Targets[0], cfg, tw.World())

	plain := runProbe(t, probeByID(t, ps, "endpoint:chatgpt.com:direct-ipv4-plain"))
	h := log.last()
	if plain.Status != probes.StatusPass || !strings.HasPrefix(h.Get("User-Agent"), "Go-http-client/") || h.Get("Sec-Fetch-Mode") != "" {
		t.Errorf("plain cell: %s %s; sent %v", plain.Status, plain.Reason, h)
	}

	browser := runProbe(t, probeByID(t, ps, "endpoint:chatgpt.com:direct-ipv4-browser"))
	h = log.last()
	want := map[string]string{
		"Sec-Fetch-Mode":     "navigate",
		"Sec-Ch-Ua-Platform": `"Linux"`,
		"Accept-Encoding":    "gzip, deflate",
		"Accept-Language":    "de-DE,de;q=0.9,en;q=0.8",
	}
	for k, v := range want {
		if h.Get(k) != v {
			t.Errorf("browser cell sent %s: %q, want %q", k, h.Get(k), v)
		}
	}
	if !strings.Contains(h.Get("User-Agent"), "X11; Linux x86_64") {
		t.Errorf("browser UA = %q", h.Get("User-Agent"))
	}
	d := endpointDetails(t, browser)
	if browser.Status != probes.StatusFail || d.Verdict.Kind != classify.VerdictCFBlock || d.Verdict.Code != 1020 {
		t.Errorf("browser cell: %s %q verdict %+v", browser.Status, browser.Reason, d.Verdict)
	}
	if d.BodyExcerpt != "error code: 1020" || d.BodyBytes != 16 {
		t.Errorf("body not decoded: %q (%d bytes)", d.BodyExcerpt, d.BodyBytes)
	}
	assertClean(t, browser)
}

func TestEndpointFollowsChatOpenAIRedirect(t *testing.T) {
	tw := newTestWorld(t)
	cg := tw.serve(http.HandlerFunc(okPage))
	old := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cfHeaders(w)
		http.Redirect(w, r, "https://chatgpt.com"+r.URL.RequestURI(), http.StatusPermanentRedirect)
	}))
	tw.host("chatgpt.com", cgV4, "", addr(cg))
	tw.host("chat.openai.com", chatV4, "", addr(old))
	cfg := configFor(probes.WebTarget("https://chat.openai.com/"))
	r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, tw.World()), "endpoint:chat.openai.com:direct-ipv4-plain"))
	d := endpointDetails(t, r)
	if r.Status != probes.StatusPass {
		t.Fatalf("status %s: %s", r.Status, r.Reason)
	}
	want := probes.Redirect{Status: 308, From: "https://chat.openai.com/", To: "https://chatgpt.com/"}
	if len(d.Redirects) != 1 || d.Redirects[0] != want {
		t.Errorf("redirects = %+v, want [%+v]", d.Redirects, want)
	}
	if d.RemoteAddr != cgV4+":443" || d.TLS == nil || d.TLS.ServerName != "chatgpt.com" {
		t.Errorf("final hop: remote %s, TLS %+v", d.RemoteAddr, d.TLS)
	}
}

func TestEndpointTLSJudgement(t *testing.T) {
	cas := testCAs()
	cases := []struct {
		name        string
		cert        func() [][]byte
		leafCA      *testCA
		hosts       []string
		userCA      *testCA
		status      probes.Status
		failure     string
		intercepted bool
		product     string
		reasonHas   string
	}{
		{name: "antivirus root trusted by the machine", leafCA: cas.intercept, status: probes.StatusWarn, intercepted: true, product: "Kaspersky",
			reasonHas: "re-signed on the way by 'Kaspersky Anti-Virus Personal Root Certificate' (Kaspersky)"},
		{name: "corporate root declared by the user", leafCA: cas.corp, userCA: cas.corp, status: probes.StatusPass},
		{name: "root this machine does not trust", leafCA: cas.corp, status: probes.StatusFail, failure: "tls_untrusted",
			reasonHas: "certificate signed by unknown authority 'Example Corp Inspection CA'"},
		{name: "certificate for another host", leafCA: cas.public, hosts: []string{"example.net"}, status: probes.StatusFail, failure: "tls_hostname",
			reasonHas: "not valid for chatgpt.com"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tw := newTestWorld(t)
			if tc.userCA != nil {
				tw.trust.User = tc.userCA.pool()
			}
			hosts := tc.hosts
			if hosts == nil {
				hosts = []string{"chatgpt.com"}
			}
			srv := tw.serve(http.HandlerFunc(okPage), tc.leafCA.leaf(hosts...))
			tw.host("chatgpt.com", cgV4, "", addr(srv))
			cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
			r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, tw.World()), "endpoint:chatgpt.com:direct-ipv4-browser"))
			d := endpointDetails(t, r)
			if r.Status != tc.status || d.Failure != tc.failure {
				t.Fatalf("status %s failure %q (%s), want %s %q", r.Status, d.Failure, r.Reason, tc.status, tc.failure)
			}
			if d.TLS == nil || len(d.TLS.Chain) == 0 {
				t.Fatal("chain not recorded")
			}
			if d.TLS.Intercepted != tc.intercepted || (tc.intercepted && d.TLS.Product != tc.product) {
				t.Errorf("TLS = %+v", d.TLS)
			}
			if tc.userCA != nil && !d.TLS.UserTrusted {
				t.Error("UserTrusted not set")
			}
			if !strings.Contains(r.Reason, tc.reasonHas) {
				t.Errorf("reason %q lacks %q", r.Reason, tc.reasonHas)
			}
			if tc.failure != "" {
				if r.Error == nil || r.Error.Step != "tls" || !strings.HasPrefix(r.Error.Message, "tls: chatgpt.com: ") {
					t.Errorf("error = %+v", r.Error)
				}
				if d.StatusCode != 0 {
					t.Error("request went on over a chain this machine does not trust")
				}
			}
			assertClean(t, r)
		})
	}
}

func TestEndpointUntrustedInterceptorIsNamed(t *testing.T) {
	tw := newTestWorld(t)
	tw.trust.System = testCAs().public.pool() // the antivirus root is not installed in Go's store
	srv := tw.serve(http.HandlerFunc(okPage), testCAs().intercept.leaf("chatgpt.com"))
	tw.host("chatgpt.com", cgV4, "", addr(srv))
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, tw.World()), "endpoint:chatgpt.com:direct-ipv4-plain"))
	d := endpointDetails(t, r)
	wantReason := "TLS: chatgpt.com: certificate signed by unknown authority 'Kaspersky Anti-Virus Personal Root Certificate'"
	if r.Status != probes.StatusFail || r.Reason != wantReason || d.TLS.Product != "Kaspersky" {
		t.Errorf("got %s %q product %q; want fail %q Kaspersky", r.Status, r.Reason, d.TLS.Product, wantReason)
	}
	wantEvidence(t, r, "TLS rejected: certificate signed by unknown authority", "TLS signer looks like Kaspersky")
}

func TestEndpointMissingFamilyIsSkipped(t *testing.T) {
	tw := newTestWorld(t)
	srv := tw.serve(http.HandlerFunc(okPage))
	tw.host("chatgpt.com", cgV4, "", addr(srv))
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, tw.World()), "endpoint:chatgpt.com:direct-ipv6-browser"))
	d := endpointDetails(t, r)
	if r.Status != probes.StatusSkipped || r.Reason != "chatgpt.com has no IPv6 address" || d.Failure != "no_address" {
		t.Errorf("got %s %q failure %q", r.Status, r.Reason, d.Failure)
	}
}

func TestEndpointProxyCells(t *testing.T) {
	tw := newTestWorld(t)
	srv := tw.serve(http.HandlerFunc(okPage))
	tw.host("chatgpt.com", cgV4, "", addr(srv))
	tw.useProxy(tw.connectProxy(false))
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	ps := targetProbes(cfg.Targets[0], cfg, tw.World())
	if len(ps) != 6 {
		t.Fatalf("%d cells with a proxy configured, want 6", len(ps))
	}
	r := runProbe(t, probeByID(t, ps, "endpoint:chatgpt.com:proxy-any-browser"))
	d := endpointDetails(t, r)
	if r.Status != probes.StatusPass {
		t.Fatalf("proxy cell: %s %s", r.Status, r.Reason)
	}
	if d.Proxy != "http://alice:[redacted]@proxy.test:3128" || d.RemoteAddr != "10.9.9.9:3128" {
		t.Errorf("proxy %q remote %q", d.Proxy, d.RemoteAddr)
	}
	assertClean(t, r, "s3cretpw")

	cfg.BypassProxy = true
	if n := len(targetProbes(cfg.Targets[0], cfg, tw.World())); n != 4 {
		t.Errorf("BypassProxy: %d cells, want 4", n)
	}
}

func TestEndpointProxyRefusesConnect(t *testing.T) {
	tw := newTestWorld(t)
	srv := tw.serve(http.HandlerFunc(okPage))
	tw.host("chatgpt.com", cgV4, "", addr(srv))
	tw.useProxy(tw.connectProxy(true))
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, tw.World()), "endpoint:chatgpt.com:proxy-any-plain"))
	d := endpointDetails(t, r)
	if r.Status != probes.StatusFail || d.Failure != "proxy_refused" || r.Error == nil || r.Error.Step != "proxy" {
		t.Fatalf("got %s %q failure %q error %+v", r.Status, r.Reason, d.Failure, r.Error)
	}
	if !strings.Contains(r.Reason, "refused to connect to chatgpt.com (403 Forbidden)") {
		t.Errorf("reason %q", r.Reason)
	}
	assertClean(t, r, "s3cretpw")
}

func TestEndpointProxyHostMissing(t *testing.T) {
	tw := newTestWorld(t)
	tw.setEnv("HTTPS_PROXY", "http://nowhere.test:3128")
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, tw.World()), "endpoint:chatgpt.com:proxy-any-plain"))
	d := endpointDetails(t, r)
	if r.Status != probes.StatusFail || d.Failure != "proxy_nxdomain" || r.Error.Step != "proxy" {
		t.Errorf("got %s %q failure %q error %+v", r.Status, r.Reason, d.Failure, r.Error)
	}
}

func TestEndpointChallengeWarns(t *testing.T) {
	tw := newTestWorld(t)
	srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cfHeaders(w)
		w.Header().Set("Cf-Mitigated", "challenge")
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `<html><body><noscript><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></noscript><script>window._cf_chl_opt={cType: 'managed',cZone: 'chatgpt.com',cRay: '8a1b2c3d4e5f6a7b'};</script></body></html>`)
	}))
	tw.host("chatgpt.com", cgV4, "", addr(srv))
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, tw.World()), "endpoint:chatgpt.com:direct-ipv4-plain"))
	if d := endpointDetails(t, r); r.Status != probes.StatusWarn || d.Verdict.Kind != classify.VerdictCFChallenge {
		t.Errorf("got %s %q verdict %s", r.Status, r.Reason, d.Verdict.Kind)
	}
}

func TestEndpointConnectionRefused(t *testing.T) {
	tw := newTestWorld(t)
	tw.host("chatgpt.com", cgV4, "", identClosedPort(t))
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, tw.World()), "endpoint:chatgpt.com:direct-ipv4-plain"))
	d := endpointDetails(t, r)
	if r.Status != probes.StatusFail || d.Failure != "refused" || r.Error == nil || r.Error.Step != "connect" {
		t.Fatalf("got %s %q failure %q error %+v", r.Status, r.Reason, d.Failure, r.Error)
	}
	if r.Error.Message != "connect: connect to 104.18.32.47:443: connection refused" {
		t.Errorf("message %q", r.Error.Message)
	}
}

func TestEndpointCancelledIsUnknown(t *testing.T) {
	tw := newTestWorld(t)
	tw.setDNS("chatgpt.com", zoneEntry{drop: true})
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	p := probeByID(t, targetProbes(cfg.Targets[0], cfg, tw.World()), "endpoint:chatgpt.com:direct-ipv4-plain")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	r := p.Run(ctx)
	if r.Status != probes.StatusUnknown || r.Reason != "cancelled before it finished" {
		t.Errorf("got %s %q", r.Status, r.Reason)
	}
}

func TestEndpointAPITargetDefaultRoute(t *testing.T) {
	tw := newTestWorld(t)
	srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cfHeaders(w)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req_123abc")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":{"message":"Missing bearer or basic authentication in header","type":"invalid_request_error","param":null,"code":null}}`)
	}))
	tw.host("api.openai.com", apiV4, "", addr(srv))
	cfg := configFor(probes.APITarget("https://api.openai.com/v1/models"))
	ps := targetProbes(cfg.Targets[0], cfg, tw.World())
	if len(ps) != 1 || ps[0].ID != "endpoint:api.openai.com:default" {
		t.Fatalf("API target probes = %v", ps)
	}
	r := runProbe(t, ps[0])
	d := endpointDetails(t, r)
	if d.StatusCode != 401 || d.Headers["x-request-id"] != "req_123abc" || d.Variant != (probes.Variant{Route: probes.RouteDirect, Family: probes.FamilyAny, Headers: probes.HeadersPlain}) {
		t.Errorf("details %+v", d)
	}
	// The verdict (and so the status) is the classifier's: a missing-key
	// 401 is the API's healthy answer without credentials.
	if d.Expected != (r.Status == probes.StatusPass) {
		t.Errorf("expected=%v but status %s", d.Expected, r.Status)
	}
}

// TestEndpointBudgetCutIsUnknown: when the run budget, not the probe's own
// limit, ends a stalled lookup, the result says so and is unknown: the
// network was not shown to be at fault.
func TestEndpointBudgetCutIsUnknown(t *testing.T) {
	t.Parallel()
	tw := newTestWorld(t)
	tw.setDNS("chatgpt.com", zoneEntry{drop: true})
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	p := probeByID(t, targetProbes(cfg.Targets[0], cfg, tw.World()), "endpoint:chatgpt.com:direct-ipv4-plain")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	r := p.Run(ctx)
	d := endpointDetails(t, r)
	if r.Status != probes.StatusUnknown || d.Failure != "budget" || r.Reason != "the run budget ran out during the DNS lookup" {
		t.Errorf("got %s %q failure %q", r.Status, r.Reason, d.Failure)
	}
}

// noIPv6Dialer is a machine without an IPv6 route.
type noIPv6Dialer struct{ probes.Dialer }

func (d noIPv6Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if network == "tcp6" {
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}
	}
	return d.Dialer.DialContext(ctx, network, address)
}

func TestEndpointNoIPv6Route(t *testing.T) {
	tw := newTestWorld(t)
	srv := tw.serve(http.HandlerFunc(okPage))
	tw.host("chatgpt.com", cgV4, cgV6, addr(srv))
	tw.host("api.openai.com", "", "2606:4700::6810:1", addr(srv))
	w := tw.World()
	w.Dialer = noIPv6Dialer{w.Dialer}
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"), probes.APITarget("https://api.openai.com/v1/models"))

	// An IPv6 cell on a machine without IPv6 did not apply.
	r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, w), "endpoint:chatgpt.com:direct-ipv6-plain"))
	if d := endpointDetails(t, r); r.Status != probes.StatusSkipped || d.Failure != "unreachable" || !strings.HasPrefix(r.Reason, "this machine has no IPv6 route") {
		t.Errorf("IPv6 cell: %s %q %q", r.Status, r.Reason, d.Failure)
	}
	// A request free to use any family, to a host with only IPv6, failed.
	r = runProbe(t, targetProbes(cfg.Targets[1], cfg, w)[0])
	if d := endpointDetails(t, r); r.Status != probes.StatusFail || d.Failure != "unreachable" {
		t.Errorf("any-family request: %s %q %q", r.Status, r.Reason, d.Failure)
	}
}

// TestRedirectsDropQueryStrings: a portal's redirect carries a session and
// the machine's MAC address in its query; neither may reach the result, not
// in Redirects, the evidence, a redirect-loop message nor the kept Location
// header.
func TestRedirectsDropQueryStrings(t *testing.T) {
	tw := newTestWorld(t)
	// The body stays empty: the finding is about the URLs this client
	// records, not about text a page happens to carry.
	redirect := func(w http.ResponseWriter, to string) {
		w.Header().Set("Location", to)
		w.WriteHeader(http.StatusFound)
	}
	portal := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/login":
			redirect(w, "https://chat.openai.com/again?session=portalsess1&mac=aa-bb-cc-dd-ee-ff#frag")
		default:
			redirect(w, "https://chat.openai.com/login?session=portalsess1&mac=aa-bb-cc-dd-ee-ff")
		}
	}))
	tw.host("chat.openai.com", chatV4, "", addr(portal))
	cfg := configFor(probes.WebTarget("https://chat.openai.com/"))
	r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, tw.World()), "endpoint:chat.openai.com:direct-ipv4-plain"))
	d := endpointDetails(t, r)
	if d.Failure != "redirect_loop" || len(d.Redirects) != 2 || d.Redirects[0].To != "https://chat.openai.com/login" {
		t.Errorf("loop: failure %q redirects %+v (%s)", d.Failure, d.Redirects, r.Reason)
	}
	assertClean(t, r, "portalsess1", "aa-bb-cc", "frag")

	// Not followed: the Location header is kept, without its query.
	fr := fetch(context.Background(), tw.World(), fetchSpec{URL: "https://chat.openai.com/", Variant: probes.Variant{Route: probes.RouteDirect, Family: probes.FamilyAny, Headers: probes.HeadersPlain},
		BodyLimit: maxBody, Timeouts: timeoutsFor(0, probes.Limits{})})
	if fr.Details.Headers["location"] != "https://chat.openai.com/login" || !strings.Contains(fr.Cut, "https://chat.openai.com/login instead") {
		t.Errorf("not followed: location %q, cut %q", fr.Details.Headers["location"], fr.Cut)
	}
}

// TestReasonNamesStatusOnce: a classifier summary that already names the
// status gets no second "(HTTP 403)".
func TestReasonNamesStatusOnce(t *testing.T) {
	if got := withStatus("HTTP 403 through Cloudflare with no recognisable error page", 403); got != "HTTP 403 through Cloudflare with no recognisable error page" {
		t.Errorf("named: %q", got)
	}
	if got := withStatus("Cloudflare error 1020: access denied", 403); got != "Cloudflare error 1020: access denied (HTTP 403)" {
		t.Errorf("not named: %q", got)
	}
	tw := newTestWorld(t)
	srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		cfHeaders(w)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "<html><body>nope</body></html>")
	}))
	tw.host("chatgpt.com", cgV4, "", addr(srv))
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, tw.World()), "endpoint:chatgpt.com:direct-ipv4-plain"))
	if r.Status != probes.StatusFail || strings.Count(r.Reason, "HTTP 403") != 1 {
		t.Errorf("%s %q", r.Status, r.Reason)
	}
}

// TestEndpointBodyCutShort: a page whose start looks normal but which
// stalls or breaks off is not a healthy answer; the 256 KiB cap is. A
// block page is still a block when it stalls.
func TestEndpointBodyCutShort(t *testing.T) {
	t.Parallel()
	stall := func(status int, start string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			cfHeaders(w)
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, start)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}
	}
	cases := []struct {
		name    string
		h       http.HandlerFunc
		status  probes.Status
		verdict classify.VerdictKind
		reason  string
	}{
		{"stalls after six bytes", stall(200, "<html>"), probes.StatusWarn, classify.VerdictOK,
			"the page from chatgpt.com started (HTTP 200) but did not arrive whole: stopped reading after 6 bytes"},
		{"breaks off", func(w http.ResponseWriter, r *http.Request) {
			cfHeaders(w)
			w.Header().Set("Content-Length", "1000")
			_, _ = io.WriteString(w, "<html><head>")
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // resets the stream mid-body
		}, probes.StatusWarn, classify.VerdictOK, "the page from chatgpt.com started (HTTP 200) but did not arrive whole: body read failed after 12 bytes"},
		{"block page that stalls", stall(403, "error code: 1020"), probes.StatusFail, classify.VerdictCFBlock, ""},
		{"page over the cap", func(w http.ResponseWriter, r *http.Request) {
			okPage(w, r)
			_, _ = io.WriteString(w, strings.Repeat("<p>chat</p>", maxBody/8))
		}, probes.StatusPass, classify.VerdictOK, "chatgpt.com answered normally (HTTP 200)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tw := newTestWorld(t)
			tw.host("chatgpt.com", cgV4, "", addr(tw.serve(tc.h)))
			cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
			w := tw.World()
			w.Limits = fastLimits() // a stalled body is cut 650 ms in
			r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, w), "endpoint:chatgpt.com:direct-ipv4-plain"))
			d := endpointDetails(t, r)
			if r.Status != tc.status || d.Verdict.Kind != tc.verdict || !strings.HasPrefix(r.Reason, tc.reason) {
				t.Errorf("got %s %s %q", r.Status, d.Verdict.Kind, r.Reason)
			}
			if d.Expected != (tc.status == probes.StatusPass) || (r.Error != nil && r.Error.Step == "read") != (tc.status == probes.StatusWarn) {
				t.Errorf("expected %v, error %+v", d.Expected, r.Error)
			}
		})
	}
}
