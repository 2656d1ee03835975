package collect

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/miekg/dns"
)

// This file builds a small fake internet for the network probes: an
// in-process DNS server answering the real host names with public-looking
// addresses, a ConnectTo dialer mapping those addresses to httptest TLS
// listeners on loopback, and trust stores made of throwaway CAs. Probes run
// against it unchanged, exactly as they run against the real network.

// testCA is a throwaway certificate authority.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestCA(cn, org string) *testCA {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{org}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(48 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key}
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// leaf issues a server certificate for hosts.
func (ca *testCA) leaf(hosts ...string) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: hosts[0]},
		DNSNames:     hosts,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		panic(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// testCAs are shared by all tests: the stand-in for a public CA (with the
// organisation of one Cloudflare uses), an antivirus interception root and
// a corporate root the user declares with --ca-file.
var testCAs = sync.OnceValue(func() struct{ public, intercept, corp *testCA } {
	return struct{ public, intercept, corp *testCA }{
		public:    newTestCA("Test GTS Root R4", "Google Trust Services LLC"),
		intercept: newTestCA("Kaspersky Anti-Virus Personal Root Certificate", "AO Kaspersky Lab"),
		corp:      newTestCA("Example Corp Inspection CA", "Example Corp"),
	}
})

// allTestHosts are the names the shared public leaf covers.
var allTestHosts = []string{"chatgpt.com", "chat.openai.com", "api.openai.com", "status.openai.com",
	"platform.openai.com", "sora.com", "auth.openai.com", "example.net"}

var publicLeaf = sync.OnceValue(func() tls.Certificate { return testCAs().public.leaf(allTestHosts...) })

// zoneEntry is what the fake DNS says about one name.
type zoneEntry struct {
	a, aaaa []string
	rcode   int
	drop    bool
}

// testWorld is a fake internet for one test.
type testWorld struct {
	t       testing.TB
	dnsAddr string

	mu      sync.Mutex
	zone    map[string]zoneEntry // fqdn -> entry
	rules   map[string]string    // connect-to
	env     map[string]string
	trust   probes.Trust
	clock   probes.Clock
	latency time.Duration
}

func newTestWorld(t testing.TB) *testWorld {
	tw := &testWorld{
		t:     t,
		zone:  map[string]zoneEntry{},
		rules: map[string]string{},
		env:   map[string]string{},
		clock: probes.SystemClock{},
	}
	cas := testCAs()
	sys := cas.public.pool()
	sys.AddCert(cas.intercept.cert)
	tw.trust = probes.Trust{System: sys, Public: cas.public.pool(), PublicSource: "test"}
	tw.startDNS()
	return tw
}

func (tw *testWorld) startDNS() {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		tw.t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(tw.answer)}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	tw.dnsAddr = pc.LocalAddr().String()
	tw.t.Cleanup(func() { _ = srv.Shutdown() })
}

func (tw *testWorld) answer(w dns.ResponseWriter, r *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.RecursionAvailable = true
	if len(r.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		_ = w.WriteMsg(m)
		return
	}
	q := r.Question[0]
	tw.mu.Lock()
	e, ok := tw.zone[strings.ToLower(q.Name)]
	tw.mu.Unlock()
	switch {
	case !ok:
		m.Rcode = dns.RcodeNameError
	case e.drop:
		return
	case e.rcode != 0:
		m.Rcode = e.rcode
	case q.Qtype == dns.TypeA:
		for _, a := range e.a {
			m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.ParseIP(a)})
		}
	case q.Qtype == dns.TypeAAAA:
		for _, a := range e.aaaa {
			m.Answer = append(m.Answer, &dns.AAAA{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeAAAA, Class: dns.ClassINET, Ttl: 60}, AAAA: net.ParseIP(a)})
		}
	}
	_ = w.WriteMsg(m)
}

// setDNS sets what the fake DNS answers for name.
func (tw *testWorld) setDNS(name string, e zoneEntry) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	tw.zone[dns.Fqdn(strings.ToLower(name))] = e
}

// route sends connections for ip:port to the loopback address to.
func (tw *testWorld) route(ip string, port string, to string) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	tw.rules[net.JoinHostPort(netip.MustParseAddr(ip).String(), port)] = to
}

// host publishes name at v4 and v6 (either may be "") and routes port 443
// of both to the listener at to.
func (tw *testWorld) host(name, v4, v6, to string) {
	var e zoneEntry
	if v4 != "" {
		e.a = []string{v4}
		tw.route(v4, "443", to)
	}
	if v6 != "" {
		e.aaaa = []string{v6}
		tw.route(v6, "443", to)
	}
	tw.setDNS(name, e)
}

func (tw *testWorld) setEnv(k, v string) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	tw.env[k] = v
}

// World returns the probes' view of this fake internet.
func (tw *testWorld) World() probes.World {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	rules := make(map[string]string, len(tw.rules))
	for k, v := range tw.rules {
		rules[k] = v
	}
	env := make(map[string]string, len(tw.env))
	for k, v := range tw.env {
		env[k] = v
	}
	dnsAddr := tw.dnsAddr
	var base probes.Dialer = &net.Dialer{}
	if tw.latency > 0 {
		base = latencyDialer{d: tw.latency}
	}
	return probes.World{
		Dialer: ConnectTo{Base: base, Rules: rules},
		Resolver: &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "udp", dnsAddr)
		}},
		Clock:     tw.clock,
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		GOOS:      "linux",
		Trust:     tw.trust,
	}
}

// serve starts an HTTPS server (HTTP/2 enabled) with cert, closed at the
// end of the test. A zero cert means the shared public leaf.
func (tw *testWorld) serve(h http.Handler, cert ...tls.Certificate) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	c := publicLeaf()
	if len(cert) > 0 {
		c = cert[0]
	}
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{c}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // rejected handshakes are the point of some tests
	if tw.latency > 0 {
		srv.Listener = latencyListener{Listener: srv.Listener, d: tw.latency}
	}
	srv.StartTLS()
	tw.t.Cleanup(srv.Close)
	return srv
}

// addr is a server's loopback address.
func addr(srv *httptest.Server) string { return srv.Listener.Addr().String() }

// rawListener accepts TCP connections and hands each to fn, for servers
// that misbehave below HTTP. Closed at the end of the test.
func (tw *testWorld) rawListener(fn func(net.Conn)) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tw.t.Fatal(err)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	tw.t.Cleanup(func() {
		close(done)
		ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				go func() { <-done; c.Close() }()
				fn(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// rawTLS is rawListener behind a TLS handshake with the public leaf,
// speaking HTTP/1.1, so a test can write any bytes as a response.
func (tw *testWorld) rawTLS(fn func(c net.Conn, req *http.Request)) string {
	cfg := &tls.Config{Certificates: []tls.Certificate{publicLeaf()}, NextProtos: []string{"http/1.1"}}
	return tw.rawListener(func(c net.Conn) {
		tc := tls.Server(c, cfg)
		defer tc.Close()
		if err := tc.Handshake(); err != nil {
			return
		}
		req, err := http.ReadRequest(bufio.NewReader(tc))
		if err != nil {
			return
		}
		fn(tc, req)
	})
}

// connectProxy starts an HTTP CONNECT proxy that resolves and dials through
// the fake internet, or refuses every CONNECT with 403 when refuse is set.
func (tw *testWorld) connectProxy(refuse bool) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		if refuse {
			http.Error(w, "forbidden by policy", http.StatusForbidden)
			return
		}
		world := tw.World()
		host, port, _ := net.SplitHostPort(r.Host)
		ips, err := world.Resolver.LookupNetIP(r.Context(), "ip4", host)
		if err != nil || len(ips) == 0 {
			http.Error(w, "no such host", http.StatusBadGateway)
			return
		}
		up, err := world.Dialer.DialContext(r.Context(), "tcp", net.JoinHostPort(ips[0].String(), port))
		if err != nil {
			http.Error(w, "upstream down", http.StatusBadGateway)
			return
		}
		hj, _ := w.(http.Hijacker)
		c, brw, err := hj.Hijack()
		if err != nil {
			up.Close()
			return
		}
		_, _ = brw.WriteString("HTTP/1.1 200 Connection established\r\n\r\n")
		_ = brw.Flush()
		go func() { _, _ = io.Copy(up, brw); up.Close() }()
		_, _ = io.Copy(c, up)
		c.Close()
	}))
	tw.t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// useProxy publishes proxy.test at 10.9.9.9, routes its port 3128 to the
// proxy listener and points HTTPS_PROXY at it (with a password that must
// never show up in a result).
func (tw *testWorld) useProxy(proxyAddr string) {
	tw.setDNS("proxy.test", zoneEntry{a: []string{"10.9.9.9"}})
	tw.route("10.9.9.9", "3128", proxyAddr)
	tw.setEnv("HTTPS_PROXY", "http://alice:s3cretpw@proxy.test:3128")
}

// latencyDialer adds a fixed delay to every connect.
type latencyDialer struct{ d time.Duration }

func (l latencyDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	t := time.NewTimer(l.d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
	}
	return (&net.Dialer{}).DialContext(ctx, network, address)
}

// latencyListener delays the first write after each read on a server
// connection: one round trip of latency per response flight (the TLS
// server flight, each HTTP response).
type latencyListener struct {
	net.Listener
	d time.Duration
}

func (l latencyListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &latencyConn{Conn: c, d: l.d}, nil
}

type latencyConn struct {
	net.Conn
	d       time.Duration
	mu      sync.Mutex
	pending bool
}

func (c *latencyConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		c.pending = true
		c.mu.Unlock()
	}
	return n, err
}

func (c *latencyConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	wait := c.pending
	c.pending = false
	c.mu.Unlock()
	if wait {
		time.Sleep(c.d)
	}
	return c.Conn.Write(p)
}

// cfHeaders marks a response as coming through Cloudflare's edge.
func cfHeaders(w http.ResponseWriter) {
	w.Header().Set("Server", "cloudflare")
	w.Header().Set("Cf-Ray", "8a1b2c3d4e5f6a7b-FRA")
}

// okPage is a normal page through Cloudflare.
func okPage(w http.ResponseWriter, _ *http.Request) {
	cfHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Set-Cookie", "__cf_bm=secretcookievalue; path=/")
	_, _ = io.WriteString(w, "<!DOCTYPE html><html><head><title>ChatGPT</title></head><body>hello</body></html>")
}

// block1020 is Cloudflare's plain-text 1020 block.
func block1020(w http.ResponseWriter, _ *http.Request) {
	cfHeaders(w)
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	w.WriteHeader(http.StatusForbidden)
	_, _ = io.WriteString(w, "error code: 1020")
}

// runProbe runs one probe as the engine would, under its own timeout.
func runProbe(t testing.TB, p probes.Probe) probes.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), p.Timeout)
	defer cancel()
	r := p.Run(ctx)
	r.ID, r.Kind = p.ID, p.Kind
	return r
}

// probeByID picks one probe from a plan.
func probeByID(t testing.TB, ps []probes.Probe, id string) probes.Probe {
	t.Helper()
	for _, p := range ps {
		if p.ID == id {
			return p
		}
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	t.Fatalf("no probe %s in %v", id, ids)
	return probes.Probe{}
}

// assertClean fails when the JSON of r holds an escape or control
// character (escaped by encoding/json or raw), or any of the forbidden
// strings.
func assertClean(t testing.TB, r probes.Result, forbidden ...string) {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	s := string(b)
	for i := 0; i < 0x20; i++ {
		esc := `\u00` + string("0123456789abcdef"[i>>4]) + string("0123456789abcdef"[i&15])
		if strings.Contains(s, esc) {
			t.Errorf("result JSON holds control character %q: %s", esc, s)
		}
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			t.Errorf("result JSON holds raw control rune %U", r)
			break
		}
	}
	for _, f := range forbidden {
		if strings.Contains(s, f) {
			t.Errorf("result JSON holds %q: %s", f, s)
		}
	}
}

// fastLimits are the limits tests of stalls run under: each phase that
// stalls is reported as that phase's stall, as under the defaults, but
// after a few hundred milliseconds instead of seconds. Every limit still
// leaves loopback work (a lookup, a connect, a TLS handshake under -race
// on a loaded machine) far more time than it needs, and the ordering the
// defaults rely on holds: the system lookup limit under the independent
// resolvers' query limit, the body reserve well inside the probe limit.
func fastLimits() probes.Limits {
	return probes.Limits{
		Probe:         800 * time.Millisecond,
		DNS:           200 * time.Millisecond,
		Connect:       300 * time.Millisecond,
		TLS:           300 * time.Millisecond,
		Header:        400 * time.Millisecond,
		BodyReserve:   150 * time.Millisecond,
		DNSQuery:      300 * time.Millisecond,
		DNSRetransmit: 100 * time.Millisecond,
		Command:       200 * time.Millisecond,
	}
}
