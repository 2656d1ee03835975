package remedies

import (
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// Outcome says what an action achieved, judged by re-probing.
type Outcome string

// Outcomes.
const (
	// OutcomeFixed: every target works now and at least one did not before.
	OutcomeFixed Outcome = "fixed"
	// OutcomeImproved: fewer targets fail than before.
	OutcomeImproved Outcome = "improved"
	// OutcomeUnchanged: the same number of targets fail (or all still work).
	OutcomeUnchanged Outcome = "unchanged"
	// OutcomeWorse: more targets fail than before.
	OutcomeWorse Outcome = "worse"
	// OutcomeDone: the action ran and there was nothing to re-check
	// (opening a page, copying the ticket).
	OutcomeDone Outcome = "done"
	// OutcomeNotRechecked: the action ran but the re-check measured
	// nothing (or no re-check was available).
	OutcomeNotRechecked Outcome = "not-rechecked"
	// OutcomeDryRun: shown, not run.
	OutcomeDryRun Outcome = "dry-run"
	// OutcomeInstructions: an instruction-only action was shown.
	OutcomeInstructions Outcome = "instructions"
	// OutcomeDeclined: the user said no (or no one could be asked).
	OutcomeDeclined Outcome = "declined"
	// OutcomeFailed: the action could not run or its command failed.
	OutcomeFailed Outcome = "failed"
)

// Summarize describes each measured target in a few words, the way the
// before/after of an action reads: "chatgpt.com: Cloudflare 1020 via
// proxy; api.openai.com: 401 (API reachable, no key sent) via proxy".
func Summarize(s probes.Snapshot) string {
	f := newFacts(s, DiagnoseContext{})
	var parts []string
	for _, h := range f.hosts {
		parts = append(parts, h+": "+f.hostState(h))
	}
	if len(parts) == 0 {
		return "nothing measured"
	}
	return strings.Join(parts, "; ")
}

// hostState is the one observation that best describes a host: a failure
// when it fails (an answered one before a silent one), otherwise a healthy
// answer, preferring browser-like requests.
func (f *facts) hostState(h string) string {
	all := f.ofHost(h)
	var pick obs
	switch {
	case f.hostHealthy(h):
		pick = all[0]
		for _, o := range all {
			if o.healthy() && (!pick.healthy() || o.d.Variant.Headers == probes.HeadersBrowser && pick.d.Variant.Headers != probes.HeadersBrowser) {
				pick = o
			}
		}
	default:
		pick = all[0]
		for _, o := range all {
			if o.healthy() {
				continue
			}
			if pick.healthy() || (o.answered() && !pick.answered()) {
				pick = o
			}
		}
	}
	return verdictWords(pick) + " " + pathWords(pick)
}

func pathWords(o obs) string {
	w := "direct"
	if o.viaProxy() {
		w = "via proxy"
	}
	if o.d.Variant.Family == probes.FamilyIPv6 {
		w += " over IPv6"
	}
	return w
}

// Compare judges after against before by the number of targets that fail.
func Compare(before, after probes.Snapshot) Outcome {
	fa := newFacts(after, DiagnoseContext{})
	if len(fa.obs) == 0 {
		return OutcomeNotRechecked
	}
	nb := len(newFacts(before, DiagnoseContext{}).failingHosts())
	na := len(fa.failingHosts())
	switch {
	case na == 0 && nb > 0:
		return OutcomeFixed
	case na < nb:
		return OutcomeImproved
	case na > nb:
		return OutcomeWorse
	}
	return OutcomeUnchanged
}

// healthyNow reports whether every measured target works: the retry loop
// stops there.
func healthyNow(s probes.Snapshot) bool {
	f := newFacts(s, DiagnoseContext{})
	return len(f.obs) > 0 && len(f.failingHosts()) == 0
}
