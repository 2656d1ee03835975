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
// stall, reset) or everything (captive portal, offline). The local proxy
// ports lead to the refused port.
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
	for _, a := range cloudflareResolvers {
		addEdge(a, false)
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
	if s.dns == dnsStale {
		for _, a := range []netip.Addr{staleChatGPT4, staleChatGPT6} {
			set(a, 80, ls.refused)
			set(a, 443, ls.refused)
		}
	}
	for _, ap := range localProxyPorts {
		rules[ap.String()] = ls.refused
	}
	return rules
}

// localProxyPorts are the loopback ports the Tor and VPN probes knock on:
// Tor's SOCKS port (9050), Tor Browser's (9150) and Cloudflare WARP's
// proxy mode (40000). The staged machine runs none of them, so they lead
// to the refused port; without these rules the real binary would find the
// developer's own Tor or WARP.
var localProxyPorts = []netip.AddrPort{
	netip.MustParseAddrPort("127.0.0.1:9050"),
	netip.MustParseAddrPort("127.0.0.1:9150"),
	netip.MustParseAddrPort("127.0.0.1:40000"),
}

// allowDialer is the lab's safety net: it dials only the lab's own
// listeners, so a probe that would leave the machine, or reach one of the
// developer's own services on loopback, fails with a clear error instead.
type allowDialer map[string]bool

// DialContext refuses any address not on the list.
func (a allowDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	key := addr
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		key = ap.String()
	}
	if !a[key] {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("lab: no route to %s", addr)}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}
