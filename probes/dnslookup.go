package probes

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/idna"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// dnsLookupTimeout bounds one dns:lookup probe. Its queries run in
// parallel, each under its own limit (dnsSystemTimeout 4 s, dohTimeout
// 4 s, dnsQueryTimeout 3 s); one more second lets the slowest of them
// report its own timeout before the engine gives up on the probe.
const dnsLookupTimeout = 5 * time.Second

// dnsLookupHost is one distinct host to resolve and whether any target on
// it is expected behind Cloudflare.
type dnsLookupHost struct {
	Host             string
	ExpectCloudflare bool
}

// dnsLookupHosts plans the lookups: one per distinct target host, in
// target order, host names lower-cased, IP literals and unparsable URLs
// left out (there is nothing to resolve).
func dnsLookupHosts(targets []Target) []dnsLookupHost {
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

// dnsLookupProbe is dns:lookup:<host>.
func dnsLookupProbe(cfg Config, w World, h dnsLookupHost, doh dohLookup) Probe {
	return Probe{
		ID:      "dns:lookup:" + h.Host,
		Kind:    KindDNS,
		Target:  h.Host,
		Title:   "DNS answers for " + h.Host,
		Timeout: dnsLookupTimeout,
		Run: func(ctx context.Context) Result {
			return lookupHost(ctx, cfg, w, h, doh)
		},
	}
}

// lookupHost asks the system resolver, every independent UDP resolver and
// the DoH endpoint (doh, nil for none) at once, then compares.
func lookupHost(ctx context.Context, cfg Config, w World, h dnsLookupHost, doh dohLookup) Result {
	empty := &DNSLookupDetails{Host: sanitize.LineN(h.Host, 253), RangesDate: CloudflareRangesDate, ExpectCloudflare: h.ExpectCloudflare}
	host, err := lookupName(h.Host)
	if err != nil {
		return Result{Status: StatusUnknown, Reason: "unknown: " + err.Error(), Details: empty}
	}
	h.Host = host
	if w.Resolver == nil {
		return Result{Status: StatusUnknown, Reason: "unknown: no system resolver in this environment", Details: empty}
	}
	jobs := []func(context.Context) ResolverAnswer{
		func(ctx context.Context) ResolverAnswer { return systemAnswer(ctx, w.Resolver, h.Host) },
	}
	for _, server := range cfg.Resolvers {
		jobs = append(jobs, func(ctx context.Context) ResolverAnswer { return udpAnswer(ctx, w.Dialer, server, h.Host) })
	}
	if doh != nil {
		jobs = append(jobs, func(ctx context.Context) ResolverAnswer { return doh(ctx, h.Host) })
	}
	answers := make([]ResolverAnswer, len(jobs))
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Go(func() { answers[i] = job(ctx) })
	}
	wg.Wait()

	var hosts []HostsEntry
	hostsPath := hostsFilePath(w.GOOS)
	if w.FS != nil {
		if data, err := readFileCapped(w.FS, hostsPath); err == nil {
			hosts = ParseHostsFile(data, h.Host)
		}
	}
	res := assessLookup(h.Host, h.ExpectCloudflare, answers)
	d := res.Details.(*DNSLookupDetails)
	if len(hosts) > 0 {
		e := hosts[0]
		d.HostsFileEntry = fmt.Sprintf("/%s line %d: %s", hostsPath, e.Line, sanitize.LineN(e.Text, 200))
		res.Evidence = append(res.Evidence, "hosts file: "+d.HostsFileEntry)
		switch {
		case d.Hijacked:
			d.HijackReason += "; the hosts file names it: " + d.HostsFileEntry
			res.Reason = "DNS hijack: " + d.HijackReason
		case res.Status == StatusPass:
			res.Status = StatusWarn
			res.Reason = fmt.Sprintf("the hosts file pins %s to %s (/%s line %d): DNS changes never reach this machine", h.Host, e.IP.Unmap(), hostsPath, e.Line)
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

// hostsFilePath is the hosts file relative to World.FS's root.
func hostsFilePath(goos string) string {
	if goos == "" {
		goos = runtime.GOOS
	}
	if goos == "windows" {
		return "Windows/System32/drivers/etc/hosts"
	}
	return "etc/hosts"
}
