package probes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// dnsConfigTimeout bounds the dns:config probe. Reading a few small files
// is instant; listing processes through gopsutil can take most of a second
// on a busy machine, and resolvectl or scutil (dnsCommandTimeout) answer
// over D-Bus or configd in milliseconds when healthy.
const dnsConfigTimeout = 3 * time.Second

// dnsCommandTimeout bounds one OS command (resolvectl status, scutil --dns).
// Both answer in tens of milliseconds; two seconds only covers a machine
// that is swapping, and a hung D-Bus must not eat the run budget.
const dnsCommandTimeout = 2 * time.Second

// maxConfigFile caps how much of one configuration file is read; real
// resolv.conf, hosts and nsswitch.conf files are a few kilobytes.
const maxConfigFile = 1 << 20

// dnsCacheDaemons maps process names to the cache names DNSConfigDetails.
// Caches uses. The DNS flush remedy picks its command from these names, so
// they are exact. Linux truncates comm to 15 bytes ("systemd-resolve").
var dnsCacheDaemons = []struct{ proc, cache string }{
	{"systemd-resolved", "systemd-resolved"},
	{"systemd-resolve", "systemd-resolved"},
	{"nscd", "nscd"},
	{"dnsmasq", "dnsmasq"},
	{"unbound", "unbound"},
	{"dnscrypt-proxy", "dnscrypt-proxy"},
	{"mdnsresponder", "mDNSResponder"},
}

// dnsManagerDaemons are DNS-related daemons that manage configuration but
// do not cache themselves.
var dnsManagerDaemons = []struct{ proc, name string }{
	{"networkmanager", "NetworkManager"},
	{"connmand", "connman"},
}

// dnsDaemons sorts running processes into caching resolvers and DNS
// managers, each listed once in a fixed order.
func dnsDaemons(procs []Process) (caches, managers []string) {
	seen := map[string]bool{}
	for _, p := range procs {
		name := processBase(p)
		if name == "" {
			continue
		}
		seen[name] = true
	}
	added := map[string]bool{}
	for _, d := range dnsCacheDaemons {
		if seen[d.proc] && !added[d.cache] {
			caches = append(caches, d.cache)
			added[d.cache] = true
		}
	}
	for _, d := range dnsManagerDaemons {
		if seen[d.proc] {
			managers = append(managers, d.name)
		}
	}
	return caches, managers
}

// processBase is the lower-case program name of a process without ".exe",
// from its name or, failing that, its executable path.
func processBase(p Process) string {
	name := p.Name
	if name == "" {
		name = p.Exe
	}
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.TrimSuffix(strings.ToLower(name), ".exe")
	if name == "." || name == "/" {
		return ""
	}
	return name
}

// readFileCapped reads at most maxConfigFile bytes of name from fsys.
func readFileCapped(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxConfigFile))
}

// runCommand runs an OS command through the world's runner under
// dnsCommandTimeout.
func runCommand(ctx context.Context, w World, name string, args ...string) ([]byte, error) {
	if w.Runner == nil {
		return nil, fmt.Errorf("%s: %w", name, ErrCommandNotFound)
	}
	cctx, cancel := context.WithTimeout(ctx, dnsCommandTimeout)
	defer cancel()
	out, err := w.Runner.Run(cctx, name, args...)
	if err != nil && cctx.Err() != nil && ctx.Err() == nil {
		err = fmt.Errorf("%s: no output within %s: %w", name, dnsCommandTimeout, context.DeadlineExceeded)
	}
	return out, err
}

// commandProblem says in a few words why a command gave nothing, in the
// "unknown: scutil not found" style.
func commandProblem(name string, err error) string {
	switch {
	case errors.Is(err, ErrCommandNotFound):
		return name + " not found"
	case errors.Is(err, context.DeadlineExceeded):
		return name + " did not answer within " + dnsCommandTimeout.String()
	case errors.Is(err, fs.ErrPermission):
		return name + ": permission denied"
	default:
		return name + " failed: " + sanitize.LineN(sanitize.Secrets(err.Error()), 200)
	}
}

// fileProblem says in a few words why a file could not be read.
func fileProblem(name string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return name + " does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "cannot read " + name + ": permission denied"
	default:
		return "cannot read " + name + ": " + sanitize.LineN(err.Error(), 200)
	}
}

// addrStrings formats addresses for DNSConfigDetails.
func addrStrings[T fmt.Stringer](in []T) []string {
	out := make([]string, 0, len(in))
	for _, a := range in {
		out = append(out, a.String())
	}
	return out
}

// cleanList sanitises strings read from configuration files and commands:
// a VPN client or a hostile network's DHCP can put anything in a search
// domain.
func cleanList(in []string, max int) []string {
	var out []string
	for _, s := range in {
		if s = sanitize.LineN(s, max); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// appendUnique appends the values of add not already in list.
func appendUnique(list []string, add ...string) []string {
	for _, a := range add {
		dup := false
		for _, l := range list {
			if l == a {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, a)
		}
	}
	return list
}

// dnsConfigProbe is the dns:config probe; collectDNSConfig comes from the
// file built for this OS.
func dnsConfigProbe(w World) Probe {
	return Probe{
		ID:      "dns:config",
		Kind:    KindDNS,
		Title:   "DNS configuration",
		Timeout: dnsConfigTimeout,
		Run: func(ctx context.Context) Result {
			return collectDNSConfig(ctx, w)
		},
	}
}
