package lab

import (
	"context"
	"net"
	"net/netip"

	"github.com/gptdoctor/gptdoctor/probes"
)

// MachineWorld is World(Machine()) with one more piece of the staged
// machine: the source address its kernel would choose. The lab's dialer
// reaches loopback listeners, so a UDP socket it opens reports 127.0.0.1
// as its local address, and the egress probe (which reads that address to
// name the route out) would see the demo leave through lo. Here UDP
// sockets report the staged interface's address instead: wlan0's, or the
// WARP tunnel's when the scenario's exit is WARP, so the route, the VPN
// verdict and the public identity tell one story.
func (l *Lab) MachineWorld() probes.World {
	w := l.World(l.Machine())
	src := stagedSource{base: w.Dialer,
		v4: netip.MustParseAddr(stagedWLAN4), v6: netip.MustParseAddr(stagedWLAN6)}
	if l.spec.ids.v4.warp == "on" {
		src.v4, src.v6 = netip.MustParseAddr(stagedWARP4), netip.MustParseAddr(stagedWARP6)
	}
	w.Dialer = src
	return w
}

// stagedSource dials through base and, for UDP to an IP address, reports
// the staged source address of that family as the socket's local address.
// Nothing else about the connection changes: packets still go to the
// lab's listener on loopback.
type stagedSource struct {
	base   probes.Dialer
	v4, v6 netip.Addr
}

func (s stagedSource) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := s.base.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	ap, perr := netip.ParseAddrPort(address)
	if perr != nil || (network != "udp" && network != "udp4" && network != "udp6") {
		return c, nil
	}
	src := s.v4
	if ap.Addr().Unmap().Is6() {
		src = s.v6
	}
	port := 0
	if la, ok := c.LocalAddr().(*net.UDPAddr); ok {
		port = la.Port
	}
	local := net.UDPAddrFromAddrPort(netip.AddrPortFrom(src, uint16(port)))
	if pc, ok := c.(net.PacketConn); ok {
		// Still a net.PacketConn, so DNS clients keep datagram framing.
		return stagedPacketConn{stagedConn{Conn: c, local: local}, pc}, nil
	}
	return stagedConn{Conn: c, local: local}, nil
}

// stagedPacketConn is a datagram socket whose local address is the staged
// one; it keeps the net.PacketConn methods visible.
type stagedPacketConn struct {
	stagedConn
	pc net.PacketConn
}

func (c stagedPacketConn) ReadFrom(p []byte) (int, net.Addr, error)  { return c.pc.ReadFrom(p) }
func (c stagedPacketConn) WriteTo(p []byte, a net.Addr) (int, error) { return c.pc.WriteTo(p, a) }

// stagedConn is any other connection whose local address is the staged one.
type stagedConn struct {
	net.Conn
	local net.Addr
}

func (c stagedConn) LocalAddr() net.Addr { return c.local }
