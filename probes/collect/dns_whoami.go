package collect

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// dnsWhoamiTimeout bounds dns:whoami. Its two queries run in parallel
// under the run's DNS limit (2 s by default) and dnsQueryTimeout (3 s);
// the extra half second lets them report their own timeouts.
const dnsWhoamiTimeout = dnsQueryTimeout + 500*time.Millisecond

// maxIgnoredEvidence is how many unparsed whoami TXT records are shown as
// evidence: enough to see what a resolver or filter put there, while a
// resolver answering with hundreds of junk records cannot flood the
// report.
const maxIgnoredEvidence = 4

// The whoami names. whoami.ds.akahelp.net, asked through the system
// resolver, names the resolver's egress address (which resolver really
// talks to the internet for this machine); whoami.cloudflare in class
// CHAOS, asked of Cloudflare's resolver, names the address the query came
// from.
const (
	akahelpWhoamiName    = "whoami.ds.akahelp.net"
	cloudflareWhoamiName = "whoami.cloudflare"
)

// cloudflareResolverAddrs are Cloudflare's public resolver (1.1.1.1 and
// its siblings): only it answers whoami.cloudflare in class CHAOS.
var cloudflareResolverAddrs = []netip.Addr{
	netip.MustParseAddr("1.1.1.1"),
	netip.MustParseAddr("1.0.0.1"),
	netip.MustParseAddr("2606:4700:4700::1111"),
	netip.MustParseAddr("2606:4700:4700::1001"),
}

// AkahelpWhoami is what whoami.ds.akahelp.net reports. A zero value means
// the record was missing or did not parse.
type AkahelpWhoami struct {
	// NS is the address the resolver's query reached Akamai from.
	NS netip.Addr
	// ECS is the EDNS client subnet the resolver forwarded.
	ECS netip.Prefix
	// IP is the "ip" value, when present.
	IP netip.Addr
	// Ignored holds sanitised records that did not parse, for evidence.
	Ignored []string
}

// parseAkahelpWhoami reads the TXT records of whoami.ds.akahelp.net. The
// records are pairs of character strings ("ns" "192.0.2.1", "ecs"
// "198.51.100.0/24/0"), but resolvers differ in how they hand them over: Go's
// LookupTXT joins the strings of one record without a separator
// ("ns192.0.2.1"), other paths keep quotes or spaces. All of these parse.
// Values must be addresses (or, for ecs, a prefix); anything else is
// ignored, and every value is sanitised first.
func parseAkahelpWhoami(txts []string) AkahelpWhoami {
	var w AkahelpWhoami
	for _, raw := range txts {
		s := sanitize.LineN(raw, 256)
		key, val := splitWhoamiRecord(s)
		switch key {
		case "ns":
			if ip, err := netip.ParseAddr(val); err == nil && !w.NS.IsValid() {
				w.NS = ip.Unmap()
				continue
			}
		case "ip":
			if ip, err := netip.ParseAddr(val); err == nil && !w.IP.IsValid() {
				w.IP = ip.Unmap()
				continue
			}
		case "ecs":
			// "198.51.100.0/24/0": prefix, then the scope the server used.
			parts := strings.Split(val, "/")
			if len(parts) >= 2 {
				if p, err := netip.ParsePrefix(parts[0] + "/" + parts[1]); err == nil && !w.ECS.IsValid() {
					w.ECS = p.Masked()
					continue
				}
			}
		}
		if s != "" {
			w.Ignored = append(w.Ignored, s)
		}
	}
	return w
}

// splitWhoamiRecord separates the key from the value in the forms above.
func splitWhoamiRecord(s string) (key, val string) {
	s = strings.NewReplacer(`"`, " ", "=", " ").Replace(s)
	f := strings.Fields(s)
	switch {
	case len(f) >= 2:
		return strings.ToLower(f[0]), f[1]
	case len(f) == 1:
		l := strings.ToLower(f[0])
		for _, k := range []string{"ecs", "ns", "ip"} {
			if rest, ok := strings.CutPrefix(l, k); ok {
				return k, rest
			}
		}
	}
	return "", ""
}

// dnsWhoamiProbe is dns:whoami.
func dnsWhoamiProbe(cfg probes.Config, w probes.World) probes.Probe {
	return probes.Probe{
		ID:      "dns:whoami",
		Kind:    probes.KindDNS,
		Title:   "Which resolver answers for this machine",
		Timeout: dnsWhoamiTimeout,
		Run: func(ctx context.Context) probes.Result {
			return whoami(ctx, cfg, w)
		},
	}
}

// whoami asks both whoami names at once; either may fail on its own.
func whoami(ctx context.Context, cfg probes.Config, w probes.World) probes.Result {
	d := &probes.DNSWhoamiDetails{}
	var (
		wg         sync.WaitGroup
		aka        AkahelpWhoami
		akaErr     string
		pubIP, via string
		pubErr     string
	)
	limit := timeoutsFor(cfg.Budget, w.Limits).DNS
	wg.Go(func() { aka, akaErr = akahelpWhoami(ctx, w.Resolver, limit) })
	server, ok := cloudflareResolver(cfg.Resolvers)
	if ok {
		via = cloudflareWhoamiName + " CH TXT via " + server.String()
		wg.Go(func() { pubIP, pubErr = chaosWhoami(ctx, w.Dialer, server, w.Limits) })
	} else {
		pubErr = "no Cloudflare resolver configured"
	}
	wg.Wait()

	res := probes.Result{Details: d}
	d.ResolverError, d.PublicIPError = akaErr, pubErr
	if aka.IP.IsValid() {
		d.ClientIP = aka.IP.String()
	}
	if aka.ECS.IsValid() {
		d.ECS = aka.ECS.String()
	}
	if aka.NS.IsValid() {
		d.ResolverEgress = aka.NS.String()
		d.ResolverEgressCloudflare = isCloudflareIP(aka.NS)
		line := fmt.Sprintf("%s: resolver egress %s (%s)", akahelpWhoamiName, d.ResolverEgress, classifyAddr(aka.NS))
		if d.ResolverEgressCloudflare {
			line += ", in Cloudflare's ranges: Cloudflare's resolver (1.1.1.1, which WARP also uses) resolves for this machine"
		}
		res.Evidence = append(res.Evidence, line)
		if d.ECS != "" {
			res.Evidence = append(res.Evidence, "client subnet forwarded (ECS): "+d.ECS)
		}
	} else {
		res.Evidence = append(res.Evidence, akahelpWhoamiName+": "+akaErr)
	}
	for i, ig := range aka.Ignored {
		if i == maxIgnoredEvidence {
			res.Evidence = append(res.Evidence, fmt.Sprintf("ignored TXT: and %d more", len(aka.Ignored)-i))
			break
		}
		res.Evidence = append(res.Evidence, "ignored TXT: "+ig)
	}
	if pubIP != "" {
		d.PublicIP, d.PublicIPVia = pubIP, via
		res.Evidence = append(res.Evidence, fmt.Sprintf("%s: %s", via, pubIP))
	} else if via != "" {
		res.Evidence = append(res.Evidence, via+": "+pubErr)
	}

	switch {
	case d.ResolverEgress != "" && d.PublicIP != "":
		res.Status = probes.StatusPass
		res.Reason = fmt.Sprintf("the system resolver reaches the internet from %s; %s sees this machine as %s", d.ResolverEgress, server, d.PublicIP)
		if d.ResolverEgress == d.PublicIP {
			res.Reason = fmt.Sprintf("the system resolver reaches the internet from this machine's own address %s", d.PublicIP)
		}
	case d.ResolverEgress != "":
		res.Status = probes.StatusPass
		res.Reason = fmt.Sprintf("the system resolver reaches the internet from %s (public IP via DNS unknown: %s)", d.ResolverEgress, pubErr)
	case d.PublicIP != "":
		res.Status = probes.StatusPass
		res.Reason = fmt.Sprintf("%s sees this machine as %s (resolver egress unknown: %s)", server, d.PublicIP, akaErr)
	case !ok && w.Resolver == nil:
		res.Status = probes.StatusSkipped
		res.Reason = "no resolver to ask"
	default:
		res.Status = probes.StatusUnknown
		res.Reason = "unknown: neither whoami answered (" + akaErr + "; " + pubErr + ")"
	}
	return res
}

// cloudflareResolver picks the first of the configured independent
// resolvers that is Cloudflare's: other resolvers do not know
// whoami.cloudflare.
func cloudflareResolver(servers []string) (netip.AddrPort, bool) {
	for _, s := range servers {
		if ap, err := DNSServerAddr(s); err == nil && slices.Contains(cloudflareResolverAddrs, ap.Addr().Unmap()) {
			return ap, true
		}
	}
	return netip.AddrPort{}, false
}

// akahelpWhoami asks whoami.ds.akahelp.net for TXT through the system
// resolver within limit, the run's DNS limit.
func akahelpWhoami(ctx context.Context, r probes.Resolver, limit time.Duration) (AkahelpWhoami, string) {
	if r == nil {
		return AkahelpWhoami{}, "no system resolver in this environment"
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	txts, err := r.LookupTXT(ctx, akahelpWhoamiName)
	if err != nil {
		rcode, msg := systemRCode(err)
		// ERROR only says "not a DNS answer", and msg may already name
		// the code ("timeout", "server failure (SERVFAIL)").
		if rcode != rcodeError && !strings.Contains(strings.ToUpper(msg), rcode) {
			msg += " (" + rcode + ")"
		}
		return AkahelpWhoami{}, fmt.Sprintf("dns: TXT %s via the system resolver: %s", akahelpWhoamiName, msg)
	}
	w := parseAkahelpWhoami(txts)
	if !w.NS.IsValid() {
		return w, fmt.Sprintf("dns: TXT %s via the system resolver: no \"ns\" record in the answer", akahelpWhoamiName)
	}
	return w, ""
}

// chaosWhoami asks server (Cloudflare's resolver) for CH TXT
// whoami.cloudflare, which it answers with the address the query came
// from, within lim.DNSQuery (dnsQueryTimeout).
func chaosWhoami(ctx context.Context, d probes.Dialer, server netip.AddrPort, lim probes.Limits) (string, string) {
	lim = withDefaults(lim)
	ctx, cancel := context.WithTimeout(ctx, lim.DNSQuery)
	defer cancel()
	r, _, err := exchangeUDP(ctx, d, server, newQuery(cloudflareWhoamiName, dns.TypeTXT, dns.ClassCHAOS), lim)
	prefix := fmt.Sprintf("dns: CH TXT %s via %s: ", cloudflareWhoamiName, server)
	if err != nil {
		if isTimeout(err) {
			return "", prefix + "timeout"
		}
		return "", prefix + errLine(err)
	}
	if r.Rcode != dns.RcodeSuccess {
		return "", prefix + rcodeText(r.Rcode)
	}
	for _, rr := range r.Answer {
		txt, ok := rr.(*dns.TXT)
		if !ok {
			continue
		}
		s := sanitize.LineN(strings.Join(txt.Txt, ""), 64)
		if ip, err := netip.ParseAddr(strings.Trim(s, `" `)); err == nil {
			return ip.Unmap().String(), ""
		}
		return "", prefix + fmt.Sprintf("answer %q is not an address", s)
	}
	return "", prefix + "no TXT record in the answer"
}
