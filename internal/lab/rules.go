package lab

import (
	"context"
	"fmt"
	"net"
	"net/netip"
)

// listeners are the loopback addresses a lab's servers listen on, by role.
type listeners struct {
	edgeTLS, edgeHTTP map[string]string // by identity path
	cloudflareDNS     string            // the 1.1.1.1 resolver
	googleDNS         string            // the 8.8.8.8 resolver
	refused           string            // a port that refuses connections
	hold              string            // the hostile listener, if any
	portal            string            // the captive portal, if any
	ispHTTP, ispTLS   string            // the ISP block page, if any
}

// routes plans the connect-to rules: for every address the scenario's
// resolvers, DoH and configuration can hand out, the loopback listener it
// leads to. A records lead to the IPv4 identity, AAAA records to the IPv6
// one; the scenario's transport mode diverts OpenAI hosts (blackhole,
// stall, reset) or everything (captive portal, offline).
func routes(s spec, zone []record, ls listeners) map[string]string {
	rules := map[string]string{}
	set := func(a netip.Addr, port uint16, to string) { rules[netip.AddrPortFrom(a, port).String()] = to }
	edge := func(a netip.Addr, openai bool, port uint16) string {
		path := pathDirect4
		if a.Is6() {
			path = pathDirect6
		}
		to := ls.edgeTLS[path]
		if port == 80 {
			to = ls.edgeHTTP[path]
		}
		switch s.conn {
		case connBlackhole, connReset:
			if openai {
				to = ls.hold
			}
		case connTLSStall:
			if openai && port == 443 {
				to = ls.hold
			}
		case connCaptive:
			to = ls.refused
			if port == 80 {
				to = ls.portal
			}
		case connOffline:
			to = ls.refused
		}
		return to
	}
	addEdge := func(a netip.Addr, openai bool) {
		if a.IsValid() {
			set(a, 443, edge(a, openai, 443))
			set(a, 80, edge(a, openai, 80))
		}
	}
	for _, r := range zone {
		addEdge(r.a, r.openai)
		addEdge(r.aaaa, r.openai)
	}
	for _, a := range edgeExtras() {
		addEdge(a, false)
	}
	for _, a := range cloudflareResolvers {
		set(a, 53, ls.cloudflareDNS)
	}
	for _, a := range googleResolvers {
		set(a, 53, ls.googleDNS)
	}
	if s.dns == dnsHijack {
		set(ispBlockAddr, 80, ls.ispHTTP)
		set(ispBlockAddr, 443, ls.ispTLS)
		for _, a := range []netip.Addr{unspecified4, unspecified6} {
			set(a, 80, ls.refused)
			set(a, 443, ls.refused)
		}
	}
	return rules
}

// proxyRoutes are the proxy's own rules: every edge address leads to the
// proxy identity's listeners, so the edge sees the proxy's egress.
func proxyRoutes(zone []record, edgeTLS, edgeHTTP string) map[string]string {
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
	for _, a := range edgeExtras() {
		add(a)
	}
	return rules
}

func edgeExtras() []netip.Addr {
	return append(append([]netip.Addr(nil), edgeExtraV4...), edgeExtraV6...)
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
