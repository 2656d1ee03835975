package collect

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"path"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/idna"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// dnsLookupTimeout bounds one dns:lookup probe. Its queries run in
// parallel, each under its own limit (the run's DNS limit, 2 s by default,
// for the system resolver; dohTimeout 4 s; dnsQueryTimeout 3 s); one more
// second lets the slowest of them report its own timeout before the engine
// gives up on the probe.
const dnsLookupTimeout = 5 * time.Second

// maxHostsFile caps how much of the hosts file is read. Ad-blocking hosts
// lists run to several megabytes (hundreds of thousands of lines), and an
// entry for the target may sit anywhere in them; 16 MiB holds the largest
// published lists while bounding memory.
const maxHostsFile = 16 << 20

// dnsLookupHost is one distinct host to resolve and whether any target on
// it is expected behind Cloudflare.
type dnsLookupHost struct {
	Host             string
	ExpectCloudflare bool
}

// dnsLookupHosts plans the lookups: one per distinct target host, in
// target order, host names lower-cased, IP literals and unparsable URLs
// left out (there is nothing to resolve).
func dnsLookupHosts(targets []probes.Target) []dnsLookupHost {
	var out []dnsLookupHost
	idx := map[string]int{}
	for _, t := range targets {
		h := strings.ToLower(strings.TrimSuffix(t.Host(), "."))
		if h == "" {
			continue
		}
		if _, err := netip.ParseAddr(h); err == nil {
			continue
		}
		if i, ok := idx[h]; ok {
			out[i].ExpectCloudflare = out[i].ExpectCloudflare || t.ExpectCloudflare
			continue
		}
		idx[h] = len(out)
		out = append(out, dnsLookupHost{Host: h, ExpectCloudflare: t.ExpectCloudflare})
	}
	return out
}

// dnsLookupProbe is dns:lookup:<host>. hosts reads the hosts file; the
// lookup probes of one run share it, so the file is read once, when the
// first of them runs. doh is the run's shared DoH client (nil for none).
func dnsLookupProbe(cfg probes.Config, w probes.World, h dnsLookupHost, hosts func() hostsFile, doh dohLookup) probes.Probe {
	return probes.Probe{
		ID:      "dns:lookup:" + h.Host,
		Kind:    probes.KindDNS,
		Target:  h.Host,
		Title:   "DNS answers for " + h.Host,
		Timeout: dnsLookupTimeout,
		Run: func(ctx context.Context) probes.Result {
			return lookupHost(ctx, cfg, w, h, hosts(), doh)
		},
	}
}

// lookupHost asks the system resolver, every independent UDP resolver and
// the DoH endpoint (doh, nil for none) at once, then compares, and looks
// for the host in the hosts file.
func lookupHost(ctx context.Context, cfg probes.Config, w probes.World, h dnsLookupHost, hosts hostsFile, doh dohLookup) probes.Result {
	empty := &probes.DNSLookupDetails{Host: sanitize.LineN(h.Host, 253), RangesDate: cloudflareRangesDate, ExpectCloudflare: h.ExpectCloudflare}
	host, err := lookupName(h.Host)
	if err != nil {
		return probes.Result{Status: probes.StatusUnknown, Reason: "unknown: " + err.Error(), Details: empty}
	}
	h.Host = host
	if w.Resolver == nil {
		return probes.Result{Status: probes.StatusUnknown, Reason: "unknown: no system resolver in this environment", Details: empty}
	}
	tm := timeoutsFor(cfg.Budget, w.Limits)
	sysLimit := tm.DNS
	jobs := []func(context.Context) probes.ResolverAnswer{
		func(ctx context.Context) probes.ResolverAnswer {
			return systemAnswer(ctx, w.Resolver, h.Host, sysLimit)
		},
	}
	for _, server := range cfg.Resolvers {
		jobs = append(jobs, func(ctx context.Context) probes.ResolverAnswer {
			return udpAnswer(ctx, w.Dialer, server, h.Host, w.Limits)
		})
	}
	if doh != nil {
		jobs = append(jobs, func(ctx context.Context) probes.ResolverAnswer { return doh(ctx, h.Host) })
	}
	answers := make([]probes.ResolverAnswer, len(jobs))
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Go(func() { answers[i] = job(ctx) })
	}
	wg.Wait()

	res := assessLookup(h.Host, h.ExpectCloudflare, answers, sysLimit)
	if res.Status == probes.StatusFail && res.Error != nil && res.Error.Timeout && tm.ShortBudget > 0 {
		// The system resolver ran out of a limit a short --timeout shrank:
		// that proves nothing about it (as for the endpoint probes).
		budget := roundDur(tm.ShortBudget)
		res.Status = probes.StatusUnknown
		res.Reason = fmt.Sprintf("too short to tell: the system resolver gave no answer for %s within %s, a limit shortened by --timeout %s; try a longer --timeout", h.Host, roundDur(sysLimit), budget)
		res.Error.Message += fmt.Sprintf(" (a limit shortened by --timeout %s)", budget)
	}
	d := res.Details.(*probes.DNSLookupDetails)
	if hosts.err != nil && !errors.Is(hosts.err, fs.ErrNotExist) {
		res.Evidence = append(res.Evidence, "hosts file: "+fileProblem("/"+hosts.path, hosts.err))
	}
	if entries := parseHostsFile(hosts.data, h.Host); len(entries) > 0 {
		e := entries[0]
		d.HostsFileEntry = fmt.Sprintf("/%s line %d: %s", hosts.path, e.Line, sanitize.LineN(e.Text, 200))
		res.Evidence = append(res.Evidence, "hosts file: "+d.HostsFileEntry)
		switch {
		case d.Hijacked:
			d.HijackReason += "; the hosts file names it: " + d.HostsFileEntry
			res.Reason = "DNS hijack: " + d.HijackReason
		case res.Status == probes.StatusPass:
			res.Status = probes.StatusWarn
			res.Reason = fmt.Sprintf("the hosts file pins %s to %s (/%s line %d): DNS changes never reach this machine", h.Host, e.IP.Unmap(), hosts.path, e.Line)
		}
	}
	return res
}

// lookupName turns a target host into the ASCII name DNS is asked for
// (IDNA for internationalised names) and refuses anything that is not a
// host name, so no stray byte reaches a query or a report.
func lookupName(host string) (string, error) {
	ascii, err := idna.Lookup.ToASCII(strings.TrimSuffix(host, "."))
	if err != nil || ascii == "" || len(ascii) > 253 {
		return "", fmt.Errorf("%q is not a host name", sanitize.LineN(host, 64))
	}
	for _, label := range strings.Split(ascii, ".") {
		if label == "" || len(label) > 63 {
			return "", fmt.Errorf("%q is not a host name", sanitize.LineN(host, 64))
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("%q is not a host name", sanitize.LineN(host, 64))
			}
		}
	}
	return ascii, nil
}

// hostsFile is the hosts file as read for one run: its path relative to
// World.FS's root, its text, and why it could not be read (fully).
type hostsFile struct {
	path string
	data []byte
	err  error
}

// readHostsFile reads the hosts file through the world. A file cut at
// maxHostsFile keeps its start and says so in err.
func readHostsFile(w probes.World) hostsFile {
	hf := hostsFile{path: hostsFilePath(w)}
	if w.FS != nil {
		hf.data, hf.err = readFileCapped(w.FS, hf.path, maxHostsFile)
	}
	return hf
}

// hostsFilePath is the hosts file relative to World.FS's root. On Windows
// it lives under %SystemRoot% (C:\Windows unless Windows was installed
// elsewhere); World.FS is rooted at the system drive, so the drive letter
// is dropped.
func hostsFilePath(w probes.World) string {
	goos := w.GOOS
	if goos == "" {
		goos = runtime.GOOS
	}
	if goos != "windows" {
		return "etc/hosts"
	}
	root := "Windows"
	if w.LookupEnv != nil {
		if v, ok := w.LookupEnv("SystemRoot"); ok && v != "" {
			root = strings.ReplaceAll(v, `\`, "/")
			if len(root) >= 2 && root[1] == ':' {
				root = root[2:]
			}
		}
	}
	return path.Join(strings.Trim(root, "/"), "System32/drivers/etc/hosts")
}
