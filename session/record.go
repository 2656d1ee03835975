package session

import (
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// Record is a whole session as a report file holds it: every run kept with
// its results and diagnosis, and every action with its commands and its
// before and after. A user saves it (report --format json) and support
// re-renders it as Markdown or HTML (report --from), so it carries
// everything a rendering needs, including the writer's time zone, and reads
// back with DecodeRecord.
type Record struct {
	// SchemaVersion is 1; it changes only when a field is removed or changes
	// meaning.
	SchemaVersion int `json:"schema_version"`
	// Tool is the build that wrote the record.
	Tool Tool `json:"tool"`
	// Mode is the face that ran the session: report, dashboard, demo, check
	// or fix.
	Mode string `json:"mode"`
	// Scenario names the lab scenario when the session ran against the lab.
	Scenario string `json:"scenario,omitempty"`
	// Started is when the session began, in UTC.
	Started time.Time `json:"started"`
	// Zone is the writer's local time zone, so a reader elsewhere can show
	// the times as the user saw them.
	Zone Zone `json:"local_zone"`
	// Settings is what the runs were told to probe and how.
	Settings Settings `json:"settings"`
	// Runs are the runs kept, oldest first.
	Runs []RunRecord `json:"runs"`
	// DroppedRuns counts older runs the session dropped to stay bounded.
	DroppedRuns int `json:"dropped_runs,omitempty"`
	// Actions are the remedies taken, declined or shown, oldest first.
	Actions []remedies.ActionRecord `json:"actions"`
}

// Zone is a fixed time zone: a name for people and the offset that turns
// UTC into the local time.
type Zone struct {
	// Name is the zone's abbreviation ("CET"); it may be empty or only an
	// offset on systems without zone names.
	Name string `json:"name"`
	// OffsetS is the offset east of UTC in seconds.
	OffsetS int `json:"offset_s"`
}

// Location is the zone as a time.Location.
func (z Zone) Location() *time.Location {
	name := z.Name
	if name == "" {
		name = time.Unix(0, 0).In(time.FixedZone("", z.OffsetS)).Format("-07:00")
	}
	return time.FixedZone(name, z.OffsetS)
}

// ZoneOf is the zone t is in.
func ZoneOf(t time.Time) Zone {
	name, off := t.Zone()
	return Zone{Name: name, OffsetS: off}
}

// RunRecord is one finished run of a session.
type RunRecord struct {
	// Seq numbers the run within the session, from 1.
	Seq int `json:"seq"`
	// RunID identifies the run; every result carries it too.
	RunID string `json:"run_id"`
	// WhatIf marks a run made with a configuration the machine does not have
	// (bypass-proxy's re-check without the proxy).
	WhatIf bool `json:"what_if,omitempty"`
	// Started and Finished bound the run, in UTC.
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Duration is how long the run took.
	Duration probes.Millis `json:"duration_ms"`
	// Outcome is the one-line answer and the exit code.
	Outcome Outcome `json:"outcome"`
	// Findings are the diagnosis, most certain and most severe first.
	Findings []remedies.Finding `json:"findings"`
	// Results are every probe's measurement, in plan order.
	Results []probes.Result `json:"results"`
}

// Snapshot is the run's results as the probes left them, for code that
// reasons about a run (remedies.SupportTicket, remedies.Summarize).
func (r RunRecord) Snapshot() probes.Snapshot {
	return probes.Snapshot{RunID: r.RunID, Started: r.Started, Finished: r.Finished, Results: r.Results}
}

// runRecord turns a diagnosed run into its record, with empty lists as []
// so jq filters need no guards.
func runRecord(d Diagnosis) RunRecord {
	s := d.Snapshot
	r := RunRecord{
		Seq: d.Seq, RunID: s.RunID, WhatIf: d.WhatIf,
		Started: s.Started.UTC(), Finished: s.Finished.UTC(), Duration: probes.Millis(s.Finished.Sub(s.Started)),
		Outcome: d.Outcome, Findings: d.Findings, Results: s.Results,
	}
	if r.Findings == nil {
		r.Findings = []remedies.Finding{}
	}
	if r.Results == nil {
		r.Results = []probes.Result{}
	}
	if r.Outcome.Counts == nil {
		r.Outcome = Decide(s, d.Findings)
	}
	return r
}

// BuildRecord assembles a session's record from its header, the runs kept
// and the actions. It is a pure function, so a face holding runs of its own
// (a test, a replay) builds the same record the session would.
func BuildRecord(h Header, started time.Time, zone Zone, runs []Diagnosis, dropped int, actions []remedies.ActionRecord) Record {
	rec := Record{
		SchemaVersion: SchemaVersion,
		Tool:          h.tool(),
		Mode:          h.Mode,
		Scenario:      h.Scenario,
		Started:       started.UTC(),
		Zone:          zone,
		Settings:      h.Settings,
		Runs:          make([]RunRecord, 0, len(runs)),
		DroppedRuns:   dropped,
		Actions:       append([]remedies.ActionRecord{}, actions...),
	}
	for _, d := range runs {
		rec.Runs = append(rec.Runs, runRecord(d))
	}
	return rec
}

// Record is the whole session as a report holds it: the history and the
// actions, in the session clock's time zone.
func (s *Session) Record() Record {
	runs, dropped := s.History()
	return BuildRecord(s.Header(), s.started, ZoneOf(s.Now()), runs, dropped, s.Actions())
}

// RecordOf wraps one `check --json` document as a one-run record, so a
// saved check reads back like a saved session. The document does not say
// which time zone it was written in, so the record's is UTC.
func RecordOf(doc Document) Record {
	run := runRecord(Diagnosis{Seq: 1,
		Snapshot: probes.Snapshot{RunID: doc.RunID, Started: doc.Started, Finished: doc.Finished, Results: doc.Results},
		Findings: doc.Findings, Outcome: doc.Outcome})
	run.Duration = doc.Duration
	return Record{
		SchemaVersion: doc.SchemaVersion, Tool: doc.Tool, Mode: doc.Mode, Scenario: doc.Scenario,
		Started: doc.Started.UTC(), Zone: Zone{Name: "UTC"}, Settings: doc.Settings,
		Runs: []RunRecord{run}, Actions: append([]remedies.ActionRecord{}, doc.Actions...),
	}
}

// Latest is the newest run that is not a what-if run: the machine as it
// is. ok is false for a record without such a run.
func (r Record) Latest() (RunRecord, bool) {
	for i := len(r.Runs) - 1; i >= 0; i-- {
		if !r.Runs[i].WhatIf {
			return r.Runs[i], true
		}
	}
	return RunRecord{}, false
}
