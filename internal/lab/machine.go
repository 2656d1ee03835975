package lab

import (
	"context"
	"errors"
	"strings"
	"testing/fstest"

	"github.com/gptdoctor/gptdoctor/internal/command"
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
		Runner:    stagedCommands{l},
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

// stagedCommands is the staged machine's command runner: a Debian laptop
// with systemd-resolved, NetworkManager, sudo and Firefox, and no desktop
// proxy tools (gsettings, kreadconfig). It answers the commands the probes
// and the remedies run on such a machine, from the lab's state, so a demo's
// remedy acts on the staged machine: resolvectl flush-caches empties the
// resolver cache the stale-dns scenario staged. Everything else is not
// installed, and probes report what they could not see, exactly as they
// would there. Nothing here runs a program.
type stagedCommands struct{ l *Lab }

// stagedTools are the programs installed on the staged machine.
var stagedTools = map[string]string{
	"resolvectl": "/usr/bin/resolvectl",
	"nmcli":      "/usr/bin/nmcli",
	"sudo":       "/usr/bin/sudo",
	"xdg-open":   "/usr/bin/xdg-open",
	"firefox":    "/usr/bin/firefox",
}

// LookPath finds a staged program by name or by its path.
func (stagedCommands) LookPath(name string) (string, error) {
	for tool, path := range stagedTools {
		if name == tool || name == path {
			return path, nil
		}
	}
	return "", command.NotFound(name)
}

// Run answers argv as the staged machine would. sudo runs the rest as
// root without asking (the demo's sudo is configured NOPASSWD).
func (c stagedCommands) Run(ctx context.Context, argv []string, _ []byte) (command.Output, error) {
	if len(argv) == 0 {
		return command.Output{ExitCode: -1}, errors.New("run: empty command")
	}
	if err := ctx.Err(); err != nil {
		return command.Output{ExitCode: -1}, err
	}
	path, err := c.LookPath(argv[0])
	if err != nil {
		return command.Output{ExitCode: -1}, err
	}
	root := false
	if path == stagedTools["sudo"] {
		rest := argv[1:]
		if len(rest) > 0 && rest[0] == "--" {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			return c.fail(argv, 1, "usage: sudo -- command")
		}
		if path, err = c.LookPath(rest[0]); err != nil {
			return c.fail(argv, 1, "sudo: "+rest[0]+": command not found")
		}
		argv, root = rest, true
	}
	args := strings.Join(argv[1:], " ")
	switch tool := path[strings.LastIndexByte(path, '/')+1:]; {
	case tool == "resolvectl" && args == "status --no-pager":
		return command.Output{Stdout: stagedResolvectlStatus}, nil
	case tool == "resolvectl" && args == "flush-caches":
		if !root {
			// Debian's polkit policy lets only administrators flush.
			return c.fail(argv, 1, "Failed to flush caches: Access denied")
		}
		c.l.staleCache.Store(false)
		return command.Output{}, nil
	case tool == "nmcli" && (args == "device down wlan0" || args == "device up wlan0"):
		if !root {
			return c.fail(argv, 4, "Error: Failed to "+argv[2]+" device 'wlan0': Not authorized")
		}
		if argv[2] == "down" {
			return command.Output{Stdout: "Device 'wlan0' successfully disconnected.\n"}, nil
		}
		return command.Output{Stdout: "Device 'wlan0' successfully activated with 'a1b2c3d4-0000-4000-8000-000000000023'.\n"}, nil
	}
	return c.fail(argv, 1, "the staged machine does not know this command")
}

// fail is a staged command that ran and failed.
func (stagedCommands) fail(argv []string, code int, stderr string) (command.Output, error) {
	out := command.Output{Stderr: stderr + "\n", ExitCode: code}
	return out, &command.ExitError{Argv: argv, Code: code, Stderr: out.Stderr}
}

// Launch opens a browser on the staged machine: there is no screen to show
// it on, so it only succeeds for an installed opener.
func (c stagedCommands) Launch(argv []string) error {
	if len(argv) == 0 {
		return errors.New("launch: empty command")
	}
	_, err := c.LookPath(argv[0])
	return err
}

// stagedResolvectlStatus is what systemd 252 on the staged machine says.
const stagedResolvectlStatus = `Global
           Protocols: +LLMNR +mDNS -DNSOverTLS DNSSEC=no/unsupported
    resolv.conf mode: stub

Link 2 (wlan0)
    Current Scopes: DNS LLMNR/IPv4 LLMNR/IPv6
         Protocols: +DefaultRoute +LLMNR -mDNS -DNSOverTLS DNSSEC=no/unsupported
Current DNS Server: 192.168.1.1
       DNS Servers: 192.168.1.1
        DNS Domain: home.arpa
`
