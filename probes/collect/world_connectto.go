package collect

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// ConnectTo is a Dialer that sends connections for one address to another,
// like curl's --connect-to: "104.18.32.47:443=10.0.0.5:8443" makes every
// probe that would connect to 104.18.32.47:443 connect to 10.0.0.5:8443
// instead, while results still name the original address. IT staff use it
// to test one specific edge or a staging server; the test suite uses it to
// point the real binary at servers on loopback. Rules apply to TCP and UDP
// alike.
type ConnectTo struct {
	Base  probes.Dialer
	Rules map[string]string
}

// ParseConnectTo reads one FROM=TO rule; both sides are IP:port.
func ParseConnectTo(rule string) (from, to string, err error) {
	f, t, ok := strings.Cut(rule, "=")
	if !ok {
		return "", "", fmt.Errorf("connect-to %q: want FROM=TO, both IP:port", rule)
	}
	for _, side := range []*string{&f, &t} {
		ap, err := netip.ParseAddrPort(strings.TrimSpace(*side))
		if err != nil {
			return "", "", fmt.Errorf("connect-to %q: %q is not IP:port", rule, *side)
		}
		*side = ap.String()
	}
	return f, t, nil
}

// DialContext dials the rewritten address when a rule matches addr.
func (c ConnectTo) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	key := addr
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		key = ap.String()
	}
	to, ok := c.Rules[key]
	if !ok {
		return c.Base.DialContext(ctx, network, addr)
	}
	// The replacement's family decides the socket, not the logical one.
	switch network {
	case "tcp4", "tcp6":
		network = "tcp"
	case "udp4", "udp6":
		network = "udp"
	}
	conn, err := c.Base.DialContext(ctx, network, to)
	if err != nil {
		return nil, err
	}
	logical := logicalAddr{network: network, addr: key}
	if pc, ok := conn.(net.PacketConn); ok {
		return &rewrittenPacketConn{rewrittenConn{Conn: conn, remote: logical}, pc}, nil
	}
	return &rewrittenConn{Conn: conn, remote: logical}, nil
}

// Summary lists the rules in a stable order for reports.
func (c ConnectTo) Summary() []string {
	out := make([]string, 0, len(c.Rules))
	for f, t := range c.Rules {
		out = append(out, f+"="+t)
	}
	sort.Strings(out)
	return out
}

type logicalAddr struct{ network, addr string }

func (a logicalAddr) Network() string { return a.network }
func (a logicalAddr) String() string  { return a.addr }

// rewrittenConn reports the logical remote address so results name the
// address the probe meant to reach.
type rewrittenConn struct {
	net.Conn
	remote net.Addr
}

func (c *rewrittenConn) RemoteAddr() net.Addr { return c.remote }

// rewrittenPacketConn keeps the net.PacketConn methods visible so DNS
// clients still frame UDP messages as datagrams.
type rewrittenPacketConn struct {
	rewrittenConn
	pc net.PacketConn
}

func (c *rewrittenPacketConn) ReadFrom(p []byte) (int, net.Addr, error) {
	n, _, err := c.pc.ReadFrom(p)
	return n, c.remote, err
}

func (c *rewrittenPacketConn) WriteTo(p []byte, _ net.Addr) (int, error) {
	return c.Conn.Write(p)
}
