package session

import (
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// Outcome is the one-line answer about a run and the exit code that goes
// with it. Every face reads it from here, so `check`, the dashboard and
// `watch` can never disagree about whether something is wrong.
type Outcome struct {
	// Status is reachable, problem or incomplete (not_checked: a dry run).
	Status string `json:"status"`
	// ExitCode is the process exit code: 0 reachable (or not checked), 1
	// problem or incomplete.
	ExitCode int `json:"exit_code"`
	// Headline is the sentence a user reads first: what they saw, named
	// as they would search for it ("Error 1020 — Cloudflare's firewall
	// denies chatgpt.com …"). remedies.HeadlineOf builds it.
	Headline string `json:"headline"`
	// Code is what the user saw in a few characters ("1020", "429
	// insufficient_quota", "NXDOMAIN"); empty when nothing failed.
	Code string `json:"code,omitempty"`
	// MostLikely is the second line: the top cause and the first thing to
	// do, or, when nothing failed, what is left to try in the browser.
	MostLikely string `json:"most_likely,omitempty"`
	// Counts is the number of results per status.
	Counts map[probes.Status]int `json:"counts"`
}

// Outcome statuses.
const (
	OutcomeReachable  = "reachable"
	OutcomeProblem    = "problem"
	OutcomeIncomplete = "incomplete"
	// OutcomeNotChecked is a document of a dry run (fix --dry-run --json):
	// nothing was checked, so it says nothing about reachability, and its
	// exit code is 0 because the dry run did what it was asked.
	OutcomeNotChecked = "not_checked"
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
		// Advice (a slow but working path) is no problem to exit 1 for.
		if f.Severity == remedies.Advisory {
			continue
		}
		if f.Confidence == remedies.Confirmed || f.Confidence == remedies.Likely {
			confident = true
			break
		}
	}
	h := remedies.HeadlineOf(s, findings, remedies.DiagnoseContext{})
	o.Headline, o.Code, o.MostLikely = h.Text, h.Code, h.MostLikely
	switch {
	case failed || confident:
		o.Status, o.ExitCode = OutcomeProblem, 1
	case unconfirmed:
		o.Status, o.ExitCode = OutcomeIncomplete, 1
		o.Headline = "Some targets could not be checked before the time budget ran out"
		if h.Code == "" {
			o.Headline += ": " + h.Text
		}
	default:
		o.Status, o.ExitCode = OutcomeReachable, 0
	}
	return o
}
