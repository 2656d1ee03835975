package lab

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// Proxy timeouts. The lab proxy only talks to loopback, so anything slower
// than these is a bug or a client that went away.
const (
	// proxyRequestTimeout bounds reading the CONNECT request, so a client
	// that connects and says nothing does not pin a goroutine.
	proxyRequestTimeout = 10 * time.Second
	// proxyDialTimeout bounds resolving and dialling the upstream.
	proxyDialTimeout = 5 * time.Second
)

// connectProxy is an HTTP CONNECT proxy, like the local Clash/Squid a user
// points HTTPS_PROXY at. It resolves names with the lab's honest DNS and
// connects to the edge listeners of the proxy identity, so the edge sees
// the proxy's egress address.
type connectProxy struct {
	resolver *net.Resolver
	dialer   probes.Dialer
	group    *group
}

func (p *connectProxy) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if !p.group.hold(c) {
			_ = c.Close()
			continue
		}
		if !p.group.goFunc(func() { p.handle(c) }) {
			_ = c.Close()
		}
	}
}

func (p *connectProxy) handle(c net.Conn) {
	defer func() {
		_ = c.Close()
		p.group.release(c)
	}()
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
	if port != "443" && port != "80" {
		writeProxyError(c, http.StatusForbidden, "CONNECT to port "+port+" is not allowed")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), proxyDialTimeout)
	upstream, err := p.dial(ctx, host, port)
	cancel()
	if err != nil {
		writeProxyError(c, http.StatusBadGateway, err.Error())
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

// dial resolves host with the lab DNS and connects through the proxy
// identity's rules.
func (p *connectProxy) dial(ctx context.Context, host, port string) (net.Conn, error) {
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		addrs, err = p.resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, fmt.Errorf("proxy: resolve %s: %v", host, err)
		}
	}
	var last error
	for _, a := range addrs {
		c, err := p.dialer.DialContext(ctx, "tcp", net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		last = err
	}
	if last == nil {
		last = errors.New("no addresses")
	}
	return nil, fmt.Errorf("proxy: connect %s:%s: %v", host, port, last)
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
