package lab

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultLatency is the slow scenario's delay before each edge response's
// headers: over the diagnosis's 800 ms first-byte threshold
// (remedies/rules_slow.go), so the demo shows what a slow server reads
// like, and under half of MaxLatency.
const DefaultLatency = 1 * time.Second

// MaxLatency is the longest delay Options.Latency accepts. The endpoint
// probe gives one request chain 6 s, and chat.openai.com takes two delayed
// round trips (its redirect, then chatgpt.com); at 2 s each, 2 s remain for
// lookups, connections and handshakes. Longer, and the probes time out and
// the slow scenario reads as no connectivity at all.
const MaxLatency = 2 * time.Second

// edge is the Cloudflare edge: one handler for every edge listener,
// routing by Host (falling back to SNI) and answering according to the
// scenario and the identity the request arrived as.
type edge struct {
	spec    spec
	latency time.Duration
	// dripEvery is the drip-body page's pace (dripInterval unless
	// Options.Drip).
	dripEvery time.Duration
	// done is closed by Lab.Close so handlers that wait (latency, drip)
	// return at once.
	done    <-chan struct{}
	started time.Time
	doh     *dnsView
	// hugeServed counts body bytes the huge-body page wrote, so
	// TestHugeBody can show the server streams rather than allocates.
	hugeServed atomic.Int64
}

type identityKey struct{}

// withIdentity tags a listener's connections with the identity the edge
// sees them as.
func withIdentity(id identity) func(ctx context.Context, _ net.Conn) context.Context {
	return func(ctx context.Context, _ net.Conn) context.Context {
		return context.WithValue(ctx, identityKey{}, id)
	}
}

func identityOf(r *http.Request) identity {
	id, _ := r.Context().Value(identityKey{}).(identity)
	return id
}

// requestHost is the host the request names, lower case, without port;
// the SNI name when the Host header is empty.
func requestHost(r *http.Request) string {
	h := r.Host
	if h == "" && r.TLS != nil {
		h = r.TLS.ServerName
	}
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.ToLower(strings.Trim(h, "[]"))
}

func (e *edge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.spec.clockSkew != 0 {
		// Go's server adds a Date header only when none is set.
		w.Header().Set("Date", e.now().UTC().Format(http.TimeFormat))
	}
	id := identityOf(r)
	host := requestHost(r)
	ray := rayID(e.spec.name, id.path, host, r.URL.Path)
	h := w.Header()
	h.Set("Server", "cloudflare")
	h.Set("Cf-Ray", ray+"-"+id.colo)
	if e.spec.escape {
		// C1 controls (8-bit CSI/OSC) survive Go's header parser, which
		// rejects a raw ESC; they reach whatever prints the header.
		h.Set("Server", "cloudflare\u009d0;owned by lab\u009c")
		h.Set("Cf-Ray", "\u009b2J"+ray+"-"+id.colo+"\u009b0m")
		h.Set("X-Lab-Note", "\u009b31mred\u009b0m \u202egnp.exe")
	}
	if e.spec.slow && !e.wait(r, e.latency) {
		return
	}

	if r.URL.Path == "/cdn-cgi/trace" {
		e.trace(w, r, id, host)
		return
	}
	if code, ok := strings.CutPrefix(r.URL.Path, "/cdn-cgi/error/"); ok {
		// Cloudflare's test endpoint renders any error page on request,
		// negotiated like the real thing.
		if n, err := strconv.Atoi(code); err == nil && cfErrors[n].status != 0 {
			e.cfError(w, r, id, ray, host, n)
			return
		}
		page(w, http.StatusNotFound, "text/html; charset=UTF-8", "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>\n")
		return
	}
	secure := r.TLS != nil
	switch {
	case host == hostChatGPT:
		if !secure {
			redirect(w, "https://"+hostChatGPT+r.URL.RequestURI(), http.StatusMovedPermanently)
			return
		}
		e.chatgpt(w, r, id, ray)
	case host == hostChat:
		// chat.openai.com has sent everyone to chatgpt.com since 2024.
		redirect(w, "https://"+hostChatGPT+r.URL.RequestURI(), http.StatusPermanentRedirect)
	case host == hostAPI:
		if !secure {
			redirect(w, "https://"+hostAPI+r.URL.RequestURI(), http.StatusMovedPermanently)
			return
		}
		e.api(w, r)
	case host == hostStatus:
		e.status(w, r)
	case host == hostDoH, host == hostOneOneOne, isCloudflareResolver(host):
		e.resolverSite(w, r)
	case host == hostCloudflare:
		page(w, http.StatusOK, "text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>Cloudflare</title></head><body><h1>Cloudflare</h1></body></html>\n")
	case host == hostCaptive && r.URL.Path == "/generate_204":
		h.Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusNoContent)
	default:
		// A name Cloudflare does not serve: error 1001.
		e.cfError(w, r, id, ray, host, 1001)
	}
}

// chatgpt is chatgpt.com: the zone's firewall first, then the origin.
func (e *edge) chatgpt(w http.ResponseWriter, r *http.Request, id identity, ray string) {
	if g := e.spec.gate; g != nil && g.fires(id, r) {
		if g.code == 0 {
			e.challenge(w, ray)
			return
		}
		e.cfError(w, r, id, ray, hostChatGPT, g.code)
		return
	}
	h := w.Header()
	h.Set("Cf-Cache-Status", "DYNAMIC")
	h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload")
	switch e.spec.web {
	case web522:
		e.cfError(w, r, id, ray, hostChatGPT, 522)
	case web503:
		// What chatgpt.com users saw in real outages: the origin's Envoy
		// gave up, and Cloudflare passed its 503 through unchanged.
		page(w, http.StatusServiceUnavailable, "text/plain",
			"upstream connect error or disconnect/reset before headers. reset reason: connection termination")
	case webHuge:
		e.huge(w, r)
	case webDrip:
		e.drip(w, r)
	case webRedirectLoop:
		redirect(w, "https://"+hostChatGPT+"/", http.StatusFound)
	default:
		h.Add("Set-Cookie", "__cf_bm=lab."+ray+"; path=/; expires="+time.Now().Add(30*time.Minute).UTC().Format(http.TimeFormat)+"; domain=.chatgpt.com; HttpOnly; Secure; SameSite=None")
		page(w, http.StatusOK, "text/html; charset=utf-8", appShell(ray, e.spec.escape))
	}
}

// fires reports whether the rule matches this request.
func (g *gate) fires(id identity, r *http.Request) bool {
	if g.paths != nil && !slices.Contains(g.paths, id.path) {
		return false
	}
	return g.code != 1010 || !browserLike(r)
}

// isCloudflareResolver reports whether host is one of 1.1.1.1's addresses,
// which Cloudflare's edge serves as the resolver's site.
func isCloudflareResolver(host string) bool {
	a, err := netip.ParseAddr(host)
	return err == nil && slices.Contains(cloudflareResolvers, a.Unmap())
}

// browserLike is the lab's browser-signature check: a Mozilla user agent
// that is not a headless browser, asking for HTML. Go's and curl's default
// requests fail it; a coherent browser header set passes.
func browserLike(r *http.Request) bool {
	ua := r.UserAgent()
	return strings.HasPrefix(ua, "Mozilla/5.0 (") && !strings.Contains(ua, "HeadlessChrome") &&
		strings.Contains(r.Header.Get("Accept"), "text/html")
}

// wait sleeps for d unless the request or the lab ends first; it reports
// whether the handler should go on.
func (e *edge) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-e.done:
	}
	return false
}

func redirect(w http.ResponseWriter, to string, status int) {
	w.Header().Set("Location", to)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
}

func page(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// resolverSite is cloudflare-dns.com / 1.1.1.1: DoH and a home page.
func (e *edge) resolverSite(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/dns-query" {
		e.dohQuery(w, r)
		return
	}
	page(w, http.StatusOK, "text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>1.1.1.1 — the free app that makes your Internet faster.</title></head><body><h1>1.1.1.1</h1></body></html>\n")
}

// now is the edge's clock: the true time, except in the clock-skew
// scenario, where the edge runs behind by the skew so that any client's
// clock, the binary's included, reads as that far ahead.
func (e *edge) now() time.Time { return time.Now().Add(-e.spec.clockSkew) }
