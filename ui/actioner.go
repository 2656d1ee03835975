package ui

import (
	"context"
	"time"

	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// Plan is one action planned for this machine, as the session plans it
// (notes/session-api.md, "being added by the actions branch"): the action
// with its risk, privilege and re-check, the exact commands and how a user
// would type them here, whether sudo is needed, and why it cannot run when
// it cannot. It is plain data; the dialog shows it and the root runs it.
type Plan struct {
	remedies.Action
	// Lines are the commands as the user would type them on this OS.
	Lines []string
	// Escalate: the commands run through sudo, which needs the terminal.
	Escalate bool
	// Blocked, when set, says why the action cannot run here and what to
	// do instead; the dialog then offers no Run button.
	Blocked string
	// Ticket is copy-ticket's text, which the dashboard puts on the
	// clipboard itself (OSC 52) rather than through a clipboard tool.
	Ticket string
	// Retry is the wait schedule of the retry action; the dashboard waits
	// the first step before re-checking.
	Retry []time.Duration
}

// Actioner plans, runs and concludes remedy actions. *session.Session will
// satisfy it once the actions branch lands (PlanAction, Execute, Conclude,
// Decline); until then sessionActions adapts the session, and tests supply a
// fake so the remedy lifecycle is tested without running anything.
type Actioner interface {
	// PlanAction plans action id from the latest diagnosis; no network, no
	// command run.
	PlanAction(id string) (Plan, error)
	// Execute runs the plan's commands only; the caller re-checks.
	Execute(ctx context.Context, p Plan) remedies.ActionRecord
	// Conclude compares the diagnosis before the action with after (the
	// re-check the caller ran and waited for), records the action in the
	// session and returns the finished record.
	Conclude(p Plan, rec remedies.ActionRecord, after session.Diagnosis) remedies.ActionRecord
	// Decline records that the user said no.
	Decline(p Plan) remedies.ActionRecord
}
