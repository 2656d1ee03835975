package collect

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

func identCfg() probes.Config {
	c := probes.DefaultConfig()
	return c
}

// identityProbes plans the identity probes as BuildPlan does, behind a
// fresh host cache.
func identityProbes(cfg probes.Config, w probes.World) []probes.Probe {
	w.Host = cachedHost(w.Host)
	return IdentityProbes(cfg, w)
}

func TestIdentityProbesPlan(t *testing.T) {
	ps := identityProbes(identCfg(), probes.World{})
	want := []string{"identity:host", "identity:egress", "identity:vpn", "identity:tor", "identity:captive"}
	if len(ps) != len(want) {
		t.Fatalf("%d probes", len(ps))
	}
	for i, p := range ps {
		if p.ID != want[i] || p.Kind != probes.KindIdentity || p.Timeout <= 0 || p.Run == nil {
			t.Errorf("probe %d = %+v", i, p)
		}
	}
	cfg := identCfg()
	cfg.CaptiveURL = "http://user:s3cret@cp.example/generate_204"
	if p := probeByID(t, identityProbes(cfg, probes.World{}), "identity:captive"); strings.Contains(p.Target, "s3cret") {
		t.Errorf("captive target %q", p.Target)
	}
	cfg.CaptiveURL = ""
	if r := identRun(t, probeByID(t, identityProbes(cfg, probes.World{}), "identity:captive")); r.Status != probes.StatusSkipped {
		t.Errorf("captive without URL: %s %s", r.Status, r.Reason)
	}
}

func TestHostProbe(t *testing.T) {
	h := &identHost{facts: probes.HostFacts{Hostname: "box\x1b[2J", OS: "linux", Platform: "debian", PlatformVersion: "12"},
		ifaces: []probes.Interface{{Name: "eth0", Flags: []string{"up"}, Addrs: []string{"192.0.2.10/24"}}}}
	r := identRun(t, probeByID(t, identityProbes(identCfg(), probes.World{Host: h}), "identity:host"))
	d, _ := r.Details.(*probes.HostDetails)
	if r.Status != probes.StatusPass || d == nil || d.Facts.Hostname != "box" || len(d.Interfaces) != 1 {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, d)
	}
	if !strings.HasSuffix(r.Reason, ", 1 interface") {
		t.Errorf("reason %q", r.Reason)
	}
	h = &identHost{factsErr: errors.New("denied"), ifErr: errors.New("denied")}
	if r := identRun(t, probeByID(t, identityProbes(identCfg(), probes.World{Host: h}), "identity:host")); r.Status != probes.StatusUnknown {
		t.Errorf("both failing: %s", r.Status)
	}
	if r := identRun(t, probeByID(t, identityProbes(identCfg(), probes.World{}), "identity:host")); r.Status != probes.StatusUnknown {
		t.Errorf("no host: %s", r.Status)
	}
}

var linuxVPNFS = fstest.MapFS{
	"sys/class/net/eth0/uevent":          {Data: []byte("INTERFACE=eth0\n")},
	"sys/class/net/eth0/type":            {Data: []byte("1\n")},
	"sys/class/net/wg0/uevent":           {Data: []byte("DEVTYPE=wireguard\nINTERFACE=wg0\n")},
	"sys/class/net/wg0/type":             {Data: []byte("65534\n")},
	"sys/class/net/tailscale0/uevent":    {Data: []byte("INTERFACE=tailscale0\n")},
	"sys/class/net/tailscale0/tun_flags": {Data: []byte("0x1001\n")},
}

func linuxVPNHost() *identHost {
	return &identHost{ifaces: []probes.Interface{
		{Name: "lo", Flags: []string{"up", "loopback"}, Addrs: []string{"127.0.0.1/8", "::1/128"}},
		{Name: "eth0", Flags: []string{"up", "broadcast"}, Addrs: []string{"192.168.1.20/24", "2001:db8:1::20/64"}},
		{Name: "wg0", Flags: []string{"up", "pointtopoint"}, Addrs: []string{"10.64.0.2/32", "fc00:bbbb::2/128"}},
		{Name: "tailscale0", Flags: []string{"up", "pointtopoint"}, Addrs: []string{"100.101.102.103/32"}},
	}}
}

func TestEgressThroughWireGuard(t *testing.T) {
	w := probes.World{GOOS: "linux", FS: linuxVPNFS, Host: linuxVPNHost(),
		Dialer: identUDPDialer{src4: "10.64.0.2", err6: syscall.ENETUNREACH}}
	r := identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:egress"))
	d := r.Details.(*probes.EgressDetails)
	if r.Status != probes.StatusWarn || !d.IPv4Available || d.IPv6Available {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, d)
	}
	if d.IPv4.Interface != "wg0" || d.IPv4.Source != "10.64.0.2" || d.IPv4.Tunnel == nil || d.IPv4.Tunnel.Type != tunnelWireGuard {
		t.Errorf("IPv4 path %+v tunnel %+v", d.IPv4, d.IPv4.Tunnel)
	}
	if !strings.Contains(d.IPv6Reason, "network is unreachable") {
		t.Errorf("IPv6 reason %q", d.IPv6Reason)
	}
	if !strings.Contains(r.Reason, "wg0") {
		t.Errorf("reason %q", r.Reason)
	}
}

func TestEgressPlainDualStack(t *testing.T) {
	w := probes.World{GOOS: "linux", FS: linuxVPNFS, Host: linuxVPNHost(),
		Dialer: identUDPDialer{src4: "192.168.1.20", src6: "2001:db8:1::20"}}
	r := identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:egress"))
	d := r.Details.(*probes.EgressDetails)
	if r.Status != probes.StatusPass || d.IPv4.Interface != "eth0" || d.IPv6.Interface != "eth0" || d.IPv4.Tunnel != nil {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, d)
	}
	if d.IPv6.Probe != "[2606:4700:4700::1111]:53" {
		t.Errorf("IPv6 probe %q", d.IPv6.Probe)
	}
}

// TestEgressDualStackReadsSysfsOnce: IPv4 and IPv6 leaving through one
// interface judge it once.
func TestEgressDualStackReadsSysfsOnce(t *testing.T) {
	fsys := &countingFS{FS: linuxVPNFS, opened: map[string]int{}}
	w := probes.World{GOOS: "linux", FS: fsys, Host: linuxVPNHost(),
		Dialer: identUDPDialer{src4: "10.64.0.2", src6: "fc00:bbbb::2"}}
	r := identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:egress"))
	d := r.Details.(*probes.EgressDetails)
	if d.IPv4 == nil || d.IPv6 == nil || d.IPv4.Tunnel == nil || d.IPv6.Tunnel == nil || d.IPv6.Tunnel.Type != tunnelWireGuard {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, d)
	}
	if n := fsys.opened["sys/class/net/wg0/uevent"]; n != 1 {
		t.Errorf("wg0 uevent read %d times, want 1", n)
	}
}

func TestEgressNoRoute(t *testing.T) {
	w := probes.World{GOOS: "linux", Host: &identHost{}, Dialer: identUDPDialer{}}
	r := identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:egress"))
	if r.Status != probes.StatusFail || r.Error == nil {
		t.Fatalf("%s %s", r.Status, r.Reason)
	}
	cfg := identCfg()
	cfg.EgressProbes = []string{"1.1.1.1:53"}
	r = identRun(t, probeByID(t, identityProbes(cfg, probes.World{GOOS: "linux", Host: linuxVPNHost(), Dialer: identUDPDialer{src4: "192.168.1.20"}}), "identity:egress"))
	if d := r.Details.(*probes.EgressDetails); !strings.HasPrefix(d.IPv6Reason, "not probed") || r.Status != probes.StatusPass {
		t.Errorf("%s %+v", r.Status, d)
	}
}

func TestEgressWindowsDescription(t *testing.T) {
	h := &identHost{ifaces: []probes.Interface{
		{Name: "Ethernet", Flags: []string{"up"}, Addrs: []string{"192.168.1.20/24"}, Description: "Intel(R) Ethernet"},
		{Name: "Ethernet 2", Flags: []string{"up"}, Addrs: []string{"10.8.0.6/24"}, Description: "TAP-Windows Adapter V9"},
	}}
	w := probes.World{GOOS: "windows", Host: h, Dialer: identUDPDialer{src4: "10.8.0.6"}}
	r := identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:egress"))
	d := r.Details.(*probes.EgressDetails)
	if r.Status != probes.StatusWarn || d.IPv4.Description != "TAP-Windows Adapter V9" || d.IPv4.Tunnel == nil || d.IPv4.Tunnel.Product != "OpenVPN" {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, d.IPv4)
	}
}

func TestEgressDarwinUTUNWithScutil(t *testing.T) {
	h := &identHost{ifaces: []probes.Interface{
		{Name: "en0", Flags: []string{"up"}, Addrs: []string{"192.168.1.23/24"}},
		{Name: "utun4", Flags: []string{"up", "pointtopoint"}, Addrs: []string{"10.2.0.2/32"}},
	}}
	run := &identRunner{out: map[string]string{"scutil --nwi": readTestdataString(t, "identity", "scutil-nwi", "vpn-utun.txt")}}
	w := probes.World{GOOS: "darwin", Host: h, Runner: run, Dialer: identUDPDialer{src4: "10.2.0.2"}}
	r := identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:egress"))
	d := r.Details.(*probes.EgressDetails)
	if r.Status != probes.StatusWarn || d.IPv4.Tunnel == nil || d.IPv4.Tunnel.Type != tunnelUTUN ||
		!strings.Contains(strings.Join(d.IPv4.Tunnel.Evidence, "|"), "185.159.157.10") {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, d.IPv4.Tunnel)
	}
	// scutil missing: the default route alone still marks the utun, and the evidence says scutil was not found.
	w.Runner = &identRunner{}
	r = identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:egress"))
	if r.Status != probes.StatusWarn || !identHasEvidence(r, "scutil not found") {
		t.Errorf("%s %q", r.Status, r.Evidence)
	}
}

func TestVPNOnEgressGivesWarnWithProduct(t *testing.T) {
	h := linuxVPNHost()
	h.procs = []probes.Process{{PID: 10, Name: "systemd"}, {PID: 811, Name: "mullvad-daemon"}, {PID: 900, Name: "tailscaled"}}
	w := probes.World{GOOS: "linux", FS: linuxVPNFS, Host: h, Dialer: identUDPDialer{src4: "10.64.0.2", src6: "fc00:bbbb::2"}}
	ps := identityProbes(identCfg(), w)
	r := identRun(t, probeByID(t, ps, "identity:vpn"))
	d := r.Details.(*probes.VPNDetails)
	if r.Status != probes.StatusWarn || !d.Active || !d.OnEgress {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, d)
	}
	sources := map[string]int{}
	for _, s := range d.Signals {
		sources[s.Source]++
	}
	// route: IPv4 and IPv6 via wg0; interface: tailscale0 (wg0 is not repeated); process: two clients.
	if sources["route"] != 2 || sources["interface"] != 1 || sources["process"] != 2 {
		t.Errorf("signals %+v", d.Signals)
	}
	if !strings.Contains(strings.Join(d.Products, ","), "Mullvad") || !strings.Contains(strings.Join(d.Products, ","), "Tailscale") {
		t.Errorf("products %v", d.Products)
	}
}

// countingUDPDialer counts the route lookups (UDP connects).
type countingUDPDialer struct {
	identUDPDialer
	mu  sync.Mutex
	udp int
}

func (d *countingUDPDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if strings.HasPrefix(network, "udp") {
		d.mu.Lock()
		d.udp++
		d.mu.Unlock()
	}
	return d.identUDPDialer.DialContext(ctx, network, addr)
}

func (d *countingUDPDialer) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.udp
}

func countString(ss []string, s string) (n int) {
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}

// TestPlanReadsTheHostOnce: the probes of one plan share one reading of
// the host (identity:host, egress, VPN, Tor and dns:config's daemons) and
// one egress measurement and scutil --nwi (egress and VPN); the next plan
// reads afresh.
func TestPlanReadsTheHostOnce(t *testing.T) {
	for _, goos := range []string{"linux", "darwin"} {
		h := linuxVPNHost()
		h.procs = []probes.Process{{PID: 811, Name: "mullvad-daemon"}}
		udp := &countingUDPDialer{identUDPDialer: identUDPDialer{src4: "10.64.0.2", src6: "fc00:bbbb::2"}}
		run := &identRunner{out: map[string]string{"scutil --nwi": readTestdataString(t, "identity", "scutil-nwi", "vpn-utun.txt")}}
		w := probes.World{GOOS: goos, FS: linuxVPNFS, Host: h, Dialer: udp, Runner: run}
		for plan := 1; plan <= 2; plan++ {
			ps := BuildPlan(identCfg(), w, DesktopProxy{}).Probes
			for _, id := range []string{"identity:host", "identity:egress", "identity:vpn", "identity:tor", "dns:config"} {
				_ = identRun(t, probeByID(t, ps, id))
			}
			h.mu.Lock()
			if h.calls["info"] != plan || h.calls["interfaces"] != plan || h.calls["processes"] != plan {
				t.Errorf("%s plan %d: host read %v times", goos, plan, h.calls)
			}
			h.mu.Unlock()
			if n := udp.count(); n != 2*plan {
				t.Errorf("%s plan %d: %d route lookups, want %d", goos, plan, n, 2*plan)
			}
			if n := countString(run.calls, "scutil --nwi"); goos == "darwin" && n != plan {
				t.Errorf("%s plan %d: scutil --nwi ran %d times", goos, plan, n)
			}
		}
	}
}

func TestVPNStatuses(t *testing.T) {
	base := func() *identHost {
		return &identHost{ifaces: []probes.Interface{
			{Name: "eth0", Flags: []string{"up"}, Addrs: []string{"192.168.1.20/24"}},
			{Name: "tailscale0", Flags: []string{"up", "pointtopoint"}, Addrs: []string{"100.101.102.103/32"}},
		}}
	}
	d4 := identUDPDialer{src4: "192.168.1.20"}

	// A VPN client with its tunnel up, but not on the default route: active, warn.
	h := base()
	h.procs = []probes.Process{{PID: 5, Name: "tailscaled"}}
	r := identRun(t, probeByID(t, identityProbes(identCfg(), probes.World{GOOS: "linux", FS: linuxVPNFS, Host: h, Dialer: d4}), "identity:vpn"))
	if d := r.Details.(*probes.VPNDetails); r.Status != probes.StatusWarn || !d.Active || d.OnEgress {
		t.Errorf("split: %s %s %+v", r.Status, r.Reason, d)
	}

	// A tunnel interface without a client process: pass, with the signal listed.
	r = identRun(t, probeByID(t, identityProbes(identCfg(), probes.World{GOOS: "linux", FS: linuxVPNFS, Host: base(), Dialer: d4}), "identity:vpn"))
	if d := r.Details.(*probes.VPNDetails); r.Status != probes.StatusPass || d.Active || len(d.Signals) != 1 {
		t.Errorf("idle: %s %s %+v", r.Status, r.Reason, d)
	}

	// Nothing at all: pass.
	h = &identHost{ifaces: []probes.Interface{{Name: "eth0", Flags: []string{"up"}, Addrs: []string{"192.168.1.20/24"}}}, procs: []probes.Process{{Name: "bash"}}}
	r = identRun(t, probeByID(t, identityProbes(identCfg(), probes.World{GOOS: "linux", Host: h, Dialer: d4}), "identity:vpn"))
	if r.Status != probes.StatusPass || len(r.Details.(*probes.VPNDetails).Signals) != 0 {
		t.Errorf("clean: %s %s", r.Status, r.Reason)
	}

	// Process list denied: unknown, saying what was not seen.
	h.procErr = errors.New("open /proc: permission denied")
	r = identRun(t, probeByID(t, identityProbes(identCfg(), probes.World{GOOS: "linux", Host: h, Dialer: d4}), "identity:vpn"))
	if d := r.Details.(*probes.VPNDetails); r.Status != probes.StatusUnknown || len(d.Limits) != 1 || !strings.Contains(r.Reason, "permission denied") {
		t.Errorf("denied: %s %s %+v", r.Status, r.Reason, d)
	}
}

func TestVPNDarwinUTUNNeedsScutil(t *testing.T) {
	h := &identHost{ifaces: []probes.Interface{
		{Name: "en0", Flags: []string{"up"}, Addrs: []string{"192.168.1.23/24"}},
		{Name: "utun0", Flags: []string{"up", "pointtopoint"}, Addrs: []string{"fe80::1/64"}},
		{Name: "utun1", Flags: []string{"up", "pointtopoint"}, Addrs: []string{"fe80::2/64"}},
		{Name: "utun4", Flags: []string{"up", "pointtopoint"}, Addrs: []string{"10.2.0.2/32"}},
	}, procs: []probes.Process{{PID: 77, Name: "ProtonVPN"}}}
	run := &identRunner{out: map[string]string{"scutil --nwi": readTestdataString(t, "identity", "scutil-nwi", "vpn-utun.txt")}}
	w := probes.World{GOOS: "darwin", Host: h, Runner: run, Dialer: identUDPDialer{src4: "192.168.1.23"}}
	r := identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:vpn"))
	d := r.Details.(*probes.VPNDetails)
	var scutilSigs int
	for _, s := range d.Signals {
		if s.Source == "scutil" {
			scutilSigs++
			if !strings.Contains(s.Evidence, "utun4") {
				t.Errorf("scutil signal %q", s.Evidence)
			}
		}
	}
	if scutilSigs != 1 || !d.Active || d.OnEgress || r.Status != probes.StatusWarn {
		t.Errorf("%s %s %+v", r.Status, r.Reason, d)
	}
}

func TestVPNWARPProxyModeListener(t *testing.T) {
	addr := identListen(t, socksServer(t))
	old := warpProxyAddrs
	t.Cleanup(func() { warpProxyAddrs = old })
	warpProxyAddrs = []string{"127.0.0.1:40000"}
	h := &identHost{ifaces: []probes.Interface{{Name: "eth0", Flags: []string{"up"}, Addrs: []string{"192.168.1.20/24"}}}}
	w := probes.World{GOOS: "linux", Host: h, Dialer: identUDPDialer{src4: "192.168.1.20", tcp: identMapped(map[string]string{"127.0.0.1:40000": addr})}}
	r := identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:vpn"))
	d := r.Details.(*probes.VPNDetails)
	if len(d.Signals) != 1 || d.Signals[0].Source != "listener" || d.Signals[0].Product != "Cloudflare WARP" || d.Active {
		t.Errorf("%s %s %+v", r.Status, r.Reason, d)
	}
}

// socksServer answers the SOCKS5 no-auth greeting like Tor does.
func socksServer(t *testing.T) func(net.Conn) {
	return func(c net.Conn) {
		b := make([]byte, 3)
		if _, err := c.Read(b); err != nil {
			return
		}
		if b[0] == 5 {
			_, _ = c.Write([]byte{5, 0})
		}
	}
}

func TestTorProbe(t *testing.T) {
	socks := identListen(t, socksServer(t))
	web := identListen(t, func(c net.Conn) { _, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n")) })
	closed := identClosedPort(t)

	w := probes.World{Host: &identHost{procs: []probes.Process{{PID: 4, Name: "tor", Exe: "/usr/bin/tor"}, {PID: 9, Name: "monitor"}}},
		Dialer: identMapped(map[string]string{"127.0.0.1:9050": socks, "127.0.0.1:9150": web})}
	r := identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:tor"))
	d := r.Details.(*probes.TorDetails)
	if r.Status != probes.StatusWarn || !d.Running || len(d.Processes) != 1 || len(d.Listeners) != 1 || d.Listeners[0] != "127.0.0.1:9050" {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, d)
	}
	if !identHasEvidence(r, "127.0.0.1:9150: ") || !identHasEvidence(r, "not counted as Tor") {
		t.Errorf("unrelated listener not explained: %q", r.Evidence)
	}

	// Nothing listens and no tor process: pass.
	w = probes.World{Host: &identHost{procs: []probes.Process{{Name: "vector"}}},
		Dialer: identMapped(map[string]string{"127.0.0.1:9050": closed, "127.0.0.1:9150": closed})}
	r = identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:tor"))
	if r.Status != probes.StatusPass || r.Details.(*probes.TorDetails).Running {
		t.Errorf("clean: %s %s", r.Status, r.Reason)
	}

	// The process list cannot be read and nothing listens: unknown, not a
	// clean pass.
	w.Host = &identHost{procErr: errors.New("open /proc: permission denied")}
	r = identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:tor"))
	if r.Status != probes.StatusUnknown || !strings.Contains(r.Reason, "process list could not be read: open /proc: permission denied") {
		t.Errorf("no process list: %s %s", r.Status, r.Reason)
	}

	// Tor Browser is recognised by its executable path.
	w.Host = &identHost{procs: []probes.Process{{PID: 3, Name: "firefox.exe", Exe: `C:\Users\a\Desktop\Tor Browser\Browser\firefox.exe`}}}
	r = identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:tor"))
	if r.Status != probes.StatusWarn || !strings.Contains(r.Reason, "Tor Browser") {
		t.Errorf("tor browser: %s %s", r.Status, r.Reason)
	}
}

// orderHost lists processes only once the SOCKS greeting has arrived,
// and otherwise says it was asked first.
type orderHost struct {
	identHost
	greeted chan struct{}
}

func (h *orderHost) Processes(ctx context.Context) ([]probes.Process, error) {
	select {
	case <-h.greeted:
		return []probes.Process{{PID: 1, Name: "init"}}, nil
	default:
		return nil, errors.New("listed before the listeners were asked")
	}
}

// TestTorAsksListenersFirst: the SOCKS checks take milliseconds and do not
// wait behind the shared process list, which may take the probe's whole
// timeout.
func TestTorAsksListenersFirst(t *testing.T) {
	h := &orderHost{greeted: make(chan struct{})}
	var once sync.Once
	socks := identListen(t, func(c net.Conn) {
		b := make([]byte, 3)
		if _, err := io.ReadFull(c, b); err == nil {
			once.Do(func() { close(h.greeted) })
			_, _ = c.Write([]byte{5, 0})
		}
	})
	w := probes.World{Host: h, Dialer: identMapped(map[string]string{"127.0.0.1:9050": socks, "127.0.0.1:9150": identClosedPort(t)})}
	r := identRun(t, probeByID(t, identityProbes(identCfg(), w), "identity:tor"))
	if r.Status != probes.StatusWarn || identHasEvidence(r, "listed before") {
		t.Errorf("%s %s %q", r.Status, r.Reason, r.Evidence)
	}
}

func captiveWorld(t *testing.T, h http.Handler) (probes.World, probes.Config) {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := identCfg()
	w := probes.World{
		Resolver: identResolver{"cp.cloudflare.com": {netip.MustParseAddr("104.16.1.2")}},
		Dialer:   identMapped(map[string]string{"104.16.1.2:80": srv.Listener.Addr().String()}),
	}
	return w, cfg
}

func TestCaptivePortal(t *testing.T) {
	w, cfg := captiveWorld(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/generate_204" {
			t.Errorf("path %s", r.URL.Path)
		}
		rw.WriteHeader(http.StatusNoContent)
	}))
	r := identRun(t, probeByID(t, identityProbes(cfg, w), "identity:captive"))
	if d := r.Details.(*probes.CaptiveDetails); r.Status != probes.StatusPass || d.Portal || d.StatusCode != 204 {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, d)
	}

	w, cfg = captiveWorld(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "https://login.hotel.example/portal?mac=aa:bb:cc&session=s3cr3t", http.StatusFound)
	}))
	r = identRun(t, probeByID(t, identityProbes(cfg, w), "identity:captive"))
	d := r.Details.(*probes.CaptiveDetails)
	if r.Status != probes.StatusFail || !d.Portal || d.RedirectTo != "https://login.hotel.example/portal" || !strings.Contains(r.Reason, "login.hotel.example") {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, d)
	}

	w, cfg = captiveWorld(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = rw.Write([]byte("<html><head><title>Welcome to \x1b[31mCafe WiFi</title></head></html>"))
	}))
	r = identRun(t, probeByID(t, identityProbes(cfg, w), "identity:captive"))
	if d := r.Details.(*probes.CaptiveDetails); r.Status != probes.StatusFail || d.Title != "Welcome to Cafe WiFi" || d.StatusCode != 200 {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, d)
	}

	// The name does not resolve: cannot tell.
	w.Resolver = identResolver{}
	r = identRun(t, probeByID(t, identityProbes(cfg, w), "identity:captive"))
	if r.Status != probes.StatusUnknown || r.Error == nil || r.Error.Step != "dns" {
		t.Fatalf("%s %s %+v", r.Status, r.Reason, r.Error)
	}
}

// TestCaptiveServerStalls: a check server that accepts the request and
// never answers was reached; the result says so, and which step stalled.
func TestCaptiveServerStalls(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	w, cfg := captiveWorld(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	cfg.Budget = probes.DefaultBudget / 4 // the phase limits shrink with the budget
	w.Limits = fastLimits()               // headers: 400 ms, a quarter of it here
	r := identRun(t, probeByID(t, IdentityProbes(cfg, w), "identity:captive"))
	if r.Status != probes.StatusUnknown || r.Error == nil || r.Error.Step != "request" || !r.Error.Timeout ||
		!strings.Contains(r.Reason, "too short to tell: no answer within 100ms during the request to cp.cloudflare.com") {
		t.Errorf("%s %s %+v", r.Status, r.Reason, r.Error)
	}
}

// TestCaptiveTitleIsUnescaped: the page title is read as the classifier
// reads it, entities decoded.
func TestCaptiveTitleIsUnescaped(t *testing.T) {
	w, cfg := captiveWorld(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = rw.Write([]byte("<html><head><title>Sign in &amp; connect</title></head></html>"))
	}))
	r := identRun(t, probeByID(t, IdentityProbes(cfg, w), "identity:captive"))
	if d := r.Details.(*probes.CaptiveDetails); d.Title != "Sign in & connect" {
		t.Errorf("title %q", d.Title)
	}
}

func TestCaptiveIgnoresProxyEnvironment(t *testing.T) {
	w, cfg := captiveWorld(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { rw.WriteHeader(204) }))
	w.LookupEnv = identEnv(map[string]string{"HTTP_PROXY": "http://127.0.0.1:1"})
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	if r := identRun(t, probeByID(t, identityProbes(cfg, w), "identity:captive")); r.Status != probes.StatusPass {
		t.Fatalf("%s %s", r.Status, r.Reason)
	}
}

func TestOnceFetchSurvivesFirstCallerCancel(t *testing.T) {
	var o onceFetch[int]
	ctx, cancel := context.WithCancel(context.Background())
	release, started, first := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		_, err := o.get(ctx, func(context.Context) (int, error) { close(started); <-release; return 7, nil })
		first <- err
	}()
	<-started
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller: %v", err)
	}
	close(release)
	v, err := o.get(context.Background(), func(context.Context) (int, error) { return 0, errors.New("second fetch") })
	if v != 7 || err != nil {
		t.Fatalf("got %d, %v", v, err)
	}
}

func TestOnceFetchRecoversPanic(t *testing.T) {
	var o onceFetch[int]
	_, err := o.get(context.Background(), func(context.Context) (int, error) { panic("boom") })
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err %v", err)
	}
}

func TestIdentityAndProxyThroughEngine(t *testing.T) {
	h := linuxVPNHost()
	h.facts = probes.HostFacts{Hostname: "box", OS: "linux"}
	w := probes.World{GOOS: "linux", FS: linuxVPNFS, Host: h, HomeDir: "/home/u", Runner: &identRunner{},
		LookupEnv: identEnv(map[string]string{"HTTPS_PROXY": "http://127.0.0.1:1"}),
		Dialer:    identUDPDialer{src4: "10.64.0.2"}, Resolver: identResolver{}}
	cfg := probes.DefaultConfig()
	plan := probes.Plan{Probes: append(identityProbes(cfg, w), readProxyProbes(cfg, w)...), Derive: []probes.Derivation{publicIPDerivation()}}
	snap := (&probes.Engine{Budget: 10 * time.Second}).Start(context.Background(), plan).Wait()
	seen := map[string]bool{}
	for _, r := range snap.Results {
		if seen[r.ID] {
			t.Errorf("duplicate %s", r.ID)
		}
		seen[r.ID] = true
		if r.Status == "" || r.Reason == "" {
			t.Errorf("%s: status %q reason %q", r.ID, r.Status, r.Reason)
		}
	}
	for id, want := range map[string]probes.Status{"identity:vpn": probes.StatusWarn, "identity:egress": probes.StatusWarn, "identity:public-ip": probes.StatusSkipped,
		"proxy:reach:127.0.0.1:1": probes.StatusFail, "proxy:desktop": probes.StatusSkipped} {
		if r, ok := snap.Get(id); !ok || r.Status != want {
			t.Errorf("%s: %+v, want %s", id, r, want)
		}
	}
}

// TestCaptiveLimitFollowsBudget: the captive check's own limit scales with
// the budget like every step limit it contains, so a long --timeout is not
// cut short by a fixed 5 s.
func TestCaptiveLimitFollowsBudget(t *testing.T) {
	for budget, want := range map[time.Duration]time.Duration{
		probes.DefaultBudget:     captiveProbeTimeout,
		4 * probes.DefaultBudget: 4 * captiveProbeTimeout,
		probes.DefaultBudget / 2: captiveProbeTimeout / 2,
	} {
		cfg := identCfg()
		cfg.Budget = budget
		if p := probeByID(t, identityProbes(cfg, probes.World{}), "identity:captive"); p.Timeout != want {
			t.Errorf("budget %s: captive limit %s, want %s", budget, p.Timeout, want)
		}
	}
}
