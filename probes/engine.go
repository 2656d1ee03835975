package probes

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// DefaultBudget is the overall time a run may take. Eight seconds is long
// enough for a TLS handshake and a first byte across a slow mobile link plus
// one retry of a lost SYN (the Linux initial RTO is 1 s), and short enough
// that someone staring at a blocked chat page still waits for the answer.
const DefaultBudget = 8 * time.Second

// returnGrace is how long the engine waits, after a probe's context ends,
// for the probe to hand back its own (more precise) timeout result before it
// writes "unknown: timed out" on the probe's behalf. Probes that honour their
// context return well within it.
const returnGrace = 150 * time.Millisecond

// Probe is one unit of work in a plan.
type Probe struct {
	// ID is unique within the plan and stable across runs.
	ID     string
	Kind   Kind
	Target string
	Title  string
	// Timeout bounds this probe alone. Each probe family declares its value
	// as a named constant with the reason for it. Zero means the run budget.
	Timeout time.Duration
	// Run measures. It must honour ctx and return promptly when it ends.
	Run func(ctx context.Context) Result
}

// Derivation turns the finished results into cross-check results ("the IP
// Cloudflare sees differs from the one DNS whoami reports"). Derivations run
// once every probe has reported or the budget has run out.
type Derivation func(results []Result) []Result

// Plan is what one run measures. Building a plan is a pure function of the
// configuration (see BuildPlan), tested apart from any I/O.
type Plan struct {
	Probes []Probe
	Derive []Derivation
}

// Engine runs plans.
type Engine struct {
	// Clock stamps results (Started, and Duration from it); nil means the
	// system clock.
	Clock Clock
	// Budget bounds a whole run; zero means DefaultBudget.
	Budget time.Duration
	// ReturnGrace is how long a probe whose context ended may take to hand
	// back its own result; zero means returnGrace. Tests of probes that
	// never return shorten it.
	ReturnGrace time.Duration
}

// Run is one execution of a plan. Results stream on Results() as probes
// finish, each tagged with the run's ID; the channel closes when every probe
// has reported (or been reported as timed out) and derivations have run.
type Run struct {
	ID      string
	Started time.Time

	results chan Result
	cancel  context.CancelFunc
	done    chan struct{}

	mu        sync.Mutex
	collected []Result
	finished  time.Time
}

// Results streams results as they finish. Every probe in the plan yields
// exactly one result.
func (r *Run) Results() <-chan Result { return r.results }

// Cancel stops the run; unfinished probes report "unknown: cancelled".
func (r *Run) Cancel() { r.cancel() }

// Wait blocks until the run is over and returns its snapshot. It drains
// Results itself, so a caller that only wants the end state need not read
// the channel.
func (r *Run) Wait() Snapshot {
	for range r.results {
	}
	<-r.done
	return r.snapshot()
}

func (r *Run) snapshot() Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Snapshot{RunID: r.ID, Started: r.Started, Finished: r.finished, Results: append([]Result(nil), r.collected...)}
}

// Start begins a run and returns at once.
func (e *Engine) Start(ctx context.Context, plan Plan) *Run {
	clock := e.Clock
	if clock == nil {
		clock = SystemClock{}
	}
	budget := e.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	grace := e.ReturnGrace
	if grace <= 0 {
		grace = returnGrace
	}
	runCtx, cancelBudget := context.WithTimeout(ctx, budget)
	runCtx, cancel := context.WithCancel(runCtx)
	run := &Run{
		ID:      newRunID(),
		Started: clock.Now(),
		results: make(chan Result, len(plan.Probes)+16),
		cancel:  cancel,
		done:    make(chan struct{}),
	}
	internal := make(chan Result, len(plan.Probes))
	var wg sync.WaitGroup
	for _, p := range plan.Probes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			internal <- runOne(runCtx, ctx, p, budget, grace, clock, run.ID)
		}()
	}
	go func() {
		wg.Wait()
		close(internal)
	}()
	go func() {
		defer close(run.done)
		defer cancelBudget()
		defer cancel()
		order := make(map[string]int, len(plan.Probes))
		for i, p := range plan.Probes {
			order[p.ID] = i
		}
		got := make([]Result, 0, len(plan.Probes))
		for res := range internal {
			got = append(got, res)
			run.results <- res
		}
		sortByPlan(got, order)
		for i, d := range plan.Derive {
			for _, res := range safeDerive(i, d, got[:len(got):len(got)]) {
				res.RunID = run.ID
				if res.Started.IsZero() {
					res.Started = clock.Now()
				}
				run.results <- res
				got = append(got, res)
			}
		}
		run.mu.Lock()
		run.collected = got // plan order, then derivations
		run.finished = clock.Now()
		run.mu.Unlock()
		close(run.results)
	}()
	return run
}

// runOne runs a probe under its own timeout and returns exactly one result,
// even when the probe overruns, panics or ignores its context (after
// grace). Started and Duration both come from clock, so a run stamped by
// a fake clock says how long each probe took by that clock.
func runOne(runCtx, parent context.Context, p Probe, budget, grace time.Duration, clock Clock, runID string) Result {
	timeout := p.Timeout
	if timeout <= 0 || timeout > budget {
		timeout = budget
	}
	pctx, cancel := context.WithTimeout(runCtx, timeout)
	defer cancel()
	started := clock.Now()
	resc := make(chan Result, 1)
	go func() { resc <- safeRun(pctx, p) }()

	var res Result
	select {
	case res = <-resc:
	case <-pctx.Done():
		graceTimer := time.NewTimer(grace)
		select {
		case res = <-resc:
		case <-graceTimer.C:
			res = Result{Status: StatusUnknown, Reason: timeoutReason(pctx, runCtx, parent, timeout, budget)}
		}
		graceTimer.Stop()
	}
	res.RunID = runID
	res.ID = p.ID
	res.Kind = p.Kind
	res.Target = p.Target
	if res.Title == "" {
		res.Title = p.Title
	}
	res.Started = started
	res.Duration = Millis(clock.Now().Sub(started))
	if res.Status == "" {
		res.Status = StatusUnknown
		if res.Reason == "" {
			res.Reason = "probe returned no status"
		}
	}
	return res
}

// timeoutReason says which limit ended a probe, so "the budget ran out"
// never reads like "the server is down".
func timeoutReason(pctx, runCtx, parent context.Context, timeout, budget time.Duration) string {
	switch {
	case parent.Err() != nil:
		return "cancelled before it finished"
	case runCtx.Err() == context.DeadlineExceeded:
		return fmt.Sprintf("timed out: the %s run budget ran out before this probe finished", budget)
	case runCtx.Err() != nil:
		return "cancelled before it finished"
	default:
		return fmt.Sprintf("timed out: no answer within this probe's %s limit", timeout)
	}
}

func safeRun(ctx context.Context, p Probe) (res Result) {
	defer func() {
		if v := recover(); v != nil {
			res = Result{
				Status: StatusUnknown,
				Reason: fmt.Sprintf("probe crashed: %v", v),
				Error:  &StepError{Step: "internal", Message: fmt.Sprintf("%s: panic: %v", p.ID, v)},
			}
		}
	}()
	if p.Run == nil {
		return Result{Status: StatusSkipped, Reason: "nothing to run"}
	}
	return p.Run(ctx)
}

// safeDerive runs the i-th derivation of a plan. One that panics yields
// an unknown result saying so, as a probe that panics does, rather than
// vanishing from the run.
func safeDerive(i int, d Derivation, results []Result) (out []Result) {
	defer func() {
		if v := recover(); v != nil {
			id := fmt.Sprintf("derive:%d", i+1)
			out = []Result{{
				ID:     id,
				Title:  "Cross-check of the results",
				Status: StatusUnknown,
				Reason: fmt.Sprintf("cross-check crashed: %v", v),
				Error:  &StepError{Step: "internal", Message: fmt.Sprintf("%s: panic: %v", id, v)},
			}}
		}
	}()
	return d(results)
}

func sortByPlan(rs []Result, order map[string]int) {
	// insertion sort: plans are small and mostly in order already
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && order[rs[j].ID] < order[rs[j-1].ID]; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

func newRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
