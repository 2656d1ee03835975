package remedies

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// Rules about Cloudflare refusing this client: the differential matrix,
// firewall blocks and who to blame for them, signatures, geography,
// challenges, corporate networks, and the all-clear.

// split is the matrix probe's conclusion for one web host: the single
// axis that separates blocked from working requests, "route" blocked when
// "proxy", "family" when "ipv6", "headers" when "plain". r is the matrix
// result, whose reason says it in words.
type split struct {
	axis, when string
	r          probes.Result
}

// explainedBySplit: the request is on the blocked side of a route, family
// or header split, which the path rule reports on its own.
func (f *facts) explainedBySplit(o obs) bool {
	sp, ok := f.splits[o.host]
	if !ok {
		return false
	}
	switch {
	case sp.axis == "route" && sp.when == probes.RouteProxy:
		return o.viaProxy()
	case sp.axis == "family" && sp.when == probes.FamilyIPv6:
		return o.d.Variant.Family == probes.FamilyIPv6
	case sp.axis == "headers" && sp.when == probes.HeadersPlain:
		return o.d.Variant.Headers == probes.HeadersPlain
	}
	return false
}

func rulePathDifferential(f *facts, _ []Finding) []Finding {
	var out []Finding
	for _, host := range f.hosts {
		all := f.ofHost(host)
		if sp, ok := f.splits[host]; ok {
			// Blocked as the matrix counts it: a challenge is not a block.
			var bad, good []obs
			for _, o := range all {
				if o.answered() && o.verdict().Blocked() && !o.challenged() {
					bad = append(bad, o)
				} else if o.healthy() {
					good = append(good, o)
				}
			}
			var evs []Evidence
			if sp.r.Reason != "" {
				evs = append(evs, ev(sp.r, "%s", sp.r.Reason))
			}
			evs = append(evs, obsLines(bad, 2)...)
			evs = append(evs, obsLines(good, 1)...)
			switch {
			case sp.axis == "route" && sp.when == probes.RouteProxy:
				proxy := proxyName(bad)
				if t, ok := f.trace(probes.RouteProxy); ok {
					evs = append(evs, traceLine(t))
				}
				out = append(out, newFinding(CauseProxyPath, Confirmed,
					fmt.Sprintf("%s is blocked through the proxy%s and works when connecting directly: the proxy is what Cloudflare blocks. Bypass or turn off the proxy.", host, proxy),
					evs...))
			case sp.axis == "family" && sp.when == probes.FamilyIPv6:
				out = append(out, newFinding(CauseIPv6Path, Confirmed,
					fmt.Sprintf("%s is blocked over IPv6 and works over IPv4. Browsers prefer IPv6, so they hit the block: your IPv6 address is the one Cloudflare distrusts.", host),
					evs...))
			case sp.axis == "headers" && sp.when == probes.HeadersPlain && len(bad) > 0:
				out = append(out, newFinding(CauseBrowserSignature, Likely,
					fmt.Sprintf("%s blocks requests that do not look like a browser and lets browser-like ones through: the block is on the client's signature. A browser that is blocked is sending something unusual (user-agent switcher, privacy extension, headless mode).", host),
					evs...))
			}
		}
		out = append(out, f.deadProxy(host, all)...)
		out = append(out, f.brokenIPv6(host, all)...)
	}
	return out
}

func proxyName(list []obs) string {
	var names []string
	for _, o := range list {
		if o.d.Proxy != "" {
			names = append(names, o.d.Proxy)
		}
	}
	if names = uniq(names); len(names) > 0 {
		return " " + joinWords(names)
	}
	return ""
}

// deadProxy reports a proxy that does not carry requests at all while the
// direct route works (or was not tested).
func (f *facts) deadProxy(host string, all []obs) []Finding {
	var failed, direct []obs
	for _, o := range all {
		if o.viaProxy() && !o.answered() {
			failed = append(failed, o)
		}
		if !o.viaProxy() {
			direct = append(direct, o)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	for _, o := range all {
		if o.viaProxy() && o.answered() {
			return nil // the proxy carried some requests: not dead
		}
	}
	evs := obsLines(failed, 2)
	for _, r := range f.reach {
		if !r.d.Reachable {
			evs = append(evs, ev(r.r, "proxy %s (%s) does not accept connections", r.d.Proxy, r.d.Addr))
		}
	}
	directOK := false
	for _, o := range direct {
		if o.healthy() {
			directOK = true
			evs = append(evs, obsLine(o))
			break
		}
	}
	proxy := proxyName(failed)
	switch {
	case directOK:
		return []Finding{newFinding(CauseProxyPath, Confirmed,
			fmt.Sprintf("Requests to %s through the proxy%s fail while direct ones work: the proxy is down or refuses them.", host, proxy), evs...)}
	case len(direct) == 0:
		return []Finding{newFinding(CauseProxyPath, Likely,
			fmt.Sprintf("Requests to %s through the proxy%s fail, and nothing was tried without it: the proxy is down or refuses them.", host, proxy), evs...)}
	}
	return nil
}

// brokenIPv6 reports IPv6 connections failing while IPv4 works, on a
// machine that has an IPv6 route (so browsers will try IPv6 first and wait
// before falling back).
func (f *facts) brokenIPv6(host string, all []obs) []Finding {
	hasV6Route := false
	for _, e := range f.egress {
		hasV6Route = hasV6Route || e.d.IPv6Available
	}
	if !hasV6Route {
		return nil
	}
	var v6, v4ok []obs
	for _, o := range all {
		switch o.d.Variant.Family {
		case probes.FamilyIPv6:
			if o.answered() {
				return nil
			}
			v6 = append(v6, o)
		case probes.FamilyIPv4:
			if o.healthy() {
				v4ok = append(v4ok, o)
			}
		}
	}
	if len(v6) == 0 || len(v4ok) == 0 {
		return nil
	}
	evs := append(obsLines(v6, 2), obsLines(v4ok, 1)...)
	return []Finding{newFinding(CauseIPv6Path, Possible,
		fmt.Sprintf("IPv6 connections to %s fail while IPv4 works. Browsers try IPv6 first and fall back after a delay, so pages may load slowly or time out.", host),
		evs...)}
}

func ruleSignature(f *facts, _ []Finding) []Finding {
	list := f.ofKind(classify.VerdictCFBrowserSignature)
	if len(list) == 0 {
		return nil
	}
	return []Finding{newFinding(CauseBrowserSignature, Confirmed,
		fmt.Sprintf("Cloudflare refuses %s because of the client's signature (error 1010): the request did not look like a current browser.", joinWords(hostsOf(list))),
		obsLines(list, 3)...)}
}

func hostsOf(list []obs) []string {
	var out []string
	for _, o := range list {
		out = append(out, o.host)
	}
	return uniq(out)
}

func ruleGeo(f *facts, _ []Finding) []Finding {
	blocked := f.ofKind(classify.VerdictCFCountryBlock, classify.VerdictOpenAIRegion)
	var keyEv []Evidence
	for _, k := range f.keysWith(probes.KeyRegion) {
		keyEv = append(keyEv, ev(k.r, "API key check: HTTP %d unsupported_country_region_territory", k.d.StatusCode))
	}
	country, listDate := "", ""
	var unsupported []Evidence
	for _, p := range f.publicIP {
		if p.d.TraceLoc != "" {
			country = p.d.TraceLoc
		}
		if p.d.CountrySupported != nil && !*p.d.CountrySupported {
			listDate = p.d.SupportedListDate
			unsupported = append(unsupported, ev(p.r, "Cloudflare places IP %s in %s, which is not on OpenAI's supported list (list of %s)", p.d.TraceIP, p.d.TraceLoc, p.d.SupportedListDate))
		}
	}
	for _, o := range blocked {
		if c := o.verdict().Country; c != "" {
			country = c
		}
	}
	if country == "" {
		if t, ok := f.anyTrace(); ok {
			country = t.d.Loc
		}
	}
	if len(blocked)+len(keyEv)+len(unsupported) == 0 {
		return nil
	}
	where := "your IP's location"
	if country != "" {
		where = country
	}
	if listDate == "" {
		listDate = "unknown date"
	}
	evs := append(obsLines(blocked, 3), keyEv...)
	evs = append(evs, unsupported...)
	if t, ok := f.anyTrace(); ok {
		evs = append(evs, traceLine(t))
	}
	var conf Confidence
	var summary string
	switch {
	case len(blocked)+len(keyEv) > 0:
		conf = Confirmed
		summary = fmt.Sprintf("OpenAI's services refuse requests from %s: the service is not offered where Cloudflare places your IP.", where)
		if len(unsupported) > 0 {
			summary += fmt.Sprintf(" %s is also missing from OpenAI's supported list (list of %s).", where, listDate)
		}
	case len(f.failing) > 0:
		conf = Likely
		summary = fmt.Sprintf("Cloudflare places your IP in %s, which is not on OpenAI's list of supported countries (list of %s); that explains the refusals.", where, listDate)
	default:
		conf = Possible
		summary = fmt.Sprintf("Cloudflare places your IP in %s, which is not on OpenAI's list of supported countries (list of %s). Requests pass for now, but sign-in or the API may refuse you.", where, listDate)
	}
	fnd := newFinding(CauseGeoRestricted, conf, summary, evs...)
	if f.notePath(&fnd, "A VPN, proxy or Tor is in the path: its exit decides the country, so turn it off or pick an exit in your own country.") {
		fnd.Remedies = []string{"disable-vpn", "check-location", "contact-support"}
	}
	return []Finding{fnd}
}

func ruleChallenge(f *facts, _ []Finding) []Finding {
	list := f.where(func(o obs) bool {
		if !o.challenged() {
			return false
		}
		// A challenge for the plain client on a web page whose browser
		// requests pass is Cloudflare treating a script as a script.
		return !f.isWeb(o.host) || o.d.Variant.Headers != probes.HeadersPlain || !f.healthy[o.host]
	})
	if len(list) == 0 {
		return nil
	}
	fnd := newFinding(CauseChallenge, Confirmed,
		fmt.Sprintf("Cloudflare answers %s with a challenge (\"verify you are human\"). That is not a block: a normal browser with JavaScript and cookies passes it, a script cannot. If your browser loops on it, check %s.", joinWords(hostsOf(list)), loopSuspects(f)),
		obsLines(list, 3)...)
	var apis []string
	for _, h := range hostsOf(list) {
		if !f.isWeb(h) {
			apis = append(apis, h)
		}
	}
	if len(apis) > 0 {
		// Programs cannot solve a challenge: for an API it is a block in
		// all but name, and the IP's reputation is what triggers it.
		fnd.Summary += fmt.Sprintf(" For %s, which programs call, a challenge works like a block: Cloudflare distrusts this IP, so try %s.", joinWords(apis), otherIPWords(f))
		fnd.Remedies = []string{"change-network", "disable-vpn", "use-real-browser", "sync-clock"}
	}
	if f.notePath(&fnd, "A VPN, proxy or Tor exit makes challenges more frequent.") {
		fnd.Remedies = append(fnd.Remedies, "disable-vpn")
	}
	return []Finding{fnd}
}

// pathSignal is one sign that traffic leaves through someone else's exit:
// a VPN, Tor, WARP or a proxy.
type pathSignal struct {
	what string
	ev   Evidence
}

// findVPNTorWarp lists the VPN, Tor and WARP signals of usable results
// (facts.vpnTorWarp).
func (f *facts) findVPNTorWarp() []pathSignal {
	var out []pathSignal
	for _, v := range f.vpn {
		if !v.d.Active && !v.d.OnEgress {
			continue
		}
		what := "a VPN"
		for _, s := range v.d.Signals {
			if s.Product != "" {
				what = "a VPN (" + s.Product + ")"
				break
			}
		}
		if len(v.d.Signals) == 0 {
			out = append(out, pathSignal{what, ev(v.r, "a VPN is active")})
		}
		for _, s := range v.d.Signals {
			line := "VPN: " + s.Evidence
			if s.Product != "" && !strings.Contains(s.Evidence, s.Product) {
				line += " (" + s.Product + ")"
			}
			out = append(out, pathSignal{what, ev(v.r, "%s", line)})
		}
	}
	for _, e := range f.egress {
		for _, p := range []*probes.EgressPath{e.d.IPv4, e.d.IPv6} {
			if p == nil || p.Tunnel == nil {
				continue
			}
			what := "a VPN tunnel (" + p.Interface + ")"
			if p.Tunnel.Product != "" {
				what = "a VPN (" + p.Tunnel.Product + ")"
			}
			out = append(out, pathSignal{what, ev(e.r, "traffic to %s leaves through %s, a %s tunnel%s", p.Probe, p.Interface, p.Tunnel.Type, productSuffix(p.Tunnel.Product))})
		}
	}
	for _, t := range f.tor {
		if t.d.Running || len(t.d.Listeners) > 0 {
			line := "Tor is running"
			if len(t.d.Listeners) > 0 {
				line += " (SOCKS on " + strings.Join(t.d.Listeners, ", ") + ")"
			}
			out = append(out, pathSignal{"Tor", ev(t.r, "%s", line)})
		}
	}
	for _, t := range f.traces {
		if t.d.Warp == "on" || t.d.Warp == "plus" {
			out = append(out, pathSignal{"Cloudflare WARP", traceLine(t)})
		}
	}
	return out
}

func productSuffix(p string) string {
	if p == "" {
		return ""
	}
	return " (" + p + ")"
}

// findCorporateSignals lists signs of a managed network: Cloudflare
// Gateway, proxy auto-configuration, corporate TLS inspection, handshakes
// cut (facts.corporateSignals).
func (f *facts) findCorporateSignals() []pathSignal {
	var out []pathSignal
	for _, t := range f.traces {
		if t.d.Gateway == "on" {
			out = append(out, pathSignal{"Cloudflare Zero Trust Gateway", traceLine(t)})
		}
	}
	for _, d := range f.desktop {
		if d.d.Mode == "auto" || d.d.Mode == "wpad" || d.d.PACURL != "" {
			what := "a proxy auto-configuration"
			line := fmt.Sprintf("%s proxy settings: mode %s", d.d.Source, d.d.Mode)
			if d.d.PACURL != "" {
				line += ", PAC " + d.d.PACURL
			}
			out = append(out, pathSignal{what, ev(d.r, "%s", line)})
		}
	}
	for _, p := range f.pac {
		line := "PAC file " + p.d.URL
		if len(p.d.Directives) > 0 {
			line += " returns " + strings.Join(p.d.Directives, ", ")
		}
		if p.d.MentionsOpenAI {
			line += "; it names OpenAI's domains"
		}
		out = append(out, pathSignal{"a PAC file", ev(p.r, "%s", line)})
	}
	for _, i := range f.interceptions() {
		if i.corporate {
			out = append(out, pathSignal{"TLS inspection by " + i.name(), ev(i.obs[0].r, "TLS for %s is re-signed by %s", i.obs[0].host, i.name())})
		}
	}
	return out
}

// findFilterCuts returns the direct requests a filter cut, when every direct
// request that failed was cut that way: reset (as it opened or before a
// response), or a TLS handshake reset or left unanswered before any
// certificate arrived. DNS
// answered and TCP reached the address, so the network carries traffic;
// something on the path refuses these connections (facts.filterCuts).
func (f *facts) findFilterCuts() []obs {
	cut := f.where(func(o obs) bool {
		if o.viaProxy() {
			return false
		}
		return o.d.Failure == probes.FailureReset || (o.transportStep() == "tls" && (o.d.TLS == nil || len(o.d.TLS.Chain) == 0))
	})
	// One cut request may be a blip; a filter cuts them all, again and again.
	if len(cut) < 2 || len(cut) != len(f.where(func(o obs) bool { return !o.viaProxy() && !o.healthy() })) {
		return nil
	}
	return cut
}

func ruleNetworkFilter(f *facts, _ []Finding) []Finding {
	cut := f.filterCuts()
	if len(cut) == 0 {
		return nil
	}
	how := "reset"
	if slices.ContainsFunc(cut, func(o obs) bool { return o.r.Error != nil && o.r.Error.Timeout }) {
		how = "left without an answer"
		if slices.ContainsFunc(cut, func(o obs) bool { return o.r.Error == nil || !o.r.Error.Timeout }) {
			how = "reset or left without an answer"
		}
	}
	evs := obsLines(cut, 3)
	for _, c := range f.captive {
		if c.r.Status == probes.StatusPass {
			evs = append(evs, ev(c.r, "other traffic gets through: the captive-portal check answered as expected"))
		}
	}
	fnd := newFinding(CauseNetworkFilter, Likely,
		fmt.Sprintf("Connections to %s open and are then %s before TLS completes, while DNS answers: a filter between this machine and Cloudflare refuses them, usually by server name. It may be a company or school firewall, the internet provider or a national filter, or security software here. Try a phone hotspot: if OpenAI loads there, this network filters it.",
			joinWords(hostsOf(cut)), how),
		evs...)
	if signals := f.corporateSignals(); len(signals) > 0 {
		fnd.Summary += fmt.Sprintf(" This network is managed (%s): its firewall is the likely filter, and IT can allow OpenAI.", whatOf(signals))
		// finish keeps the first of a repeated remedy, so this moves it to the front.
		fnd.Remedies = append([]string{"ask-it-allowlist"}, fnd.Remedies...)
		for _, s := range signals {
			fnd.Evidence = append(fnd.Evidence, s.ev)
		}
	}
	return []Finding{fnd}
}

// whatOf names the exits the signals point at, once each: "Cloudflare
// WARP" from the edge trace is dropped when a VPN signal already reads "a
// VPN (Cloudflare WARP)".
func whatOf(signals []pathSignal) string {
	var w []string
	for _, s := range signals {
		w = append(w, s.what)
	}
	w = uniq(w)
	named := slices.DeleteFunc(slices.Clone(w), func(a string) bool {
		return slices.ContainsFunc(w, func(b string) bool { return b != a && strings.Contains(b, a) })
	})
	return joinWords(named)
}

func ruleCorporate(f *facts, _ []Finding) []Finding {
	signals := f.corporateSignals()
	failing := f.failing
	if len(signals) == 0 || len(failing) == 0 || len(f.filterCuts()) > 0 {
		return nil // cut connections: the filter finding names the managed network
	}
	var evs []Evidence
	for _, s := range signals {
		evs = append(evs, s.ev)
	}
	for _, h := range failing {
		if o, ok := f.firstOf(h, false); ok {
			evs = append(evs, obsLine(o))
		}
	}
	verb := "fails"
	if len(failing) > 1 {
		verb = "fail"
	}
	return []Finding{newFinding(CauseCorporatePolicy, Likely,
		fmt.Sprintf("%s %s on a managed network (%s). The network's policy, its shared egress IP or the headers it adds are the likely reason; only IT can change them.",
			joinWords(failing), verb, whatOf(signals)),
		evs...)}
}

// blockWords names a set of firewall blocks: "chatgpt.com (error 1020)".
func blockWords(list []obs) string {
	var w []string
	for _, o := range list {
		what := verdictWords(o)
		if c := o.verdict().Code; c != 0 {
			what = fmt.Sprintf("error %d", c)
		}
		w = append(w, fmt.Sprintf("%s (%s)", o.host, what))
	}
	return joinWords(uniq(w))
}

func ruleBlocks(f *facts, _ []Finding) []Finding {
	blocks := f.where(func(o obs) bool { return o.firewallBlocked() && !f.explainedBySplit(o) })
	if len(blocks) == 0 {
		return nil
	}
	blockEvs := obsLines(blocks, 3)
	var traceEvs []Evidence
	exit := "" // the IP (and country) Cloudflare judged, when known
	if t, ok := f.anyTrace(); ok {
		traceEvs = append(traceEvs, traceLine(t))
		if t.d.IP != "" {
			exit = t.d.IP
			if t.d.Loc != "" {
				exit += " (" + t.d.Loc + ")"
			}
		}
	}
	ipWords := "the public IP Cloudflare sees"
	if exit != "" {
		ipWords = "the public IP " + exit
	}
	evs := append(slices.Clone(blockEvs), traceEvs...)

	// Blocks that went through a proxy while no direct request to the same
	// host was blocked put the proxy in the path of the block.
	var proxySignals []pathSignal
	for _, o := range blocks {
		if !o.viaProxy() {
			continue
		}
		directBlocked := slices.ContainsFunc(blocks, func(p obs) bool { return p.host == o.host && !p.viaProxy() })
		if !directBlocked {
			proxySignals = append(proxySignals, pathSignal{"the proxy" + proxyName([]obs{o}), obsLine(o)})
		}
	}
	local := append(slices.Clone(f.vpnTorWarp()), proxySignals...)

	var out []Finding
	var banned, malicious []obs
	for _, o := range blocks {
		switch o.kind() {
		case classify.VerdictCFIPBan:
			banned = append(banned, o)
		case classify.VerdictCFMalicious:
			malicious = append(malicious, o)
		}
	}
	if len(banned) > 0 {
		out = append(out, newFinding(CauseFlaggedIP, Confirmed,
			fmt.Sprintf("The site has banned %s: %s. Only a different IP (%s) gets through.", ipWords, blockWords(banned), otherIPWords(f)),
			append(obsLines(banned, 3), traceEvs...)...))
	}

	if len(local) > 0 {
		lev := slices.Clone(evs)
		for _, s := range local {
			lev = append(lev, s.ev)
		}
		judged := "its exit IP"
		if exit != "" {
			judged = "its exit IP " + exit
		}
		return append(out, newFinding(CauseVPNProxyTor, Likely,
			fmt.Sprintf("Cloudflare blocks %s while your traffic leaves through %s: Cloudflare judges %s, and OpenAI's rules block many such exits. Turn it off and check again.",
				blockWords(blocks), whatOf(local), judged),
			lev...))
	}

	fnd := newFinding(CauseFlaggedIP, Likely,
		fmt.Sprintf("Cloudflare blocks %s and nothing on this machine explains it: %s is flagged or shared (a university, company, carrier or cloud network, or past abuse from it). Try another network, such as a phone hotspot.",
			blockWords(blocks), ipWords),
		evs...)
	if sp, ok := f.splits[blocks[0].host]; ok && sp.axis == "family" && sp.when == probes.FamilyIPv4 {
		fnd.Summary += " Only IPv4 is blocked: your IPv4 address is the flagged one."
	}
	if len(malicious) > 0 {
		fnd.Summary += " Error 1012 means Cloudflare saw malicious traffic from this IP: scan this and the other devices on the network."
		fnd.Remedies = append([]string{"scan-malware"}, fnd.Remedies...)
	}
	if len(f.corporateSignals()) > 0 || len(f.interceptions()) > 0 {
		// Security software or the managed network explain the block at
		// least as well; their rules report them.
		fnd.Confidence = Possible
		fnd.Summary = fmt.Sprintf("Cloudflare blocks %s. Security software or the managed network (reported separately) may be the reason; otherwise %s is flagged.", blockWords(blocks), ipWords)
		return append(out, fnd)
	}
	if !slices.ContainsFunc(blocks, func(o obs) bool { return f.isWeb(o.host) }) {
		// Only API requests were refused: no browser session or
		// account login took part, so neither can be blamed.
		return append(out, fnd)
	}
	return append(out, fnd,
		newFinding(CauseAccountFlag, Possible,
			"If a new network does not help either, the block may be tied to your OpenAI account rather than the connection: contact OpenAI support with the Ray IDs.",
			blockEvs[0]),
		newFinding(CauseBrowserState, Possible,
			"Clear chatgpt.com's cookies or try a private window as well: a corrupted session can keep a block page showing.",
			blockEvs[0]))
}

func ruleAllPass(f *facts, sofar []Finding) []Finding {
	if len(f.obs) == 0 || len(f.failing) > 0 {
		return nil
	}
	for _, s := range sofar {
		if s.Severity == Blocking && s.Confidence != Possible {
			return nil
		}
	}
	var evs []Evidence
	var words []string
	for _, h := range f.hosts {
		if o, ok := f.firstOf(h, true); ok {
			evs = append(evs, obsLine(o))
			words = append(words, fmt.Sprintf("%s %s", h, verdictWords(o)))
		}
	}
	for _, o := range f.obs {
		if o.challenged() {
			evs = append(evs, ev(o.r, "%s challenges clients without browser headers, as Cloudflare does for scripts; browser-like requests pass", o.host))
			break
		}
	}
	if t, ok := f.anyTrace(); ok {
		evs = append(evs, traceLine(t))
	}
	what := joinWords(f.hosts)
	if slices.ContainsFunc(f.hosts, f.isWeb) {
		what = "ChatGPT"
	}
	summary := fmt.Sprintf("Nothing on this machine or network blocks %s: every request from here succeeded (%s). If it still fails in your browser, the problem is in the browser: its cookies, cache or extensions.", what, joinWords(words))
	if open := f.unfinishedEndpoints(); len(open) > 0 {
		// Requests that did not finish prove nothing either way: say so
		// rather than claim every request succeeded.
		summary = fmt.Sprintf("Every request that finished succeeded (%s); %s to %s did not finish, so they prove nothing either way. Nothing found so far blocks %s; if it fails in your browser, look at its cookies, cache or extensions, or run again with a longer --timeout.",
			joinWords(words), countOf(len(open), "request"), joinWords(uniq(open)), what)
	}
	return []Finding{newFinding(CauseBrowserState, Possible, summary, evs...)}
}

// unfinishedEndpoints names the host of each endpoint request that ended
// unknown (out of time, too short a budget to tell): the rules cannot use
// them, and a summary must not count them as successes.
func (f *facts) unfinishedEndpoints() []string {
	var out []string
	for _, r := range f.s.Results {
		if r.Kind != probes.KindEndpoint || r.Status != probes.StatusUnknown {
			continue
		}
		if d, ok := r.Details.(*probes.EndpointDetails); ok && d != nil {
			out = append(out, hostOf(d.URL))
		} else if r.Target != "" {
			out = append(out, hostOf(r.Target))
		}
	}
	return out
}

// ruleUnexplained makes sure a failure never goes unreported: for every
// failing host that no finding so far cites in its evidence, it says so
// with the evidence, as an error page (answered) or missing connectivity
// (silent), at the lowest confidence. An unrelated finding (a degraded
// status page, a challenge on another host) does not hide a failing host.
func ruleUnexplained(f *facts, sofar []Finding) []Finding {
	cited := map[string]bool{}
	for _, fnd := range sofar {
		for _, e := range fnd.Evidence {
			if h, ok := f.hostOfResult(e.ResultID); ok {
				cited[h] = true
			}
		}
	}
	var answered, silent []obs
	for _, h := range f.failing {
		if cited[h] {
			continue
		}
		for _, o := range f.ofHost(h) {
			switch {
			case o.healthy():
			case o.answered():
				answered = append(answered, o)
			default:
				silent = append(silent, o)
			}
		}
	}
	var out []Finding
	if len(answered) > 0 {
		out = append(out, newFinding(CauseOriginError, Possible,
			fmt.Sprintf("%s answer(s) with something none of the known causes explains (%s). The evidence below is what support needs.",
				joinWords(hostsOf(answered)), blockWords(answered)),
			obsLines(answered, 3)...))
	}
	if len(silent) > 0 {
		out = append(out, newFinding(CauseNoConnectivity, Possible,
			fmt.Sprintf("Some requests to %s got no answer, and none of the known causes explains why.", joinWords(hostsOf(silent))),
			obsLines(silent, 3)...))
	}
	return out
}

// hostOfResult names the host a result is about, for the results that are
// about one host: endpoint requests, matrices and DNS lookups.
func (f *facts) hostOfResult(id string) (string, bool) {
	for _, o := range f.obs {
		if o.r.ID == id {
			return o.host, true
		}
	}
	for _, m := range f.matrices {
		if m.r.ID == id {
			return hostOf(m.d.URL), true
		}
	}
	for _, l := range f.lookups {
		if l.r.ID == id {
			return l.d.Host, true
		}
	}
	return "", false
}

// otherIPWords says how to get a different IP, naming the VPN only when the
// VPN check found one: "or turn off the VPN" to someone without a VPN
// contradicts that check.
func otherIPWords(f *facts) string {
	if len(f.vpnTorWarp()) > 0 {
		return "another network, or without the VPN, proxy or Tor"
	}
	return "another network, such as a phone hotspot"
}

// loopSuspects are what makes a browser loop on a challenge, the VPN only
// when there is one.
func loopSuspects(f *facts) string {
	if len(f.vpnTorWarp()) > 0 {
		return "the clock, extensions and the VPN"
	}
	return "the clock and extensions"
}
