package session

import (
	"context"
	"sync"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/collect"
)

// Planned is a probe a run will report on, known before it answers, so a
// dashboard can draw pending rows from the first frame.
type Planned struct {
	ID     string      `json:"id"`
	Kind   probes.Kind `json:"kind"`
	Target string      `json:"target,omitempty"`
	Title  string      `json:"title"`
}

// Run is one run in progress. Results stream on Results() as probes
// finish; Wait returns the diagnosis once they all have.
type Run struct {
	// ID tags every result of the run, so a face can drop results that
	// arrive after a newer run started.
	ID string
	// Seq numbers the run within the session, from 1.
	Seq int
	// WhatIf marks a run with a changed configuration (see Diagnosis).
	WhatIf bool
	// Started is when the run began.
	Started time.Time
	// Planned lists the probes in plan order; derived cross-checks come on
	// top of them and are not known in advance.
	Planned []Planned

	s    *Session
	eng  *probes.Run
	once sync.Once
	diag Diagnosis
}

// Results streams results as probes finish. Every planned probe yields
// exactly one; derived cross-checks follow. The channel closes when the run
// is over. A caller that only wants the end state calls Wait instead.
func (r *Run) Results() <-chan probes.Result { return r.eng.Results() }

// Cancel stops the run; unfinished probes report "unknown: cancelled".
func (r *Run) Cancel() { r.eng.Cancel() }

// Wait blocks until the run is over, diagnoses it and, unless it is a
// what-if run, records it in the session's history. It may be called more
// than once and from several goroutines; the run is recorded once.
func (r *Run) Wait() Diagnosis {
	r.once.Do(func() {
		d := r.s.Diagnose(r.eng.Wait())
		d.Seq, d.WhatIf = r.Seq, r.WhatIf
		if !r.WhatIf {
			r.s.record(d)
		}
		r.diag = d
	})
	return r.diag
}

// Start begins a run of the session's plan and returns once the plan is
// built: after reading the desktop proxy settings (which decide what the
// plan probes) and before any probe answers. The run's budget covers both,
// so the configured timeout bounds the whole run.
//
// mutate, when set, changes the configuration for this run only and makes
// it a what-if run (bypass-proxy re-checks without the proxy).
func (s *Session) Start(ctx context.Context, mutate func(*probes.Config)) *Run {
	cfg := s.Config()
	if mutate != nil {
		mutate(&cfg)
	}
	world := s.opts.World
	budget := cfg.Budget
	if budget <= 0 {
		budget = probes.DefaultBudget
	}
	wallStart := time.Now()
	dctx, cancel := context.WithTimeout(ctx, budget)
	desktop := collect.ReadDesktopProxy(dctx, world)
	cancel()
	plan := collect.BuildPlan(cfg, world, desktop)
	// Zero would mean the default budget; a run whose budget the desktop
	// read used up still starts, and its probes report that time ran out.
	rest := max(budget-time.Since(wallStart), time.Nanosecond)
	eng := (&probes.Engine{Clock: world.Clock, Budget: rest}).Start(ctx, plan)
	r := &Run{ID: eng.ID, Seq: s.nextSeq(), WhatIf: mutate != nil, Started: eng.Started, s: s, eng: eng}
	for _, p := range plan.Probes {
		r.Planned = append(r.Planned, Planned{ID: p.ID, Kind: p.Kind, Target: p.Target, Title: p.Title})
	}
	return r
}
