package collect

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize/fuzzcheck"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/miekg/dns"
)

// wireDialer answers every DNS query with fixed wire bytes (per query
// type), its ID patched to the query's so that the reply reaches the
// parser; over TCP the bytes are framed with their length.
type wireDialer struct {
	replies map[uint16][]byte
}

func (d wireDialer) DialContext(_ context.Context, network, addr string) (net.Conn, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, err
	}
	c := &wireConn{d: d, tcp: strings.HasPrefix(network, "tcp"), remote: net.UDPAddrFromAddrPort(ap)}
	if c.tcp {
		return struct{ net.Conn }{c}, nil // a stream: no packet methods
	}
	return c, nil
}

// wireConn is a packet conn (for miekg/dns's UDP path) or a stream.
type wireConn struct {
	d      wireDialer
	tcp    bool
	remote net.Addr
	out    bytes.Reader
	queued bool
}

func (c *wireConn) Write(b []byte) (int, error) {
	q := b
	if c.tcp {
		// miekg/dns writes the length and the message apart or together.
		if len(b) <= 2 {
			return len(b), nil
		}
		if int(b[0])<<8|int(b[1]) == len(b)-2 {
			q = b[2:]
		}
	}
	m := new(dns.Msg)
	if err := m.Unpack(q); err != nil || len(m.Question) != 1 {
		return 0, errors.New("not a query")
	}
	reply := append([]byte(nil), c.d.replies[m.Question[0].Qtype]...)
	if len(reply) >= 2 {
		reply[0], reply[1] = byte(m.Id>>8), byte(m.Id)
	}
	if c.tcp {
		reply = append([]byte{byte(len(reply) >> 8), byte(len(reply))}, reply...)
	}
	c.out.Reset(reply)
	c.queued = true
	return len(b), nil
}

func (c *wireConn) Read(p []byte) (int, error) {
	if !c.queued {
		return 0, io.EOF
	}
	n, err := c.out.Read(p)
	if !c.tcp {
		c.queued = false // one datagram per query
	}
	return n, err
}

func (c *wireConn) ReadFrom(p []byte) (int, net.Addr, error) {
	n, err := c.Read(p)
	return n, c.remote, err
}
func (c *wireConn) WriteTo(p []byte, _ net.Addr) (int, error) { return c.Write(p) }
func (c *wireConn) Close() error                              { return nil }
func (c *wireConn) LocalAddr() net.Addr                       { return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000} }
func (c *wireConn) RemoteAddr() net.Addr                      { return c.remote }
func (c *wireConn) SetDeadline(time.Time) error               { return nil }
func (c *wireConn) SetReadDeadline(time.Time) error           { return nil }
func (c *wireConn) SetWriteDeadline(time.Time) error          { return nil }

// packedAnswer builds a reply to name/qtype (class IN) holding rrs, for
// seeds.
func packedAnswer(t testing.TB, name string, qtype uint16, rcode int, truncated bool, rrs ...string) []byte {
	return packedClassAnswer(t, name, qtype, dns.ClassINET, rcode, truncated, rrs...)
}

func packedClassAnswer(t testing.TB, name string, qtype, qclass uint16, rcode int, truncated bool, rrs ...string) []byte {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.Question[0].Qclass = qclass
	m.Response, m.Rcode, m.Truncated = true, rcode, truncated
	for _, s := range rrs {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		m.Answer = append(m.Answer, rr)
	}
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dnsSeeds are real and hostile answer pairs (A, AAAA) for chatgpt.com.
func dnsSeeds(f *testing.F) (pairs [][2][]byte) {
	a := func(rcode int, tc bool, rrs ...string) []byte {
		return packedAnswer(f, "chatgpt.com", dns.TypeA, rcode, tc, rrs...)
	}
	aaaa := func(rcode int, tc bool, rrs ...string) []byte {
		return packedAnswer(f, "chatgpt.com", dns.TypeAAAA, rcode, tc, rrs...)
	}
	add := func(a, aaaa []byte) { pairs = append(pairs, [2][]byte{a, aaaa}) }
	add(a(dns.RcodeSuccess, false, "chatgpt.com. 60 IN A 104.18.32.47", "chatgpt.com. 60 IN A 172.64.155.209"),
		aaaa(dns.RcodeSuccess, false, "chatgpt.com. 60 IN AAAA 2606:4700:4400::6812:202f"))
	add(a(dns.RcodeSuccess, false, "chatgpt.com. 60 IN CNAME x.\x1b]0;pwned\x07.example.", "chatgpt.com. 60 IN A 0.0.0.0"),
		aaaa(dns.RcodeSuccess, false, "chatgpt.com. 60 IN AAAA ::"))
	add(a(dns.RcodeNameError, false), aaaa(dns.RcodeServerFailure, false))
	add(a(dns.RcodeRefused, true), aaaa(dns.RcodeNotImplemented, false))
	add(a(dns.RcodeSuccess, false, "chatgpt.com. 60 IN A 10.10.34.35", "chatgpt.com. 60 IN AAAA ::ffff:10.0.0.1", `chatgpt.com. 60 IN TXT "`+fuzzcheck.Key+`"`),
		packedAnswer(f, "openai.com", dns.TypeAAAA, dns.RcodeSuccess, false))
	add([]byte{0, 0, 0x81}, nil)
	return pairs
}

// checkResolverAnswer asserts the fields of one resolver's answer: a
// known RCODE, addresses that parse and are not repeated from another
// family's list, a non-negative time, clean strings.
func checkResolverAnswer(t *testing.T, ans probes.ResolverAnswer) {
	t.Helper()
	fuzzcheck.Strings(t, ans, fuzzcheck.Options{})
	for _, rc := range []string{ans.RCode, ans.RCodeA, ans.RCodeAAAA} {
		if !knownRCode(rc) {
			t.Fatalf("rcode %q: %+v", rc, ans)
		}
	}
	if ans.Time < 0 {
		t.Fatalf("time %v", ans.Time)
	}
	for _, a := range ans.Addrs {
		if _, err := netip.ParseAddr(a.IP); err != nil {
			t.Fatalf("answer address %q does not parse", a.IP)
		}
	}
	if len(ans.Addrs) > 0 && ans.RCode != rcodeNoError {
		t.Fatalf("addresses with rcode %s", ans.RCode)
	}
}

// knownRCode: the names rcodeName gives, "TYPE<n>"-style codes for the
// rest, and the two gptdoctor adds (timeout, error).
func knownRCode(s string) bool {
	switch s {
	case rcodeNoError, rcodeNXDomain, rcodeTimeout, rcodeError:
		return true
	}
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// FuzzDNSAnswer feeds DNS replies as wire bytes to the independent
// resolver query (udpAnswer: miekg/dns unpacking, the question check, the
// TCP retry on truncation, the address extraction and the A/AAAA merge).
// Invariants: no panic, bounded time, the resolver answer's fields valid.
func FuzzDNSAnswer(f *testing.F) {
	for _, p := range dnsSeeds(f) {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, wireA, wireAAAA []byte) {
		wireA, wireAAAA = capBytes(wireA, dns.MaxMsgSize), capBytes(wireAAAA, dns.MaxMsgSize)
		d := wireDialer{replies: map[uint16][]byte{dns.TypeA: wireA, dns.TypeAAAA: wireAAAA}}
		var ans probes.ResolverAnswer
		fuzzcheck.Within(t, func() {
			ans = udpAnswer(context.Background(), d, "192.0.2.53", "chatgpt.com", fastLimits())
		})
		checkResolverAnswer(t, ans)
		if ans.Transport != "udp" && ans.Transport != "tcp" {
			t.Fatalf("transport %q", ans.Transport)
		}
	})
}

// dohRoundTripper answers DoH POSTs with the fuzzed bodies per query type.
type dohRoundTripper struct {
	replies     map[uint16][]byte
	contentType string
	status      int
}

func (rt dohRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	q, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	m := new(dns.Msg)
	if err := m.Unpack(q); err != nil || len(m.Question) != 1 {
		return nil, errors.New("not a query")
	}
	return &http.Response{
		StatusCode: rt.status, Proto: "HTTP/2.0", ProtoMajor: 2,
		Header:  http.Header{"Content-Type": {rt.contentType}},
		Body:    io.NopCloser(bytes.NewReader(rt.replies[m.Question[0].Qtype])),
		Request: req,
	}, nil
}

// FuzzDoHAnswer feeds DoH responses (status, content type, wire body) to
// the DoH query (dohAnswer). Invariants as FuzzDNSAnswer's, transport doh.
func FuzzDoHAnswer(f *testing.F) {
	for _, p := range dnsSeeds(f) {
		f.Add(200, "application/dns-message", p[0], p[1])
	}
	f.Add(200, "text/html; charset=\x1b[31mutf-8", []byte("<html>"), []byte(nil))
	f.Add(502, "application/dns-message", []byte(nil), []byte(nil))
	f.Fuzz(func(t *testing.T, status int, contentType string, wireA, wireAAAA []byte) {
		wireA, wireAAAA = capBytes(wireA, maxDoHResponse+1), capBytes(wireAAAA, maxDoHResponse+1)
		if status < 100 || status > 999 {
			status = 200
		}
		c := &dohClient{url: "https://doh.example/dns-query", client: &http.Client{Transport: dohRoundTripper{
			replies: map[uint16][]byte{dns.TypeA: wireA, dns.TypeAAAA: wireAAAA}, contentType: contentType, status: status}}}
		var ans probes.ResolverAnswer
		fuzzcheck.Within(t, func() { ans = dohAnswer(context.Background(), c, "chatgpt.com") })
		checkResolverAnswer(t, ans)
		if ans.Transport != "doh" {
			t.Fatalf("transport %q", ans.Transport)
		}
	})
}
