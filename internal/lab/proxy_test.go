package lab

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// dialProxy opens a raw connection to the lab proxy through World.Dialer,
// sends one request line block and returns the parsed response.
func proxyRoundTrip(t *testing.T, w probes.World, request string) (*http.Response, net.Conn, *bufio.Reader) {
	t.Helper()
	raw, _ := w.LookupEnv("HTTPS_PROXY")
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := w.Dialer.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		c.Close()
		t.Fatalf("proxy answer to %q: %v", strings.SplitN(request, "\r\n", 2)[0], err)
	}
	return resp, c, br
}

func TestProxy(t *testing.T) {
	t.Parallel()
	l := startLab(t, "proxy", Options{})
	w := l.World(probes.World{})

	// CONNECT, then TLS to chatgpt.com through the tunnel: the edge sees
	// the proxy's egress identity.
	resp, c, _ := proxyRoundTrip(t, w, "CONNECT chatgpt.com:443 HTTP/1.1\r\nHost: chatgpt.com:443\r\n\r\n")
	if resp.StatusCode != 200 {
		t.Fatalf("CONNECT: %s", resp.Status)
	}
	tc := tls.Client(c, &tls.Config{ServerName: "chatgpt.com", RootCAs: w.Trust.System, NextProtos: []string{"http/1.1"}})
	defer tc.Close()
	fmt.Fprintf(tc, "GET /cdn-cgi/trace HTTP/1.1\r\nHost: chatgpt.com\r\nUser-Agent: tunnel-test\r\nConnection: close\r\n\r\n")
	tr, err := http.ReadResponse(bufio.NewReader(tc), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(tr.Body)
	f := parseTrace(t, body)
	if f["ip"] != "198.51.100.80" || f["loc"] != "DE" || f["uag"] != "tunnel-test" {
		t.Errorf("trace through the proxy: %v", f)
	}

	// The same through an http.Client with HTTPS_PROXY: 1020 for the
	// proxy, 200 direct.
	proxied := fetch(t, w, "https://chatgpt.com/", fetchOpts{variant: variant(probes.RouteProxy, probes.FamilyAny, probes.HeadersBrowser)})
	direct := fetch(t, w, "https://chatgpt.com/", fetchOpts{variant: variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersBrowser)})
	if proxied.status != 403 || bodyCode(proxied.body) != 1020 || direct.status != 200 {
		t.Errorf("proxied %d %v, direct %d %v", proxied.status, proxied.err, direct.status, direct.err)
	}

	// What the proxy refuses, and how.
	cases := []struct {
		request string
		status  int
		header  string
	}{
		{"GET http://chatgpt.com/ HTTP/1.1\r\nHost: chatgpt.com\r\n\r\n", 405, "CONNECT"},
		{"CONNECT chatgpt.com:22 HTTP/1.1\r\nHost: chatgpt.com:22\r\n\r\n", 403, ""},
		{"CONNECT does-not-exist.example:443 HTTP/1.1\r\nHost: does-not-exist.example:443\r\n\r\n", 502, ""},
		{"CONNECT 203.0.113.99:443 HTTP/1.1\r\nHost: 203.0.113.99:443\r\n\r\n", 502, ""},
		{"CONNECT chatgpt.com HTTP/1.1\r\nHost: chatgpt.com\r\n\r\n", 400, ""},
		{"garbage\r\n\r\n", 400, ""},
	}
	for _, c := range cases {
		resp, conn, _ := proxyRoundTrip(t, w, c.request)
		conn.Close()
		if resp.StatusCode != c.status || resp.Header.Get("Allow") != c.header {
			t.Errorf("%q: %s Allow=%q, want %d Allow=%q", strings.SplitN(c.request, "\r\n", 2)[0], resp.Status, resp.Header.Get("Allow"), c.status, c.header)
		}
	}
	// The proxy tunnels only to the edge: an address Cloudflare does not
	// serve, or a service on loopback, gets a clear 502.
	for _, target := range []string{"203.0.113.99:443", "127.0.0.1:443", "localhost:443"} {
		resp, conn, br := proxyRoundTrip(t, w, "CONNECT "+target+" HTTP/1.1\r\nHost: x\r\n\r\n")
		msg, _ := io.ReadAll(io.LimitReader(br, 512))
		conn.Close()
		if resp.StatusCode != 502 || !strings.Contains(string(msg), "lab: no route to "+target) {
			t.Errorf("CONNECT %s: %s %q", target, resp.Status, msg)
		}
	}
	// Resolver addresses and IPv6 literals are Cloudflare's too.
	for _, target := range []string{"1.1.1.1:443", "[2606:4700::6812:202f]:443", "chatgpt.com:80"} {
		resp, conn, _ := proxyRoundTrip(t, w, "CONNECT "+target+" HTTP/1.1\r\nHost: x\r\n\r\n")
		conn.Close()
		if resp.StatusCode != 200 {
			t.Errorf("CONNECT %s: %s", target, resp.Status)
		}
	}
}
