package lab

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/miekg/dns"

	"github.com/gptdoctor/gptdoctor/probes"
)

// Timeouts for the lab's own servers; they only bound misbehaving clients.
const (
	// edgeHeaderTimeout bounds reading request headers on the edge.
	edgeHeaderTimeout = 10 * time.Second
	// edgeIdleTimeout closes idle keep-alive connections.
	edgeIdleTimeout = 30 * time.Second
	// serverStartTimeout bounds waiting for a DNS server to come up.
	serverStartTimeout = 5 * time.Second
)

// startHTTP serves h on a new loopback listener, over TLS when tlsConf is
// set, tagging connections with connCtx.
func (l *Lab) startHTTP(h http.Handler, connCtx func(context.Context, net.Conn) context.Context, tlsConf *tls.Config) (string, error) {
	ln, err := listenLoopback()
	if err != nil {
		return "", err
	}
	srv := &http.Server{
		Handler:           h,
		ConnContext:       connCtx,
		ReadHeaderTimeout: edgeHeaderTimeout,
		IdleTimeout:       edgeIdleTimeout,
		// Clients that reject a certificate make the server log; the lab
		// expects that and stays quiet.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	if l.spec.escape {
		// Malformed answers take the connection over, which HTTP/2 cannot.
		srv.Protocols = new(http.Protocols)
		srv.Protocols.SetHTTP1(true)
	}
	if tlsConf != nil {
		srv.TLSConfig = tlsConf
	}
	if !l.group.goFunc(func() {
		if tlsConf != nil {
			_ = srv.ServeTLS(ln, "", "")
		} else {
			_ = srv.Serve(ln)
		}
	}) {
		_ = ln.Close()
		return "", errors.New("lab: closing")
	}
	l.closers = append(l.closers, func() { _ = srv.Close() })
	return ln.Addr().String(), nil
}

// startDNS serves a view on one port over both UDP and TCP, since a
// connect-to rule maps an IP:port for both transports.
func (l *Lab) startDNS(v *dnsView) (string, error) {
	var (
		ln  net.Listener
		pc  net.PacketConn
		err error
	)
	for range 20 {
		if ln, err = listenLoopback(); err != nil {
			return "", err
		}
		pc, err = net.ListenPacket("udp", ln.Addr().String())
		if err == nil {
			break
		}
		_ = ln.Close()
	}
	if err != nil {
		return "", fmt.Errorf("lab: no port free for both UDP and TCP: %w", err)
	}
	// Closing the sockets ends a server's loop even if it never reported
	// starting, so Close cannot wait on it forever.
	l.closers = append(l.closers, func() {
		_ = pc.Close()
		_ = ln.Close()
	})
	for _, srv := range []*dns.Server{{PacketConn: pc, Handler: v}, {Listener: ln, Handler: v}} {
		started := make(chan struct{})
		failed := make(chan error, 1)
		srv.NotifyStartedFunc = func() { close(started) }
		if !l.group.goFunc(func() {
			if err := srv.ActivateAndServe(); err != nil {
				failed <- err
			}
		}) {
			return "", errors.New("lab: closing")
		}
		select {
		case <-started:
			// Shutdown lets queries in flight finish before the sockets
			// close.
			l.closers = append(l.closers, func() { _ = srv.Shutdown() })
		case err := <-failed:
			return "", fmt.Errorf("lab: start DNS server: %w", err)
		case <-time.After(serverStartTimeout):
			return "", errors.New("lab: DNS server did not start")
		}
	}
	return ln.Addr().String(), nil
}

// startHold starts a hostile listener.
func (l *Lab) startHold(mode holdMode) (string, error) {
	ln, err := listenLoopback()
	if err != nil {
		return "", err
	}
	if !l.group.goFunc(func() { serveHold(ln, mode, l.group) }) {
		_ = ln.Close()
		return "", errors.New("lab: closing")
	}
	l.closers = append(l.closers, func() { _ = ln.Close() })
	return ln.Addr().String(), nil
}

// startProxy runs the CONNECT proxy with its own connect-to rules and a
// resolver asking the lab's honest DNS.
func (l *Lab) startProxy(rules map[string]string, resolverAddr string) error {
	ld := loopbackDialer{}
	p := &connectProxy{
		dialer: probes.ConnectTo{Base: ld, Rules: rules},
		resolver: &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return ld.DialContext(ctx, network, resolverAddr)
		}},
		group: l.group,
	}
	ln, err := listenLoopback()
	if err != nil {
		return err
	}
	if !l.group.goFunc(func() { p.serve(ln) }) {
		_ = ln.Close()
		return errors.New("lab: closing")
	}
	l.closers = append(l.closers, func() { _ = ln.Close() })
	l.proxyURL = "http://" + ln.Addr().String()
	return nil
}

// listenLoopback opens a TCP listener on 127.0.0.1 with a kernel-chosen
// port.
func listenLoopback() (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("lab: listen on 127.0.0.1: %w", err)
	}
	return ln, nil
}

// refusedPort returns a loopback address where connections are refused,
// and keeps it that way while the lab runs. Closing a listener and
// remembering its port is not enough: with many labs starting at once the
// kernel soon hands the port to another listener. Instead the port is held
// by the client end of a connection to a private listener: the port is
// bound, so nobody else gets it, and nothing listens on it, so a SYN gets
// an RST.
func (l *Lab) refusedPort() (string, error) {
	ln, err := listenLoopback()
	if err != nil {
		return "", err
	}
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		_ = ln.Close()
		return "", fmt.Errorf("lab: pin a refused port: %w", err)
	}
	l.closers = append(l.closers, func() {
		_ = c.Close()
		_ = ln.Close()
	})
	return c.LocalAddr().String(), nil
}
