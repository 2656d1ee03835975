package remedies

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// Slowness thresholds, per phase of a request. Each is several times what
// a healthy path takes, so a finding means something a person notices, not
// jitter:
//
//   - DNS: a resolver answers from its cache in a few milliseconds and a
//     full recursive lookup typically in well under 100 ms (public
//     resolvers' medians are 10–40 ms in DNSPerf's measurements). 300 ms is
//     a slow, overloaded or distant resolver, paid again for every new name
//     a page loads.
//   - Connect: a TCP connect is one round trip. Cloudflare serves from
//     data centres within about 50 ms of most internet users, so 300 ms
//     (a geostationary satellite link is about 600 ms) is a congested
//     link, a poor Wi-Fi signal or a detour through a distant VPN exit.
//   - TLS: TLS 1.3 adds one round trip and TLS 1.2 two, so twice the
//     connect threshold.
//   - First byte: the wait from the request being sent to the first byte of
//     the answer, after the connection is open. web.dev calls a page's whole
//     time to first byte good up to 800 ms; when the server's part alone
//     exceeds it, the page cannot be fast whatever the path does.
const (
	slowDNS       = 300 * time.Millisecond
	slowConnect   = 300 * time.Millisecond
	slowTLS       = 600 * time.Millisecond
	slowFirstByte = 800 * time.Millisecond
)

// phase is one slow phase: its name, the threshold and the median of the
// requests that went through it.
type phase struct {
	name      string
	limit     time.Duration
	median    time.Duration
	remedies  []string
	evidence  Evidence
	sentences string
}

// ruleSlow reports the phases that are slow on most requests that
// answered. It never calls a slow site blocked: it looks only at requests
// that got an answer, and its severity is advisory.
func ruleSlow(f *facts, _ []Finding) []Finding {
	answered := f.where(func(o obs) bool { return o.answered() && o.r.Error == nil })
	if len(answered) == 0 {
		return nil
	}
	type pick func(probes.PhaseTimings) time.Duration
	wait := func(t probes.PhaseTimings) time.Duration {
		return max(0, t.FirstByte.D()-t.DNS.D()-t.Connect.D()-t.TLS.D())
	}
	phases := []struct {
		name     string
		limit    time.Duration
		get      pick
		remedies []string
		where    string
	}{
		{"the DNS lookup", slowDNS, func(t probes.PhaseTimings) time.Duration { return t.DNS.D() }, []string{"use-independent-dns"}, "the resolver this machine asks is slow"},
		{"the TCP connect", slowConnect, func(t probes.PhaseTimings) time.Duration { return t.Connect.D() }, []string{"disable-vpn", "change-network"}, "the path to Cloudflare is slow (Wi-Fi signal, a congested link, a distant VPN exit)"},
		{"the TLS handshake", slowTLS, func(t probes.PhaseTimings) time.Duration { return t.TLS.D() }, []string{"disable-vpn", "change-network"}, "the path to Cloudflare is slow (Wi-Fi signal, a congested link, a distant VPN exit)"},
		{"the wait for the first byte", slowFirstByte, wait, []string{"check-status", "bypass-proxy"}, "the server (or a proxy in between) is slow to answer"},
	}
	var slow []phase
	for _, p := range phases {
		var vals []time.Duration
		var worst obs
		for _, o := range answered {
			v := p.get(o.d.Timings)
			if v == 0 {
				continue // the phase did not happen (a reused connection)
			}
			vals = append(vals, v)
			// The first slow request stands for the others: the same
			// snapshot always cites the same one.
			if worst.d == nil && v > p.limit {
				worst = o
			}
		}
		if len(vals) == 0 {
			continue
		}
		slices.Sort(vals)
		med := vals[len(vals)/2]
		over := 0
		for _, v := range vals {
			if v > p.limit {
				over++
			}
		}
		// Most requests, not one unlucky one.
		if med <= p.limit || worst.d == nil {
			continue
		}
		slow = append(slow, phase{name: p.name, limit: p.limit, median: med, remedies: p.remedies,
			evidence: ev(worst.r, "%s (%s): %s took %s (slow above %s); %d of %d requests over", worst.host, worst.d.Variant.Words(), p.name,
				probes.HumanDuration(p.get(worst.d.Timings)), probes.HumanDuration(p.limit), over, len(vals)),
			sentences: p.where})
	}
	if len(slow) == 0 {
		return nil
	}
	var words, why []string
	var evs []Evidence
	var rem []string
	for _, p := range slow {
		words = append(words, fmt.Sprintf("%s takes %s (median; slow above %s)", p.name, probes.HumanDuration(p.median), probes.HumanDuration(p.limit)))
		why = append(why, p.sentences)
		evs = append(evs, p.evidence)
		rem = append(rem, p.remedies...)
	}
	summary := fmt.Sprintf("%s. Requests still succeed, so nothing is blocked: %s.", upperFirst(joinWords(words)), joinWords(uniq(why)))
	fnd := newFinding(CauseSlowNetwork, Likely, summary, evs...)
	fnd.Remedies = uniq(rem)
	return []Finding{fnd}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
