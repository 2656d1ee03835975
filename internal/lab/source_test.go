package lab

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/collect"
)

// TestMachineWorldStagesTheSource: UDP sockets report the staged
// interface's address of the destination's family, still talk datagrams to
// the lab, and TCP connections are left alone.
func TestMachineWorldStagesTheSource(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, c := range []struct{ scenario, v4, v6 string }{
		{"healthy", stagedWLAN4, stagedWLAN6},
		{"vpn-exit", stagedWARP4, stagedWARP6},
	} {
		w := startLab(t, c.scenario, Options{}).MachineWorld()
		for addr, want := range map[string]string{"1.1.1.1:53": c.v4, "[2606:4700:4700::1111]:53": c.v6} {
			conn, err := w.Dialer.DialContext(ctx, "udp", addr)
			if err != nil {
				t.Fatalf("%s: dial %s: %v", c.scenario, addr, err)
			}
			if got := conn.LocalAddr().(*net.UDPAddr).IP.String(); got != want {
				t.Errorf("%s: %s from %s, want %s", c.scenario, addr, got, want)
			}
			if _, ok := conn.(net.PacketConn); !ok {
				t.Errorf("%s: %T hides net.PacketConn", c.scenario, conn)
			}
			q := new(dns.Msg)
			q.SetQuestion("chatgpt.com.", dns.TypeA)
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			if m, _, err := (&dns.Client{Net: "udp"}).ExchangeWithConnContext(ctx, q, &dns.Conn{Conn: conn}); err != nil || len(m.Answer) == 0 {
				t.Errorf("%s: DNS over the staged socket to %s: %v %v", c.scenario, addr, m, err)
			}
			conn.Close()
		}
		tc, err := w.Dialer.DialContext(ctx, "tcp", "104.18.32.47:443")
		if err != nil {
			t.Fatalf("%s: tcp: %v", c.scenario, err)
		}
		if ip := tc.LocalAddr().(*net.TCPAddr).IP; !ip.IsLoopback() {
			t.Errorf("%s: TCP local address %s was restaged", c.scenario, ip)
		}
		tc.Close()
	}
}

// TestMachineWorldTellsOneStory: the demo's route, VPN verdict and public
// identity agree. On the staged laptop traffic leaves by wlan0 and no VPN
// is found; when the scenario's exit is WARP, the route goes through the
// WARP tunnel and the VPN probe says so.
func TestMachineWorldTellsOneStory(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		scenario, iface string
		vpn             bool
	}{{"healthy", "wlan0", false}, {"vpn-exit", "CloudflareWARP", true}} {
		l := startLab(t, c.scenario, Options{})
		w := l.MachineWorld()
		cfg := l.Config()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		snap := (&probes.Engine{Clock: w.Clock, Budget: cfg.Budget}).Start(ctx, collect.BuildPlan(cfg, w, collect.DesktopProxy{})).Wait()
		cancel()
		byID := map[string]probes.Result{}
		for _, r := range snap.Results {
			byID[r.ID] = r
		}
		eg, ok := byID["identity:egress"].Details.(*probes.EgressDetails)
		if !ok || eg.IPv4 == nil || eg.IPv6 == nil {
			t.Fatalf("%s: egress %+v", c.scenario, byID["identity:egress"])
		}
		if eg.IPv4.Interface != c.iface || eg.IPv6.Interface != c.iface {
			t.Errorf("%s: egress via %s / %s, want %s", c.scenario, eg.IPv4.Interface, eg.IPv6.Interface, c.iface)
		}
		vpn, ok := byID["identity:vpn"].Details.(*probes.VPNDetails)
		if !ok || vpn.Active != c.vpn || vpn.OnEgress != c.vpn {
			t.Errorf("%s: vpn %+v, want active=on_egress=%v", c.scenario, byID["identity:vpn"], c.vpn)
		}
		for _, id := range []string{"dns:whoami", "dns:lookup:chatgpt.com"} {
			if r := byID[id]; r.Status != probes.StatusPass {
				t.Errorf("%s: %s %s %q", c.scenario, id, r.Status, r.Reason)
			}
		}
	}
}
