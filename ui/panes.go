package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// markWidth aligns rows: "⠋ pending" and "- skipped" are the widest marks.
const markWidth = 9

// pad makes a styled string exactly w cells, padding on the right.
func pad(s string, w int) string {
	if sw := width(s); sw < w {
		return s + strings.Repeat(" ", w-sw)
	}
	return s
}

// resultRow is "✓ ok       Label  reason" keyed by the result, so enter
// opens its details.
func resultRow(b *board, id, label string) row {
	return row{text: pad(b.mark(id), markWidth) + " " + b.st.Bold.Render(label) + "  " + b.reason(id), key: id}
}

// sub is an indented, unselectable detail line.
func sub(b *board, s string) row {
	return row{text: "      " + b.st.Muted.Render("│") + " " + s}
}

func emptyRows(b *board, what string) []row {
	if b.running {
		return []row{{text: b.st.Muted.Render(b.spin + " waiting for the first " + what + " results")}}
	}
	return []row{{text: b.st.Muted.Render("no " + what + " probes ran")}}
}

// rowLabels name the fixed probes in the panes, shorter than their titles.
var rowLabels = map[string]string{
	"identity:public-ip": "Public IP",
	"identity:egress":    "Egress",
	"identity:vpn":       "VPN",
	"identity:tor":       "Tor",
	"identity:captive":   "Captive portal",
	"identity:host":      "Host",
	"dns:config":         "Resolver",
	"dns:whoami":         "Whoami",
	"proxy:env":          "Environment",
	"proxy:desktop":      "Desktop",
	"proxy:pac":          "PAC",
}

// label is a row's name: the short label, the host of a DNS lookup, or
// the probe's title.
func (b *board) label(id string) string {
	if l, ok := rowLabels[id]; ok {
		return l
	}
	if host, ok := strings.CutPrefix(id, "dns:lookup:"); ok {
		return host
	}
	return b.title(id, id)
}

// probeRows are one row per probe and, under each that answered in this
// run, the detail lines its pane draws from the measurement.
func probeRows(b *board, ids []string, detail func(*board, probes.Result) []row) []row {
	var rows []row
	for _, id := range ids {
		rows = append(rows, resultRow(b, id, b.label(id)))
		if r, ok := b.get(id); ok && !b.pending[id] {
			rows = append(rows, detail(b, r)...)
		}
	}
	return rows
}

// identityRows: what Cloudflare sees of this machine (per address family
// and route), then the machine's own view: egress, VPN, Tor, portal.
func identityRows(b *board) []row {
	ids := b.ofKind(probes.KindIdentity)
	// Public IP first: it is what the other lines explain.
	slices.SortStableFunc(ids, func(x, y string) int {
		return boolRank(y == "identity:public-ip") - boolRank(x == "identity:public-ip")
	})
	rows := append(seenAsRows(b), probeRows(b, ids, identityDetail)...)
	if len(rows) == 0 {
		return emptyRows(b, "identity")
	}
	return rows
}

// identityDetail: VPN signals and blind spots, tunnels on the egress,
// where a portal redirects.
func identityDetail(b *board, r probes.Result) []row {
	var rows []row
	switch d := r.Details.(type) {
	case *probes.VPNDetails:
		for _, s := range d.Signals {
			rows = append(rows, sub(b, b.clean(s.Evidence)))
		}
		for _, l := range d.Limits {
			rows = append(rows, sub(b, b.clean("could not see: "+l)))
		}
	case *probes.EgressDetails:
		seen := map[string]bool{} // both families often leave by the same tunnel
		for _, e := range []*probes.EgressPath{d.IPv4, d.IPv6} {
			if e != nil && e.Tunnel != nil && !seen[e.Interface] {
				seen[e.Interface] = true
				rows = append(rows, sub(b, b.clean(strings.TrimSpace(fmt.Sprintf("%s is a %s tunnel %s", e.Interface, e.Tunnel.Type, e.Tunnel.Product)))))
			}
		}
	case *probes.CaptiveDetails:
		if d.Portal && d.RedirectTo != "" {
			rows = append(rows, sub(b, "redirects to "+b.clean(d.RedirectTo)))
		}
	}
	return rows
}

func boolRank(v bool) int {
	if v {
		return 1
	}
	return 0
}

// seenAsRows say which IP and country Cloudflare judged, per route and
// address family: from the edge traces, and from block pages, which name
// the client IP of the very request they refused.
func seenAsRows(b *board) []row {
	var rows []row
	seen := map[string]bool{}
	add := func(id, ip, loc, how string) {
		if ip == "" && loc == "" {
			return
		}
		text := "Cloudflare sees " + b.clean(ip)
		if loc != "" {
			text += " (" + b.clean(loc) + ")"
		}
		text += " " + b.st.Muted.Render(how)
		if seen[text] {
			return
		}
		seen[text] = true
		rows = append(rows, row{text: pad(b.mark(id), markWidth) + " " + text, key: id})
	}
	for _, id := range b.ofKind(probes.KindEdgeTrace) {
		r, _ := b.get(id)
		if d, ok := r.Details.(*probes.TraceDetails); ok {
			how := "· trace " + d.Route
			if d.Colo != "" {
				how += " via " + d.Colo
			}
			add(id, d.IP, d.Loc, b.clean(how))
		}
	}
	for _, id := range b.ofKind(probes.KindEndpoint) {
		r, _ := b.get(id)
		if d, ok := r.Details.(*probes.EndpointDetails); ok && d.Verdict.ClientIP != "" {
			add(id, d.Verdict.ClientIP, d.Verdict.Country, "· block page, "+familyWords(d.Variant))
		}
	}
	return rows
}

func familyWords(v probes.Variant) string {
	fam := map[string]string{probes.FamilyIPv4: "IPv4", probes.FamilyIPv6: "IPv6", probes.FamilyAny: "any family"}[v.Family]
	return v.Route + " " + orWords(fam, v.Family)
}

// dnsRows: the resolver stack, then per target what the system resolver
// answered beside the independent resolvers, with hijack flags.
func dnsRows(b *board) []row {
	rows := probeRows(b, b.ofKind(probes.KindDNS), dnsDetail)
	if len(rows) == 0 {
		return emptyRows(b, "DNS")
	}
	return rows
}

// dnsDetail: hijack flags, a hosts-file entry and every resolver's answer
// for a lookup; the servers of the configuration.
func dnsDetail(b *board, r probes.Result) []row {
	var rows []row
	switch d := r.Details.(type) {
	case *probes.DNSLookupDetails:
		if d.Hijacked {
			rows = append(rows, sub(b, b.st.Fail.Render("✗ hijacked: ")+b.clean(d.HijackReason)))
		}
		if d.HostsFileEntry != "" {
			rows = append(rows, sub(b, "hosts file: "+b.clean(d.HostsFileEntry)))
		}
		for _, a := range d.Answers {
			rows = append(rows, sub(b, answerLine(b, a)))
		}
	case *probes.DNSConfigDetails:
		if len(d.Servers) > 0 {
			rows = append(rows, sub(b, "servers "+b.clean(strings.Join(d.Servers, ", "))))
		}
		if len(d.Upstreams) > 0 {
			rows = append(rows, sub(b, "upstream "+b.clean(strings.Join(d.Upstreams, ", "))))
		}
	}
	return rows
}

// resolverName is a resolver as the DNS pane names it: a DoH URL by its
// host ("DoH cloudflare-dns.com"), so the answers stay aligned.
func resolverName(r string) string {
	if rest, ok := strings.CutPrefix(r, "https://"); ok {
		host, _, _ := strings.Cut(rest, "/")
		return "DoH " + host
	}
	return r
}

// answerLine is one resolver's answer: "1.1.1.1:53  NOERROR 104.18.32.47 cf".
func answerLine(b *board, a probes.ResolverAnswer) string {
	var addrs []string
	for _, ad := range a.Addrs {
		s := ad.IP
		if ad.Cloudflare {
			s += " cf"
		} else if ad.Class != "public" && ad.Class != "" {
			s += " " + ad.Class
		}
		addrs = append(addrs, s)
	}
	rc := b.clean(a.RCode)
	if rc != "NOERROR" {
		rc = b.st.Fail.Render("✗ " + rc)
	}
	return pad(b.clean(resolverName(a.Resolver)), 22) + " " + rc + " " + b.clean(strings.Join(addrs, ", "))
}

// proxyRows: what is configured (environment, desktop, PAC), whether the
// proxies answer, and whether the matrix says the proxy matters.
func proxyRows(b *board) []row {
	rows := probeRows(b, b.ofKind(probes.KindProxy), proxyDetail)
	for _, id := range b.ofKind(probes.KindMatrix) {
		r, ok := b.get(id)
		d, isM := r.Details.(*probes.MatrixDetails)
		if !ok || !isM || !hasProxyCell(d) {
			continue
		}
		host := strings.TrimPrefix(id, "matrix:")
		var text string
		switch {
		case d.Split == "route" && d.BlockedWhen == probes.RouteProxy:
			text = b.st.Fail.Render("✗ matters") + " " + host + " is blocked only through the proxy"
		case d.Split == "route":
			text = b.st.Warn.Render("! matters") + " " + host + " is blocked only without the proxy"
		default:
			text = b.st.Pass.Render("✓ no difference") + " " + host + " answers the same with and without the proxy"
		}
		rows = append(rows, row{text: text, key: id})
	}
	if len(rows) == 0 {
		return emptyRows(b, "proxy")
	}
	return rows
}

func hasProxyCell(d *probes.MatrixDetails) bool {
	for _, c := range d.Cells {
		if c.Variant.Route == probes.RouteProxy {
			return true
		}
	}
	return false
}

// proxyDetail: the proxy variables set and how they conflict.
func proxyDetail(b *board, r probes.Result) []row {
	var rows []row
	if d, ok := r.Details.(*probes.ProxyEnvDetails); ok {
		for _, v := range d.Vars {
			rows = append(rows, sub(b, b.clean(v.Name+"="+v.Value)))
		}
		for _, c := range d.Conflicts {
			rows = append(rows, sub(b, b.st.Warn.Render("! ")+b.clean(c)))
		}
	}
	return rows
}
