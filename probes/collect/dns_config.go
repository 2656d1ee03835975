package collect

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// dnsConfigTimeout bounds the dns:config probe. Reading a few small files
// is instant; listing processes through gopsutil can take most of a second
// on a busy machine, and resolvectl or scutil (commandTimeout) answer
// over D-Bus or configd in milliseconds when healthy.
const dnsConfigTimeout = 3 * time.Second

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
func dnsDaemons(procs []probes.Process) (caches, managers []string) {
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

// processBase is the lower-case program name of a process without ".exe".
func processBase(p probes.Process) string {
	return strings.TrimSuffix(strings.ToLower(p.Name), ".exe")
}

// readFileCapped reads at most limit bytes of name from fsys. A longer
// file yields its first limit bytes and an error saying it was cut, so
// nothing is judged from part of a file without the reader being told.
func readFileCapped(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, capped, err := readCapped(f, limit)
	if capped {
		return data, &fileCutError{limit: limit}
	}
	return data, err
}

// fileCutError says a file was longer than the cap it was read under.
type fileCutError struct{ limit int64 }

func (e *fileCutError) Error() string {
	return fmt.Sprintf("larger than %d MiB; only the first %d MiB were read", e.limit>>20, e.limit>>20)
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
		if !slices.Contains(list, a) {
			list = append(list, a)
		}
	}
	return list
}

// dnsConfigProbe is the dns:config probe; collectDNSConfig comes from the
// file built for this OS.
func dnsConfigProbe(w probes.World) probes.Probe {
	return probes.Probe{
		ID:      "dns:config",
		Kind:    probes.KindDNS,
		Title:   "DNS configuration",
		Timeout: dnsConfigTimeout,
		Run: func(ctx context.Context) probes.Result {
			return collectDNSConfig(ctx, w)
		},
	}
}
