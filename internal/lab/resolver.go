package lab

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/gptdoctor/gptdoctor/probes"
)

// Stub resolver limits: Go's defaults for a resolv.conf without options.
const (
	// stubAttemptTimeout bounds one try of one query (resolv.conf's
	// "timeout", 5 s by default); the caller's context usually ends it
	// sooner.
	stubAttemptTimeout = 5 * time.Second
	// stubAttempts is how often a query that timed out is sent (resolv.conf's
	// "attempts"): one lost datagram must not read as a dead resolver.
	stubAttempts = 2
)

// stubResolver is the staged machine's system resolver: it asks the lab's
// system DNS server and nothing else. Go's own resolver would consult the
// developer's /etc/hosts, nsswitch.conf and resolv.conf search list first,
// so "localhost", or chatgpt.com pinned in /etc/hosts, would answer without
// the lab. Answers and errors are shaped like Go's (*net.DNSError with
// IsNotFound, IsTimeout, "server misbehaving"), which is what probes read
// the outcome from.
type stubResolver struct {
	dialer probes.Dialer
	server string // IP:port, UDP and TCP
}

// LookupNetIP returns host's addresses of the network's family ("ip",
// "ip4", "ip6"), IPv4 first.
func (r stubResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	var qtypes []uint16
	switch network {
	case "ip":
		qtypes = []uint16{dns.TypeA, dns.TypeAAAA}
	case "ip4":
		qtypes = []uint16{dns.TypeA}
	case "ip6":
		qtypes = []uint16{dns.TypeAAAA}
	default:
		return nil, net.UnknownNetworkError(network)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if network == "ip" || a.Is4() == (network == "ip4") {
			return []netip.Addr{a}, nil
		}
		return nil, &net.AddrError{Err: "no suitable address found", Addr: host}
	}
	var addrs []netip.Addr
	var firstErr error
	for _, qt := range qtypes {
		rrs, err := r.query(ctx, host, qt)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		for _, rr := range rrs {
			if a, ok := rrAddr(rr); ok {
				addrs = append(addrs, a)
			}
		}
	}
	if len(addrs) == 0 {
		return nil, firstErr
	}
	return addrs, nil
}

// rrAddr is the address an A or AAAA record carries, unmapped; ok is false
// for any other record.
func rrAddr(rr dns.RR) (netip.Addr, bool) {
	var ip net.IP
	switch v := rr.(type) {
	case *dns.A:
		ip = v.A
	case *dns.AAAA:
		ip = v.AAAA
	}
	a, ok := netip.AddrFromSlice(ip)
	return a.Unmap(), ok
}

// LookupTXT returns name's TXT records, the strings of each record joined,
// as Go's resolver does.
func (r stubResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	rrs, err := r.query(ctx, name, dns.TypeTXT)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, rr := range rrs {
		if t, ok := rr.(*dns.TXT); ok {
			var b strings.Builder
			for _, s := range t.Txt {
				b.WriteString(unescapeTXT(s))
			}
			out = append(out, b.String())
		}
	}
	return out, nil
}

// query asks the server one question and returns the answer's records of
// that type. The errors carry Go's words and flags: no records, like
// NXDOMAIN, is "no such host"; SERVFAIL is a temporary "server
// misbehaving", other failure codes a permanent one.
func (r stubResolver) query(ctx context.Context, name string, qtype uint16) ([]dns.RR, error) {
	e := &net.DNSError{Err: "no such host", Name: name, Server: r.server, IsNotFound: true}
	if _, ok := dns.IsDomainName(name); !ok || name == "" {
		return nil, e
	}
	resp, err := r.ask(ctx, name, qtype)
	if err != nil {
		e.IsNotFound, e.IsTemporary = false, true
		cerr := ctxErr(ctx)
		switch {
		case errors.Is(cerr, context.Canceled):
			e.Err, e.UnwrapErr = "operation was canceled", cerr
		case cerr != nil || isTimeout(err):
			e.Err, e.UnwrapErr, e.IsTimeout = "i/o timeout", cerr, true
		default:
			e.Err = err.Error()
		}
		return nil, e
	}
	if resp.Rcode != dns.RcodeSuccess && resp.Rcode != dns.RcodeNameError {
		e.Err, e.IsNotFound, e.IsTemporary = "server misbehaving", false, resp.Rcode == dns.RcodeServerFailure
		return nil, e
	}
	var rrs []dns.RR
	for _, rr := range resp.Answer {
		if rr.Header().Rrtype == qtype {
			rrs = append(rrs, rr)
		}
	}
	if len(rrs) == 0 {
		return nil, e
	}
	return rrs, nil
}

// ask sends the question over UDP, again after a timeout, and over TCP
// when the answer comes back truncated.
func (r stubResolver) ask(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(name), qtype)
	var resp *dns.Msg
	var err error
	for range stubAttempts {
		if resp, err = r.exchange(ctx, "udp", q); err == nil && resp.Truncated {
			resp, err = r.exchange(ctx, "tcp", q)
		}
		if err == nil || ctxErr(ctx) != nil || !isTimeout(err) {
			break
		}
	}
	return resp, err
}

// ctxErr is ctx.Err(), except that a deadline already passed counts even
// before the context's timer has fired: the connection's deadline, set from
// the same instant, can expire first, and the caller's deadline is still
// the reason the query ended.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

// isTimeout reports a network timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// exchange sends q over one new connection and reads the matching reply.
func (r stubResolver) exchange(ctx context.Context, network string, q *dns.Msg) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, stubAttemptTimeout)
	defer cancel()
	conn, err := r.dialer.DialContext(ctx, network, r.server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// The deadline bounds the read; cancellation ends it early.
	dl, _ := ctx.Deadline()
	_ = conn.SetDeadline(dl)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	resp, _, err := (&dns.Client{Net: network}).ExchangeWithConnContext(ctx, q, &dns.Conn{Conn: conn})
	if err != nil {
		return nil, err
	}
	if len(resp.Question) != 1 || !strings.EqualFold(resp.Question[0].Name, q.Question[0].Name) || resp.Question[0].Qtype != q.Question[0].Qtype {
		return nil, errors.New("answer is for a different question")
	}
	return resp, nil
}

// unescapeTXT undoes miekg/dns's presentation escapes (\DDD, \X) so a TXT
// string reads as the bytes on the wire, as Go's resolver returns them.
func unescapeTXT(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	digit := func(c byte) bool { return '0' <= c && c <= '9' }
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			if i+3 < len(s) && digit(s[i+1]) && digit(s[i+2]) && digit(s[i+3]) {
				b.WriteByte(byte(int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')))
				i += 3
				continue
			}
			i++
			c = s[i]
		}
		b.WriteByte(c)
	}
	return b.String()
}
