package lab

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"time"
)

// Proxy timeouts. The lab proxy only talks to loopback, so anything slower
// than these is a bug or a client that went away.
const (
	// proxyRequestTimeout bounds reading the CONNECT request, so a client
	// that connects and says nothing does not pin a goroutine.
	proxyRequestTimeout = 10 * time.Second
	// proxyDialTimeout bounds dialling the upstream edge listener.
	proxyDialTimeout = 5 * time.Second
)

// connectProxy is an HTTP CONNECT proxy, like the local Clash/Squid a user
// points HTTPS_PROXY at. Whatever Cloudflare serves (a zone name, a zone
// or resolver address) it tunnels to the edge listeners of the proxy
// identity, so the edge sees the proxy's egress address; anything else
// gets 502.
type connectProxy struct {
	zone              []record
	edgeTLS, edgeHTTP string // the proxy identity's edge listeners
	group             *group
}

// handle serves one client connection; acceptLoop closes it.
func (p *connectProxy) handle(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(proxyRequestTimeout))
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		writeProxyError(c, http.StatusBadRequest, "malformed request")
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	if req.Method != http.MethodConnect {
		// A forward proxy would fetch http:// URLs; this one only tunnels,
		// and says so as RFC 9110 §15.5.6 asks.
		writeProxyResponse(c, http.StatusMethodNotAllowed, "Allow: CONNECT\r\n", "this proxy only supports CONNECT\n")
		return
	}
	host, port, err := net.SplitHostPort(req.Host)
	if err != nil {
		writeProxyError(c, http.StatusBadRequest, "CONNECT target must be host:port")
		return
	}
	var to string
	switch port {
	case "443":
		to = p.edgeTLS
	case "80":
		to = p.edgeHTTP
	default:
		writeProxyError(c, http.StatusForbidden, "CONNECT to port "+port+" is not allowed")
		return
	}
	if !p.serves(host) {
		writeProxyError(c, http.StatusBadGateway, "lab: no route to "+req.Host)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), proxyDialTimeout)
	var d net.Dialer
	upstream, err := d.DialContext(ctx, "tcp", to)
	cancel()
	if err != nil {
		writeProxyError(c, http.StatusBadGateway, "proxy: connect "+req.Host+": "+err.Error())
		return
	}
	if !p.group.hold(upstream) {
		_ = upstream.Close()
		return
	}
	defer func() {
		_ = upstream.Close()
		p.group.release(upstream)
	}()
	if _, err := io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	// Bytes the client sent after the request (an eager ClientHello) are
	// in br; forward them first. When either direction ends, the tunnel
	// ends: close both sides so the other copy returns.
	done := make(chan struct{})
	if !p.group.goFunc(func() {
		_, _ = io.Copy(upstream, br)
		_ = upstream.Close()
		close(done)
	}) {
		return
	}
	_, _ = io.Copy(c, upstream)
	_ = c.Close()
	_ = upstream.Close()
	<-done
}

// serves reports whether host is Cloudflare's in this lab: a name of the
// zone, one of its addresses, or a Cloudflare resolver address.
func (p *connectProxy) serves(host string) bool {
	a, err := netip.ParseAddr(host)
	if err != nil {
		_, ok := lookupRecord(p.zone, host)
		return ok
	}
	a = a.Unmap()
	return slices.Contains(cloudflareResolvers, a) ||
		slices.ContainsFunc(p.zone, func(r record) bool { return r.a == a || r.aaaa == a })
}

func writeProxyError(c net.Conn, status int, msg string) {
	writeProxyResponse(c, status, "", msg+"\n")
}

func writeProxyResponse(c net.Conn, status int, extra, body string) {
	_ = c.SetWriteDeadline(time.Now().Add(proxyRequestTimeout))
	_, _ = io.WriteString(c, "HTTP/1.1 "+strconv.Itoa(status)+" "+http.StatusText(status)+"\r\n"+
		"Server: lab-proxy\r\nContent-Type: text/plain; charset=utf-8\r\n"+extra+
		"Content-Length: "+strconv.Itoa(len(body))+"\r\nConnection: close\r\n\r\n"+body)
}
