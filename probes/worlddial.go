package probes

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
)

// maxDialAddrs bounds how many addresses of one name are tried: each try
// can take a full connect timeout, and a name with many dead addresses must
// not eat the probe's budget.
const maxDialAddrs = 4

// dialViaWorld connects to host:port the way the probes' helpers (captive
// check, PAC fetch, proxy reachability, DoH) must: IP literals directly,
// names through the world's resolver, then each address in turn through the
// world's dialer, IPv4 first (it fails over faster on networks with broken
// IPv6), at most maxDialAddrs of them.
func dialViaWorld(ctx context.Context, w World, network, hostport string) (net.Conn, error) {
	if w.Dialer == nil {
		return nil, errors.New("no dialer configured")
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, err
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return w.Dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
	}
	if w.Resolver == nil {
		return nil, fmt.Errorf("resolve %s: no resolver configured", host)
	}
	addrs, err := w.Resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, &resolveError{host: host, err: err}
	}
	if len(addrs) == 0 {
		return nil, &resolveError{host: host, err: errors.New("no addresses")}
	}
	slices.SortStableFunc(addrs, func(a, b netip.Addr) int {
		switch {
		case a.Unmap().Is4() == b.Unmap().Is4():
			return 0
		case a.Unmap().Is4():
			return -1
		}
		return 1
	})
	if len(addrs) > maxDialAddrs {
		addrs = addrs[:maxDialAddrs]
	}
	var first error
	for _, a := range addrs {
		c, err := w.Dialer.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}
