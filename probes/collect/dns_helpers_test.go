package collect

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/miekg/dns"
)

// dnsBehavior says how an in-process DNS server answers. Names are
// lower-case FQDNs ("chatgpt.com.").
type dnsBehavior struct {
	A, AAAA map[string][]string
	// TXT records per name; each inner slice is one record's strings.
	TXT map[string][][]string
	// Chaos is the CH TXT answer for whoami.cloudflare.
	Chaos string
	// Rcode, when set, is the answer to every IN query.
	Rcode int
	// Silent servers never answer.
	Silent bool
	// SilentA servers never answer A queries (a filter or middlebox that
	// drops one query type).
	SilentA bool
	// ChaosRcode, when set, answers CH TXT whoami.cloudflare with this
	// response code.
	ChaosRcode int
	// TruncateUDP answers every UDP query with TC set and no records.
	TruncateUDP bool
	// Delay holds every answer back.
	Delay time.Duration
	// DropUDP, when set, swallows the first *DropUDP UDP queries (lost
	// datagrams); the counter is shared by every copy of the behaviour.
	DropUDP *atomic.Int32
	// HTTPStatus, for the DoH server, answers with this status instead.
	HTTPStatus int
	// HoldUntil, for the DoH server, holds every answer until this many
	// queries have arrived (or 5 s have passed): the lookups of one run
	// then overlap as they do on a real network, where an answer takes
	// tens of milliseconds, instead of as the scheduler happens to run them
	// against a server on loopback.
	HoldUntil int
}

// reply builds the answer to q under behaviour b; nil means no answer.
func (b dnsBehavior) reply(q *dns.Msg, udp bool) *dns.Msg {
	if b.Silent || len(q.Question) != 1 || b.SilentA && q.Question[0].Qtype == dns.TypeA {
		return nil
	}
	if udp && b.DropUDP != nil && b.DropUDP.Add(-1) >= 0 {
		return nil
	}
	if b.Delay > 0 {
		time.Sleep(b.Delay)
	}
	m := new(dns.Msg)
	m.SetReply(q)
	m.RecursionAvailable = true
	qq := q.Question[0]
	name := strings.ToLower(qq.Name)
	if qq.Qclass == dns.ClassCHAOS {
		if b.ChaosRcode != 0 {
			m.Rcode = b.ChaosRcode
			return m
		}
		if qq.Qtype == dns.TypeTXT && name == "whoami.cloudflare." && b.Chaos != "" {
			m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: qq.Name, Rrtype: dns.TypeTXT, Class: dns.ClassCHAOS}, Txt: []string{b.Chaos}})
		} else {
			m.Rcode = dns.RcodeRefused
		}
		return m
	}
	if b.Rcode != 0 {
		m.Rcode = b.Rcode
		return m
	}
	if udp && b.TruncateUDP {
		m.Truncated = true
		return m
	}
	hdr := func(t uint16) dns.RR_Header {
		return dns.RR_Header{Name: qq.Name, Rrtype: t, Class: dns.ClassINET, Ttl: 60}
	}
	known := false
	if ips, ok := b.A[name]; ok {
		known = true
		if qq.Qtype == dns.TypeA {
			for _, ip := range ips {
				m.Answer = append(m.Answer, &dns.A{Hdr: hdr(dns.TypeA), A: net.ParseIP(ip)})
			}
		}
	}
	if ips, ok := b.AAAA[name]; ok {
		known = true
		if qq.Qtype == dns.TypeAAAA {
			for _, ip := range ips {
				m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr(dns.TypeAAAA), AAAA: net.ParseIP(ip)})
			}
		}
	}
	if recs, ok := b.TXT[name]; ok {
		known = true
		if qq.Qtype == dns.TypeTXT {
			for _, r := range recs {
				m.Answer = append(m.Answer, &dns.TXT{Hdr: hdr(dns.TypeTXT), Txt: r})
			}
		}
	}
	if !known {
		m.Rcode = dns.RcodeNameError
	}
	return m
}

// startDNS serves b over UDP and TCP on one loopback port and returns
// "127.0.0.1:port".
func startDNS(t *testing.T, b dnsBehavior) string {
	t.Helper()
	var (
		pc  net.PacketConn
		ln  net.Listener
		err error
	)
	for range 20 {
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln, err = net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			break
		}
		pc.Close()
	}
	if err != nil {
		t.Fatalf("no port free for UDP and TCP: %v", err)
	}
	handler := func(udp bool) dns.HandlerFunc {
		return func(w dns.ResponseWriter, q *dns.Msg) {
			if m := b.reply(q, udp); m != nil {
				if udp {
					// As real servers do: an answer too large for the
					// client's buffer is cut and marked truncated.
					size := dns.MinMsgSize
					if o := q.IsEdns0(); o != nil {
						size = int(o.UDPSize())
					}
					m.Truncate(size)
				}
				_ = w.WriteMsg(m)
			}
		}
	}
	for _, srv := range []*dns.Server{
		{PacketConn: pc, Handler: handler(true)},
		{Listener: ln, Handler: handler(false)},
	} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		go func() { _ = srv.ActivateAndServe() }()
		<-started
		t.Cleanup(func() { _ = srv.Shutdown() })
	}
	return pc.LocalAddr().String()
}

// loopbackDialer dials loopback only and records every other attempt, so a
// test can assert that no packet left the machine.
type loopbackDialer struct {
	mu      sync.Mutex
	refused []string
}

func (d *loopbackDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().IsLoopback() {
		d.mu.Lock()
		d.refused = append(d.refused, network+" "+addr)
		d.mu.Unlock()
		return nil, fmt.Errorf("test dialer: refusing %s %s (not loopback)", network, addr)
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

func (d *loopbackDialer) Refused() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.refused...)
}

// goResolver is a pure-Go resolver whose every query goes to addr: the
// real *net.DNSError shapes, no packet off loopback.
func goResolver(addr string) *net.Resolver {
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var nd net.Dialer
			return nd.DialContext(ctx, network, addr)
		},
	}
}

// newDNSTestCA is a fresh CA for one DNS lab's DoH server, so a lab's
// certificate is trusted by that lab alone.
func newDNSTestCA() *testCA { return newTestCA("gptdoctor test CA", "gptdoctor") }

// startDoH serves b as RFC 8484 DoH over TLS (HTTP/2) with a certificate
// for cloudflare-dns.com from ca; it returns the listener address.
func startDoH(t *testing.T, ca *testCA, b dnsBehavior) string {
	t.Helper()
	var arrived atomic.Int32
	all := make(chan struct{})
	var allOnce sync.Once
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b.HoldUntil > 0 {
			if int(arrived.Add(1)) >= b.HoldUntil {
				allOnce.Do(func() { close(all) })
			}
			select {
			case <-all:
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
				return
			}
		}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/dns-message" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 65536))
		q := new(dns.Msg)
		if err := q.Unpack(body); err != nil {
			http.Error(w, "bad message", http.StatusBadRequest)
			return
		}
		if b.HTTPStatus != 0 {
			http.Error(w, "blocked by policy", b.HTTPStatus)
			return
		}
		m := b.reply(q, false)
		if m == nil {
			<-r.Context().Done()
			return
		}
		wire, _ := m.Pack()
		w.Header().Set("Content-Type", "application/dns-message")
		_, _ = w.Write(wire)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // aborted handshakes are part of the tests
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.leaf("cloudflare-dns.com")}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// Realistic answers: chatgpt.com on Cloudflare.
const (
	cfIPv4     = "104.18.32.47"
	cfIPv4b    = "172.64.155.209"
	cfIPv6     = "2606:4700::6812:202f"
	dohIPv4    = "104.16.248.249"
	dohLogical = dohIPv4 + ":443"
)

func honest() dnsBehavior {
	return dnsBehavior{
		A: map[string][]string{
			"chatgpt.com.":        {cfIPv4, cfIPv4b},
			"cloudflare-dns.com.": {dohIPv4},
			"example.org.":        {"93.184.215.14"},
		},
		AAAA: map[string][]string{
			"chatgpt.com.":        {cfIPv6},
			"cloudflare-dns.com.": {},
			"example.org.":        {},
		},
		TXT: map[string][][]string{
			"whoami.ds.akahelp.net.": {{"ns", "198.51.100.9"}, {"ecs", "203.0.113.0/24/0"}},
		},
		Chaos: "203.0.113.77",
	}
}

// dnsLab is a world whose system resolver, 1.1.1.1, 8.8.8.8 and
// cloudflare-dns.com are in-process servers on loopback.
type dnsLab struct {
	world  probes.World
	cfg    probes.Config
	dialer *loopbackDialer
}

func newDNSLab(t *testing.T, system, cf, google, doh dnsBehavior) *dnsLab {
	t.Helper()
	// The system resolver must still find cloudflare-dns.com for DoH.
	if system.A == nil && !system.Silent && system.Rcode == 0 {
		system.A = map[string][]string{}
	}
	if system.A != nil {
		if _, ok := system.A["cloudflare-dns.com."]; !ok {
			system.A["cloudflare-dns.com."] = []string{dohIPv4}
		}
	}
	ca := newDNSTestCA()
	sys := startDNS(t, system)
	lo := &loopbackDialer{}
	rules := map[string]string{
		"1.1.1.1:53": startDNS(t, cf),
		"8.8.8.8:53": startDNS(t, google),
		dohLogical:   startDoH(t, ca, doh),
	}
	w := probes.World{
		Dialer:   ConnectTo{Base: lo, Rules: rules},
		Resolver: goResolver(sys),
		Trust:    probes.Trust{System: ca.pool()},
		GOOS:     "linux",
	}
	cfg := probes.DefaultConfig()
	return &dnsLab{world: w, cfg: cfg, dialer: lo}
}

// findAnswer returns the answer of one resolver.
func findAnswer(t *testing.T, d *probes.DNSLookupDetails, resolver string) probes.ResolverAnswer {
	t.Helper()
	for _, a := range d.Answers {
		if a.Resolver == resolver {
			return a
		}
	}
	t.Fatalf("no answer from %s in %+v", resolver, d.Answers)
	return probes.ResolverAnswer{}
}
