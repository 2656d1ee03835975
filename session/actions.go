package session

import (
	"context"
	"errors"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// An action's lifecycle is plan -> confirm -> execute -> re-check ->
// conclude, each step a call a face makes when it is ready: the CLI asks
// on the terminal between PlanAction and Execute, the dashboard shows a
// dialog and runs Execute and the re-check as commands with a spinner.
// Apply runs the steps after the confirmation headless.

// PlanAction plans an action from the latest diagnosis (from nothing when
// no run has finished yet), for the world's machine: its OS, its tools
// (found with the world runner's LookPath, the only thing planning runs)
// and whether gptdoctor has admin rights there. An unknown ID is an
// error.
func (s *Session) PlanAction(id string) (remedies.Plan, error) {
	latest, _ := s.Latest()
	p, err := s.PlanActionFrom(latest.Snapshot, id)
	p.Basis = latest.Seq
	return p, err
}

// PlanActionFrom plans an action from a snapshot the caller holds (a dry
// run plans from ProbeLocal's). The support ticket quotes the snapshot's
// diagnosis and the session's actions as "already tried".
func (s *Session) PlanActionFrom(snap probes.Snapshot, id string) (remedies.Plan, error) {
	env := s.actionEnv()
	if id == remedies.ActionCopyTicket {
		env.Ticket = remedies.SupportTicket(snap, remedies.Diagnose(snap, s.DiagnoseContext()), s.Actions())
	}
	return remedies.PlanFor(snap, env, id, s.isAdmin())
}

// actionEnv describes the world's machine for planning.
func (s *Session) actionEnv() remedies.ActionEnv {
	w := s.opts.World
	env := remedies.ActionEnv{GOOS: s.GOOS(), StatusPage: remedies.StatusPageFor(s.opts.Config.StatusURL)}
	if w.Runner != nil {
		env.LookPath = w.Runner.LookPath
	}
	if w.LookupEnv != nil {
		env.Getenv = func(k string) string { v, _ := w.LookupEnv(k); return v }
	}
	return env
}

func (s *Session) isAdmin() bool {
	if s.opts.IsAdmin != nil {
		return s.opts.IsAdmin()
	}
	return remedies.IsAdmin()
}

// Execute runs an agreed plan's commands through the world's runner (the
// lab's staged machine in a demo, never this one) and returns the record.
// It re-checks nothing and records nothing: Conclude does both once the
// caller's re-check run is over.
func (s *Session) Execute(ctx context.Context, plan remedies.Plan) remedies.ActionRecord {
	return remedies.Execute(ctx, s.runner(), plan, s.Now)
}

// runner is the world's, or one that finds nothing when the world has
// none (a test world): an action then cannot run, and says so.
func (s *Session) runner() command.Runner {
	if s.opts.World.Runner != nil {
		return s.opts.World.Runner
	}
	return noRunner{}
}

// Conclude compares the run the plan was made from with after (the
// re-check the caller started with s.Start(ctx, plan.Mutate) and waited
// for), fills the record's before, after and outcome, records the action
// in the session and returns it. A record whose commands did not run is
// recorded as it is.
func (s *Session) Conclude(plan remedies.Plan, rec remedies.ActionRecord, after Diagnosis) remedies.ActionRecord {
	rec = remedies.Conclude(plan, rec, s.basis(plan).Snapshot, after.Snapshot)
	return s.finish(rec)
}

// Apply is the headless lifecycle after the user agreed: Execute, then
// the re-check (for retry, one per step of its back-off, waiting with the
// session's sleeper, until the targets answer or the attempts run out),
// then Conclude. The record is in the session when it returns.
func (s *Session) Apply(ctx context.Context, plan remedies.Plan) remedies.ActionRecord {
	rec := s.Execute(ctx, plan)
	if !rec.Ran() || !plan.Action.Recheck {
		return s.finish(rec)
	}
	if plan.Action.Kind != remedies.KindRetry {
		return s.Conclude(plan, rec, s.Start(ctx, plan.Mutate).Wait())
	}
	before := s.basis(plan)
	last := before
	for i, wait := range plan.Retry {
		if err := s.sleep(ctx, wait); err != nil {
			return s.finish(remedies.Stopped(plan, rec, before.Snapshot, last.Snapshot, i, err))
		}
		last = s.Start(ctx, nil).Wait()
		if remedies.Healthy(before.Snapshot, last.Snapshot) {
			break
		}
	}
	return s.Conclude(plan, rec, last)
}

// Decline records an action the user said no to.
func (s *Session) Decline(plan remedies.Plan) remedies.ActionRecord {
	return s.finish(remedies.Refused(plan, s.Now(), nil))
}

// finish times the record to now and keeps it.
func (s *Session) finish(rec remedies.ActionRecord) remedies.ActionRecord {
	if !rec.Started.IsZero() {
		rec.Duration = probes.Millis(s.Now().Sub(rec.Started))
	}
	s.AddAction(rec)
	return rec
}

// basis is the run a plan was made from, if the history still holds it.
func (s *Session) basis(plan remedies.Plan) Diagnosis {
	runs, _ := s.History()
	for _, d := range runs {
		if d.Seq == plan.Basis && plan.Basis != 0 {
			return d
		}
	}
	return Diagnosis{}
}

// sleep waits d with the session's sleeper.
func (s *Session) sleep(ctx context.Context, d time.Duration) error {
	if s.opts.Sleep != nil {
		return s.opts.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

// Sleep is the real sleeper: it waits d, or returns ctx's error when ctx
// ends first. A face that says what it waits for wraps it.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ProbeLocal runs the probes planning reads that neither send anything
// nor run a command: the DNS configuration from files and the process
// list (its `resolvectl status` is not run). A dry run plans from it, so
// it runs nothing and sends nothing.
func (s *Session) ProbeLocal(ctx context.Context) probes.Snapshot {
	w := s.opts.World
	w.Runner = lookOnly{s.runner()}
	return s.probeOnly(ctx, w, "dns:config")
}

// lookOnly finds programs and runs none.
type lookOnly struct{ command.Runner }

var errDryRun = errors.New("not run: a dry run runs nothing")

func (lookOnly) Run(context.Context, []string, []byte) (command.Output, error) {
	return command.Output{ExitCode: -1}, errDryRun
}
func (lookOnly) Launch([]string) error { return errDryRun }

// noRunner is a world without commands.
type noRunner struct{}

func (noRunner) Run(_ context.Context, argv []string, _ []byte) (command.Output, error) {
	return command.Output{ExitCode: -1}, command.NotFound(argv[0])
}
func (noRunner) Launch(argv []string) error           { return command.NotFound(argv[0]) }
func (noRunner) LookPath(name string) (string, error) { return "", command.NotFound(name) }
