package ui

import (
	"context"

	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// Actioner plans, runs and concludes remedy actions: the session's action
// lifecycle, step by step, so the dashboard can put a dialog between the
// plan and its execution and stream the re-check into the panes. The
// session satisfies it; tests supply a fake so the lifecycle is tested
// without running anything.
type Actioner interface {
	// PlanAction plans action id from the latest diagnosis; no network, no
	// command run.
	PlanAction(id string) (remedies.Plan, error)
	// Execute runs the plan's commands only; the caller re-checks.
	Execute(ctx context.Context, p remedies.Plan) remedies.ActionRecord
	// Conclude compares the run the plan was made from with after (the
	// re-check the caller ran and waited for; empty when the action does
	// not re-check or did not run), records the action in the session and
	// returns the finished record.
	Conclude(p remedies.Plan, rec remedies.ActionRecord, after session.Diagnosis) remedies.ActionRecord
	// Decline records that the user said no.
	Decline(p remedies.Plan) remedies.ActionRecord
}

var _ Actioner = (*session.Session)(nil)
