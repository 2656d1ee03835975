package lab

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
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
	zone := s.zone()
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
	for _, id := range s.ids.all() {
		if ls.edgeTLS[id.path], err = l.startHTTP(l.edge, withIdentity(id), &tls.Config{GetCertificate: l.pki.certFor}); err != nil {
			return err
		}
		if ls.edgeHTTP[id.path], err = l.startHTTP(l.edge, withIdentity(id), nil); err != nil {
			return err
		}
	}
	if ls.refused, err = l.refusedPort(); err != nil {
		return err
	}
	switch s.conn {
	case connBlackhole:
		ls.hold, err = l.startHold(holdBlackhole)
	case connTLSStall:
		ls.hold, err = l.startHold(holdTLSStall)
	case connReset:
		ls.hold, err = l.startHold(holdReset)
	case connCaptive:
		ls.portal, err = l.startHTTP(http.HandlerFunc(portal), nil, nil)
	}
	if err != nil {
		return err
	}
	if s.dns == dnsHijack {
		if ls.ispHTTP, err = l.startHTTP(http.HandlerFunc(ispBlockPage), nil, nil); err != nil {
			return err
		}
		if ls.ispTLS, err = l.startHTTP(http.HandlerFunc(ispBlockPage), nil, &tls.Config{Certificates: []tls.Certificate{l.pki.isp}}); err != nil {
			return err
		}
	}
	l.rules = routes(s, zone, ls)

	if s.proxy {
		if err := l.startProxy(proxyRoutes(zone, ls.edgeTLS[pathProxy], ls.edgeHTTP[pathProxy]), ls.cloudflareDNS); err != nil {
			return err
		}
	}
	return l.writeFiles()
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
