package lab

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options tune a lab.
type Options struct {
	// Latency is the slow scenario's delay before each edge response's
	// headers; 0 means DefaultLatency, at most MaxLatency. Other scenarios
	// ignore it.
	Latency time.Duration
	// Drip is the drip-body page's pace, one byte per Drip; 0 means one a
	// second (dripInterval). Tests of the page itself shorten it; what the
	// probes make of it does not depend on it. Other scenarios ignore it.
	Drip time.Duration
}

// Lab is one running fake internet. Start it, hand World (in process) or
// Args and Env (the real binary) to the code under test, and Close it.
type Lab struct {
	spec     spec
	scenario Scenario
	latency  time.Duration
	drip     time.Duration
	pki      *pki
	edge     *edge

	// rules are the connect-to rules, logical IP:port -> 127.0.0.1:port.
	rules map[string]string
	// staleCache is set while the stale-dns machine's resolver cache holds
	// chatgpt.com's old addresses; the staged resolvectl flush-caches
	// clears it.
	staleCache atomic.Bool
	systemDNS  string // the system resolver, 127.0.0.1:port (UDP and TCP)
	proxyAddr  string // the CONNECT proxy, 127.0.0.1:port; empty when the scenario has none

	// files are the CA files for the real binary, written on first use.
	filesOnce sync.Once
	files     caFiles

	done      chan struct{}
	group     *group
	closers   []func() // run in reverse order by Close
	closeOnce sync.Once
	closeErr  error
}

// Start builds and starts the named scenario. Everything listens on
// 127.0.0.1 with ports the kernel picks, so any number of labs can run at
// once.
func Start(name string, opts Options) (*Lab, error) {
	s, ok := specByName(name)
	if !ok {
		return nil, fmt.Errorf("lab: unknown scenario %q; valid scenarios: %s", name, strings.Join(names(), ", "))
	}
	if opts.Latency < 0 || opts.Latency > MaxLatency {
		return nil, fmt.Errorf("lab: latency %v: want between 0 and %v", opts.Latency, MaxLatency)
	}
	if opts.Drip < 0 {
		return nil, fmt.Errorf("lab: drip interval %v: want 0 (one byte a second) or more", opts.Drip)
	}
	l := &Lab{spec: s, scenario: s.scenario(), latency: opts.Latency, drip: opts.Drip, done: make(chan struct{}), group: &group{}}
	if l.latency == 0 {
		l.latency = DefaultLatency
	}
	if l.drip == 0 {
		l.drip = dripInterval
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
	zone := s.zone()
	honest := func(egress string) *dnsView {
		return &dnsView{zone: zone, egress: egress, client: s.ids.v4.ip, escape: s.escape}
	}
	l.edge = &edge{spec: s, latency: l.latency, dripEvery: l.drip, done: l.done, started: now,
		doh: honest(cloudflareResolverEgress)}

	// Resolvers: the system one (the ISP's, or whatever the scenario
	// breaks) and the independent ones behind 1.1.1.1 and 8.8.8.8.
	sys := honest(s.sysEgress())
	cf, google := honest(cloudflareResolverEgress), honest(googleResolverEgress)
	switch s.dns {
	case dnsHijack:
		sys.hijack = true
	case dnsNXDomain:
		sys.nxOpenAI = true
	case dnsServfail:
		sys.mode = viewServfail
	case dnsStale:
		l.staleCache.Store(true)
		sys.stale = &l.staleCache
	}
	if s.conn == connOffline {
		sys.mode, cf.mode, google.mode = viewServfail, viewSilent, viewRefused
	}
	ls := listeners{edgeTLS: map[string]string{}, edgeHTTP: map[string]string{}}
	if l.systemDNS, err = l.startDNS(sys); err != nil {
		return err
	}
	if ls.cloudflareDNS, err = l.startDNS(cf); err != nil {
		return err
	}
	if ls.googleDNS, err = l.startDNS(google); err != nil {
		return err
	}

	// The edge: an HTTPS and a plain-HTTP listener per identity.
	var edgeProtocols *http.Protocols
	if s.api == apiMalformed {
		// The malformed API answer takes its connection over, which
		// HTTP/2 cannot.
		edgeProtocols = new(http.Protocols)
		edgeProtocols.SetHTTP1(true)
	}
	for _, id := range s.ids.all() {
		if ls.edgeTLS[id.path], err = l.startHTTP(l.edge, withIdentity(id), &tls.Config{GetCertificate: l.pki.certFor}, edgeProtocols); err != nil {
			return err
		}
		if ls.edgeHTTP[id.path], err = l.startHTTP(l.edge, withIdentity(id), nil, nil); err != nil {
			return err
		}
	}
	if ls.refused, err = l.refusedPort(); err != nil {
		return err
	}
	switch s.conn {
	case connBlackhole, connTLSStall, connReset:
		ls.hold, err = l.serve(holdHandler(s.conn))
	case connCaptive:
		ls.portal, err = l.startHTTP(http.HandlerFunc(portal), nil, nil, nil)
	}
	if err != nil {
		return err
	}
	if s.dns == dnsHijack {
		if ls.ispHTTP, err = l.startHTTP(http.HandlerFunc(ispBlockPage), nil, nil, nil); err != nil {
			return err
		}
		if ls.ispTLS, err = l.startHTTP(http.HandlerFunc(ispBlockPage), nil, &tls.Config{Certificates: []tls.Certificate{l.pki.isp}}, nil); err != nil {
			return err
		}
	}
	l.rules = routes(s, zone, ls)

	if s.proxy {
		p := &connectProxy{zone: zone, edgeTLS: ls.edgeTLS[pathProxy], edgeHTTP: ls.edgeHTTP[pathProxy], group: l.group}
		if l.proxyAddr, err = l.serve(p.handle); err != nil {
			return err
		}
	}
	return nil
}

// caFiles are the CA files the real binary reads, in one temporary
// directory.
type caFiles struct {
	dir      string
	public   string // the public root (--public-ca-file)
	machine  string // the machine's roots (SSL_CERT_FILE)
	emptyDir string // SSL_CERT_DIR: an empty directory (see Env)
}

// caFiles writes the CA files on first use; see Env for why a failure
// panics.
func (l *Lab) caFiles() caFiles {
	l.filesOnce.Do(func() {
		f, err := writeCAFiles(l.pki)
		if err != nil {
			panic(err)
		}
		l.files = f
	})
	return l.files
}

func writeCAFiles(p *pki) (caFiles, error) {
	dir, err := os.MkdirTemp("", "gptdoctor-lab-")
	if err != nil {
		return caFiles{}, fmt.Errorf("lab: temp dir: %w", err)
	}
	f := caFiles{dir: dir, public: filepath.Join(dir, "public-roots.pem"),
		machine: filepath.Join(dir, "machine-roots.pem"), emptyDir: filepath.Join(dir, "no-system-certs")}
	err = os.WriteFile(f.public, p.publicPEM, 0o600)
	if err == nil {
		err = os.WriteFile(f.machine, p.machinePEM, 0o600)
	}
	if err == nil {
		err = os.Mkdir(f.emptyDir, 0o700)
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return caFiles{}, fmt.Errorf("lab: write CA files: %w", err)
	}
	return f, nil
}

// Close stops every server and connection the lab started, waits for its
// handlers and its own goroutines to return, and removes its temporary
// files. The HTTP servers' per-connection goroutines end moments later,
// once they see their connection closed. It is safe to call twice.
func (l *Lab) Close() error {
	l.closeOnce.Do(func() {
		close(l.done)
		for i := len(l.closers) - 1; i >= 0; i-- {
			l.closers[i]()
		}
		l.group.shutdown()
		// No file is written after this: a concurrent first Args or Env
		// finishes before, a later one finds the Once spent.
		l.filesOnce.Do(func() {})
		if l.files.dir != "" {
			l.closeErr = os.RemoveAll(l.files.dir)
		}
	})
	return l.closeErr
}

// Scenario describes what is running.
func (l *Lab) Scenario() Scenario { return l.scenario }
