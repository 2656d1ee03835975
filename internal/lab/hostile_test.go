package lab

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// TestHugeBody reads a bounded prefix of the 1 GiB page and shows the lab
// streams it: the server writes little more than the client read, and
// neither side's heap grows anywhere near a GiB. Not parallel, so the
// allocation count is this test's own.
func TestHugeBody(t *testing.T) {
	l := startLab(t, "huge-body", Options{})
	w := l.World(probes.World{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	const prefix = 1 << 20
	c := clientFor(t, w, fetchOpts{variant: variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersBrowser)}, new([]string))
	req, _ := http.NewRequest(http.MethodGet, "https://chatgpt.com/", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.ContentLength != hugeSize || resp.StatusCode != 200 {
		t.Fatalf("status %d, length %d", resp.StatusCode, resp.ContentLength)
	}
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, prefix))
	if err != nil || n != prefix {
		t.Fatalf("read %d: %v", n, err)
	}
	resp.Body.Close()
	c.CloseIdleConnections()

	// The handler stops once the client is gone.
	deadline := time.Now().Add(10 * time.Second)
	last := int64(-1)
	for time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		cur := l.edge.hugeServed.Load()
		if cur == last {
			break
		}
		last = cur
	}
	runtime.ReadMemStats(&after)
	served := l.edge.hugeServed.Load()
	if served >= hugeSize/4 {
		t.Errorf("server wrote %d bytes for a %d-byte read", served, prefix)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("fetching a 1 MiB prefix allocated %d MiB", alloc>>20)
	}
	t.Logf("client read %d KiB, server wrote %d KiB, allocated %d KiB", prefix>>10, served>>10, (after.TotalAlloc-before.TotalAlloc)>>10)
}

func TestDripBody(t *testing.T) {
	t.Parallel()
	// A tenth of the page's real pace: one byte a second becomes one in
	// 100 ms, and 1.5 s of reading 150 ms.
	const drip = dripInterval / 10
	l := startLab(t, "drip-body", Options{Drip: drip})
	w := l.World(probes.World{})
	res := fetch(t, w, "https://chatgpt.com/", fetchOpts{variant: variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersBrowser),
		bodyWait: drip * 3 / 2})
	if res.status != 200 || !res.truncated {
		t.Fatalf("status %d truncated %v err %v", res.status, res.truncated, res.err)
	}
	// One byte at once, then one per interval: 2 or 3 bytes in 1.5
	// intervals.
	if len(res.body) < 1 || len(res.body) > 3 || !strings.HasPrefix("<!DOCTYPE", string(res.body)) {
		t.Errorf("dripped %q in %s", res.body, drip*3/2)
	}
	if l.edge.dripEvery != drip {
		t.Errorf("the page drips every %s, want %s", l.edge.dripEvery, drip)
	}
	if d := startLab(t, "drip-body", Options{}); d.edge.dripEvery != dripInterval {
		t.Errorf("default drip %s, want %s", d.edge.dripEvery, dripInterval)
	}
}

func TestEscapes(t *testing.T) {
	t.Parallel()
	l := startLab(t, "escapes", Options{})
	w := l.World(probes.World{})
	res := fetch(t, w, "https://chatgpt.com/", fetchOpts{variant: variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersBrowser)})
	if res.status != 403 {
		t.Fatalf("status %d %v", res.status, res.err)
	}
	for _, h := range []string{"Server", "Cf-Ray", "X-Lab-Note"} {
		if !strings.ContainsAny(res.header.Get(h), "\u009b\u009d") {
			t.Errorf("header %s carries no C1 control: %q", h, res.header.Get(h))
		}
	}
	for _, seq := range []string{"\x1b[2J", "\x1b]0;", "\x1b]52;", "\x1b]8;;", "\u202e"} {
		if !strings.Contains(string(res.body), seq) {
			t.Errorf("block page lacks %q", seq)
		}
	}
	ray := l.Scenario().Expect.Targets[0].RayIDs[pathDirect4]
	if !strings.Contains(string(res.body), "Ray ID: <span class=\"ray-id\">"+ray) {
		t.Errorf("block page lacks its Ray ID %s", ray)
	}
	// JSON negotiation carries the escapes JSON-encoded.
	res = fetch(t, w, "https://chatgpt.com/", fetchOpts{variant: variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain),
		header: http.Header{"Accept": {"application/json"}}})
	if !strings.Contains(string(res.body), `\u001b[31m`) {
		t.Errorf("JSON error lacks an escaped ESC: %q", res.body)
	}
	// The API answers with a raw ESC in a header line: Go refuses it, and
	// its error quotes the byte instead of passing it on.
	res = fetch(t, w, "https://api.openai.com/v1/models", fetchOpts{variant: variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain)})
	if res.failure != FailureProtocol || strings.Contains(res.err.Error(), "\x1b") {
		t.Errorf("API: failure %q err %v", res.failure, res.err)
	}
}

func TestRedirectLoop(t *testing.T) {
	t.Parallel()
	l := startLab(t, "redirect-loop", Options{})
	w := l.World(probes.World{})
	res := fetch(t, w, "https://chat.openai.com/", fetchOpts{variant: variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersBrowser)})
	if res.failure != FailureRedirects || len(res.redirects) != maxRedirects {
		t.Fatalf("failure %q after %d redirects (%v)", res.failure, len(res.redirects), res.err)
	}
	for _, r := range res.redirects {
		if r != "https://chatgpt.com/" {
			t.Errorf("redirected to %s", r)
		}
	}
}

// TestTransportFailures looks below HTTP: what each hostile listener does
// to a bare connection.
func TestTransportFailures(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dial := func(l *Lab, addr string) net.Conn {
		t.Helper()
		c, err := l.World(probes.World{}).Dialer.DialContext(ctx, "tcp", addr)
		if err != nil {
			t.Fatalf("%s: dial %s: %v", l.Scenario().Name, addr, err)
		}
		return c
	}
	const chatgpt4 = "104.18.32.47:443"

	// blackhole: TCP accepted, nothing ever comes back.
	bh := startLab(t, "blackhole", Options{})
	c := dial(bh, chatgpt4)
	_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if n, err := c.Read(make([]byte, 1)); n != 0 || !isTimeout(err) {
		t.Errorf("blackhole: read %d %v", n, err)
	}
	c.Close()
	// …but the neutral hosts still answer.
	if res := fetch(t, bh.World(probes.World{}), probes.DefaultCaptiveURL, fetchOpts{variant: variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain)}); res.status != 204 {
		t.Errorf("blackhole: captive check %d %v", res.status, res.err)
	}

	// tls-stall: the handshake starts and never ends.
	st := startLab(t, "tls-stall", Options{})
	c = dial(st, chatgpt4)
	tc := tls.Client(c, &tls.Config{ServerName: "chatgpt.com"})
	_ = c.SetDeadline(time.Now().Add(300 * time.Millisecond))
	if err := tc.Handshake(); !isTimeout(err) {
		t.Errorf("tls-stall: handshake %v", err)
	}
	c.Close()

	// reset: RST as soon as the connection opens.
	// On loopback the RST can beat connect() itself.
	rs := startLab(t, "reset", Options{})
	c, err := rs.World(probes.World{}).Dialer.DialContext(ctx, "tcp", chatgpt4)
	if err == nil {
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		_, werr := c.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
		_, err = c.Read(make([]byte, 1))
		if werr != nil {
			err = werr
		}
		c.Close()
	}
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		t.Errorf("reset: %v", err)
	}

	// offline and captive-portal: refused.
	for _, name := range []string{"offline", "captive-portal"} {
		l := startLab(t, name, Options{})
		_, err := l.World(probes.World{}).Dialer.DialContext(ctx, "tcp", chatgpt4)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("%s: dial %v", name, err)
		}
	}
}

func TestSlow(t *testing.T) {
	t.Parallel()
	const latency = 150 * time.Millisecond
	l := startLab(t, "slow", Options{Latency: latency})
	res := fetch(t, l.World(probes.World{}), "https://chat.openai.com/", fetchOpts{variant: variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersBrowser)})
	// Two round trips: the 308 and chatgpt.com itself.
	if res.status != 200 || res.elapsed < 2*latency {
		t.Errorf("status %d after %v, want 200 after at least %v", res.status, res.elapsed, 2*latency)
	}
	d := startLab(t, "slow", Options{})
	if d.latency != DefaultLatency {
		t.Errorf("default latency %v", d.latency)
	}
}

// TestErrorFormats: Cloudflare's documented error negotiation and the
// plain-text body non-browsers get.
func TestErrorFormats(t *testing.T) {
	t.Parallel()
	cases := []struct {
		scenario, accept string
		browser          bool
		ctype            string
		markers          []string
	}{
		{"block-1020", "", false, "text/plain; charset=UTF-8", []string{"error code: 1020"}},
		{"block-1020", "*/*", false, "text/plain; charset=UTF-8", []string{"error code: 1020"}},
		{"block-1020", browserAccept, true, "text/html; charset=UTF-8", []string{"<title>Access denied</title>", "code-label\">Error code <span>1020</span>", "Country: US", "Data center: sjc01", "IP: 203.0.113.10", "utm_source=1020_error", "/cdn-cgi/challenge-platform/scripts/jsd/main.js"}},
		{"block-1020", "application/json", false, "application/json; charset=utf-8", []string{`"error_code": 1020`, `"error_name": "firewall_rule_blocked"`, `"cloudflare_error": true`, `"retryable": false`}},
		{"block-1020", "application/problem+json", false, "application/problem+json; charset=utf-8", []string{`"status": 403`}},
		{"block-1020", "application/json, text/markdown;q=0.9, */*;q=0.1", false, "application/json; charset=utf-8", []string{`"error_code": 1020`}},
		{"block-1020", "text/markdown, application/json", false, "text/markdown; charset=utf-8", []string{"error_code: 1020", "# Error 1020: Access denied"}},
		{"block-1020", "text/*", false, "text/markdown; charset=utf-8", []string{"error_code: 1020"}},
		{"rate-1015", browserAccept, true, "text/html; charset=UTF-8", []string{"used Cloudflare to restrict access</title>", "cf-error-code\">1015<", "errorCode:1015", "has banned you temporarily"}},
		{"rate-1015", "application/json", false, "application/json; charset=utf-8", []string{`"retry_after": 30`, `"error_category": "rate_limit"`}},
		{"sig-1010", "", false, "text/plain; charset=UTF-8", []string{"error code: 1010"}},
		{"country-1009", browserAccept, true, "text/html; charset=UTF-8", []string{"cf-error-code\">1009<", "is in (RU)"}},
		{"origin-5xx", "", false, "text/html; charset=UTF-8", []string{"chatgpt.com | 522: Connection timed out", "cf-error-code\">522<"}},
		{"origin-5xx", "application/json", false, "application/json; charset=utf-8", []string{`"error_name": "connection_timeout"`, `"retry_after": 120`}},
		// q=0 means "not acceptable": JSON is refused, so the default.
		{"block-1020", "application/json;q=0", false, "text/plain; charset=UTF-8", []string{"error code: 1020"}},
		{"block-1020", "application/json;q=0, text/markdown;q=0.5", false, "text/markdown; charset=utf-8", []string{"error_code: 1020"}},
		{"challenge", "application/json", false, "text/html; charset=UTF-8", []string{"window._cf_chl_opt", "cType: 'managed'", "cZone: 'chatgpt.com'", "/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=", "Enable JavaScript and cookies to continue"}},
	}
	for _, c := range cases {
		l := startLab(t, c.scenario, Options{})
		v := variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain)
		if c.browser {
			v.Headers = probes.HeadersBrowser
		}
		h := http.Header{}
		if c.accept != "" {
			h.Set("Accept", c.accept)
		}
		res := fetch(t, l.World(probes.World{}), "https://chatgpt.com/", fetchOpts{variant: v, header: h})
		where := c.scenario + " Accept=" + strconv.Quote(c.accept)
		if got := res.header.Get("Content-Type"); got != c.ctype {
			t.Errorf("%s: content-type %q, want %q", where, got, c.ctype)
		}
		for _, m := range c.markers {
			if !strings.Contains(string(res.body), m) {
				t.Errorf("%s: body lacks %q: %.300q", where, m, res.body)
			}
		}
		ray := l.Scenario().Expect.Targets[0].RayIDs[pathDirect4]
		if c.browser && !strings.Contains(string(res.body), ray) {
			t.Errorf("%s: page does not state Ray ID %s", where, ray)
		}
		if c.accept == "" && c.scenario != "origin-5xx" && len(res.body) != 16 {
			t.Errorf("%s: plain body is %d bytes, Cloudflare sends 16", where, len(res.body))
		}
	}
	// The /cdn-cgi/error/ test endpoint renders pages on any Cloudflare
	// host, even a healthy one; unknown codes are a plain 404.
	h := startLab(t, "healthy", Options{})
	hw := h.World(probes.World{})
	for path, want := range map[string]int{"/cdn-cgi/error/1015": 429, "/cdn-cgi/error/522": 522, "/cdn-cgi/error/9999": 404, "/cdn-cgi/error/x": 404} {
		res := fetch(t, hw, "https://api.openai.com"+path, fetchOpts{variant: variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain),
			header: http.Header{"Accept": {"application/json"}}})
		if res.status != want || (want != 404 && !strings.Contains(string(res.body), `"cloudflare_error": true`)) {
			t.Errorf("%s: %d %.100q", path, res.status, res.body)
		}
	}
	// Retry-After accompanies the retryable errors.
	l := startLab(t, "rate-1015", Options{})
	res := fetch(t, l.World(probes.World{}), "https://chatgpt.com/", fetchOpts{variant: variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain)})
	if res.header.Get("Retry-After") != "30" {
		t.Errorf("1015 Retry-After %q", res.header.Get("Retry-After"))
	}
}

// TestHostileListenersLetGo: a blackhole or stalled handshake holds a
// connection only while the client does; once the client hangs up, the
// lab closes its end and forgets it, instead of keeping every connection
// until Close.
func TestHostileListenersLetGo(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"blackhole", "tls-stall"} {
		l := startLab(t, name, Options{})
		w := l.World(probes.World{})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		for range 20 {
			c, err := w.Dialer.DialContext(ctx, "tcp", "104.18.32.47:443")
			if err != nil {
				t.Fatal(err)
			}
			// The stall answers the first flight; the blackhole drops it.
			_, _ = c.Write([]byte{0x16, 0x03, 0x01, 0x00, 0x01, 0x01})
			c.Close()
		}
		cancel()
		held := -1
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			l.group.mu.Lock()
			held = len(l.group.conns)
			l.group.mu.Unlock()
			if held == 0 {
				break
			}
		}
		if held != 0 {
			t.Errorf("%s: %d of 20 connections still held after their clients closed", name, held)
		}
	}
}

// failingListener fails every Accept, as a listener out of file
// descriptors does, until it is closed.
type failingListener struct {
	accepts atomic.Int64
	closed  chan struct{}
}

func (f *failingListener) Accept() (net.Conn, error) {
	select {
	case <-f.closed:
		return nil, net.ErrClosed
	default:
	}
	f.accepts.Add(1)
	return nil, &net.OpError{Op: "accept", Net: "tcp", Err: syscall.EMFILE}
}
func (f *failingListener) Close() error   { close(f.closed); return nil }
func (f *failingListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// TestAcceptLoopBacksOff: failed accepts pause, 5 ms doubling, instead of
// spinning a core; closing the listener ends the loop.
func TestAcceptLoopBacksOff(t *testing.T) {
	t.Parallel()
	ln := &failingListener{closed: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		acceptLoop(ln, &group{}, func(net.Conn) { t.Error("handled a connection that was never accepted") })
	}()
	time.Sleep(300 * time.Millisecond)
	ln.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("acceptLoop outlived its listener")
	}
	// 5+10+20+40+80+160 ms: at most 7 tries in 300 ms; a spinning loop
	// makes millions.
	if n := ln.accepts.Load(); n > 10 {
		t.Errorf("%d accepts in 300 ms: the loop spins", n)
	}
}
