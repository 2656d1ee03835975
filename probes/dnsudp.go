package probes

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// dnsQueryTimeout bounds one query to an independent resolver, UDP tries
// and TCP retry included. 1.1.1.1 and 8.8.8.8 answer from anycast sites
// within tens of milliseconds almost everywhere; three seconds leaves room
// for a retransmission and a slow satellite or mobile link, and a resolver
// that needs longer is unusable for a browser anyway.
const dnsQueryTimeout = 3 * time.Second

// dnsRetransmitAfter is when an unanswered UDP query is sent again, as
// stub resolvers do: one lost datagram must not read as "blocked".
const dnsRetransmitAfter = time.Second

// dnsUDPSize is the EDNS0 buffer size advertised (the DNS Flag Day 2020
// value): large enough for the answers asked for, small enough to avoid IP
// fragmentation.
const dnsUDPSize = 1232

// DNS outcome codes in ResolverAnswer.RCode. NXDOMAIN (the name does not
// exist), SERVFAIL (the resolver failed), REFUSED (it will not answer),
// TIMEOUT (no answer in time) and ERROR (no DNS answer at all: refused
// connection, TLS failure, bad response) lead to different causes, so they
// are never merged.
const (
	RCodeNoError  = "NOERROR"
	RCodeNXDomain = "NXDOMAIN"
	RCodeServFail = "SERVFAIL"
	RCodeRefused  = "REFUSED"
	RCodeTimeout  = "TIMEOUT"
	RCodeError    = "ERROR"
)

// familyAnswer is the outcome of one query type (A or AAAA). err is the
// tail of the error message ("timeout", "NXDOMAIN"); combineFamilies puts
// the host and resolver in front.
type familyAnswer struct {
	rcode   string
	addrs   []netip.Addr
	err     string
	tcp     bool
	elapsed time.Duration
}

// rcodeName maps a DNS response code to the names above; codes that make
// no sense for a plain query (FORMERR, NOTIMP …) become ERROR.
func rcodeName(rcode int) string {
	switch rcode {
	case dns.RcodeSuccess:
		return RCodeNoError
	case dns.RcodeNameError:
		return RCodeNXDomain
	case dns.RcodeServerFailure:
		return RCodeServFail
	case dns.RcodeRefused:
		return RCodeRefused
	}
	return RCodeError
}

// newQuery builds a recursive query with EDNS0.
func newQuery(name string, qtype, qclass uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.Question[0].Qclass = qclass
	m.RecursionDesired = true
	m.SetEdns0(dnsUDPSize, false)
	return m
}

// dnsServerAddr checks an independent resolver's address: IP:port, or a
// bare IP meaning port 53. Names are refused: resolving the resolver would
// go through the very system resolver being checked.
func dnsServerAddr(server string) (string, error) {
	if ap, err := netip.ParseAddrPort(server); err == nil {
		return ap.String(), nil
	}
	if ip, err := netip.ParseAddr(strings.Trim(server, "[]")); err == nil {
		return netip.AddrPortFrom(ip, 53).String(), nil
	}
	return "", fmt.Errorf("resolver address %q is not IP:port", sanitize.LineN(server, 64))
}

// exchangeUDP sends m to server over UDP through the world's dialer,
// retransmits once after dnsRetransmitAfter, and retries over TCP when the
// answer comes back truncated. It reports whether TCP was used.
func exchangeUDP(ctx context.Context, d Dialer, server string, m *dns.Msg) (*dns.Msg, bool, error) {
	if d == nil {
		return nil, false, errors.New("no dialer in this environment")
	}
	server, err := dnsServerAddr(server)
	if err != nil {
		return nil, false, err
	}
	r, err := exchangeOn(ctx, d, "udp", server, m)
	if err != nil {
		return nil, false, err
	}
	if !r.Truncated {
		return r, false, nil
	}
	r, err = exchangeOn(ctx, d, "tcp", server, m)
	if err != nil {
		return nil, true, fmt.Errorf("truncated over UDP, then over TCP: %w", err)
	}
	return r, true, nil
}

func exchangeOn(ctx context.Context, d Dialer, network, server string, m *dns.Msg) (*dns.Msg, error) {
	conn, err := d.DialContext(ctx, network, server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// miekg/dns takes deadlines from ctx but not cancellation: end a
	// blocked read when ctx is cancelled.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	co := &dns.Conn{Conn: conn, UDPSize: dnsUDPSize}
	c := &dns.Client{Net: network, UDPSize: dnsUDPSize, Timeout: dnsQueryTimeout}
	var r *dns.Msg
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if network == "udp" && attempt == 0 {
			actx, cancel = context.WithTimeout(ctx, dnsRetransmitAfter)
		}
		r, _, err = c.ExchangeWithConnContext(actx, m, co)
		cancel()
		if err != nil && network == "udp" && attempt == 0 && isTimeout(err) && ctx.Err() == nil {
			continue // lost datagram: send the same query once more
		}
		break
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if len(r.Question) != 1 || !strings.EqualFold(r.Question[0].Name, m.Question[0].Name) || r.Question[0].Qtype != m.Question[0].Qtype {
		return nil, errors.New("answer is for a different question")
	}
	return r, nil
}

// answerAddrs extracts the A or AAAA addresses of a response (following
// nothing: the resolver already chased CNAMEs).
func answerAddrs(r *dns.Msg, qtype uint16) []netip.Addr {
	var out []netip.Addr
	for _, rr := range r.Answer {
		var ip net.IP
		switch v := rr.(type) {
		case *dns.A:
			if qtype == dns.TypeA {
				ip = v.A
			}
		case *dns.AAAA:
			if qtype == dns.TypeAAAA {
				ip = v.AAAA
			}
		}
		if a, ok := netip.AddrFromSlice(ip); ok {
			out = append(out, a.Unmap())
		}
	}
	return out
}

// queryFamily turns one exchange (UDP or DoH) into a familyAnswer.
func queryFamily(qtype uint16, exchange func() (*dns.Msg, bool, error)) familyAnswer {
	start := time.Now()
	r, tcp, err := exchange()
	fa := familyAnswer{elapsed: time.Since(start), tcp: tcp}
	if err != nil {
		fa.rcode = RCodeError
		fa.err = sanitize.LineN(err.Error(), 300)
		if isTimeout(err) {
			fa.rcode = RCodeTimeout
			fa.err = "timeout"
		}
		return fa
	}
	fa.rcode = rcodeName(r.Rcode)
	if fa.rcode != RCodeNoError {
		fa.err = dns.RcodeToString[r.Rcode]
		if fa.err == "" {
			fa.err = fmt.Sprintf("rcode %d", r.Rcode)
		}
		return fa
	}
	fa.addrs = answerAddrs(r, qtype)
	return fa
}

// udpAnswer asks one independent resolver for A and AAAA at once.
func udpAnswer(ctx context.Context, d Dialer, server, host string) ResolverAnswer {
	ctx, cancel := context.WithTimeout(ctx, dnsQueryTimeout)
	defer cancel()
	fams := bothFamilies(func(qtype uint16) familyAnswer {
		return queryFamily(qtype, func() (*dns.Msg, bool, error) {
			return exchangeUDP(ctx, d, server, newQuery(host, qtype, dns.ClassINET))
		})
	})
	ans := combineFamilies(host, server, "udp", fams[0], fams[1], false)
	if fams[0].tcp || fams[1].tcp {
		ans.Transport = "tcp"
	}
	return ans
}

// bothFamilies runs the A and AAAA queries concurrently.
func bothFamilies(q func(qtype uint16) familyAnswer) [2]familyAnswer {
	var out [2]familyAnswer
	done := make(chan struct{})
	go func() {
		defer close(done)
		out[1] = q(dns.TypeAAAA)
	}()
	out[0] = q(dns.TypeA)
	<-done
	return out
}

// combineFamilies merges the A and AAAA outcomes into one answer. The name
// exists if either family has addresses. For the system resolver a "no
// such host" beside addresses of the other family only means "no records
// of this type" (Go cannot tell NXDOMAIN from NODATA there), so it is
// recorded as NOERROR.
func combineFamilies(host, resolver, transport string, a, aaaa familyAnswer, system bool) ResolverAnswer {
	if system {
		if a.rcode == RCodeNXDomain && len(aaaa.addrs) > 0 {
			a.rcode, a.err = RCodeNoError, ""
		}
		if aaaa.rcode == RCodeNXDomain && len(a.addrs) > 0 {
			aaaa.rcode, aaaa.err = RCodeNoError, ""
		}
	}
	ans := ResolverAnswer{
		Resolver:  resolver,
		Transport: transport,
		RCodeA:    a.rcode,
		RCodeAAAA: aaaa.rcode,
		Time:      Millis(max(a.elapsed, aaaa.elapsed)),
	}
	for _, ip := range append(append([]netip.Addr(nil), a.addrs...), aaaa.addrs...) {
		ans.Addrs = append(ans.Addrs, describeAddr(ip))
	}
	switch {
	case len(ans.Addrs) > 0:
		ans.RCode = RCodeNoError
	case a.rcode == RCodeNoError && aaaa.rcode == RCodeNoError:
		ans.RCode = RCodeNoError
	case a.rcode == RCodeNXDomain || aaaa.rcode == RCodeNXDomain:
		ans.RCode = RCodeNXDomain
	case a.rcode != RCodeNoError:
		ans.RCode = a.rcode
	default:
		ans.RCode = aaaa.rcode
	}
	via := resolver
	if transport == "system" {
		via = "the system resolver"
	}
	switch {
	case a.err != "" && a.err == aaaa.err:
		ans.Error = fmt.Sprintf("dns: resolve %s via %s: %s", host, via, a.err)
	case a.err != "" && aaaa.err != "":
		ans.Error = fmt.Sprintf("dns: resolve %s via %s: A: %s; AAAA: %s", host, via, a.err, aaaa.err)
	case a.err != "":
		ans.Error = fmt.Sprintf("dns: resolve %s A via %s: %s", host, via, a.err)
	case aaaa.err != "":
		ans.Error = fmt.Sprintf("dns: resolve %s AAAA via %s: %s", host, via, aaaa.err)
	}
	return ans
}
