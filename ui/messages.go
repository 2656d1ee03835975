package ui

import (
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// runPurpose says why a run was started, which decides what its end does.
type runPurpose int

const (
	purposeRefresh runPurpose = iota // the first run, r, or the interval
	purposeRecheck                   // the re-check after a remedy
)

// runStartedMsg: a run has its plan and is probing.
type runStartedMsg struct {
	run     *session.Run
	purpose runPurpose
}

// resultMsg is one result of run runID. Results of a run that is no longer
// the newest are drained and dropped.
type resultMsg struct {
	runID string
	run   *session.Run
	res   probes.Result
}

// resultsClosedMsg: run runID has no more results; its diagnosis follows.
type resultsClosedMsg struct {
	runID string
	run   *session.Run
}

// runDoneMsg is a finished run, diagnosed.
type runDoneMsg struct {
	runID string
	diag  session.Diagnosis
}

// refreshMsg is the interval timer; gen drops timers that were re-armed.
type refreshMsg struct{ gen int }

// tickMsg advances the spinner and the "12s ago" age; gen drops ticks of an
// older tick loop.
type tickMsg struct{ gen int }

// planMsg is a planned action, ready for the confirmation dialog.
type planMsg struct {
	plan   remedies.Plan
	err    error
	remedy string // the remedy the plan applies
	byKey  bool   // opened by a keypress: no grace period needed
	direct bool   // run without a dialog (o: open the status page)
}

// actionRanMsg: the action's commands ran (or could not).
type actionRanMsg struct {
	plan remedies.Plan
	rec  remedies.ActionRecord
}

// retryWaitMsg: the retry action's wait is over; re-check now.
type retryWaitMsg struct{ id int }

// exportedMsg: a report was written (or not).
type exportedMsg struct {
	path string
	err  error
}

// browsersMsg lists the browsers found on the session's machine.
type browsersMsg []string
