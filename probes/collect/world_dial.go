package collect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// maxDialAttempts bounds the addresses tried per connection. Cloudflare
// publishes two addresses per family; trying more only spends the connect
// limit on addresses that fail the same way.
const maxDialAttempts = 4

// resolveAddrs looks host up through r in the given family; an IP literal
// is its own answer. "No address in this family" and "no such name" look
// the same in a Go lookup, so a failed family lookup asks once more for any
// address, under a limit of its own (the first lookup may have used up
// its), to tell them apart. A failure is classified for step; a caller
// whose own context ended replaces it with what ended it.
func resolveAddrs(ctx context.Context, r probes.Resolver, step, host, family string, limit time.Duration) ([]netip.Addr, *netFailure) {
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap()
		if !familyMatches(ip, family) {
			return nil, &netFailure{Step: step, Code: "no_address", NotApplicable: true,
				Message: fmt.Sprintf("%s: %s is not an %s address", step, host, probes.FamilyLabel(family)),
				Reason:  fmt.Sprintf("%s is not an %s address", host, probes.FamilyLabel(family))}
		}
		return []netip.Addr{ip}, nil
	}
	if r == nil {
		return nil, &netFailure{Step: step, Code: "no_world", Message: step + ": resolve " + host + ": no resolver configured", Reason: "internal: the probe has no resolver to use"}
	}
	lookup := func(network string) ([]netip.Addr, error) {
		lctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		return r.LookupNetIP(lctx, network, host)
	}
	addrs, err := lookup(lookupNetwork(family))
	ips := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		if a = a.Unmap(); familyMatches(a, family) {
			ips = append(ips, a)
		}
	}
	if len(ips) > 0 {
		return ips, nil
	}
	var de *net.DNSError
	notFound := err == nil || (errors.As(err, &de) && de.IsNotFound)
	if family != probes.FamilyAny && notFound && ctx.Err() == nil {
		other, oerr := lookup("ip")
		if oerr == nil && len(other) > 0 {
			return nil, &netFailure{Step: step, Code: "no_address", NotApplicable: step == "dns",
				Message: fmt.Sprintf("%s: resolve %s (%s): no %s address", step, host, probes.FamilyLabel(family), probes.FamilyLabel(family)),
				Reason:  fmt.Sprintf("%s has no %s address", host, probes.FamilyLabel(family))}
		}
		if oerr != nil && !(errors.As(oerr, &de) && de.IsNotFound) {
			// Whether the name exists is unknown: say what the resolver did.
			err = oerr
		}
	}
	if err == nil {
		err = &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return nil, dnsFailure(step, host, family, err, limit)
}

func lookupNetwork(family string) string {
	switch family {
	case probes.FamilyIPv4:
		return "ip4"
	case probes.FamilyIPv6:
		return "ip6"
	}
	return "ip"
}

func familyMatches(ip netip.Addr, family string) bool {
	switch family {
	case probes.FamilyIPv4:
		return ip.Is4()
	case probes.FamilyIPv6:
		return ip.Is6()
	}
	return true
}

// dialError is the first failed connect of dialAddrs: the address tried,
// the share of the connect limit it had and what went wrong.
type dialError struct {
	Addr  string
	Limit time.Duration
	Err   error
}

func (e *dialError) Error() string { return "connect to " + e.Addr + ": " + rootErr(e.Err) }
func (e *dialError) Unwrap() error { return e.Err }

// dialAddrs connects to port on one of ips through d, in happy-eyeballs
// order (interleaveFamilies), at most maxDialAttempts of them. Each address
// gets half of what is left of limit (the last one all of it), so a
// blackholed first address leaves time for the next. On failure the error
// is the first address's, as a *dialError.
func dialAddrs(ctx context.Context, d probes.Dialer, ips []netip.Addr, port string, limit time.Duration) (net.Conn, error) {
	ips = interleaveFamilies(ips)
	if len(ips) > maxDialAttempts {
		ips = ips[:maxDialAttempts]
	}
	deadline := time.Now().Add(limit)
	var first error
	for i, ip := range ips {
		remaining := time.Until(deadline)
		if remaining <= 0 {
			break
		}
		per := remaining
		if len(ips)-i > 1 {
			per = remaining / 2
		}
		addr := net.JoinHostPort(ip.String(), port)
		network := "tcp4"
		if ip.Is6() {
			network = "tcp6"
		}
		actx, cancel := context.WithTimeout(ctx, per)
		conn, err := d.DialContext(actx, network, addr)
		cancel()
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = &dialError{Addr: addr, Limit: per, Err: err}
		}
		if ctx.Err() != nil {
			break
		}
	}
	if first == nil {
		first = errors.New("no time left to connect")
	}
	return nil, first
}

// connectFailed classifies what dialAddrs returned for step (see
// connectFailure for ipv6Cell).
func connectFailed(step string, ipv6Cell bool, err error) *netFailure {
	var de *dialError
	if errors.As(err, &de) {
		return connectFailure(step, de.Addr, ipv6Cell, de.Err, de.Limit)
	}
	return &netFailure{Step: step, Code: timeoutCode(step), Timeout: true, err: err,
		Message: step + ": connect: no time left to connect", Reason: "no time left to connect"}
}

// interleaveFamilies orders addresses alternately by family, starting with
// the family of the first (the resolver's preference).
func interleaveFamilies(ips []netip.Addr) []netip.Addr {
	if len(ips) < 2 {
		return ips
	}
	var a, b []netip.Addr
	for _, ip := range ips {
		if ip.Is4() == ips[0].Is4() {
			a = append(a, ip)
		} else {
			b = append(b, ip)
		}
	}
	out := make([]netip.Addr, 0, len(ips))
	for i := 0; i < len(a) || i < len(b); i++ {
		if i < len(a) {
			out = append(out, a[i])
		}
		if i < len(b) {
			out = append(out, b[i])
		}
	}
	return out
}

// dialViaWorld connects to host:port for the probes' helper requests (DoH,
// proxy reachability) the way fetch connects for its own: the name through
// the world's resolver (an IP literal as it is), then dialAddrs through the
// world's dialer, under the DNS and connect limits of tm. A failure is of
// step dns or connect, or of step proxy for every failure
// when proxy says host:port is a proxy; a caller whose own context ended
// replaces it with what ended it.
func dialViaWorld(ctx context.Context, w probes.World, hostport string, proxy bool, tm timeouts) (net.Conn, *netFailure) {
	if w.Dialer == nil {
		return nil, &netFailure{Step: "connect", Code: "no_world", Message: "connect: " + hostport + ": no dialer configured", Reason: "internal: the probe has no network to use"}
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, &netFailure{Step: "connect", Code: "bad_address", err: err, Message: "connect: bad address " + hostport, Reason: "bad address " + hostport}
	}
	step := "dns"
	if proxy {
		step = "proxy"
	}
	ips, nf := resolveAddrs(ctx, w.Resolver, step, host, probes.FamilyAny, tm.DNS)
	if nf != nil {
		return nil, nf
	}
	if !proxy {
		step = "connect"
	}
	conn, err := dialAddrs(ctx, w.Dialer, ips, port, tm.Connect)
	if err != nil {
		return nil, connectFailed(step, false, err)
	}
	return conn, nil
}
