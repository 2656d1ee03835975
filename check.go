package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/report"
)

// cmdCheck diagnoses this machine headless.
func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	p := checkFlagSet()
	pos, err := p.parse(args)
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usagef("check: unexpected argument %q (check takes only flags)", pos[0])
	}
	s, err := newSystemSession("check", p)
	if err != nil {
		return 0, err
	}
	doc := s.document(s.probe(ctx, nil, stderr))
	return doc.Outcome.ExitCode, s.render(doc, stdout)
}

// newSystemSession reads the options and wires the real machine.
func newSystemSession(mode string, p *parsedFlags) (*session, error) {
	o, err := p.options(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	w, err := systemWorld(o)
	if err != nil {
		return nil, err
	}
	return &session{mode: mode, opts: o, world: w}, nil
}

// session is one diagnosis: its settings, its world and what was done.
type session struct {
	mode, scenario string
	opts           options
	world          probes.World
	actions        []remedies.ActionRecord
}

// probe runs the plan once. mutate, when set, changes the configuration for
// this run only (the bypass-proxy remedy re-probes without the proxy).
// Progress goes to progress when it is a terminal and the output is not
// JSON.
func (s *session) probe(ctx context.Context, mutate func(*probes.Config), progress io.Writer) probes.Snapshot {
	cfg := s.opts.cfg
	cfg.Targets = append([]probes.Target(nil), cfg.Targets...)
	if mutate != nil {
		mutate(&cfg)
	}
	// Reading the desktop proxy settings (up to desktopReadTimeout) spends
	// the run's budget too: it is bounded by it, and the probes get what
	// is left, so --timeout bounds the whole run.
	budget := cfg.Budget
	if budget <= 0 {
		budget = probes.DefaultBudget
	}
	start := time.Now()
	dctx, cancel := context.WithTimeout(ctx, budget)
	desktop := probes.ReadDesktopProxy(dctx, s.world)
	cancel()
	plan := probes.BuildPlan(cfg, s.world, desktop)
	rest := max(budget-time.Since(start), time.Nanosecond) // zero would mean the default budget
	run := (&probes.Engine{Clock: s.world.Clock, Budget: rest}).Start(ctx, plan)
	if !s.opts.json && isTerminal(progress) {
		total, done := len(plan.Probes), 0
		for range run.Results() {
			done++
			if done <= total {
				fmt.Fprintf(progress, "\r\x1b[2KProbing… %d of %d checks done", done, total)
			}
		}
		fmt.Fprint(progress, "\r\x1b[2K")
	}
	return run.Wait()
}

// diagnoseContext is what the rules need to know beyond the snapshot.
func (s *session) diagnoseContext() remedies.DiagnoseContext {
	key := ""
	if s.world.LookupEnv != nil {
		key, _ = s.world.LookupEnv(s.opts.cfg.APIKeyEnv)
	}
	return remedies.DiagnoseContext{GOOS: runtime.GOOS, APIKeyConfigured: key != "", Targets: s.opts.cfg.Targets}
}

// probeOnly runs just the named probes (fix --list needs only the DNS
// configuration to pick the flush command), so it leaves the desktop proxy
// settings unread.
func (s *session) probeOnly(ctx context.Context, ids ...string) probes.Snapshot {
	plan := probes.BuildPlan(s.opts.cfg, s.world, probes.DesktopProxy{})
	var keep []probes.Probe
	for _, p := range plan.Probes {
		for _, id := range ids {
			if p.ID == id {
				keep = append(keep, p)
			}
		}
	}
	return (&probes.Engine{Clock: s.world.Clock, Budget: s.opts.cfg.Budget}).Start(ctx, probes.Plan{Probes: keep}).Wait()
}

// document diagnoses a snapshot and assembles the report document.
func (s *session) document(snap probes.Snapshot) report.Document {
	findings := remedies.Diagnose(snap, s.diagnoseContext())
	return report.Build(report.Input{
		Mode:     s.mode,
		Scenario: s.scenario,
		Version:  versionString(),
		Settings: s.settings(),
		Snapshot: snap,
		Findings: findings,
		Actions:  s.actions,
	})
}

// settings records the configuration in the report.
func (s *session) settings() report.Settings {
	cfg := s.opts.cfg
	st := report.Settings{
		Targets:      cfg.Targets,
		BudgetMS:     probes.Millis(cfg.Budget),
		StatusURL:    cfg.StatusURL,
		Resolvers:    cfg.Resolvers,
		DoHURL:       cfg.DoHURL,
		CaptiveURL:   cfg.CaptiveURL,
		EgressProbes: cfg.EgressProbes,
		APIKeyEnv:    cfg.APIKeyEnv,
		BypassProxy:  cfg.BypassProxy,
		Resolver:     s.opts.resolver,
		UserCAFiles:  s.opts.caFiles,
		PublicRoots:  s.world.Trust.PublicSource,
		ConfigFile:   s.opts.configPath,
	}
	if c, ok := s.world.Dialer.(probes.ConnectTo); ok {
		st.ConnectTo = c.Summary()
	}
	return st
}

// render writes the document as JSON or as the readable summary.
func (s *session) render(doc report.Document, stdout io.Writer) error {
	if s.opts.json {
		return report.WriteJSON(stdout, doc)
	}
	return report.WriteText(stdout, doc, report.TextOptions{Color: useColor(stdout, s.opts), Verbose: s.opts.verbose})
}
