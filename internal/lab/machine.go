package lab

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/gptdoctor/gptdoctor/probes"
)

// The staged machine's addresses: wlan0 on a home network (192.168.1.0/24
// and the IPv6 documentation prefix), and the WARP tunnel's, which WARP
// clients really use.
const (
	stagedWLAN4 = "192.168.1.23"
	stagedWLAN6 = "2001:db8:1::23"
	stagedWARP4 = "172.16.0.2"
	stagedWARP6 = "2606:4700:110:8a1c::2"
)

// Machine is a staged computer for the demo: a laptop on a home network
// with a resolv.conf, a few interfaces and processes. The demo runs the
// local probes (DNS configuration, VPN, Tor, desktop proxy) against it
// instead of the user's real machine, so a demo is the same everywhere and
// never tries the user's own proxies; a scenario whose exit is WARP
// (vpn-exit) adds a running Cloudflare WARP client and its tunnel so the
// VPN evidence has something to find.
// Layer it under World: lab.World(lab.Machine()), or take MachineWorld,
// which also stages the source address the route out would use.
func (l *Lab) Machine() probes.World {
	host := stagedHost{
		facts: probes.HostFacts{Hostname: "demo-laptop", OS: "linux", Platform: "debian", PlatformVersion: "12", KernelVersion: "6.1.0"},
		ifaces: []probes.Interface{
			{Index: 1, Name: "lo", MTU: 65536, Flags: []string{"up", "loopback"}, Addrs: []string{"127.0.0.1/8", "::1/128"}},
			{Index: 2, Name: "wlan0", MTU: 1500, Flags: []string{"up", "broadcast", "multicast"},
				Addrs: []string{stagedWLAN4 + "/24", stagedWLAN6 + "/64", "fe80::23/64"}},
		},
		procs: []probes.Process{
			{PID: 1, Name: "systemd"}, {PID: 412, Name: "NetworkManager"}, {PID: 388, Name: "systemd-resolved"},
			{PID: 2051, Name: "firefox"},
		},
	}
	fsys := fstest.MapFS{
		"etc/resolv.conf": {Data: []byte("# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n" +
			"nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch home.arpa\n")},
		"run/systemd/resolve/resolv.conf": {Data: []byte("# This is /run/systemd/resolve/resolv.conf managed by man:systemd-resolved(8).\n" +
			"nameserver 192.168.1.1\nsearch home.arpa\n")},
		"etc/nsswitch.conf":             {Data: []byte("hosts: files mdns4_minimal [NOTFOUND=return] resolve [!UNAVAIL=return] dns\n")},
		"etc/hosts":                     {Data: []byte("127.0.0.1\tlocalhost\n127.0.1.1\tdemo-laptop\n")},
		"sys/class/net/lo/type":         {Data: []byte("772\n")},
		"sys/class/net/wlan0/type":      {Data: []byte("1\n")},
		"sys/class/net/wlan0/uevent":    {Data: []byte("DEVTYPE=wlan\nINTERFACE=wlan0\nIFINDEX=2\n")},
		"sys/class/net/wlan0/operstate": {Data: []byte("up\n")},
	}
	if l.spec.ids.v4.warp == "on" {
		host.ifaces = append(host.ifaces, probes.Interface{Index: 5, Name: "CloudflareWARP", MTU: 1280,
			Flags: []string{"up", "pointtopoint", "multicast"}, Addrs: []string{stagedWARP4 + "/32", stagedWARP6 + "/128"}})
		host.procs = append(host.procs, probes.Process{PID: 977, Name: "warp-svc", Exe: "/usr/bin/warp-svc"})
		fsys["sys/class/net/CloudflareWARP/tun_flags"] = &fstest.MapFile{Data: []byte("0x1001\n")}
		fsys["sys/class/net/CloudflareWARP/type"] = &fstest.MapFile{Data: []byte("65534\n")}
		fsys["sys/class/net/CloudflareWARP/uevent"] = &fstest.MapFile{Data: []byte("INTERFACE=CloudflareWARP\nIFINDEX=5\n")}
	}
	return probes.World{
		Clock:     probes.SystemClock{},
		LookupEnv: func(string) (string, bool) { return "", false },
		Runner:    absentCommands{},
		FS:        fsys,
		HomeDir:   "home/demo",
		GOOS:      "linux",
		Host:      host,
	}
}

// stagedHost is the demo machine's HostInfo.
type stagedHost struct {
	facts  probes.HostFacts
	ifaces []probes.Interface
	procs  []probes.Process
}

func (h stagedHost) Info(context.Context) (probes.HostFacts, error) { return h.facts, nil }
func (h stagedHost) Interfaces(context.Context) ([]probes.Interface, error) {
	return append([]probes.Interface(nil), h.ifaces...), nil
}
func (h stagedHost) Processes(context.Context) ([]probes.Process, error) {
	return append([]probes.Process(nil), h.procs...), nil
}

// absentCommands is the staged machine's command runner: a minimal install
// without desktop tools, so probes that shell out report what they could
// not see, exactly as they would on such a machine.
type absentCommands struct{}

func (absentCommands) Run(_ context.Context, name string, _ ...string) ([]byte, error) {
	return nil, fmt.Errorf("%s: %w", name, probes.ErrCommandNotFound)
}
