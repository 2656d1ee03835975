package probes

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// dnsWhoamiTimeout bounds dns:whoami. Its two queries run in parallel
// under dnsSystemTimeout (4 s) and dnsQueryTimeout (3 s); the extra half
// second lets them report their own timeouts.
const dnsWhoamiTimeout = 4500 * time.Millisecond

// The whoami names. whoami.ds.akahelp.net, asked through the system
// resolver, names the resolver's egress address (which resolver really
// talks to the internet for this machine); whoami.cloudflare in class
// CHAOS, asked of 1.1.1.1, names the address the query came from.
const (
	akahelpWhoamiName    = "whoami.ds.akahelp.net"
	cloudflareWhoamiName = "whoami.cloudflare"
)

// AkahelpWhoami is what whoami.ds.akahelp.net reports.
type AkahelpWhoami struct {
	// NS is the address the resolver's query reached Akamai from.
	NS string
	// ECS is the EDNS client subnet the resolver forwarded (a prefix).
	ECS string
	// IP is the "ip" value, when present.
	IP string
	// Ignored holds sanitised records that did not parse, for evidence.
	Ignored []string
}

// ParseAkahelpWhoami reads the TXT records of whoami.ds.akahelp.net. The
// records are pairs of character strings ("ns" "192.0.2.1", "ecs"
// "198.51.100.0/24/0"), but resolvers differ in how they hand them over: Go's
// LookupTXT joins the strings of one record without a separator
// ("ns192.0.2.1"), other paths keep quotes or spaces. All of these parse.
// Values must be addresses (or, for ecs, a prefix); anything else is
// ignored, and every value is sanitised first.
func ParseAkahelpWhoami(txts []string) AkahelpWhoami {
	var w AkahelpWhoami
	for _, raw := range txts {
		s := sanitize.LineN(raw, 256)
		key, val := splitWhoamiRecord(s)
		switch key {
		case "ns":
			if ip, err := netip.ParseAddr(val); err == nil && w.NS == "" {
				w.NS = ip.Unmap().String()
				continue
			}
		case "ip":
			if ip, err := netip.ParseAddr(val); err == nil && w.IP == "" {
				w.IP = ip.Unmap().String()
				continue
			}
		case "ecs":
			// "198.51.100.0/24/0": prefix, then the scope the server used.
			parts := strings.Split(val, "/")
			if len(parts) >= 2 {
				if p, err := netip.ParsePrefix(parts[0] + "/" + parts[1]); err == nil && w.ECS == "" {
					w.ECS = p.Masked().String()
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
func dnsWhoamiProbe(cfg Config, w World) Probe {
	return Probe{
		ID:      "dns:whoami",
		Kind:    KindDNS,
		Title:   "Which resolver answers for this machine",
		Timeout: dnsWhoamiTimeout,
		Run: func(ctx context.Context) Result {
			return whoami(ctx, cfg, w)
		},
	}
}

// whoami asks both whoami names at once; either may fail on its own.
func whoami(ctx context.Context, cfg Config, w World) Result {
	d := &DNSWhoamiDetails{}
	var (
		wg         sync.WaitGroup
		aka        AkahelpWhoami
		akaErr     string
		pubIP, via string
		pubErr     string
	)
	wg.Go(func() { aka, akaErr = akahelpWhoami(ctx, w.Resolver) })
	if len(cfg.Resolvers) > 0 {
		server := cfg.Resolvers[0]
		via = cloudflareWhoamiName + " CH TXT via " + server
		wg.Go(func() { pubIP, pubErr = chaosWhoami(ctx, w.Dialer, server) })
	} else {
		pubErr = "no independent resolver configured"
	}
	wg.Wait()

	res := Result{Details: d}
	d.ResolverEgress, d.ECS, d.ClientIP = aka.NS, aka.ECS, aka.IP
	d.ResolverError, d.PublicIPError = akaErr, pubErr
	if d.ResolverEgress != "" {
		ip := netip.MustParseAddr(d.ResolverEgress)
		d.ResolverEgressCloudflare = IsCloudflareIP(ip)
		line := fmt.Sprintf("%s: resolver egress %s (%s)", akahelpWhoamiName, d.ResolverEgress, ClassifyAddr(ip))
		if d.ResolverEgressCloudflare {
			line += ", in Cloudflare's ranges: Cloudflare's resolver (1.1.1.1) or WARP resolves for this machine"
		}
		res.Evidence = append(res.Evidence, line)
		if d.ECS != "" {
			res.Evidence = append(res.Evidence, "client subnet forwarded (ECS): "+d.ECS)
		}
	} else {
		res.Evidence = append(res.Evidence, akahelpWhoamiName+": "+akaErr)
	}
	for _, ig := range aka.Ignored {
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
		res.Status = StatusPass
		res.Reason = fmt.Sprintf("the system resolver reaches the internet from %s; %s sees this machine as %s", d.ResolverEgress, cfg.Resolvers[0], d.PublicIP)
		if d.ResolverEgress == d.PublicIP {
			res.Reason = fmt.Sprintf("the system resolver reaches the internet from this machine's own address %s", d.PublicIP)
		}
	case d.ResolverEgress != "":
		res.Status = StatusPass
		res.Reason = fmt.Sprintf("the system resolver reaches the internet from %s (public IP via DNS unknown: %s)", d.ResolverEgress, pubErr)
	case d.PublicIP != "":
		res.Status = StatusPass
		res.Reason = fmt.Sprintf("%s sees this machine as %s (resolver egress unknown: %s)", cfg.Resolvers[0], d.PublicIP, akaErr)
	case len(cfg.Resolvers) == 0 && w.Resolver == nil:
		res.Status = StatusSkipped
		res.Reason = "no resolver to ask"
	default:
		res.Status = StatusUnknown
		res.Reason = "unknown: neither whoami answered (" + akaErr + "; " + pubErr + ")"
	}
	return res
}

// akahelpWhoami asks whoami.ds.akahelp.net for TXT through the system
// resolver.
func akahelpWhoami(ctx context.Context, r Resolver) (AkahelpWhoami, string) {
	if r == nil {
		return AkahelpWhoami{}, "no system resolver in this environment"
	}
	ctx, cancel := context.WithTimeout(ctx, dnsSystemTimeout)
	defer cancel()
	txts, err := r.LookupTXT(ctx, akahelpWhoamiName)
	if err != nil {
		rcode, msg := systemRCode(err)
		return AkahelpWhoami{}, fmt.Sprintf("dns: TXT %s via the system resolver: %s (%s)", akahelpWhoamiName, msg, rcode)
	}
	w := ParseAkahelpWhoami(txts)
	if w.NS == "" {
		return w, fmt.Sprintf("dns: TXT %s via the system resolver: no \"ns\" record in the answer", akahelpWhoamiName)
	}
	return w, ""
}

// chaosWhoami asks server for CH TXT whoami.cloudflare, which 1.1.1.1
// answers with the address the query came from.
func chaosWhoami(ctx context.Context, d Dialer, server string) (string, string) {
	ctx, cancel := context.WithTimeout(ctx, dnsQueryTimeout)
	defer cancel()
	r, _, err := exchangeUDP(ctx, d, server, newQuery(cloudflareWhoamiName, dns.TypeTXT, dns.ClassCHAOS))
	prefix := fmt.Sprintf("dns: CH TXT %s via %s: ", cloudflareWhoamiName, server)
	if err != nil {
		if isTimeout(err) {
			return "", prefix + "timeout"
		}
		return "", prefix + sanitize.LineN(err.Error(), 200)
	}
	if r.Rcode != dns.RcodeSuccess {
		return "", prefix + rcodeName(r.Rcode)
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
