package collect

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// assessLookup compares the system resolver's answer (answers[0]) with the
// independent resolvers' and decides the dns:lookup status. sysLimit is
// the limit the system lookup ran under, for the words of a timeout. It is
// pure.
//
// Status mapping:
//   - fail: the system resolver answers NXDOMAIN, SERVFAIL, REFUSED, times
//     out, errors or returns no address (a browser on this machine cannot
//     resolve the host: whatever the independent resolvers say only tells
//     whose fault it is), or its answer is hijacked.
//   - warn: the system answer looks right but something else is off: an
//     independent resolver is unreachable or disagrees (port 53 blocked or
//     intercepted, DoH failing), nothing can be compared, or no resolver
//     returns a Cloudflare address for a host expected behind Cloudflare.
//   - pass: every resolver that answered agrees on Cloudflare-ness (and,
//     when expected, that is Cloudflare). Different Cloudflare addresses
//     from different resolvers are normal (anycast, load balancing) and
//     never flagged.
//
// A hijack is a system answer containing an address no public name
// resolves to (0.0.0.0, loopback, private, CGNAT, link-local,
// documentation, reserved) that no independent resolver also returned, or,
// for a host expected behind Cloudflare, a non-Cloudflare address while an
// independent resolver returned Cloudflare addresses.
func assessLookup(host string, expectCF bool, answers []probes.ResolverAnswer, sysLimit time.Duration) probes.Result {
	d := &probes.DNSLookupDetails{Host: host, Answers: answers, RangesDate: cloudflareRangesDate, ExpectCloudflare: expectCF}
	res := probes.Result{Details: d}
	for _, a := range answers {
		res.Evidence = append(res.Evidence, answerLine(a))
	}
	if len(answers) == 0 || answers[0].Transport != "system" {
		res.Status, res.Reason = probes.StatusUnknown, "unknown: the system resolver was not asked"
		return res
	}
	sys, indep := answers[0], answers[1:]

	indepAddrs := map[string]bool{}
	var answered []probes.ResolverAnswer // independent resolvers with addresses
	var cfSource *probes.ResolverAnswer  // the first of them with a Cloudflare address
	var failed []probes.ResolverAnswer   // independent resolvers without addresses
	for i, a := range indep {
		if a.RCode != rcodeNoError || len(a.Addrs) == 0 {
			failed = append(failed, a)
			continue
		}
		answered = append(answered, a)
		for _, ad := range a.Addrs {
			indepAddrs[ad.IP] = true
			if ad.Cloudflare && cfSource == nil {
				cfSource = &indep[i]
			}
		}
	}

	// Hijack: only a system answer with addresses can be one.
	for _, ad := range sys.Addrs {
		if !addrIsReal(ad.Class) && !indepAddrs[ad.IP] {
			d.Hijacked = true
			d.HijackReason = fmt.Sprintf("the system resolver answers %s with %s, %s", host, ad.IP, bogusWhy(ad.Class))
			break
		}
	}
	if !d.Hijacked && expectCF && cfSource != nil {
		for _, ad := range sys.Addrs {
			if !ad.Cloudflare && addrIsReal(ad.Class) {
				d.Hijacked = true
				d.HijackReason = fmt.Sprintf("the system resolver answers %s with %s, outside Cloudflare's ranges (as of %s), while %s returns %s",
					host, ad.IP, cloudflareRangesDate, cfSource.Resolver, firstCF(cfSource.Addrs))
				break
			}
		}
	}

	labels := map[string]bool{}
	if sys.RCode == rcodeNoError && len(sys.Addrs) > 0 {
		labels[cfLabel(sys.Addrs)] = true
	}
	for _, a := range answered {
		labels[cfLabel(a.Addrs)] = true
	}
	d.Consistent = !d.Hijacked && len(labels) <= 1

	// The system resolver failed: the browser fails too.
	if sys.RCode != rcodeNoError || len(sys.Addrs) == 0 {
		res.Status = probes.StatusFail
		res.Reason = systemFailure(host, sys, sysLimit) + independentView(answered, failed)
		if sys.Error != "" {
			res.Error = &probes.StepError{Step: "dns", Message: sys.Error, Timeout: sys.RCode == rcodeTimeout}
		}
		return res
	}
	if d.Hijacked {
		res.Status = probes.StatusFail
		res.Reason = "DNS hijack: " + d.HijackReason
		return res
	}

	// The system answer stands; collect what is off elsewhere.
	var warns []string
	sysAddrs := map[string]bool{}
	for _, ad := range sys.Addrs {
		sysAddrs[ad.IP] = true
	}
	for _, a := range answered {
		if bad := firstBogus(a.Addrs, sysAddrs); bad != "" {
			warns = append(warns, fmt.Sprintf("%s answers %s (%s) while the system resolver does not: something intercepts queries to it", a.Resolver, bad, classifyAddrString(bad)))
		} else if cfLabel(a.Addrs) != cfLabel(sys.Addrs) {
			warns = append(warns, fmt.Sprintf("%s answers %s, the system resolver %s: they disagree on whether %s is on Cloudflare", a.Resolver, addrList(a.Addrs), addrList(sys.Addrs), host))
		}
	}
	if len(failed) > 0 {
		warns = append(warns, unreachableText(failed, len(answered) == 0))
	}
	sysCF := cfLabel(sys.Addrs) == "cloudflare"
	if expectCF && !sysCF {
		switch {
		case len(answered) == 0:
			warns = append([]string{fmt.Sprintf("cannot compare: no independent resolver answered, and the system answer %s is not in Cloudflare's ranges (as of %s)", addrList(sys.Addrs), cloudflareRangesDate)}, warns...)
		case cfSource == nil:
			warns = append([]string{fmt.Sprintf("no resolver returns a Cloudflare address for %s (ranges as of %s): the list may be out of date or the site moved", host, cloudflareRangesDate)}, warns...)
		}
	}
	for _, ad := range sys.Addrs {
		if !addrIsReal(ad.Class) {
			res.Evidence = append(res.Evidence, fmt.Sprintf("%s is a %s address, but independent resolvers return it too: the zone itself publishes it", ad.IP, ad.Class))
			break
		}
	}
	if len(warns) > 0 {
		res.Status = probes.StatusWarn
		res.Reason = warns[0]
		res.Evidence = append(res.Evidence, warns[1:]...)
		return res
	}
	res.Status = probes.StatusPass
	what := "not on Cloudflare"
	if sysCF {
		what = "Cloudflare"
	}
	if len(answered) == 0 {
		res.Reason = fmt.Sprintf("%s resolves to %s (%s); no independent resolver is configured to compare with", host, addrList(sys.Addrs), what)
		return res
	}
	verb := "agree"
	if len(answered) == 1 {
		verb = "agrees"
	}
	res.Reason = fmt.Sprintf("%s resolves to %s (%s); %s %s", host, addrList(sys.Addrs), what, agreeWho(answered), verb)
	return res
}

// bogusWhy explains why an address class cannot be a real answer.
func bogusWhy(class string) string {
	switch class {
	case addrUnspecified:
		return "the unspecified address: a DNS filter, ad blocker or hosts-file entry blocks it"
	case addrLoopback:
		return "a loopback address: something on this machine (hosts file, ad blocker, local proxy) claims the name"
	case addrPrivate:
		return "a private address: a router, captive portal, corporate DNS or filter answers instead of the real site"
	case addrCGNAT:
		return "a carrier-grade NAT (100.64.0.0/10) address: a provider's or VPN's DNS answers instead of the real site"
	case addrLinkLocal:
		return "a link-local address: a device on the local link answers instead of the real site"
	}
	return "a " + class + " address that no server on the internet has: the answer is forged"
}

// systemFailure says what the system resolver did instead of answering.
func systemFailure(host string, sys probes.ResolverAnswer, limit time.Duration) string {
	switch sys.RCode {
	case rcodeNXDomain:
		return fmt.Sprintf("the system resolver says %s does not exist (NXDOMAIN)", host)
	case rcodeServFail:
		return fmt.Sprintf("the system resolver failed to resolve %s (SERVFAIL)", host)
	case rcodeRefused:
		return fmt.Sprintf("the system resolver refused to resolve %s (REFUSED)", host)
	case rcodeTimeout:
		return fmt.Sprintf("the system resolver gave no answer for %s within %s", host, roundDur(limit))
	case rcodeNoError:
		return fmt.Sprintf("the system resolver returns no address for %s", host)
	}
	msg := sys.Error
	if msg == "" {
		msg = "dns: resolve " + host + " via the system resolver: failed"
	}
	return msg
}

// independentView adds what the independent resolvers say to a system
// failure, which tells a local fault from a dead network or a wrong name.
func independentView(answered, failed []probes.ResolverAnswer) string {
	switch {
	case len(answered) > 0:
		return fmt.Sprintf("; %s returns %s: the local resolver or a filter is at fault", answered[0].Resolver, addrList(answered[0].Addrs))
	case len(failed) == 0:
		return ""
	}
	allNX := true
	for _, f := range failed {
		if f.RCode != rcodeNXDomain {
			allNX = false
		}
	}
	if allNX {
		return "; independent resolvers agree: check the host name"
	}
	return "; no independent resolver answered either: no working DNS path (is the network up?)"
}

// unreachableText describes independent resolvers that gave no address.
// When every UDP resolver timed out or errored, port 53 to the outside is
// blocked; when none answered at all, "only the local resolver works". A
// network that blocks outside DNS is worth knowing about either way.
func unreachableText(failed []probes.ResolverAnswer, none bool) string {
	var udpNames, udpWords, other []string
	blocked := true
	for _, f := range failed {
		if f.Transport == "udp" || f.Transport == "tcp" {
			udpNames = append(udpNames, f.Resolver)
			udpWords = append(udpWords, f.Resolver+" "+failureWords(f))
			if f.RCode != rcodeTimeout && f.RCode != rcodeError {
				blocked = false
			}
		} else {
			other = append(other, "DNS-over-HTTPS "+f.Resolver+" "+failureWords(f))
		}
	}
	parts := udpWords
	if blocked && (len(udpNames) > 1 || none && len(udpNames) == 1) {
		why := "timeout"
		for _, f := range failed {
			if f.RCode == rcodeError && (f.Transport == "udp" || f.Transport == "tcp") {
				why = errorTail(f.Error)
				break
			}
		}
		if strings.Contains(why, "unreachable") || strings.Contains(why, "no route") {
			// An IPv6-only network (or none at all), not a filter.
			parts = []string{"no route to " + strings.Join(udpNames, ", ") + " (" + why + ")"}
		} else {
			parts = []string{"port 53 to " + strings.Join(udpNames, ", ") + " blocked (" + why + ")"}
		}
	}
	parts = append(parts, other...)
	text := strings.Join(parts, "; ")
	if none {
		return text + ": only the local resolver works"
	}
	return text + "; the others agree with the system resolver"
}

func failureWords(a probes.ResolverAnswer) string {
	switch a.RCode {
	case rcodeTimeout:
		return "did not answer (timeout)"
	case rcodeNoError:
		return "returned no address"
	case rcodeError:
		return "failed (" + errorTail(a.Error) + ")"
	}
	return "answered " + a.RCode
}

// errorTail is the last part of a "dns: resolve host via x: step: cause"
// message: the cause.
func errorTail(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		return msg[i+2:]
	}
	return msg
}

// cfLabel says whether a set of addresses is all Cloudflare, none, or mixed.
func cfLabel(addrs []probes.AddressInfo) string {
	cf, other := 0, 0
	for _, a := range addrs {
		if a.Cloudflare {
			cf++
		} else {
			other++
		}
	}
	switch {
	case cf > 0 && other == 0:
		return "cloudflare"
	case cf == 0 && other > 0:
		return "other"
	case cf > 0:
		return "mixed"
	}
	return ""
}

func firstCF(addrs []probes.AddressInfo) string {
	for _, a := range addrs {
		if a.Cloudflare {
			return a.IP
		}
	}
	return ""
}

// firstBogus returns the first address that cannot be a real answer and
// is not among except.
func firstBogus(addrs []probes.AddressInfo, except map[string]bool) string {
	for _, a := range addrs {
		if !addrIsReal(a.Class) && !except[a.IP] {
			return a.IP
		}
	}
	return ""
}

// classifyAddrString is classifyAddr for a textual address.
func classifyAddrString(s string) string {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return addrInvalid
	}
	return classifyAddr(ip)
}

// addrList prints up to four addresses.
func addrList(addrs []probes.AddressInfo) string {
	var ips []string
	for i, a := range addrs {
		if i == 4 {
			ips = append(ips, fmt.Sprintf("and %d more", len(addrs)-4))
			break
		}
		ips = append(ips, a.IP)
	}
	if len(ips) == 0 {
		return "nothing"
	}
	return strings.Join(ips, ", ")
}

func agreeWho(answered []probes.ResolverAnswer) string {
	names := make([]string, 0, len(answered))
	for _, a := range answered {
		names = append(names, a.Resolver)
	}
	return strings.Join(names, ", ")
}

// answerLine is one evidence line per resolver.
func answerLine(a probes.ResolverAnswer) string {
	var b strings.Builder
	b.WriteString(a.Resolver)
	if a.Transport != "system" {
		b.WriteString(" (" + a.Transport + ")")
	}
	b.WriteString(": " + a.RCode)
	for i, ad := range a.Addrs {
		if i == 0 {
			b.WriteString(" ")
		} else {
			b.WriteString(", ")
		}
		label := ad.Class
		if ad.Cloudflare {
			label = "cloudflare"
		}
		b.WriteString(ad.IP + " (" + label + ")")
	}
	b.WriteString(" in " + a.Time.String())
	if a.Error != "" && (a.RCode != rcodeNoError || len(a.Addrs) == 0) {
		b.WriteString(": " + a.Error)
	}
	return b.String()
}
