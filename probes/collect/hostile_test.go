package collect

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/miekg/dns"
)

// hangDialer never connects to one address, like a firewall that drops
// SYNs: the connect waits until its context ends.
type hangDialer struct {
	probes.Dialer
	addr string
}

func (h hangDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if address == h.addr {
		<-ctx.Done()
		return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
	}
	return h.Dialer.DialContext(ctx, network, address)
}

func TestHostileServers(t *testing.T) {
	t.Parallel()
	type check func(t *testing.T, r probes.Result, d *probes.EndpointDetails)
	failure := func(code, step string) check {
		return func(t *testing.T, r probes.Result, d *probes.EndpointDetails) {
			t.Helper()
			if r.Status != probes.StatusFail || d.Failure != code || r.Error == nil || r.Error.Step != step {
				t.Errorf("got %s failure %q error %+v (%s); want fail %s at %s", r.Status, d.Failure, r.Error, r.Reason, code, step)
			}
		}
	}
	cases := []struct {
		name  string
		setup func(tw *testWorld)
		// dial wraps the world's dialer (for a blackhole).
		dial  func(probes.Dialer) probes.Dialer
		check check
	}{
		{
			name: "1 GiB body",
			setup: func(tw *testWorld) {
				chunk := []byte(strings.Repeat("<p>filler</p>", 2048))
				srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					cfHeaders(w)
					w.Header().Set("Content-Type", "text/html")
					for sent := 0; sent < 1<<30; sent += len(chunk) {
						if _, err := w.Write(chunk); err != nil {
							return
						}
					}
				}))
				tw.host("chatgpt.com", cgV4, "", addr(srv))
			},
			check: func(t *testing.T, r probes.Result, d *probes.EndpointDetails) {
				if !d.BodyTruncated || d.BodyBytes != maxBody || d.Verdict.Kind == "" {
					t.Errorf("truncated=%v bytes=%d verdict=%q", d.BodyTruncated, d.BodyBytes, d.Verdict.Kind)
				}
			},
		},
		{
			// One byte every 100 ms never ends before the probe's limit
			// (800 ms under fastLimits), as one a second never ends before
			// the default 6 s.
			name: "body dripping one byte at a time",
			setup: func(tw *testWorld) {
				srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					cfHeaders(w)
					w.Header().Set("Content-Type", "text/html")
					tick := time.NewTicker(100 * time.Millisecond)
					defer tick.Stop()
					for {
						if _, err := io.WriteString(w, "<"); err != nil {
							return
						}
						w.(http.Flusher).Flush()
						select {
						case <-r.Context().Done():
							return
						case <-tick.C:
						}
					}
				}))
				tw.host("chatgpt.com", cgV4, "", addr(srv))
			},
			check: func(t *testing.T, r probes.Result, d *probes.EndpointDetails) {
				if !d.BodyTruncated || d.BodyBytes == 0 || d.Verdict.Kind == "" || d.StatusCode != 200 {
					t.Errorf("truncated=%v bytes=%d verdict=%q status=%d", d.BodyTruncated, d.BodyBytes, d.Verdict.Kind, d.StatusCode)
				}
				wantEvidence(t, r, "body: stopped reading after")
			},
		},
		{
			// Go rejects a raw ESC in a header line; the failure quotes the
			// line, and that quote must not carry the sequence either.
			name: "escape byte in a header",
			setup: func(tw *testWorld) {
				a := tw.rawTLS(func(c net.Conn, _ *http.Request) {
					_, _ = io.WriteString(c, "HTTP/1.1 403 Forbidden\r\nServer: cloud\x1b]0;pwned\x07flare\r\nContent-Length: 0\r\n\r\n")
				})
				tw.host("chatgpt.com", cgV4, "", a)
			},
			check: failure("bad_response", "request"),
		},
		{
			// What Go lets through: C1 controls and bidi overrides in
			// headers (valid UTF-8), anything at all in the body.
			name: "escape sequences in headers and body",
			setup: func(tw *testWorld) {
				a := tw.rawTLS(func(c net.Conn, _ *http.Request) {
					body := "error code: 1020\n\x1b[2J\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07 \x9b31m \u202eevil\x00\x7f"
					fmt.Fprintf(c, "HTTP/1.1 403 Forbidden\r\nServer: cloudflare\r\nCf-Ray: 8a1b2c3d4e5f6a7b-FRA\u009b2J\r\n"+
						"X-Request-Id: req_\u009d0;pwned\u009cabc\u202e\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
				})
				tw.host("chatgpt.com", cgV4, "", a)
			},
			check: func(t *testing.T, r probes.Result, d *probes.EndpointDetails) {
				if d.StatusCode != 403 || d.Headers["x-request-id"] != "req_abc" || !strings.HasPrefix(d.BodyExcerpt, "error code: 1020") {
					t.Errorf("status %d headers %q excerpt %q", d.StatusCode, d.Headers, d.BodyExcerpt)
				}
			},
		},
		{
			name: "redirect loop",
			setup: func(tw *testWorld) {
				srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					cfHeaders(w)
					next := "/a"
					if r.URL.Path == "/a" {
						next = "/"
					}
					http.Redirect(w, r, next, http.StatusFound)
				}))
				tw.host("chatgpt.com", cgV4, "", addr(srv))
			},
			check: func(t *testing.T, r probes.Result, d *probes.EndpointDetails) {
				failure("redirect_loop", "request")(t, r, d)
				if r.Reason != "redirect loop: chatgpt.com/ -> chatgpt.com/a -> chatgpt.com/" || len(d.Redirects) != 1 {
					t.Errorf("reason %q redirects %+v", r.Reason, d.Redirects)
				}
			},
		},
		{
			name: "endless redirects",
			setup: func(tw *testWorld) {
				srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					cfHeaders(w)
					http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
				}))
				tw.host("chatgpt.com", cgV4, "", addr(srv))
			},
			check: func(t *testing.T, r probes.Result, d *probes.EndpointDetails) {
				failure("too_many_redirects", "request")(t, r, d)
				if len(d.Redirects) != maxRedirects || !strings.HasPrefix(r.Reason, "more than 5 redirects: chatgpt.com/ -> chatgpt.com/x -> ") {
					t.Errorf("reason %q, %d redirects", r.Reason, len(d.Redirects))
				}
			},
		},
		{
			name: "TLS handshake that never completes",
			setup: func(tw *testWorld) {
				a := tw.rawListener(func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
				tw.host("chatgpt.com", cgV4, "", a)
			},
			check: func(t *testing.T, r probes.Result, d *probes.EndpointDetails) {
				failure("tls_stall", "tls")(t, r, d)
				if !r.Error.Timeout || !strings.Contains(r.Reason, "TLS handshake with chatgpt.com stalled") {
					t.Errorf("error %+v reason %q", r.Error, r.Reason)
				}
			},
		},
		{
			name: "no response after the request",
			setup: func(tw *testWorld) {
				a := tw.rawTLS(func(c net.Conn, _ *http.Request) { _, _ = io.Copy(io.Discard, c) })
				tw.host("chatgpt.com", cgV4, "", a)
			},
			check: failure("header_timeout", "request"),
		},
		{
			name: "connection reset during the handshake",
			setup: func(tw *testWorld) {
				a := tw.rawListener(func(c net.Conn) {
					_, _ = c.Read(make([]byte, 512)) // the ClientHello
					_ = c.(*net.TCPConn).SetLinger(0)
					c.Close()
				})
				tw.host("chatgpt.com", cgV4, "", a)
			},
			check: failure("tls_reset", "tls"),
		},
		{
			name: "connect blackhole",
			setup: func(tw *testWorld) {
				tw.host("chatgpt.com", cgV4, "", "127.0.0.1:9") // never dialled: hangDialer holds it
			},
			dial:  func(d probes.Dialer) probes.Dialer { return hangDialer{Dialer: d, addr: cgV4 + ":443"} },
			check: failure("connect_timeout", "connect"),
		},
		{
			name:  "NXDOMAIN",
			setup: func(tw *testWorld) {},
			check: func(t *testing.T, r probes.Result, d *probes.EndpointDetails) {
				failure("nxdomain", "dns")(t, r, d)
				if r.Error.Message != "dns: resolve chatgpt.com (IPv4) via the system resolver: NXDOMAIN" {
					t.Errorf("message %q", r.Error.Message)
				}
			},
		},
		{
			name:  "SERVFAIL",
			setup: func(tw *testWorld) { tw.setDNS("chatgpt.com", zoneEntry{rcode: dns.RcodeServerFailure}) },
			check: failure("servfail", "dns"),
		},
		{
			name:  "DNS silence",
			setup: func(tw *testWorld) { tw.setDNS("chatgpt.com", zoneEntry{drop: true}) },
			check: func(t *testing.T, r probes.Result, d *probes.EndpointDetails) {
				failure("dns_timeout", "dns")(t, r, d)
				if !r.Error.Timeout {
					t.Error("DNS timeout not marked as a timeout")
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tw := newTestWorld(t)
			tc.setup(tw)
			w := tw.World()
			w.Limits = fastLimits()
			if tc.dial != nil {
				w.Dialer = tc.dial(w.Dialer)
			}
			// The default budget: a stall under limits a short budget
			// shrank is unknown, not the failure measured here
			// (TestShortBudgetStallIsUnknown). The cases run in parallel
			// and never sleep; the slowest waits out the probe's limit
			// (fastLimits: a stall is the same stall in less time).
			cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
			p := probeByID(t, targetProbes(cfg.Targets[0], cfg, w), "endpoint:chatgpt.com:direct-ipv4-plain")
			start := time.Now()
			r := runProbe(t, p)
			if took := time.Since(start); took > p.Timeout {
				t.Errorf("took %s, longer than the probe's %s limit", took, p.Timeout)
			}
			if r.Status == "" || r.Reason == "" {
				t.Fatalf("no classified result: %+v", r)
			}
			tc.check(t, r, endpointDetails(t, r))
			assertClean(t, r, "\u202e", "evil.example", "pwned")
		})
	}
}
