package collect

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gptdoctor/gptdoctor/probes"
)

// fixedHost is a HostInfo with a fixed process list.
type fixedHost struct {
	procs   []probes.Process
	procErr error
}

func (h fixedHost) Info(context.Context) (probes.HostFacts, error) {
	return probes.HostFacts{OS: "linux"}, nil
}
func (h fixedHost) Interfaces(context.Context) ([]probes.Interface, error) { return nil, nil }
func (h fixedHost) Processes(context.Context) ([]probes.Process, error)    { return h.procs, h.procErr }

func procs(names ...string) fixedHost {
	h := fixedHost{}
	for i, n := range names {
		h.procs = append(h.procs, probes.Process{PID: int32(i + 1), Name: n})
	}
	return h
}

func mapFSFrom(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, data := range files {
		m[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return m
}

func symlink(m fstest.MapFS, name, target string) fstest.MapFS {
	m[name] = &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink | 0o777}
	return m
}

// deniedFS refuses one path with a permission error.
type deniedFS struct {
	fs.FS
	path string
}

func (d deniedFS) Open(name string) (fs.File, error) {
	if name == d.path {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return d.FS.Open(name)
}

func TestUnixDNSConfig(t *testing.T) {
	stub := string(readTestdata(t, "resolvconf", "resolved-stub.conf"))
	uplink := string(readTestdata(t, "resolvconf", "resolved-uplink.conf"))
	status252 := readTestdata(t, "resolvectl", "status-v252-wg.txt")
	nsswitch := "passwd: files\nhosts: files mdns4_minimal [NOTFOUND=return] resolve [!UNAVAIL=return] dns\n"
	resolvedFS := func() fstest.MapFS {
		return mapFSFrom(map[string]string{
			"run/systemd/resolve/stub-resolv.conf": stub,
			"run/systemd/resolve/resolv.conf":      uplink,
			"etc/nsswitch.conf":                    nsswitch,
		})
	}
	file := func(name string) string { return string(readTestdata(t, "resolvconf", name)) }

	cases := []struct {
		name      string
		fsys      fs.FS
		host      probes.HostInfo
		runner    *fakeRunner
		stack     string
		status    probes.Status
		reason    string
		servers   []string
		upstreams []string
		caches    []string
		manager   string
		notes     []string
		scopes    int
		noRun     bool
	}{
		{
			name:      "resolved stub via relative symlink, VPN on wg0",
			fsys:      symlink(resolvedFS(), "etc/resolv.conf", "../run/systemd/resolve/stub-resolv.conf"),
			host:      procs("systemd", "systemd-resolved", "NetworkManager", "bash"),
			runner:    &fakeRunner{out: map[string][]byte{"resolvectl status --no-pager": status252}},
			stack:     probes.DNSStackResolvedStub,
			status:    probes.StatusPass,
			reason:    "systemd-resolved stub 127.0.0.53, upstream 192.168.1.1, 2001:db8:1::1",
			servers:   []string{"127.0.0.53"},
			upstreams: []string{"192.168.1.1", "2001:db8:1::1"},
			caches:    []string{"systemd-resolved"},
			manager:   "systemd-resolved",
			notes:     []string{"nss-resolve", "wg0 takes every query", "several links may answer any name (enp0s31f6, wg0)"},
			scopes:    3,
		},
		{
			name:      "resolved stub via absolute symlink, comm truncated",
			fsys:      symlink(resolvedFS(), "etc/resolv.conf", "/run/systemd/resolve/stub-resolv.conf"),
			host:      procs("systemd-resolve"),
			runner:    &fakeRunner{},
			stack:     probes.DNSStackResolvedStub,
			status:    probes.StatusPass,
			servers:   []string{"127.0.0.53"},
			upstreams: []string{"192.168.1.1", "2001:db8:1::1"},
			caches:    []string{"systemd-resolved"},
			notes:     []string{"per-link DNS not read: resolvectl not found"},
		},
		{
			name:   "dangling stub symlink",
			fsys:   symlink(mapFSFrom(nil), "etc/resolv.conf", "../run/systemd/resolve/stub-resolv.conf"),
			host:   procs("bash"),
			runner: &fakeRunner{},
			stack:  probes.DNSStackResolvedStub,
			status: probes.StatusFail,
			reason: "which does not exist: systemd-resolved is not running",
		},
		{
			name:    "stub address but resolved not running",
			fsys:    mapFSFrom(map[string]string{"etc/resolv.conf": "nameserver 127.0.0.53\n"}),
			host:    procs("bash", "sshd"),
			runner:  &fakeRunner{},
			stack:   probes.DNSStackResolvedStub,
			status:  probes.StatusFail,
			reason:  "systemd-resolved is not running",
			servers: []string{"127.0.0.53"},
		},
		{
			// hidepid or a Flatpak sandbox: the list holds only this
			// user's processes, but resolvectl reached the daemon.
			name:      "stub address, process list hides resolved, resolvectl answers",
			fsys:      mapFSFrom(map[string]string{"etc/resolv.conf": "nameserver 127.0.0.53\n", "run/systemd/resolve/resolv.conf": uplink}),
			host:      procs("bash", "gptdoctor"),
			runner:    &fakeRunner{out: map[string][]byte{"resolvectl status --no-pager": status252}},
			stack:     probes.DNSStackResolvedStub,
			status:    probes.StatusPass,
			reason:    "systemd-resolved stub 127.0.0.53",
			servers:   []string{"127.0.0.53"},
			upstreams: []string{"192.168.1.1", "2001:db8:1::1"},
			scopes:    3,
		},
		{
			name: "stub without upstreams",
			fsys: symlink(mapFSFrom(map[string]string{
				"run/systemd/resolve/stub-resolv.conf": stub,
				"run/systemd/resolve/resolv.conf":      "# managed by man:systemd-resolved(8)\nsearch lan\n",
			}), "etc/resolv.conf", "../run/systemd/resolve/stub-resolv.conf"),
			host:    procs("systemd-resolved"),
			runner:  &fakeRunner{out: map[string][]byte{"resolvectl status --no-pager": []byte("Global\n    resolv.conf mode: stub\n")}},
			stack:   probes.DNSStackResolvedStub,
			status:  probes.StatusWarn,
			reason:  "has no upstream DNS server",
			servers: []string{"127.0.0.53"},
			caches:  []string{"systemd-resolved"},
		},
		{
			name:    "resolved uplink",
			fsys:    symlink(resolvedFS(), "etc/resolv.conf", "/run/systemd/resolve/resolv.conf"),
			host:    procs("systemd-resolved"),
			runner:  &fakeRunner{},
			stack:   probes.DNSStackResolvedUplink,
			status:  probes.StatusPass,
			reason:  "uplink mode: programs ask 192.168.1.1, 2001:db8:1::1 directly",
			servers: []string{"192.168.1.1", "2001:db8:1::1"},
			caches:  []string{"systemd-resolved"},
		},
		{
			name:    "foreign file from NetworkManager while resolved runs",
			fsys:    mapFSFrom(map[string]string{"etc/resolv.conf": file("foreign-nm.conf")}),
			host:    procs("systemd-resolved", "NetworkManager"),
			runner:  &fakeRunner{},
			stack:   probes.DNSStackResolvedForeign,
			status:  probes.StatusPass,
			reason:  "written by NetworkManager); systemd-resolved also runs",
			servers: []string{"10.20.0.53", "10.20.0.54"},
			caches:  []string{"systemd-resolved"},
			manager: "NetworkManager",
		},
		{
			name:    "plain NetworkManager file",
			fsys:    mapFSFrom(map[string]string{"etc/resolv.conf": file("foreign-nm.conf")}),
			host:    procs("NetworkManager"),
			runner:  &fakeRunner{},
			stack:   probes.DNSStackPlain,
			status:  probes.StatusPass,
			servers: []string{"10.20.0.53", "10.20.0.54"},
			manager: "NetworkManager",
			noRun:   true,
		},
		{
			name:    "WSL header",
			fsys:    mapFSFrom(map[string]string{"etc/resolv.conf": file("wsl.conf")}),
			host:    procs("init"),
			runner:  &fakeRunner{},
			stack:   probes.DNSStackWSL,
			status:  probes.StatusPass,
			reason:  "WSL2: the Windows host answers DNS at 10.255.255.254",
			servers: []string{"10.255.255.254"},
			manager: "wsl",
			noRun:   true,
		},
		{
			name:    "WSL symlink",
			fsys:    symlink(mapFSFrom(map[string]string{"mnt/wsl/resolv.conf": "nameserver 172.22.64.1\n"}), "etc/resolv.conf", "/mnt/wsl/resolv.conf"),
			host:    procs("init"),
			runner:  &fakeRunner{},
			stack:   probes.DNSStackWSL,
			status:  probes.StatusPass,
			servers: []string{"172.22.64.1"},
		},
		{
			name:      "NetworkManager dnsmasq on 127.0.1.1",
			fsys:      mapFSFrom(map[string]string{"etc/resolv.conf": file("nm-dnsmasq.conf"), "run/NetworkManager/no-stub-resolv.conf": "nameserver 192.168.0.1\n"}),
			host:      procs("NetworkManager", "dnsmasq"),
			runner:    &fakeRunner{},
			stack:     probes.DNSStackNMDnsmasq,
			status:    probes.StatusPass,
			reason:    "NetworkManager's dnsmasq at 127.0.1.1, upstream 192.168.0.1",
			servers:   []string{"127.0.1.1"},
			upstreams: []string{"192.168.0.1"},
			caches:    []string{"dnsmasq"},
			manager:   "resolvconf",
		},
		{
			name:    "local unbound",
			fsys:    mapFSFrom(map[string]string{"etc/resolv.conf": file("local-unbound.conf")}),
			host:    procs("unbound", "nscd"),
			runner:  &fakeRunner{},
			stack:   probes.DNSStackUnbound,
			status:  probes.StatusPass,
			reason:  "local unbound at 127.0.0.1, ::1",
			servers: []string{"127.0.0.1", "::1"},
			caches:  []string{"nscd", "unbound"},
		},
		{
			name:    "local resolver not identified",
			fsys:    mapFSFrom(map[string]string{"etc/resolv.conf": "nameserver 127.0.0.1\n"}),
			host:    procs("docker-proxy"),
			runner:  &fakeRunner{},
			stack:   probes.DNSStackLocalCache,
			status:  probes.StatusPass,
			reason:  "process not identified",
			servers: []string{"127.0.0.1"},
		},
		{
			name:   "empty file",
			fsys:   mapFSFrom(map[string]string{"etc/resolv.conf": ""}),
			host:   procs(),
			runner: &fakeRunner{},
			stack:  probes.DNSStackPlain,
			status: probes.StatusWarn,
			reason: "lists no nameserver",
		},
		{
			name:   "comments only",
			fsys:   mapFSFrom(map[string]string{"etc/resolv.conf": file("comments-only.conf")}),
			host:   procs(),
			runner: &fakeRunner{},
			stack:  probes.DNSStackPlain,
			status: probes.StatusWarn,
			reason: "lists no nameserver",
		},
		{
			name:   "no resolv.conf",
			fsys:   mapFSFrom(nil),
			host:   procs(),
			runner: &fakeRunner{},
			stack:  probes.DNSStackMissing,
			status: probes.StatusWarn,
			reason: "no /etc/resolv.conf",
		},
		{
			name:   "unreadable resolv.conf",
			fsys:   deniedFS{FS: mapFSFrom(map[string]string{"etc/resolv.conf": "nameserver 1.1.1.1\n"}), path: "etc/resolv.conf"},
			host:   procs(),
			runner: &fakeRunner{},
			status: probes.StatusUnknown,
			reason: "unknown: cannot read /etc/resolv.conf: permission denied",
		},
		{
			name:    "more than three nameservers",
			fsys:    mapFSFrom(map[string]string{"etc/resolv.conf": file("many-nameservers.conf")}),
			host:    procs(),
			runner:  &fakeRunner{},
			stack:   probes.DNSStackPlain,
			status:  probes.StatusPass,
			servers: []string{"192.168.1.1", "1.1.1.1", "8.8.8.8", "9.9.9.9", "208.67.222.222"},
			notes:   []string{"5 nameservers listed; glibc uses only the first 3"},
		},
		{
			name:    "nameserver that is not an address",
			fsys:    mapFSFrom(map[string]string{"etc/resolv.conf": file("options-search.conf")}),
			host:    procs(),
			runner:  &fakeRunner{},
			stack:   probes.DNSStackPlain,
			status:  probes.StatusWarn,
			reason:  "not an address (dns.example.net)",
			servers: []string{"192.0.2.53"},
		},
		{
			name:    "IPv6 only",
			fsys:    mapFSFrom(map[string]string{"etc/resolv.conf": file("ipv6-only.conf")}),
			host:    procs(),
			runner:  &fakeRunner{},
			stack:   probes.DNSStackPlain,
			status:  probes.StatusPass,
			servers: []string{"2001:db8:53::1", "fe80::1%wlp2s0"},
		},
		{
			name:    "tailscale owns the file",
			fsys:    mapFSFrom(map[string]string{"etc/resolv.conf": file("tailscale.conf")}),
			host:    procs("tailscaled"),
			runner:  &fakeRunner{},
			stack:   probes.DNSStackPlain,
			status:  probes.StatusPass,
			reason:  "nameservers 100.100.100.100 (written by tailscale)",
			servers: []string{"100.100.100.100"},
			manager: "tailscale",
		},
		{
			name:    "process list unavailable",
			fsys:    mapFSFrom(map[string]string{"etc/resolv.conf": "nameserver 127.0.0.53\n"}),
			host:    fixedHost{procErr: errors.New("hidepid=2")},
			runner:  &fakeRunner{},
			stack:   probes.DNSStackResolvedStub,
			status:  probes.StatusPass, // cannot claim resolved is down without the list
			servers: []string{"127.0.0.53"},
			notes:   []string{"running DNS daemons unknown: hidepid=2"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := probes.World{FS: c.fsys, Host: c.host, Runner: c.runner, GOOS: "linux"}
			res := unixDNSConfigResult(gatherUnixDNS(context.Background(), w, true))
			d := res.Details.(*probes.DNSConfigDetails)
			if res.Status != c.status || !strings.Contains(res.Reason, c.reason) {
				t.Errorf("status %s %q; want %s containing %q", res.Status, res.Reason, c.status, c.reason)
			}
			if c.stack != "" && d.Stack != c.stack {
				t.Errorf("stack %q, want %q", d.Stack, c.stack)
			}
			if !slices.Equal(d.Servers, c.servers) && !(len(d.Servers) == 0 && len(c.servers) == 0) {
				t.Errorf("servers %v, want %v", d.Servers, c.servers)
			}
			if !slices.Equal(d.Upstreams, c.upstreams) && !(len(d.Upstreams) == 0 && len(c.upstreams) == 0) {
				t.Errorf("upstreams %v, want %v", d.Upstreams, c.upstreams)
			}
			if !slices.Equal(d.Caches, c.caches) && !(len(d.Caches) == 0 && len(c.caches) == 0) {
				t.Errorf("caches %v, want %v", d.Caches, c.caches)
			}
			if c.manager != "" && d.Manager != c.manager {
				t.Errorf("manager %q, want %q", d.Manager, c.manager)
			}
			notes := strings.Join(d.Notes, "\n")
			for _, n := range c.notes {
				if !strings.Contains(notes, n) {
					t.Errorf("notes lack %q:\n%s", n, notes)
				}
			}
			if len(d.Scopes) != c.scopes {
				t.Errorf("%d scopes, want %d: %+v", len(d.Scopes), c.scopes, d.Scopes)
			}
			if c.noRun && len(c.runner.calls) > 0 {
				t.Errorf("ran %v although systemd-resolved plays no part", c.runner.calls)
			}
			if res.Reason == "" || len(res.Evidence) == 0 && res.Status != probes.StatusUnknown && res.Status != probes.StatusWarn {
				t.Errorf("no reason or evidence: %+v", res)
			}
		})
	}
}

func TestUnixDNSConfigSanitisesSearchDomains(t *testing.T) {
	w := probes.World{FS: mapFSFrom(map[string]string{"etc/resolv.conf": string(readTestdata(t, "resolvconf", "hostile.conf"))}), Host: procs(), Runner: &fakeRunner{}}
	res := unixDNSConfigResult(gatherUnixDNS(context.Background(), w, true))
	b, _ := json.Marshal(res)
	if strings.ContainsAny(string(b), "\x1b\x07") || strings.Contains(string(b), `\u001b`) || strings.Contains(string(b), `\u0007`) {
		t.Fatalf("escape sequence survived: %s", b)
	}
	d := res.Details.(*probes.DNSConfigDetails)
	if len(d.Search) != 2 || d.Search[0] != "good.example" {
		t.Fatalf("search %q", d.Search)
	}
}

func TestCollectDNSConfigWithoutFS(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Linux collector reads files; other systems ask their own APIs")
	}
	res := collectDNSConfig(context.Background(), probes.World{})
	if res.Status != probes.StatusUnknown || res.Reason != "unknown: cannot read /etc/resolv.conf: no file system in this environment" {
		t.Fatalf("%s %q", res.Status, res.Reason)
	}
}

func TestDNSDaemons(t *testing.T) {
	caches, managers := dnsDaemons([]probes.Process{
		{Name: "NetworkManager"}, {Name: "dnsmasq"}, {Name: "systemd-resolve"}, {Name: "systemd-resolved"},
		{Name: "nscd"}, {Name: "Unbound.exe"}, {Name: "dnscrypt-proxy"}, {Name: "connmand"},
	})
	if !slices.Equal(caches, []string{"systemd-resolved", "nscd", "dnsmasq", "unbound", "dnscrypt-proxy"}) {
		t.Errorf("caches %v", caches)
	}
	if !slices.Equal(managers, []string{"NetworkManager", "connman"}) {
		t.Errorf("managers %v", managers)
	}
}

func TestWindowsDNSConfig(t *testing.T) {
	cases := []struct {
		file    string
		status  probes.Status
		servers []string
		scopes  []string
		search  []string
		notes   []string
	}{
		{"many.json", probes.StatusPass, []string{"192.168.1.1", "10.64.0.1", "1.1.1.1"}, []string{"Ethernet", "wg-office", "Ethernet 2"}, []string{"fritz.box"},
			[]string{`"wg-office" looks like a VPN`, "1 adapter(s) that are down", "6 fec0:0:0:ffff:: placeholder", "several adapters"}},
		{"down.json", probes.StatusWarn, nil, nil, nil, []string{"2 adapter(s) that are down"}},
		{"fec0.json", probes.StatusPass, []string{"192.168.178.1"}, []string{"Wi-Fi"}, nil, []string{"3 fec0:0:0:ffff:: placeholder"}},
		{"ipv6only.json", probes.StatusPass, []string{"2001:db8:64::53", "2001:db8:64::54"}, []string{"Mobilfunk"}, nil, nil},
		{"none.json", probes.StatusWarn, nil, nil, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			var adapters []windowsAdapter
			if err := json.Unmarshal(readTestdata(t, "windows", c.file), &adapters); err != nil {
				t.Fatal(err)
			}
			res := windowsDNSConfigResult(adapters, nil)
			d := res.Details.(*probes.DNSConfigDetails)
			if res.Status != c.status {
				t.Errorf("status %s %q", res.Status, res.Reason)
			}
			if !slices.Equal(d.Servers, c.servers) && !(len(d.Servers) == 0 && len(c.servers) == 0) {
				t.Errorf("servers %v, want %v", d.Servers, c.servers)
			}
			var names []string
			for _, s := range d.Scopes {
				names = append(names, s.Interface)
			}
			if !slices.Equal(names, c.scopes) {
				t.Errorf("scopes %v, want %v", names, c.scopes)
			}
			if !slices.Equal(d.Search, c.search) {
				t.Errorf("search %v, want %v", d.Search, c.search)
			}
			notes := strings.Join(d.Notes, "\n")
			for _, n := range c.notes {
				if !strings.Contains(notes, n) {
					t.Errorf("notes lack %q:\n%s", n, notes)
				}
			}
		})
	}
	res := windowsDNSConfigResult(nil, errors.New("ERROR_NOT_ENOUGH_MEMORY"))
	if res.Status != probes.StatusUnknown || !strings.Contains(res.Reason, "GetAdaptersAddresses failed") {
		t.Errorf("API failure: %s %q", res.Status, res.Reason)
	}
}
