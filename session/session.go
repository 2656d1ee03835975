package session

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/collect"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// DefaultHistory is how many finished runs a session keeps in full. A
// dashboard refreshing every minute holds well over an hour of runs, enough
// for any sparkline, while a session left open for days stays bounded
// (older runs are dropped oldest first; their count is kept).
const DefaultHistory = 100

// Options configure a session. Config and World are required; the rest
// describe the session in what it records.
type Options struct {
	// Mode names the face that runs the session: check, demo, fix,
	// dashboard, report or watch.
	Mode string
	// Scenario names the lab scenario when the world is the lab.
	Scenario string
	// Version is the build's version, recorded in documents.
	Version string
	// Config is what every run probes and how.
	Config probes.Config
	// World is what the probes touch: the real machine or the lab. Its
	// GOOS is the system the remedies reason about, so a demo reasons as
	// the lab's staged machine, whatever this one is.
	World probes.World
	// Settings is the configuration as recorded in documents.
	Settings Settings
	// History caps the finished runs kept; zero means DefaultHistory.
	History int
	// IsAdmin says whether gptdoctor has admin rights on the world's
	// machine, so admin actions run without sudo; nil asks this process
	// (remedies.IsAdmin). A demo answers for the staged machine.
	IsAdmin func() bool
	// Sleep waits between the retry action's re-checks; nil uses a timer
	// that honours ctx. Tests inject one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Session is one diagnosis session. Its methods are safe for concurrent
// use: the dashboard starts runs and applies actions from commands running
// on their own goroutines.
type Session struct {
	opts Options

	mu      sync.Mutex
	seq     int         // runs started so far; the next run is seq+1
	runs    []Diagnosis // finished runs of the machine as it is, oldest first
	dropped int         // finished runs dropped from the front of runs
	actions []remedies.ActionRecord
	started time.Time
}

// New starts a session. Nothing is probed until Start.
func New(opts Options) *Session {
	if opts.History <= 0 {
		opts.History = DefaultHistory
	}
	if opts.World.Clock == nil {
		opts.World.Clock = probes.SystemClock{}
	}
	s := &Session{opts: opts}
	s.started = opts.World.Clock.Now()
	return s
}

// Mode, Scenario and Version describe the session in what it records.
func (s *Session) Mode() string     { return s.opts.Mode }
func (s *Session) Scenario() string { return s.opts.Scenario }
func (s *Session) Version() string  { return s.opts.Version }

// Settings is the configuration as recorded in documents.
func (s *Session) Settings() Settings { return s.opts.Settings }

// Config is what every run probes. The copy is the caller's to change.
func (s *Session) Config() probes.Config {
	cfg := s.opts.Config
	cfg.Targets = append([]probes.Target(nil), cfg.Targets...)
	return cfg
}

// World is what the probes touch.
func (s *Session) World() probes.World { return s.opts.World }

// GOOS is the operating system remedies are planned for: the world's.
func (s *Session) GOOS() string {
	if s.opts.World.GOOS != "" {
		return s.opts.World.GOOS
	}
	return runtime.GOOS
}

// Started is when the session began.
func (s *Session) Started() time.Time { return s.started }

// Now is the session's clock: the world's.
func (s *Session) Now() time.Time { return s.opts.World.Clock.Now() }

// DiagnoseContext is what the rules need beyond a snapshot: the OS to plan
// remedies for, whether an API key is configured and what the targets are.
func (s *Session) DiagnoseContext() remedies.DiagnoseContext {
	key := ""
	if s.opts.World.LookupEnv != nil {
		key, _ = s.opts.World.LookupEnv(s.opts.Config.APIKeyEnv)
	}
	return remedies.DiagnoseContext{GOOS: s.GOOS(), APIKeyConfigured: key != "", Targets: s.opts.Config.Targets}
}

// Diagnose turns a snapshot into findings and the outcome. It records
// nothing: Run.Wait records the runs it diagnoses.
func (s *Session) Diagnose(snap probes.Snapshot) Diagnosis {
	findings := remedies.Diagnose(snap, s.DiagnoseContext())
	return Diagnosis{Snapshot: snap, Findings: findings, Outcome: Decide(snap, findings)}
}

// Latest is the newest finished run of the machine as it is.
func (s *Session) Latest() (Diagnosis, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.runs) == 0 {
		return Diagnosis{}, false
	}
	return s.runs[len(s.runs)-1], true
}

// History is the finished runs kept, oldest first, and how many older ones
// were dropped to keep the session bounded.
func (s *Session) History() (runs []Diagnosis, dropped int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Diagnosis(nil), s.runs...), s.dropped
}

// Actions are the actions taken in this session, oldest first.
func (s *Session) Actions() []remedies.ActionRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]remedies.ActionRecord(nil), s.actions...)
}

// AddAction records an action that was taken (or declined, or only shown).
func (s *Session) AddAction(rec remedies.ActionRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.actions = append(s.actions, rec)
}

// record keeps a finished run in the history.
func (s *Session) record(d Diagnosis) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runs = append(s.runs, d)
	if over := len(s.runs) - s.opts.History; over > 0 {
		s.runs = append(s.runs[:0:0], s.runs[over:]...)
		s.dropped += over
	}
}

// nextSeq numbers a new run.
func (s *Session) nextSeq() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.seq
}

// Diagnosis is one finished run, diagnosed.
type Diagnosis struct {
	// Seq numbers the run within the session, from 1.
	Seq int `json:"seq"`
	// WhatIf is true for a run made with a configuration the machine does
	// not have (bypass-proxy re-checks without the proxy): it proves
	// something, but it is not the machine's state and is kept out of the
	// history.
	WhatIf bool `json:"what_if,omitempty"`
	// Snapshot is every result of the run.
	Snapshot probes.Snapshot `json:"snapshot"`
	// Findings are the diagnosis, most certain and most severe first.
	Findings []remedies.Finding `json:"findings"`
	// Outcome is the one-line answer and the exit code.
	Outcome Outcome `json:"outcome"`
}

// ProbeOnly runs just the named probes of the plan, undiagnosed and
// unrecorded (fix --list needs only the DNS configuration to pick the flush
// command), leaving the desktop proxy settings unread.
func (s *Session) ProbeOnly(ctx context.Context, ids ...string) probes.Snapshot {
	return s.probeOnly(ctx, s.opts.World, ids...)
}

func (s *Session) probeOnly(ctx context.Context, world probes.World, ids ...string) probes.Snapshot {
	plan := collect.BuildPlan(s.opts.Config, world, collect.DesktopProxy{})
	var keep []probes.Probe
	for _, p := range plan.Probes {
		for _, id := range ids {
			if p.ID == id {
				keep = append(keep, p)
			}
		}
	}
	return (&probes.Engine{Clock: s.opts.World.Clock, Budget: s.opts.Config.Budget}).Start(ctx, probes.Plan{Probes: keep}).Wait()
}
