package session

import (
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// Outcome is the one-line answer about a run and the exit code that goes
// with it. Every face reads it from here, so `check`, the dashboard and
// `watch` can never disagree about whether something is wrong.
type Outcome struct {
	// Status is reachable, problem or incomplete.
	Status string `json:"status"`
	// ExitCode is the process exit code: 0 reachable, 1 problem or
	// incomplete.
	ExitCode int `json:"exit_code"`
	// Headline is the sentence a user reads first.
	Headline string `json:"headline"`
	// Counts is the number of results per status.
	Counts map[probes.Status]int `json:"counts"`
}

// Outcome statuses.
const (
	OutcomeReachable  = "reachable"
	OutcomeProblem    = "problem"
	OutcomeIncomplete = "incomplete"
)

// Decide judges a run: a problem when any probe failed or the diagnosis is
// confident of a cause; incomplete when a target's reachability could not
// be confirmed (a probe timed out); reachable otherwise. It is a pure
// function of the snapshot and its findings.
func Decide(s probes.Snapshot, findings []remedies.Finding) Outcome {
	o := Outcome{Counts: map[probes.Status]int{}}
	failed, unconfirmed := false, false
	for _, r := range s.Results {
		o.Counts[r.Status]++
		switch {
		case r.Status == probes.StatusFail:
			failed = true
		case r.Status == probes.StatusUnknown && (r.Kind == probes.KindEndpoint || r.Kind == probes.KindMatrix):
			unconfirmed = true
		}
	}
	confident := false
	for _, f := range findings {
		if f.Confidence == remedies.Confirmed || f.Confidence == remedies.Likely {
			confident = true
			break
		}
	}
	switch {
	case failed || confident:
		o.Status, o.ExitCode = OutcomeProblem, 1
		o.Headline = "A problem was found"
		if len(findings) > 0 && findings[0].Title != "" {
			o.Headline = findings[0].Title
		}
	case unconfirmed:
		o.Status, o.ExitCode = OutcomeIncomplete, 1
		o.Headline = "Some targets could not be checked before the time budget ran out"
	default:
		o.Status, o.ExitCode = OutcomeReachable, 0
		o.Headline = "Every target answered as expected from this machine"
	}
	return o
}
