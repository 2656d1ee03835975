package collect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
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
	rcodeNoError  = "NOERROR"
	rcodeNXDomain = "NXDOMAIN"
	rcodeServFail = "SERVFAIL"
	rcodeRefused  = "REFUSED"
	rcodeTimeout  = "TIMEOUT"
	rcodeError    = "ERROR"
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
		return rcodeNoError
	case dns.RcodeNameError:
		return rcodeNXDomain
	case dns.RcodeServerFailure:
		return rcodeServFail
	case dns.RcodeRefused:
		return rcodeRefused
	}
	return rcodeError
}

// rcodeText is the response code's own name (NOTIMP, FORMERR …), for
// messages: unlike rcodeName it keeps every code apart.
func rcodeText(rcode int) string {
	if s, ok := dns.RcodeToString[rcode]; ok {
		return s
	}
	return fmt.Sprintf("rcode %d", rcode)
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

// DNSServerAddr checks an independent resolver's address: IP:port, or a
// bare IP (bracketed or not) meaning port 53. Names are refused: resolving
// the resolver would go through the very system resolver being checked.
// The command line and the probes share it, so both accept the same forms.
func DNSServerAddr(server string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(server); err == nil {
		return ap, nil
	}
	if ip, err := netip.ParseAddr(strings.Trim(server, "[]")); err == nil {
		return netip.AddrPortFrom(ip, 53), nil
	}
	return netip.AddrPort{}, fmt.Errorf("%q is not an IP address with an optional :port", sanitize.LineN(server, 64))
}

// exchangeUDP sends m to server over UDP through the world's dialer,
// retransmits once after lim.DNSRetransmit (dnsRetransmitAfter), and
// retries over TCP when the answer comes back truncated. It reports
// whether TCP was used.
func exchangeUDP(ctx context.Context, d probes.Dialer, server netip.AddrPort, m *dns.Msg, lim probes.Limits) (*dns.Msg, bool, error) {
	if d == nil {
		return nil, false, errors.New("no dialer in this environment")
	}
	r, err := exchangeOn(ctx, d, "udp", server.String(), m, lim)
	if err != nil {
		return nil, false, err
	}
	if !r.Truncated {
		return r, false, nil
	}
	r, err = exchangeOn(ctx, d, "tcp", server.String(), m, lim)
	if err != nil {
		return nil, true, fmt.Errorf("truncated over UDP, then over TCP: %w", err)
	}
	return r, true, nil
}

func exchangeOn(ctx context.Context, d probes.Dialer, network, server string, m *dns.Msg, lim probes.Limits) (*dns.Msg, error) {
	lim = withDefaults(lim)
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
	c := &dns.Client{Net: network, UDPSize: dnsUDPSize, Timeout: lim.DNSQuery}
	var r *dns.Msg
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if network == "udp" && attempt == 0 {
			actx, cancel = context.WithTimeout(ctx, lim.DNSRetransmit)
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
	if !sameQuestion(r, m) {
		return nil, errors.New("answer is for a different question")
	}
	return r, nil
}

// sameQuestion reports whether answer r is for query m: one question with
// the same name (compared as DNS compares names, ignoring case), type and
// class. An answer to another question is a spoofing attempt or a broken
// middlebox, never data.
func sameQuestion(r, m *dns.Msg) bool {
	if len(r.Question) != 1 || len(m.Question) != 1 {
		return false
	}
	a, q := r.Question[0], m.Question[0]
	return dns.CanonicalName(a.Name) == dns.CanonicalName(q.Name) && a.Qtype == q.Qtype && a.Qclass == q.Qclass
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
		fa.rcode = rcodeError
		fa.err = errLine(err)
		if isTimeout(err) {
			fa.rcode = rcodeTimeout
			fa.err = "timeout"
		}
		return fa
	}
	fa.rcode = rcodeName(r.Rcode)
	if fa.rcode != rcodeNoError {
		fa.err = rcodeText(r.Rcode)
		return fa
	}
	fa.addrs = answerAddrs(r, qtype)
	return fa
}

// udpAnswer asks one independent resolver for A and AAAA at once, within
// lim.DNSQuery (dnsQueryTimeout).
func udpAnswer(ctx context.Context, d probes.Dialer, server, host string, lim probes.Limits) probes.ResolverAnswer {
	lim = withDefaults(lim)
	addr, err := DNSServerAddr(server)
	if err != nil {
		return probes.ResolverAnswer{Resolver: sanitize.LineN(server, 64), Transport: "udp", RCode: rcodeError,
			Error: "dns: resolve " + host + ": resolver " + err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, lim.DNSQuery)
	defer cancel()
	fams := bothFamilies(func(qtype uint16) familyAnswer {
		return queryFamily(qtype, func() (*dns.Msg, bool, error) {
			return exchangeUDP(ctx, d, addr, newQuery(host, qtype, dns.ClassINET), lim)
		})
	})
	ans := combineFamilies(host, addr.String(), "udp", fams[0], fams[1], false)
	if fams[0].tcp || fams[1].tcp {
		ans.Transport = "tcp"
	}
	return ans
}

// bothFamilies runs the A and AAAA queries concurrently.
func bothFamilies(q func(qtype uint16) familyAnswer) [2]familyAnswer {
	var out [2]familyAnswer
	var wg sync.WaitGroup
	wg.Go(func() { out[1] = q(dns.TypeAAAA) })
	out[0] = q(dns.TypeA)
	wg.Wait()
	return out
}

// combineFamilies merges the A and AAAA outcomes into one answer. The name
// exists if either family has addresses. For the system resolver "no such
// host" for one family may only mean "no records of this type" (Go cannot
// tell NXDOMAIN from NODATA there): beside addresses of the other family it
// is recorded as NOERROR, and beside another failure of the other family
// (a timeout, SERVFAIL) that failure is the outcome, not "does not exist".
func combineFamilies(host, resolver, transport string, a, aaaa familyAnswer, system bool) probes.ResolverAnswer {
	if system {
		if a.rcode == rcodeNXDomain && len(aaaa.addrs) > 0 {
			a.rcode, a.err = rcodeNoError, ""
		}
		if aaaa.rcode == rcodeNXDomain && len(a.addrs) > 0 {
			aaaa.rcode, aaaa.err = rcodeNoError, ""
		}
	}
	ans := probes.ResolverAnswer{
		Resolver:  resolver,
		Transport: transport,
		RCodeA:    a.rcode,
		RCodeAAAA: aaaa.rcode,
		Time:      probes.Millis(max(a.elapsed, aaaa.elapsed)),
	}
	for _, ip := range append(append([]netip.Addr(nil), a.addrs...), aaaa.addrs...) {
		ans.Addrs = append(ans.Addrs, describeAddr(ip))
	}
	switch {
	case len(ans.Addrs) > 0:
		ans.RCode = rcodeNoError
	case a.rcode == rcodeNoError && aaaa.rcode == rcodeNoError:
		ans.RCode = rcodeNoError
	case system && a.rcode == rcodeNXDomain && aaaa.rcode != rcodeNXDomain && aaaa.rcode != rcodeNoError:
		ans.RCode = aaaa.rcode
	case system && aaaa.rcode == rcodeNXDomain && a.rcode != rcodeNXDomain && a.rcode != rcodeNoError:
		ans.RCode = a.rcode
	case a.rcode == rcodeNXDomain || aaaa.rcode == rcodeNXDomain:
		ans.RCode = rcodeNXDomain
	case a.rcode != rcodeNoError:
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
