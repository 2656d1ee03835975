package probes

import "time"

// Snapshot is the state of one finished (or cancelled) run: what the
// remedies rules diagnose and what reports render. Results are in plan order,
// followed by derived cross-checks.
type Snapshot struct {
	RunID    string    `json:"run_id"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Results  []Result  `json:"results"`
}

// Get returns the result with the given ID.
func (s Snapshot) Get(id string) (Result, bool) {
	for _, r := range s.Results {
		if r.ID == id {
			return r, true
		}
	}
	return Result{}, false
}

// OfKind returns the results of one probe family, in order.
func (s Snapshot) OfKind(k Kind) []Result {
	var out []Result
	for _, r := range s.Results {
		if r.Kind == k {
			out = append(out, r)
		}
	}
	return out
}

// Worst returns the worst status in the snapshot (pass when empty).
func (s Snapshot) Worst() Status {
	worst := StatusPass
	for _, r := range s.Results {
		if r.Status.Rank() > worst.Rank() {
			worst = r.Status
		}
	}
	return worst
}
