package collect

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// publicIPDerivation cross-checks the public address Cloudflare saw (edge
// trace "ip" and "loc") with the one an independent resolver saw in the
// DNS whoami query. When they differ, web traffic and DNS leave this
// machine by different paths (a split tunnel, a proxy, a VPN that leaks
// DNS), and what Cloudflare judges is not the address the user thinks.
// It also checks the country against OpenAI's supported list.
func publicIPDerivation() probes.Derivation {
	return derivePublicIP
}

type traceCandidate struct {
	id    string
	route string
	ip    netip.Addr
	d     *probes.TraceDetails
	order int
}

func derivePublicIP(results []probes.Result) []probes.Result {
	var traces []traceCandidate
	var whoami *probes.DNSWhoamiDetails
	var whoamiID string
	for i, r := range results {
		switch d := r.Details.(type) {
		case *probes.TraceDetails:
			if r.Kind != probes.KindEdgeTrace || d == nil || d.IP == "" {
				continue
			}
			ip, err := netip.ParseAddr(strings.TrimSpace(d.IP))
			if err != nil {
				continue
			}
			traces = append(traces, traceCandidate{id: r.ID, route: d.Route, ip: ip.Unmap(), d: d, order: i})
		case *probes.DNSWhoamiDetails:
			if d != nil && d.PublicIP != "" && whoami == nil {
				whoami, whoamiID = d, r.ID
			}
		}
	}
	res := probes.Result{ID: "identity:public-ip", Kind: probes.KindIdentity, Title: "Public IP and country"}
	d := &probes.PublicIPDetails{SupportedListDate: supportedCountriesDate}
	res.Details = d
	var wip netip.Addr
	if whoami != nil {
		if a, err := netip.ParseAddr(strings.TrimSpace(whoami.PublicIP)); err == nil {
			wip = a.Unmap()
			d.WhoamiIP = wip.String()
			d.WhoamiSource = sanitize.Line(whoami.PublicIPVia)
			if d.WhoamiSource == "" {
				d.WhoamiSource = whoamiID
			}
		}
	}
	if len(traces) == 0 && !wip.IsValid() {
		res.Status = probes.StatusSkipped
		res.Reason = "no edge trace or DNS whoami answer to read the public IP from"
		return []probes.Result{res}
	}

	var ev []string
	if len(traces) > 0 {
		// Prefer the direct route (what a browser without a proxy shows
		// Cloudflare), then the whoami's address family, then plan order.
		sort.SliceStable(traces, func(i, j int) bool {
			a, b := traces[i], traces[j]
			if (a.route == probes.RouteDirect) != (b.route == probes.RouteDirect) {
				return a.route == probes.RouteDirect
			}
			if wip.IsValid() && (a.ip.Is4() == wip.Is4()) != (b.ip.Is4() == wip.Is4()) {
				return a.ip.Is4() == wip.Is4()
			}
			return a.order < b.order
		})
		t := traces[0]
		d.TraceIP = t.ip.String()
		d.TraceLoc = strings.ToUpper(sanitize.LineN(t.d.Loc, 8))
		d.TraceResult = t.id
		d.TraceRoute = t.route
		for _, o := range traces {
			ev = append(ev, fmt.Sprintf("%s (%s route): Cloudflare sees %s in %s%s", o.id, orDash(o.route), o.ip,
				orDash(strings.ToUpper(sanitize.LineN(o.d.Loc, 8))), traceExtras(o.d)))
		}
	}
	if wip.IsValid() {
		ev = append(ev, fmt.Sprintf("DNS whoami (%s): %s", d.WhoamiSource, d.WhoamiIP))
	}

	var problems []string
	var notes []string
	if d.TraceIP != "" && wip.IsValid() {
		tip := traces[0].ip
		if tip.Is4() != wip.Is4() {
			notes = append(notes, fmt.Sprintf("Cloudflare saw %s and DNS whoami saw %s: different address families, so not compared", tip, wip))
		} else {
			agree := tip == wip
			d.Agree = &agree
			if !agree {
				problems = append(problems, fmt.Sprintf("Cloudflare sees %s but DNS whoami sees %s: web traffic and DNS leave by different paths (split tunnel, proxy or VPN DNS leak)", tip, wip))
			}
		}
	}

	switch loc := d.TraceLoc; {
	case loc == cfLocTor:
		d.Tor = true
		problems = append(problems, "Cloudflare marks this address as a Tor exit (loc T1): OpenAI and many Cloudflare sites block Tor")
	case loc == cfLocUnknown:
		notes = append(notes, "Cloudflare could not place this address in a country (loc XX)")
	case loc != "":
		sup, known := openAISupported(loc)
		if known {
			d.CountrySupported = &sup
			if !sup {
				problems = append(problems, fmt.Sprintf("your IP geolocates to %s, which OpenAI does not support (list of %s)", loc, supportedCountriesDate))
			} else {
				notes = append(notes, fmt.Sprintf("%s is on OpenAI's supported list (%s)", loc, supportedCountriesDate))
			}
		} else {
			notes = append(notes, fmt.Sprintf("country code %q is not one this check can judge", loc))
		}
	}
	res.Evidence = append(ev, notes...)
	switch {
	case len(problems) > 0:
		res.Status = probes.StatusWarn
		res.Reason = strings.Join(problems, "; ")
	case d.TraceIP != "":
		res.Status = probes.StatusPass
		res.Reason = "Cloudflare sees " + d.TraceIP
		if d.TraceLoc != "" {
			res.Reason += " in " + d.TraceLoc
		}
		if d.Agree != nil {
			res.Reason += ", the same address DNS whoami reports"
		}
	default:
		res.Status = probes.StatusPass
		res.Reason = "DNS whoami sees " + d.WhoamiIP + "; no edge trace to compare it with"
	}
	return []probes.Result{res}
}

// traceExtras names the trace fields that change how Cloudflare judges the
// client: WARP and Zero Trust Gateway.
func traceExtras(d *probes.TraceDetails) string {
	var s []string
	if w := strings.ToLower(d.Warp); w != "" && w != "off" {
		s = append(s, "warp="+sanitize.LineN(w, 8))
	}
	if g := strings.ToLower(d.Gateway); g != "" && g != "off" {
		s = append(s, "gateway="+sanitize.LineN(g, 8))
	}
	if len(s) == 0 {
		return ""
	}
	return " (" + strings.Join(s, ", ") + ")"
}
