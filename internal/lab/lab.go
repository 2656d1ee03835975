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
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/gptdoctor/gptdoctor/probes"
)

// Options tune a lab.
type Options struct {
	// Latency is the slow scenario's delay before each edge response's
	// headers; 0 means DefaultLatency. Other scenarios ignore it.
	Latency time.Duration
}

// Lab is one running fake internet. Start it, hand World (in process) or
// Args and Env (the real binary) to the code under test, and Close it.
type Lab struct {
	spec     spec
	scenario Scenario
	latency  time.Duration
	pki      *pki
	edge     *edge

	// rules are the connect-to rules, logical IP:port -> 127.0.0.1:port.
	rules     map[string]string
	systemDNS string // the system resolver, 127.0.0.1:port (UDP and TCP)
	proxyURL  string // HTTPS_PROXY value, empty when the scenario has none
	dir       string // temp dir holding the CA files
	publicCA  string // file: the public root (--public-ca-file)
	machineCA string // file: the machine's roots (SSL_CERT_FILE)
	emptyDir  string // SSL_CERT_DIR: an empty directory (see Env)

	done      chan struct{}
	group     *group
	closers   []func() // run in reverse order by Close
	closeOnce sync.Once
	closeErr  error
}

// Timeouts for the lab's own servers; they only bound misbehaving clients.
const (
	// edgeHeaderTimeout bounds reading request headers on the edge.
	edgeHeaderTimeout = 10 * time.Second
	// edgeIdleTimeout closes idle keep-alive connections.
	edgeIdleTimeout = 30 * time.Second
	// serverStartTimeout bounds waiting for a DNS server to come up.
	serverStartTimeout = 5 * time.Second
)

// Start builds and starts the named scenario. Everything listens on
// 127.0.0.1 with ports the kernel picks, so any number of labs can run at
// once.
func Start(name string, opts Options) (*Lab, error) {
	s, ok := specByName(name)
	if !ok {
		return nil, fmt.Errorf("lab: unknown scenario %q; valid scenarios: %s", name, strings.Join(names(), ", "))
	}
	if opts.Latency < 0 {
		return nil, fmt.Errorf("lab: latency %v is negative", opts.Latency)
	}
	l := &Lab{spec: s, scenario: s.scenario(), latency: opts.Latency, done: make(chan struct{}), group: &group{}}
	if l.latency == 0 {
		l.latency = DefaultLatency
	}
	if err := l.start(); err != nil {
		_ = l.Close()
		return nil, err
	}
	return l, nil
}

func (l *Lab) start() error {
	s := l.spec
	now := time.Now()
	var err error
	if l.pki, err = newPKI(now, s.intercept, s.dns == dnsHijack); err != nil {
		return err
	}
	zone := honestZone
	if s.conn == connCaptive {
		zone = append(append([]record(nil), honestZone...), record{name: hostPortal, a: portalAddr})
	}
	honest := func(egress string) *dnsView {
		return &dnsView{zone: zone, egress: egress, client: s.ids.v4.ip, escape: s.escape}
	}
	l.edge = &edge{spec: s, latency: l.latency, done: l.done, started: now, track: l.group,
		doh: honest(cloudflareResolverEgress)}

	// Resolvers: the system one (the ISP's, or whatever the scenario
	// breaks) and the independent ones behind 1.1.1.1 and 8.8.8.8.
	sys := honest(s.sysEgress)
	if sys.egress == "" {
		sys.egress = ispResolverEgress
	}
	cf, google := honest(cloudflareResolverEgress), honest(googleResolverEgress)
	switch s.dns {
	case dnsHijack:
		sys.hijack = true
	case dnsNXDomain:
		sys.nxOpenAI = true
	case dnsServfail:
		sys.mode = viewServfail
	case dnsOffline:
		sys.mode, cf.mode, google.mode = viewServfail, viewSilent, viewRefused
	}
	if l.systemDNS, err = l.startDNS(sys); err != nil {
		return err
	}
	cfDNS, err := l.startDNS(cf)
	if err != nil {
		return err
	}
	googleDNS, err := l.startDNS(google)
	if err != nil {
		return err
	}

	// The edge: an HTTPS and a plain-HTTP listener per identity.
	edgeTLS, edgeHTTP := map[string]string{}, map[string]string{}
	for _, id := range s.ids.all() {
		if edgeTLS[id.path], err = l.startHTTP(l.edge, withIdentity(id), &tls.Config{GetCertificate: l.pki.certFor}); err != nil {
			return err
		}
		if edgeHTTP[id.path], err = l.startHTTP(l.edge, withIdentity(id), nil); err != nil {
			return err
		}
	}
	refused, err := l.refusedPort()
	if err != nil {
		return err
	}

	rules := map[string]string{}
	set := func(a netip.Addr, port uint16, to string) { rules[netip.AddrPortFrom(a, port).String()] = to }
	// hold is the hostile listener OpenAI hosts reach, if any.
	var hold string
	switch s.conn {
	case connBlackhole:
		hold, err = l.startHold(holdBlackhole)
	case connTLSStall:
		hold, err = l.startHold(holdTLSStall)
	case connReset:
		hold, err = l.startHold(holdReset)
	}
	if err != nil {
		return err
	}
	var portalAt string
	if s.conn == connCaptive {
		if portalAt, err = l.startHTTP(http.HandlerFunc(portal), nil, nil); err != nil {
			return err
		}
	}
	edgeAddr := func(a netip.Addr, openai bool, port uint16) string {
		path := pathDirect4
		if a.Is6() {
			path = pathDirect6
		}
		to := edgeTLS[path]
		if port == 80 {
			to = edgeHTTP[path]
		}
		switch s.conn {
		case connBlackhole, connReset:
			if openai {
				to = hold
			}
		case connTLSStall:
			if openai && port == 443 {
				to = hold
			}
		case connCaptive:
			to = refused
			if port == 80 {
				to = portalAt
			}
		case connOffline:
			to = refused
		}
		return to
	}
	addEdge := func(a netip.Addr, openai bool) {
		if a.IsValid() {
			set(a, 443, edgeAddr(a, openai, 443))
			set(a, 80, edgeAddr(a, openai, 80))
		}
	}
	for _, r := range zone {
		addEdge(r.a, r.openai)
		addEdge(r.aaaa, r.openai)
	}
	for _, a := range append(append([]netip.Addr(nil), edgeExtraV4...), edgeExtraV6...) {
		addEdge(a, false)
	}
	for _, a := range cloudflareResolvers {
		set(a, 53, cfDNS)
	}
	for _, a := range googleResolvers {
		set(a, 53, googleDNS)
	}
	if s.dns == dnsHijack {
		blockHTTP, err := l.startHTTP(http.HandlerFunc(ispBlockPage), nil, nil)
		if err != nil {
			return err
		}
		ispCert := l.pki.isp
		blockTLS, err := l.startHTTP(http.HandlerFunc(ispBlockPage), nil, &tls.Config{Certificates: []tls.Certificate{ispCert}})
		if err != nil {
			return err
		}
		set(ispBlockAddr, 80, blockHTTP)
		set(ispBlockAddr, 443, blockTLS)
		for _, a := range []netip.Addr{unspecified4, unspecified6} {
			set(a, 80, refused)
			set(a, 443, refused)
		}
	}
	l.rules = rules

	if s.proxy {
		if err := l.startProxy(zone, edgeTLS[pathProxy], edgeHTTP[pathProxy], cfDNS); err != nil {
			return err
		}
	}
	return l.writeFiles()
}

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

// startProxy runs the CONNECT proxy; its own connect-to rules lead to the
// proxy identity's edge listeners.
func (l *Lab) startProxy(zone []record, edgeTLS, edgeHTTP, resolverAddr string) error {
	rules := map[string]string{}
	add := func(a netip.Addr) {
		if a.IsValid() {
			rules[netip.AddrPortFrom(a, 443).String()] = edgeTLS
			rules[netip.AddrPortFrom(a, 80).String()] = edgeHTTP
		}
	}
	for _, r := range zone {
		add(r.a)
		add(r.aaaa)
	}
	for _, a := range append(append([]netip.Addr(nil), edgeExtraV4...), edgeExtraV6...) {
		add(a)
	}
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

// writeFiles writes the CA files the real binary needs.
func (l *Lab) writeFiles() error {
	dir, err := os.MkdirTemp("", "gptdoctor-lab-")
	if err != nil {
		return fmt.Errorf("lab: temp dir: %w", err)
	}
	l.dir = dir
	l.publicCA = filepath.Join(dir, "public-roots.pem")
	l.machineCA = filepath.Join(dir, "machine-roots.pem")
	l.emptyDir = filepath.Join(dir, "no-system-certs")
	if err := os.WriteFile(l.publicCA, l.pki.publicPEM, 0o600); err != nil {
		return fmt.Errorf("lab: write %s: %w", l.publicCA, err)
	}
	if err := os.WriteFile(l.machineCA, l.pki.machinePEM, 0o600); err != nil {
		return fmt.Errorf("lab: write %s: %w", l.machineCA, err)
	}
	if err := os.Mkdir(l.emptyDir, 0o700); err != nil {
		return fmt.Errorf("lab: mkdir %s: %w", l.emptyDir, err)
	}
	return nil
}

// Close stops every server, ends every goroutine and connection the lab
// started, and removes its temporary files. It is safe to call twice.
func (l *Lab) Close() error {
	l.closeOnce.Do(func() {
		close(l.done)
		for i := len(l.closers) - 1; i >= 0; i-- {
			l.closers[i]()
		}
		l.group.shutdown()
		if l.dir != "" {
			l.closeErr = os.RemoveAll(l.dir)
		}
	})
	return l.closeErr
}

// Scenario describes what is running.
func (l *Lab) Scenario() Scenario { return l.scenario }

// World returns base with the network, trust and environment replaced by
// the lab's. Everything else (clock, commands, files, host facts) stays
// base's: the lab fakes the internet, not the machine.
func (l *Lab) World(base probes.World) probes.World {
	w := base
	ld := loopbackDialer{}
	w.Dialer = probes.ConnectTo{Base: ld, Rules: l.rulesCopy()}
	sys := l.systemDNS
	w.Resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return ld.DialContext(ctx, network, sys)
	}}
	w.Trust = probes.Trust{System: l.pki.machine, User: base.Trust.User, Public: l.pki.public,
		PublicSource: "gptdoctor lab public root (stands in for Mozilla's)"}
	env := l.envMap()
	baseEnv := base.LookupEnv
	w.LookupEnv = func(key string) (string, bool) {
		if v, ok := env[key]; ok {
			return v, v != ""
		}
		if baseEnv == nil {
			return "", false
		}
		return baseEnv(key)
	}
	return w
}

// rulesCopy returns a copy of the connect-to rules (logical IP:port to
// loopback IP:port).
func (l *Lab) rulesCopy() map[string]string {
	out := make(map[string]string, len(l.rules))
	for k, v := range l.rules {
		out[k] = v
	}
	return out
}

// Config is the default configuration, with a larger budget when the
// scenario is slow.
func (l *Lab) Config() probes.Config {
	c := probes.DefaultConfig()
	if l.spec.slow {
		// Four delayed round trips may run back to back within one probe
		// (a redirect, its target, a trace, a retry).
		c.Budget = probes.DefaultBudget + 4*l.latency
	}
	return c
}

// Args are the flags that point the real binary at the lab: the system
// resolver, one --connect-to per rule (sorted), and the public root file.
func (l *Lab) Args() []string {
	args := []string{"--resolver", l.systemDNS}
	keys := make([]string, 0, len(l.rules))
	for k := range l.rules {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "--connect-to", k+"="+l.rules[k])
	}
	return append(args, "--public-ca-file", l.publicCA)
}

// Env is the environment for the real binary, KEY=VALUE, sorted.
// SSL_CERT_FILE holds the machine's roots; SSL_CERT_DIR names an empty
// directory because Go on Linux reads the default certificate directories
// even when SSL_CERT_FILE is set. Proxy variables and OPENAI_API_KEY the
// scenario does not set are present but empty, so a developer's own proxy
// or key never leaks into a demo (empty means unset to Go and curl).
// Go on macOS and Windows ignores SSL_CERT_FILE: run the binary against
// the lab on Linux.
func (l *Lab) Env() []string {
	m := l.envMap()
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// maskedEnv are the variables a scenario controls: unset unless it sets
// them.
var maskedEnv = []string{
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy",
	"ALL_PROXY", "all_proxy", "REQUEST_METHOD", "OPENAI_API_KEY",
}

func (l *Lab) envMap() map[string]string {
	m := map[string]string{}
	for _, k := range maskedEnv {
		m[k] = ""
	}
	for k, v := range l.spec.env {
		m[k] = v
	}
	if l.proxyURL != "" {
		m["HTTPS_PROXY"] = l.proxyURL
	}
	m["SSL_CERT_FILE"] = l.machineCA
	m["SSL_CERT_DIR"] = l.emptyDir
	return m
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

// loopbackDialer is the lab's safety net: it dials only loopback
// addresses, so a probe that would leave the machine fails with a clear
// error instead.
type loopbackDialer struct{}

// DialContext refuses anything that is not a loopback IP:port.
func (loopbackDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().Unmap().IsLoopback() {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("lab: no route to %s", addr)}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}
