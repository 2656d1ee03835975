package remedies

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// Rules about this machine and its network: captive portals, DNS,
// connectivity, the clock and TLS interception.

// clockSkewLimit is how far the local clock may be from Cloudflare's before
// it is reported. Five minutes is the tolerance Kerberos and many token
// schemes allow; below it HTTP Date headers (one-second resolution, cached
// responses) and ordinary NTP drift produce false alarms, above it
// certificate, challenge and cookie lifetimes start to break.
const clockSkewLimit = 5 * time.Minute

func ruleCaptive(f *facts, _ []Finding) []Finding {
	var evs []Evidence
	for _, c := range f.captive {
		if !c.d.Portal {
			continue
		}
		line := fmt.Sprintf("plain-HTTP check %s: expected %s, got HTTP %d", c.d.URL, c.d.Expected, c.d.StatusCode)
		if c.d.RedirectTo != "" {
			line += " redirecting to " + c.d.RedirectTo
		}
		evs = append(evs, ev(c.r, "%s", line))
	}
	portals := f.ofKind(classify.VerdictCaptivePortal)
	evs = append(evs, obsLines(portals, 2)...)
	if len(evs) == 0 {
		return nil
	}
	return []Finding{newFinding(CauseCaptivePortal, Confirmed,
		"This network shows a login page before it lets traffic through (a captive portal). Sign in or accept its terms in the browser, then check again.",
		evs...)}
}

// systemAnswer and independentAnswers split a lookup's answers.
func systemAnswer(d *probes.DNSLookupDetails) (probes.ResolverAnswer, bool) {
	for _, a := range d.Answers {
		if a.Transport == "system" || a.Resolver == "system" {
			return a, true
		}
	}
	return probes.ResolverAnswer{}, false
}

func independentAnswers(d *probes.DNSLookupDetails) []probes.ResolverAnswer {
	var out []probes.ResolverAnswer
	for _, a := range d.Answers {
		if a.Transport != "system" && a.Resolver != "system" {
			out = append(out, a)
		}
	}
	return out
}

func addrWords(a probes.ResolverAnswer) string {
	if len(a.Addrs) == 0 {
		if a.Error != "" {
			return a.RCode + " (" + a.Error + ")"
		}
		return a.RCode
	}
	var parts []string
	for _, ad := range a.Addrs {
		w := ad.IP
		switch {
		case ad.Cloudflare:
			w += " (Cloudflare)"
		case ad.Class != "" && ad.Class != "public":
			w += " (" + strings.ReplaceAll(ad.Class, "_", "-") + ")"
		default:
			w += " (not Cloudflare)"
		}
		parts = append(parts, w)
	}
	return strings.Join(parts, ", ")
}

func answered(a probes.ResolverAnswer) bool { return a.RCode == "NOERROR" && len(a.Addrs) > 0 }

func ruleDNS(f *facts, _ []Finding) []Finding {
	var out []Finding
	rangesCited := false // the ranges' date is one fact, however many hosts
	for _, l := range f.lookups {
		d := l.d
		sys, hasSys := systemAnswer(d)
		var indep []probes.ResolverAnswer
		for _, a := range independentAnswers(d) {
			if answered(a) {
				indep = append(indep, a)
			}
		}
		evs := []Evidence{}
		if hasSys {
			evs = append(evs, ev(l.r, "%s via the system resolver: %s", d.Host, addrWords(sys)))
		}
		for _, a := range indep {
			evs = append(evs, ev(l.r, "%s via %s: %s", d.Host, a.Resolver, addrWords(a)))
		}
		switch {
		case d.Hijacked:
			why := d.HijackReason
			if why == "" {
				addr := "an unexpected address"
				if hasSys && len(sys.Addrs) > 0 {
					addr = sys.Addrs[0].IP
				}
				why = fmt.Sprintf("it answers %s with %s", d.Host, addr)
			}
			if !rangesCited {
				evs = append(evs, ev(l.r, "Cloudflare ranges as of %s", d.RangesDate))
				rangesCited = true
			}
			fnd := newFinding(CauseDNSHijack, Confirmed,
				fmt.Sprintf("Your resolver sends %s to the wrong place: %s. Independent resolvers return Cloudflare's addresses.", d.Host, strings.TrimSuffix(why, ".")),
				evs...)
			if f.staleEntry(d, sys) {
				// One name with a private address in a local cache, while
				// the same resolver answers the other OpenAI names truly:
				// an entry left from a VPN or another network. A flush
				// removes it.
				fnd.Summary += " Only this name is wrong, and a local cache holds it: most likely an entry left from a VPN or another network, which a flush of the DNS cache removes."
				fnd.Remedies = []string{"flush-dns", "use-independent-dns", "change-network", "reset-network"}
			} else {
				// A resolver that forges answers keeps forging them after
				// a flush: asking another resolver comes first.
				fnd.Remedies = []string{"use-independent-dns", "flush-dns", "change-network", "reset-network"}
			}
			out = append(out, fnd)
		case hasSys && !answered(sys) && len(indep) > 0 && (sys.RCode == "NXDOMAIN" || sys.RCode == "REFUSED" || sys.RCode == "NOERROR"):
			// A deliberate "no such name" (or refusal, or an empty answer)
			// for a name the rest of the world resolves: filtering.
			fnd := newFinding(CauseDNSHijack, Likely,
				fmt.Sprintf("Your resolver refuses to resolve %s (%s) while %s answers it: a filtering resolver (ISP, school, parental control, ad blocker) or a hosts-file entry.", d.Host, sys.RCode, indep[0].Resolver),
				evs...)
			// The resolver answers so on purpose: a flush asks it again.
			fnd.Remedies = []string{"use-independent-dns", "flush-dns", "change-network", "reset-network"}
			out = append(out, fnd)
		case hasSys && !answered(sys) && len(indep) > 0:
			// SERVFAIL, a timeout or an error: the resolver itself is
			// broken, so nothing resolves and nothing loads, while the
			// network carries DNS to other servers fine.
			out = append(out, newFinding(CauseDNSFailure, Likely,
				fmt.Sprintf("Your resolver fails (%s) while %s answers: with a broken resolver no name resolves, so nothing loads. Switch to another DNS server.", sys.RCode, indep[0].Resolver),
				evs...))
		case !d.Consistent && hasSys && answered(sys) && slices.Contains(f.failing, d.Host):
			out = append(out, newFinding(CauseDNSHijack, Possible,
				fmt.Sprintf("Resolvers disagree about %s and it fails from here: a stale cache or a filtering resolver may be involved.", d.Host),
				evs...))
		}
	}
	return out
}

// transportSteps are the steps that mean "nothing answered at all".
var transportSteps = map[string]bool{"dns": true, "connect": true, "request": true, "read": true}

func ruleNoConnectivity(f *facts, _ []Finding) []Finding {
	direct := f.where(func(o obs) bool { return !o.viaProxy() })
	if len(direct) == 0 || len(f.filterCuts()) > 0 {
		return nil // connections that open and are cut: the filter rule's
	}
	onlyDNS := true
	for _, o := range direct {
		step := o.transportStep()
		if o.answered() || o.malformed() || !transportSteps[step] {
			return nil
		}
		onlyDNS = onlyDNS && step == "dns"
	}
	// Does any resolver answer? Independent ones answering means the
	// network carries traffic: failed lookups are then the resolver's
	// fault (the DNS rule says so), failed connections a firewall's.
	var resolved *measured[probes.DNSLookupDetails] // a lookup some resolver answered
	for i := range f.lookups {
		if slices.ContainsFunc(f.lookups[i].d.Answers, answered) {
			resolved = &f.lookups[i]
			break
		}
	}
	if resolved != nil && onlyDNS {
		return nil
	}
	evs := obsLines(direct, 3)
	if resolved != nil {
		evs = append(evs, ev(resolved.r, "DNS answers: %s resolves", resolved.d.Host))
		return []Finding{newFinding(CauseNoConnectivity, Likely,
			"Names resolve, but no connection to OpenAI's servers opens: a firewall blocks HTTPS, or the network fails beyond DNS.",
			evs...)}
	}
	noRoute := false
	for _, e := range f.egress {
		if !e.d.IPv4Available && !e.d.IPv6Available {
			noRoute = true
			evs = append(evs, ev(e.r, "no route out over IPv4 or IPv6"))
		}
	}
	if len(f.lookups) > 0 {
		evs = append(evs, ev(f.lookups[0].r, "no resolver answered, the independent ones included"))
	}
	conf := Likely
	if noRoute || len(f.lookups) > 0 || len(f.hosts) >= 2 {
		conf = Confirmed
	}
	return []Finding{newFinding(CauseNoConnectivity, conf,
		"No request got any answer: names do not resolve or connections do not open. This machine is offline or a firewall drops everything.",
		evs...)}
}

func ruleClockSkew(f *facts, _ []Finding) []Finding {
	type reading struct {
		r      probes.Result
		skew   time.Duration
		source string
	}
	var fromTrace, fromDate []reading
	for _, t := range f.traces {
		if t.d.ClockSkew != nil {
			fromTrace = append(fromTrace, reading{t.r, t.d.ClockSkew.D(), "Cloudflare's trace clock"})
		}
	}
	var certErrs []obs
	for _, o := range f.obs {
		if o.d.ClockSkew != nil {
			fromDate = append(fromDate, reading{o.r, o.d.ClockSkew.D(), "the Date header of " + o.host})
		}
		if !o.answered() && o.d.Failure == probes.FailureCertTime {
			certErrs = append(certErrs, o)
		}
	}
	// Trust Cloudflare's millisecond clock over one-second Date headers.
	readings := fromTrace
	if len(readings) == 0 {
		readings = fromDate
	}
	var bad []reading
	for _, rd := range readings {
		if rd.skew > clockSkewLimit || rd.skew < -clockSkewLimit {
			bad = append(bad, rd)
		}
	}
	if len(bad) > 0 {
		worst := bad[0]
		for _, rd := range bad {
			if abs(rd.skew) > abs(worst.skew) {
				worst = rd
			}
		}
		var evs []Evidence
		for _, rd := range bad {
			evs = append(evs, ev(rd.r, "%s differs from this machine's by %s", rd.source, signedDuration(rd.skew)))
		}
		conf := Likely
		if len(fromTrace) > 0 || len(bad) >= 2 {
			conf = Confirmed
		}
		dir := "behind"
		if worst.skew < 0 {
			dir = "ahead of"
		}
		return []Finding{newFinding(CauseClockSkew, conf,
			fmt.Sprintf("This machine's clock is %s %s the real time (per %s). Certificates, challenges and sign-in cookies break with a clock that far off.",
				humanDuration(worst.skew), dir, worst.source),
			evs...)}
	}
	if len(certErrs) > 0 && len(readings) > 0 {
		// A trusted clock agrees with this one: the certificates are what
		// is out of date, as when something in the path re-signs traffic
		// with a stale certificate of its own.
		evs := obsLines(certErrs, 3)
		evs = append(evs, ev(readings[0].r, "%s agrees with this machine's (%s)", readings[0].source, signedDuration(readings[0].skew)))
		return []Finding{newFinding(CauseSecuritySoftware, Possible,
			"Certificates read as expired or not yet valid although "+readings[0].source+" agrees with this machine's: the certificates themselves are out of date, as when security software or a filter in the path re-signs traffic with a stale certificate.",
			evs...)}
	}
	if len(certErrs) > 0 {
		conf := Likely
		hosts := map[string]bool{}
		for _, o := range certErrs {
			hosts[o.host] = true
		}
		if len(hosts) >= 2 {
			conf = Confirmed
		}
		return []Finding{newFinding(CauseClockSkew, conf,
			"Certificates read as expired or not yet valid, which a wrong system clock causes. Check the date and time.",
			obsLines(certErrs, 3)...)}
	}
	return nil
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// signedDuration prints a skew with the direction the local clock is off:
// a positive skew (server ahead) means this clock is behind.
func signedDuration(skew time.Duration) string {
	if skew < 0 {
		return humanDuration(skew) + " (this clock is ahead)"
	}
	return humanDuration(skew) + " (this clock is behind)"
}

// interception is one issuer seen re-signing TLS.
type interception struct {
	issuer, product string
	corporate       bool
	trusted         bool // this machine trusts it (Intercepted) vs TLS failed
	obs             []obs
}

func (i interception) name() string {
	switch {
	case i.product != "" && i.issuer != "":
		return fmt.Sprintf("%s (issuer %q)", i.product, i.issuer)
	case i.product != "":
		return i.product
	}
	return fmt.Sprintf("%q", i.issuer)
}

// findInterceptions groups the endpoint results whose TLS was re-signed,
// by issuer (facts.interceptions). Trusted ones were accepted by this
// machine (Intercepted); untrusted ones broke the handshake with a chain no
// public root accepts, for a reason other than the clock.
func (f *facts) findInterceptions() []interception {
	var out []interception
	add := func(o obs, issuer string, trusted bool) {
		t := o.d.TLS
		for i := range out {
			if out[i].issuer == issuer && out[i].product == t.Product && out[i].trusted == trusted {
				out[i].obs = append(out[i].obs, o)
				return
			}
		}
		out = append(out, interception{issuer: issuer, product: t.Product, trusted: trusted,
			corporate: t.Corporate, obs: []obs{o}})
	}
	for _, o := range f.obs {
		t := o.d.TLS
		if t == nil {
			continue
		}
		switch {
		case t.Intercepted:
			issuer := t.InterceptedBy
			if issuer == "" && len(t.Chain) > 0 {
				issuer = t.Chain[0].IssuerCN
			}
			add(o, issuer, true)
		case !o.answered() && o.transportStep() == "tls" && !t.SystemVerified && !t.PublicVerified &&
			!t.UserTrusted && len(t.Chain) > 0 && o.d.Failure != probes.FailureCertTime && !f.hijacked[o.host]:
			issuer := t.Chain[0].IssuerCN
			if t.Chain[0].IssuerOrg != "" {
				issuer += ", " + t.Chain[0].IssuerOrg
			}
			add(o, issuer, false)
		}
	}
	return out
}

func ruleTLS(f *facts, _ []Finding) []Finding {
	var out []Finding
	for _, i := range f.interceptions() {
		var failed []obs
		for _, o := range i.obs {
			if !o.healthy() {
				failed = append(failed, o)
			}
		}
		trust := "which neither this machine nor the public roots trust"
		if i.trusted {
			trust = "which this machine trusts and the public roots do not"
		}
		evs := []Evidence{ev(i.obs[0].r, "TLS for %s is signed by %s, %s", i.obs[0].host, i.name(), trust)}
		if len(failed) > 0 {
			// The requests the summary speaks of: the blocked ones, not
			// the API's normal 401.
			evs = append(evs, obsLines(failed, 3)...)
		} else {
			evs = append(evs, obsLines(i.obs, 3)...)
		}
		var conf Confidence
		var summary string
		switch {
		case !i.trusted:
			conf = Likely
			summary = fmt.Sprintf("Something on this network re-signs HTTPS with %s, which this machine does not trust, so secure connections fail.", i.name())
		case len(failed) > 0:
			conf = Likely
			summary = fmt.Sprintf("HTTPS to OpenAI is decrypted and re-signed by %s, and those requests are blocked or challenged: re-signed traffic looks different to Cloudflare.", i.name())
		default:
			conf = Possible
			summary = fmt.Sprintf("HTTPS to OpenAI is decrypted and re-signed by %s. Requests from here still pass, but such products often treat browsers differently; if the browser is blocked, turn HTTPS scanning off.", i.name())
		}
		fnd := newFinding(CauseSecuritySoftware, conf, summary, evs...)
		if i.corporate {
			fnd.Summary += " It is a corporate inspection product: only IT can exempt OpenAI's domains."
			fnd.Remedies = []string{"ask-it-allowlist", "private-window"}
		}
		out = append(out, fnd)
	}
	return out
}

// staleEntry reports whether a hijacked answer looks like a stale cache
// entry rather than a resolver forging answers: the wrong address is a
// private one, a local cache runs, and the system resolver answers every
// other looked-up name with Cloudflare's addresses (a filter forges the
// whole family of names; a stale entry is one name).
func (f *facts) staleEntry(d *probes.DNSLookupDetails, sys probes.ResolverAnswer) bool {
	if len(sys.Addrs) == 0 || sys.Addrs[0].Class != "private" {
		return false
	}
	cached := false
	for _, c := range allOf[probes.DNSConfigDetails](f.s) {
		cached = cached || len(c.d.Caches) > 0
	}
	if !cached {
		return false
	}
	others := 0
	for _, l := range f.lookups {
		if l.d.Host == d.Host {
			continue
		}
		if l.d.Hijacked {
			return false
		}
		others++
	}
	return others > 0
}
