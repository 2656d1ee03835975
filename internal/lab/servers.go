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
// set, tagging connections with connCtx. protocols limits what the server
// speaks; nil means Go's default (HTTP/1.1, and HTTP/2 over TLS). Every
// request runs as a tracked goroutine, so Close waits for handlers.
func (l *Lab) startHTTP(h http.Handler, connCtx func(context.Context, net.Conn) context.Context, tlsConf *tls.Config, protocols *http.Protocols) (string, error) {
	ln, err := listenLoopback()
	if err != nil {
		return "", err
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !l.group.enter() {
				http.Error(w, "lab closed", http.StatusServiceUnavailable)
				return
			}
			defer l.group.leave()
			h.ServeHTTP(w, r)
		}),
		ConnContext:       connCtx,
		TLSConfig:         tlsConf,
		Protocols:         protocols,
		ReadHeaderTimeout: edgeHeaderTimeout,
		IdleTimeout:       edgeIdleTimeout,
		// Clients that reject a certificate make the server log; the lab
		// expects that and stays quiet.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	l.group.goFunc(func() {
		if tlsConf != nil {
			_ = srv.ServeTLS(ln, "", "")
		} else {
			_ = srv.Serve(ln)
		}
	})
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
		l.group.goFunc(func() {
			if err := srv.ActivateAndServe(); err != nil {
				failed <- err
			}
		})
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

// serve hands every connection accepted on a new loopback listener to
// handle (see acceptLoop) and returns the listener's address.
func (l *Lab) serve(handle func(net.Conn)) (string, error) {
	ln, err := listenLoopback()
	if err != nil {
		return "", err
	}
	l.closers = append(l.closers, func() { _ = ln.Close() })
	l.group.goFunc(func() { acceptLoop(ln, l.group, handle) })
	return ln.Addr().String(), nil
}

// Accept backoff, as net/http's: a listener out of file descriptors fails
// every Accept at once, and retrying without a pause spins a core.
const (
	acceptMinDelay = 5 * time.Millisecond
	acceptMaxDelay = time.Second
)

// acceptLoop accepts on ln until it closes, and runs handle for each
// connection in a tracked goroutine. The connection is closed when handle
// returns, or earlier by Close. Failed accepts back off from
// acceptMinDelay, doubling to acceptMaxDelay.
func acceptLoop(ln net.Listener, g *group, handle func(net.Conn)) {
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			delay = min(max(2*delay, acceptMinDelay), acceptMaxDelay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		if !g.hold(c) {
			_ = c.Close()
			continue
		}
		release := func() {
			_ = c.Close()
			g.release(c)
		}
		if !g.goFunc(func() {
			defer release()
			handle(c)
		}) {
			release()
		}
	}
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
