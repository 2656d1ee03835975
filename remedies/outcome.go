package remedies

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// Outcome says what an action achieved, judged by re-probing. A what-if
// re-check (KindReprobe) changes nothing on the machine, so it is never
// "fixed": it confirms or rules out a cause.
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
	// OutcomeConfirmed: a what-if re-check (bypass-proxy) that changed
	// nothing on the machine failed less: what it left out causes the
	// problem, which remains until the user acts on it.
	OutcomeConfirmed Outcome = "confirmed"
	// OutcomeRuledOut: a what-if re-check failed as much or more: what it
	// left out is not the cause.
	OutcomeRuledOut Outcome = "ruled-out"
	// OutcomeDone: the action ran and there was nothing to re-check
	// (opening a page, copying the ticket).
	OutcomeDone Outcome = "done"
	// OutcomeNotRechecked: the action ran but the re-check did not
	// measure every target measured before (or no re-check was available).
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
// before/after of an action reads: "chatgpt.com: Cloudflare 1020, through
// the proxy, browser headers; api.openai.com: 401 (API reachable, no key
// sent), through the proxy, plain Go client".
func Summarize(s probes.Snapshot) string {
	f := newFacts(s, DiagnoseContext{})
	return f.summary(f.hosts)
}

// summary describes hosts in order; a host this snapshot has no usable
// result for reads "not measured".
func (f *facts) summary(hosts []string) string {
	var parts []string
	for _, h := range hosts {
		state := "not measured"
		if len(f.ofHost(h)) > 0 {
			state = f.hostState(h)
		}
		parts = append(parts, h+": "+state)
	}
	if len(parts) == 0 {
		return "nothing measured"
	}
	return strings.Join(parts, "; ")
}

// hostState is the one observation that best describes a measured host: a
// failure when it fails (an answered one before a silent one), otherwise a
// healthy answer, preferring browser-like requests.
func (f *facts) hostState(h string) string {
	all := f.ofHost(h)
	pick := all[0]
	if f.healthy[h] {
		for _, o := range all {
			if o.healthy() && (!pick.healthy() || o.d.Variant.Headers == probes.HeadersBrowser && pick.d.Variant.Headers != probes.HeadersBrowser) {
				pick = o
			}
		}
	} else {
		for _, o := range all {
			if o.healthy() {
				continue
			}
			if pick.healthy() || (o.answered() && !pick.answered()) {
				pick = o
			}
		}
	}
	return verdictWords(pick) + ", " + pick.d.Variant.Words()
}

// recheck compares a re-check with the snapshot before an action.
type recheck struct {
	before, after *facts
}

func newRecheck(before, after probes.Snapshot) recheck {
	return recheck{newFacts(before, DiagnoseContext{}), newFacts(after, DiagnoseContext{})}
}

// complete: the re-check measured every host measured before (and at
// least one).
func (c recheck) complete() bool {
	if len(c.after.obs) == 0 {
		return false
	}
	for _, h := range c.before.hosts {
		if len(c.after.ofHost(h)) == 0 {
			return false
		}
	}
	return true
}

// hosts are the hosts of before, then any the re-check added.
func (c recheck) hosts() []string {
	out := slices.Clone(c.before.hosts)
	for _, h := range c.after.hosts {
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// outcome judges after against before by the number of hosts that fail. A
// re-check that did not measure every host measured before proves nothing
// about the ones it missed, so it is never "fixed".
func (c recheck) outcome() Outcome {
	if !c.complete() {
		return OutcomeNotRechecked
	}
	nb, na := len(c.before.failing), len(c.after.failing)
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

// whatIf judges a re-check that left suspect out ("the proxy") for that
// run only: it proves or rules out a cause and fixes nothing, and the
// words say so.
func (c recheck) whatIf(suspect string) (Outcome, string) {
	if suspect == "" {
		suspect = "what the re-check left out"
	}
	nb, na := len(c.before.failing), len(c.after.failing)
	switch c.outcome() {
	case OutcomeFixed:
		return OutcomeConfirmed, fmt.Sprintf("works without %s: %s is the cause (nothing was changed; turn %[2]s off to fix it)", suspect, suspect)
	case OutcomeImproved:
		return OutcomeConfirmed, fmt.Sprintf("%d of %d failing targets work without %s: %s causes part of the problem (nothing was changed)", nb-na, nb, suspect, suspect)
	case OutcomeWorse:
		return OutcomeRuledOut, fmt.Sprintf("more targets fail without %s: %s is not the cause, and some targets need it (nothing was changed)", suspect, suspect)
	case OutcomeUnchanged:
		if na == 0 {
			return OutcomeRuledOut, fmt.Sprintf("works with and without %s: %s is not in the way (nothing was changed)", suspect, suspect)
		}
		return OutcomeRuledOut, fmt.Sprintf("as many targets fail without %s: %s is not the cause (nothing was changed)", suspect, suspect)
	}
	return OutcomeNotRechecked, "the re-check did not measure every target, so it proves nothing"
}

// healthy: every host measured before was measured again and works.
func (c recheck) healthy() bool {
	return c.complete() && len(c.after.failing) == 0
}

// Compare judges after against before by the number of targets that fail;
// OutcomeNotRechecked when after did not measure every target before did.
func Compare(before, after probes.Snapshot) Outcome {
	return newRecheck(before, after).outcome()
}
