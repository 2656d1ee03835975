package ui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// sessionActions is the Actioner over a session built from what the
// remedies package offers today (PlanAction, the runner, Summarize and
// Compare). It is replaced by the session's own PlanAction/Execute/Conclude
// when the actions branch lands.
//
// In the demo the machine is the lab's staged one, and this adapter has no
// way to run a command there, so commands, launches and clipboard tools are
// blocked with a reason; re-checks (bypass-proxy, retry) and the support
// ticket (copied by the dashboard itself) work everywhere.
type sessionActions struct {
	s      *session.Session
	runner remedies.Runner
	now    func() time.Time

	mu     sync.Mutex
	before map[string]session.Diagnosis // the latest run when each action ran
}

func newSessionActions(s *session.Session, now func() time.Time) *sessionActions {
	return &sessionActions{s: s, runner: remedies.ExecRunner{}, now: now, before: map[string]session.Diagnosis{}}
}

func (a *sessionActions) demo() bool { return a.s.Mode() == "demo" }

func (a *sessionActions) env() remedies.ActionEnv {
	e := remedies.ActionEnv{
		GOOS:       a.s.GOOS(),
		StatusPage: remedies.StatusPageFor(a.s.Config().StatusURL),
	}
	if !a.demo() {
		e.LookPath = a.runner.LookPath
		e.Getenv = os.Getenv
	}
	return e
}

// PlanAction implements Actioner.
func (a *sessionActions) PlanAction(id string) (Plan, error) {
	d, ok := a.s.Latest()
	if !ok {
		return Plan{}, fmt.Errorf("plan %s: no finished run to plan from yet", id)
	}
	env := a.env()
	ticket := ""
	if id == remedies.ActionCopyTicket {
		ticket = remedies.SupportTicket(d.Snapshot, d.Findings, remedies.Session{Records: a.s.Actions()})
		env.Ticket = ticket
	}
	act, ok := remedies.PlanAction(d.Snapshot, env, id)
	if !ok {
		return Plan{}, fmt.Errorf("plan %s: unknown action (known: %s)", id, strings.Join(remedies.ActionIDs, ", "))
	}
	p := Plan{Action: act, Ticket: ticket, Blocked: act.Unavailable}
	p.Escalate = act.Privilege == remedies.PrivilegeAdmin && len(act.Commands) > 0 && !remedies.IsAdmin()
	if p.Escalate {
		cmds := make([][]string, len(act.Commands))
		for i, c := range act.Commands {
			cmds[i] = remedies.SudoArgv(c)
		}
		p.Commands = cmds
	}
	for _, c := range p.Commands {
		p.Lines = append(p.Lines, remedies.CommandLine(env.GOOS, c))
	}
	if act.Kind == remedies.KindRetry {
		p.Retry = remedies.Backoff(0, 1)
	}
	if p.Blocked == "" && a.demo() && (act.Kind == remedies.KindCommand || act.Kind == remedies.KindOpen) {
		p.Blocked = "in the demo this runs on the lab's staged machine, which this build cannot do yet; the commands above are what it would run"
	}
	return p, nil
}

// Execute implements Actioner: it runs the commands (or launches), nothing
// else.
func (a *sessionActions) Execute(ctx context.Context, p Plan) remedies.ActionRecord {
	rec := remedies.ActionRecord{Action: p.ID, Title: p.Title, Commands: p.Commands, Escalated: p.Escalate, Started: a.now(), ExitCode: -1}
	if d, ok := a.s.Latest(); ok {
		a.mu.Lock()
		a.before[p.ID] = d
		a.mu.Unlock()
	}
	if p.Blocked != "" {
		rec.Outcome, rec.Err = remedies.OutcomeFailed, p.Blocked
		return rec
	}
	var out []string
	for _, c := range p.Commands {
		if p.Kind == remedies.KindOpen {
			if err := a.runner.Launch(c); err != nil {
				rec.Outcome, rec.Err = remedies.OutcomeFailed, clean(fmt.Sprintf("could not start %s: %v", remedies.CommandLine(a.s.GOOS(), c), err))
				return rec
			}
			rec.ExitCode = 0
			continue
		}
		var stdin []byte
		if p.Kind == remedies.KindClipboard {
			stdin = []byte(p.Stdin)
		}
		res, err := a.runner.Run(ctx, c, stdin)
		rec.ExitCode = res.ExitCode
		if s := strings.TrimSpace(res.Combined()); s != "" {
			out = append(out, s)
		}
		rec.Output = sanitize.Text(sanitize.Secrets(strings.Join(out, "\n")), 4000)
		if err != nil {
			rec.Outcome, rec.Err = remedies.OutcomeFailed, clean(fmt.Sprintf("%s failed: %v", remedies.CommandLine(a.s.GOOS(), c), err))
			return rec
		}
	}
	if len(p.Commands) == 0 {
		rec.ExitCode = 0
	}
	rec.Duration = probes.Millis(a.now().Sub(rec.Started))
	return rec
}

// Conclude implements Actioner.
func (a *sessionActions) Conclude(p Plan, rec remedies.ActionRecord, after session.Diagnosis) remedies.ActionRecord {
	a.mu.Lock()
	before, ok := a.before[p.ID]
	delete(a.before, p.ID)
	a.mu.Unlock()
	if !ok {
		before, _ = a.s.Latest()
	}
	switch {
	case rec.Outcome == remedies.OutcomeFailed:
	case after.Snapshot.RunID == "":
		rec.Outcome = remedies.OutcomeDone
	default:
		rec.Before = remedies.Summarize(before.Snapshot)
		rec.After = remedies.Summarize(after.Snapshot)
		o := remedies.Compare(before.Snapshot, after.Snapshot)
		if p.Kind == remedies.KindReprobe {
			switch o {
			case remedies.OutcomeFixed, remedies.OutcomeImproved:
				o = remedies.OutcomeConfirmed
			case remedies.OutcomeNotRechecked:
			default:
				o = remedies.OutcomeRuledOut
			}
		}
		rec.Outcome = o
	}
	rec.Duration = probes.Millis(a.now().Sub(rec.Started))
	a.s.AddAction(rec)
	return rec
}

// Decline implements Actioner.
func (a *sessionActions) Decline(p Plan) remedies.ActionRecord {
	rec := remedies.ActionRecord{Action: p.ID, Title: p.Title, Commands: p.Commands, Started: a.now(), ExitCode: -1, Outcome: remedies.OutcomeDeclined}
	a.s.AddAction(rec)
	return rec
}

func clean(s string) string { return sanitize.Line(sanitize.Secrets(s)) }
