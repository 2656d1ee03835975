package session

import (
	"runtime"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// SchemaVersion is the version of the JSON document. It changes only when a
// field is removed or changes meaning; new fields do not bump it.
const SchemaVersion = 1

// Document is one run of a session as `check --json` writes it: the run's
// results, its diagnosis, the settings it ran with and the actions taken in
// the session. Every readable rendering is made from it, and a saved one
// reads back (docs/json.md says how).
type Document struct {
	// SchemaVersion is 1; it changes only when a field is removed or changes
	// meaning.
	SchemaVersion int `json:"schema_version"`
	// Tool is the build that wrote the document.
	Tool Tool `json:"tool"`
	// Mode is the command that ran: check, demo, fix, report, watch or
	// dashboard.
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

// Header is what a document says about the session around the run.
type Header struct {
	Mode, Scenario, Version string
	Settings                Settings
}

// tool is the build writing a document: this binary, on this platform.
func (h Header) tool() Tool {
	return Tool{Name: "gptdoctor", Version: h.Version, OS: runtime.GOOS, Arch: runtime.GOARCH}
}

// BuildDocument assembles the document of one diagnosed run. It is a pure
// function: the outcome was decided with the diagnosis.
func BuildDocument(h Header, d Diagnosis, actions []remedies.ActionRecord) Document {
	r := runRecord(d) // the run's fields as a session record holds them
	return Document{
		SchemaVersion: SchemaVersion,
		Tool:          h.tool(),
		Mode:          h.Mode,
		Scenario:      h.Scenario,
		RunID:         r.RunID,
		Started:       r.Started,
		Finished:      r.Finished,
		Duration:      r.Duration,
		Settings:      h.Settings,
		Outcome:       r.Outcome,
		Findings:      r.Findings,
		Results:       r.Results,
		Actions:       actions,
	}
}

// Header is the session's header for documents.
func (s *Session) Header() Header {
	return Header{Mode: s.opts.Mode, Scenario: s.opts.Scenario, Version: s.opts.Version, Settings: s.opts.Settings}
}

// Document is the document of one diagnosed run with the session's actions.
func (s *Session) Document(d Diagnosis) Document {
	return BuildDocument(s.Header(), d, s.Actions())
}
