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
	SchemaVersion int    `json:"schema_version"`
	Tool          Tool   `json:"tool"`
	Mode          string `json:"mode"`
	// Scenario names the lab scenario in demo mode.
	Scenario string        `json:"scenario,omitempty"`
	RunID    string        `json:"run_id"`
	Started  time.Time     `json:"started"`
	Finished time.Time     `json:"finished"`
	Duration probes.Millis `json:"duration_ms"`
	Settings Settings      `json:"settings"`
	Outcome  Outcome       `json:"outcome"`
	// Findings are the diagnosis, most certain and most severe first.
	Findings []remedies.Finding `json:"findings"`
	// Results are every probe's measurement, in plan order.
	Results []probes.Result `json:"results"`
	// Actions are the remedies applied in this session, with before/after.
	Actions []remedies.ActionRecord `json:"actions,omitempty"`
}

// Tool identifies the build that wrote the document.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

// Settings records what the run was told to probe and how, so a support
// person reading the document knows what "reachable" was measured against.
type Settings struct {
	Targets      []probes.Target `json:"targets"`
	BudgetMS     probes.Millis   `json:"budget_ms"`
	StatusURL    string          `json:"status_url,omitempty"`
	Resolvers    []string        `json:"resolvers,omitempty"`
	DoHURL       string          `json:"doh_url,omitempty"`
	CaptiveURL   string          `json:"captive_url,omitempty"`
	EgressProbes []string        `json:"egress_probes,omitempty"`
	APIKeyEnv    string          `json:"api_key_env"`
	BypassProxy  bool            `json:"bypass_proxy,omitempty"`
	// Resolver is the --resolver override of the system resolver.
	Resolver string `json:"resolver,omitempty"`
	// ConnectTo lists --connect-to rules in force: results name the
	// original addresses, but connections went elsewhere.
	ConnectTo   []string `json:"connect_to,omitempty"`
	UserCAFiles []string `json:"user_ca_files,omitempty"`
	PublicRoots string   `json:"public_roots,omitempty"`
	ConfigFile  string   `json:"config_file,omitempty"`
}

// Outcome is the one-line answer and the exit code that goes with it.
type Outcome struct {
	// Status is reachable, problem or incomplete.
	Status   string `json:"status"`
	ExitCode int    `json:"exit_code"`
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
