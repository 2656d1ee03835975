package remedies

import (
	"slices"
	"sort"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"

	"github.com/gptdoctor/gptdoctor/probes"
)

// Finding is one conclusion about why ChatGPT or the API fails from here:
// the cause, how sure the rules are, the evidence that proves it, and what
// to do, in order.
type Finding struct {
	// Cause is a cause ID from the catalogue.
	Cause string `json:"cause"`
	// Title is the cause's title.
	Title string `json:"title"`
	// Summary says, for this snapshot, what was seen and what it means
	// ("Cloudflare blocks chatgpt.com (1020) while a WireGuard VPN carries
	// your traffic …").
	Summary string `json:"summary"`
	// Confidence is how sure the rules are: confirmed (a measurement proves
	// the cause), likely (the evidence fits it best but cannot prove it) or
	// possible (worth checking; nothing contradicts it).
	Confidence Confidence `json:"confidence"`
	// Severity is how much the cause hurts: blocking (the service cannot be
	// used until it is fixed), degrading (it fails some of the time or for
	// some uses) or advisory (nothing measured says it is broken).
	Severity Severity `json:"severity"`
	// Evidence points at the results that support the finding.
	Evidence []Evidence `json:"evidence"`
	// Remedies are remedy IDs, best first, already limited to those that
	// apply on the diagnosed OS.
	Remedies []string `json:"remedies"`
}

// DiagnoseContext is what the rules need besides the snapshot. It holds no
// I/O: the caller fills it from flags and the environment.
type DiagnoseContext struct {
	// GOOS limits remedies to those that apply on this system; empty keeps
	// all.
	GOOS string
	// APIKeyConfigured says an API key was present for this run, so an API
	// answering "missing key" means it was lost on the way.
	APIKeyConfigured bool
	// Targets are the probed targets; they say which hosts are web pages
	// and which are APIs. Without them the snapshot's shape decides.
	Targets []probes.Target
}

// Diagnose turns a snapshot into ranked findings: confirmed before likely
// before possible, then blocking before degrading before advisory, then in
// catalogue order. It is a pure function. It returns nil when the snapshot
// holds no usable measurement at all (every probe skipped or unknown): with
// no evidence there is nothing to conclude.
func Diagnose(s probes.Snapshot, ctx DiagnoseContext) []Finding {
	f := newFacts(s, ctx)
	var found []Finding
	for _, r := range rules {
		found = append(found, r.eval(f, found)...)
	}
	found = merge(found)
	found = suppress(found)
	ruledOut := map[string]bool{
		ActionBypassProxy: !f.anyProxied(),                            // no request went through a proxy
		"disable-vpn":     len(f.vpn) > 0 && len(f.vpnTorWarp()) == 0, // the VPN check ran and found none
	}
	for i := range found {
		found[i] = finish(found[i], ctx.GOOS, ruledOut)
	}
	sort.SliceStable(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.Confidence.rank() != b.Confidence.rank() {
			return a.Confidence.rank() < b.Confidence.rank()
		}
		if a.Severity.rank() != b.Severity.rank() {
			return a.Severity.rank() < b.Severity.rank()
		}
		return causeIndex(a.Cause) < causeIndex(b.Cause)
	})
	if len(found) == 0 {
		return nil
	}
	return found
}

// newFinding starts a finding with the catalogue's title, severity and
// remedies; rules override the remedies when the evidence calls for a
// different order.
func newFinding(cause string, conf Confidence, summary string, evidence ...Evidence) Finding {
	c := causeOf(cause)
	return Finding{
		Cause:      cause,
		Title:      c.Title,
		Summary:    summary,
		Confidence: conf,
		Severity:   c.Severity,
		Evidence:   evidence,
		Remedies:   slices.Clone(c.Remedies),
	}
}

// merge folds findings of the same cause into one: the strongest confidence
// and its summary win, the evidence is the union.
func merge(list []Finding) []Finding {
	var out []Finding
	at := map[string]int{}
	for _, f := range list {
		i, seen := at[f.Cause]
		if !seen {
			at[f.Cause] = len(out)
			out = append(out, f)
			continue
		}
		g := &out[i]
		if f.Confidence.rank() < g.Confidence.rank() {
			g.Confidence, g.Summary, g.Remedies = f.Confidence, f.Summary, f.Remedies
			g.Evidence = append(slices.Clone(f.Evidence), g.Evidence...)
		} else {
			g.Evidence = append(g.Evidence, f.Evidence...)
		}
	}
	return out
}

// suppressedBy lists, for a cause that is confirmed, the causes it explains
// away whatever their own confidence. A confirmed outage explains 5xx
// answers and leaves nothing for the browser or the account to be blamed
// for (it does not explain a 1020, so IP findings stay); a captive portal
// explains failed connections, odd DNS answers, odd certificates and odd
// pages; a hijacked DNS answer explains the page or silence that came back.
var suppressedBy = map[string][]string{
	CauseOutage:         {CauseServerError, CauseOriginError, CauseAccountFlag, CauseBrowserState},
	CauseCaptivePortal:  {CauseNoConnectivity, CauseDNSHijack, CauseOriginError, CauseSecuritySoftware, CauseBrowserState},
	CauseNoConnectivity: {CauseBrowserState, CauseAccountFlag},
	CauseDNSHijack:      {CauseOriginError, CauseNoConnectivity},
	CauseProxyPath:      {CauseOriginError},
}

func suppress(list []Finding) []Finding {
	drop := map[string]bool{}
	for _, f := range list {
		if f.Confidence == Confirmed {
			for _, c := range suppressedBy[f.Cause] {
				drop[c] = true
			}
		}
	}
	var out []Finding
	for _, f := range list {
		if drop[f.Cause] {
			continue
		}
		out = append(out, f)
	}
	return out
}

// maxSummary bounds a finding's summary: a few sentences, even when remote
// text (an incident title, a proxy URL) is quoted in it.
const maxSummary = 1200

// finish sanitises the summary (it quotes remote text), removes duplicate
// evidence and drops remedies that do not apply on goos or whose subject
// the run ruled out (no proxy to bypass, no VPN to turn off).
func finish(f Finding, goos string, ruledOut map[string]bool) Finding {
	f.Summary = sanitize.LineN(sanitize.Secrets(f.Summary), maxSummary)
	var evs []Evidence
	seen := map[Evidence]bool{}
	for _, e := range f.Evidence {
		if !seen[e] {
			seen[e] = true
			evs = append(evs, e)
		}
	}
	f.Evidence = evs
	var rem []string
	for _, id := range uniq(f.Remedies) {
		if ruledOut[id] {
			continue // what it would undo is not there
		}
		if r, ok := RemedyByID(id); ok && r.AppliesTo(goos) {
			rem = append(rem, id)
		}
	}
	f.Remedies = rem
	return f
}
