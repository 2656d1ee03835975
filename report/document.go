// Package report turns one diagnosis session into what people and scripts
// read: a JSON document (schema in docs/json.md) and a readable terminal
// summary. It renders; it never probes or diagnoses.
package report

import (
	"runtime"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// SchemaVersion is the version of the JSON document. It changes only when a
// field is removed or changes meaning; new fields do not bump it.
const SchemaVersion = 1

// Document is everything one session found. It is the --json output and the
// source of every other rendering.
type Document struct {
	// SchemaVersion is 1; it changes only when a field is removed or changes
	// meaning.
	SchemaVersion int `json:"schema_version"`
	// Tool is the build that wrote the document.
	Tool Tool `json:"tool"`
	// Mode is the command that ran: check, demo or fix.
	Mode string `json:"mode"`
	// Scenario names the lab scenario in demo mode.
	Scenario string `json:"scenario,omitempty"`
	// RunID identifies the run; every result carries it too.
	RunID string `json:"run_id"`
	// Started and Finished bound the run, in UTC.
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Duration is how long the run took.
	Duration probes.Millis `json:"duration_ms"`
	// Settings is what the run was told to probe and how.
	Settings Settings `json:"settings"`
	// Outcome is the one-line answer and the exit code.
	Outcome Outcome `json:"outcome"`
	// Findings are the diagnosis, most certain and most severe first.
	Findings []remedies.Finding `json:"findings"`
	// Results are every probe's measurement, in plan order.
	Results []probes.Result `json:"results"`
	// Actions are the remedies applied in this session, with before/after.
	Actions []remedies.ActionRecord `json:"actions,omitempty"`
}

// Tool identifies the build that wrote the document.
type Tool struct {
	// Name is always "gptdoctor".
	Name string `json:"name"`
	// Version is the release ("v1.2.0") or "devel" for a source build.
	Version string `json:"version"`
	// OS and Arch are the platform the binary runs on (Go's GOOS/GOARCH).
	OS   string `json:"os"`
	Arch string `json:"arch"`
}

// Settings records what the run was told to probe and how, so a support
// person reading the document knows what "reachable" was measured against.
type Settings struct {
	// Targets are the URLs probed and what a healthy answer from each is.
	Targets []probes.Target `json:"targets"`
	// BudgetMS is the run's overall time budget.
	BudgetMS probes.Millis `json:"budget_ms"`
	// StatusURL is the status page API asked; empty when skipped.
	StatusURL string `json:"status_url,omitempty"`
	// Resolvers are the independent DNS servers compared with the system
	// resolver.
	Resolvers []string `json:"resolvers,omitempty"`
	// DoHURL is the DNS-over-HTTPS endpoint compared with; empty when
	// skipped.
	DoHURL string `json:"doh_url,omitempty"`
	// CaptiveURL is the plain-HTTP captive-portal check; empty when skipped.
	CaptiveURL string `json:"captive_url,omitempty"`
	// EgressProbes are the addresses whose routes named the egress
	// interface.
	EgressProbes []string `json:"egress_probes,omitempty"`
	// APIKeyEnv names the variable the API key was read from (never the
	// key).
	APIKeyEnv string `json:"api_key_env"`
	// BypassProxy is true when the run ignored every configured proxy.
	BypassProxy bool `json:"bypass_proxy,omitempty"`
	// Resolver is the --resolver override of the system resolver.
	Resolver string `json:"resolver,omitempty"`
	// ConnectTo lists --connect-to rules in force: results name the
	// original addresses, but connections went elsewhere.
	ConnectTo []string `json:"connect_to,omitempty"`
	// UserCAFiles are the --ca-file roots the user trusts as their own.
	UserCAFiles []string `json:"user_ca_files,omitempty"`
	// PublicRoots names the public root set TLS chains were compared with.
	PublicRoots string `json:"public_roots,omitempty"`
	// ConfigFile is the configuration file that was read, if any.
	ConfigFile string `json:"config_file,omitempty"`
}

// Outcome is the one-line answer and the exit code that goes with it.
type Outcome struct {
	// Status is reachable, problem or incomplete.
	Status string `json:"status"`
	// ExitCode is the process exit code: 0 reachable, 1 problem or
	// incomplete.
	ExitCode int `json:"exit_code"`
	// Headline is the sentence a user reads first.
	Headline string `json:"headline"`
	// Counts is the number of results per status.
	Counts map[probes.Status]int `json:"counts"`
}

// Outcome statuses.
const (
	OutcomeReachable  = "reachable"
	OutcomeProblem    = "problem"
	OutcomeIncomplete = "incomplete"
)

// Input is what Build needs.
type Input struct {
	Mode, Scenario, Version string
	Settings                Settings
	Snapshot                probes.Snapshot
	Findings                []remedies.Finding
	Actions                 []remedies.ActionRecord
}

// Build assembles the document and decides the outcome: a problem when any
// probe failed or the diagnosis is confident of a cause; incomplete when a
// target's reachability could not be confirmed (a probe timed out);
// reachable otherwise.
func Build(in Input) Document {
	s := in.Snapshot
	d := Document{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "gptdoctor", Version: in.Version, OS: runtime.GOOS, Arch: runtime.GOARCH},
		Mode:          in.Mode,
		Scenario:      in.Scenario,
		RunID:         s.RunID,
		Started:       s.Started.UTC(),
		Finished:      s.Finished.UTC(),
		Duration:      probes.Millis(s.Finished.Sub(s.Started)),
		Settings:      in.Settings,
		Findings:      in.Findings,
		Results:       s.Results,
		Actions:       in.Actions,
	}
	if d.Findings == nil {
		d.Findings = []remedies.Finding{}
	}
	if d.Results == nil {
		d.Results = []probes.Result{}
	}
	d.Outcome = decideOutcome(s, in.Findings)
	return d
}

func decideOutcome(s probes.Snapshot, findings []remedies.Finding) Outcome {
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
		if f.Confidence == remedies.Confirmed || f.Confidence == remedies.Likely {
			confident = true
			break
		}
	}
	switch {
	case failed || confident:
		o.Status, o.ExitCode = OutcomeProblem, 1
		o.Headline = "A problem was found"
		if len(findings) > 0 && findings[0].Title != "" {
			o.Headline = findings[0].Title
		}
	case unconfirmed:
		o.Status, o.ExitCode = OutcomeIncomplete, 1
		o.Headline = "Some targets could not be checked before the time budget ran out"
	default:
		o.Status, o.ExitCode = OutcomeReachable, 0
		o.Headline = "Every target answered as expected from this machine"
	}
	return o
}
