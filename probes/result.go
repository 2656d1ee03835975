// Package probes is what gptdoctor measures, as plain data, and the engine
// that measures it.
//
// A Result is what one probe found (status, reason, evidence, a StepError
// when the measurement broke, typed Details); a Snapshot is one run's
// results. Every probe takes its world (dialer, resolver, clock,
// environment, command runner, file system) from a World value, runs under a
// named timeout, and returns a Result; the Engine runs a Plan of probes
// concurrently under an overall budget and streams results as they finish.
//
// The probes themselves live in package collect (BuildPlan chooses them) and
// the response classifier in package classify, so the model can be read,
// decoded and diagnosed without the collectors. Nothing here renders or
// diagnoses; the remedies package reads a Snapshot, report and ui render it.
package probes

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Status is the outcome class of one probe. "Did not run" (skipped) and
// "could not tell" (unknown) are kept apart from "failed" so that a probe the
// budget cut short never reads as a broken network.
type Status string

// The five outcome classes.
const (
	// StatusPass means the probe ran and what it measured is healthy.
	StatusPass Status = "pass"
	// StatusWarn means the probe ran and found something worth a look that
	// does not by itself stop access.
	StatusWarn Status = "warn"
	// StatusFail means the probe ran and found a problem.
	StatusFail Status = "fail"
	// StatusSkipped means the probe did not run, on purpose: nothing to
	// measure here (no proxy configured, no API key, not this OS).
	StatusSkipped Status = "skipped"
	// StatusUnknown means the probe could not tell: it timed out, was
	// cancelled, or lacked a tool or a permission.
	StatusUnknown Status = "unknown"
)

// Rank orders statuses from best to worst for summaries: pass < skipped <
// unknown < warn < fail.
func (s Status) Rank() int {
	switch s {
	case StatusPass:
		return 0
	case StatusSkipped:
		return 1
	case StatusUnknown:
		return 2
	case StatusWarn:
		return 3
	case StatusFail:
		return 4
	}
	return 2
}

// Glyph is the status as one mark that differs in shape, not only in
// colour, so every face (the text summary, reports, the dashboard) reads the
// same with colour off: ✓ pass, ! warn, ✗ fail, – skipped, ? unknown.
func (s Status) Glyph() string {
	switch s {
	case StatusPass:
		return "✓"
	case StatusWarn:
		return "!"
	case StatusFail:
		return "✗"
	case StatusSkipped:
		return "–"
	}
	return "?"
}

// Kind names the family a probe belongs to, so renderers and rules can group
// results without parsing IDs.
type Kind string

// Probe families. Each has its own Details type.
const (
	KindEndpoint   Kind = "endpoint"    // one HTTP request to a target, one matrix cell
	KindMatrix     Kind = "matrix"      // the summary of a web target's variant matrix
	KindEdgeTrace  Kind = "edge_trace"  // GET /cdn-cgi/trace on a Cloudflare host
	KindStatusPage Kind = "status_page" // OpenAI's public status
	KindAPIKey     Kind = "api_key"     // one authenticated GET /v1/models
	KindIdentity   Kind = "identity"    // host, interfaces, egress, VPN, Tor, public IP, captive portal
	KindDNS        Kind = "dns"         // resolver configuration, lookups, whoami
	KindProxy      Kind = "proxy"       // proxy environment, desktop settings, PAC, reachability
)

// Result is what one probe found. The engine fills RunID, ID, Kind, Target,
// Started and Duration; the probe fills the rest.
type Result struct {
	// RunID ties the result to the run that produced it, so a renderer can
	// drop results that arrive after a newer run started.
	RunID string `json:"run_id"`
	// ID is unique within a run and stable across runs for the same plan
	// ("endpoint:chatgpt.com:direct-ipv4-browser"), so rules and remedies can
	// point at it and re-run it.
	ID string `json:"id"`
	// Kind is the probe family, which decides the type of Details: endpoint,
	// matrix, edge_trace, status_page, api_key, identity, dns or proxy.
	Kind Kind `json:"kind"`
	// Target is what the probe aimed at (a URL, a host name or a proxy
	// host:port); empty for probes of the machine itself.
	Target string `json:"target,omitempty"`
	// Title is a short human label for the probe ("chatgpt.com over IPv6").
	Title string `json:"title"`
	// Status is the outcome: pass, warn, fail, skipped (did not run, on
	// purpose) or unknown (could not tell: timed out, cancelled, or lacked a
	// tool or a permission).
	Status Status `json:"status"`
	// Reason says in one line why the status is what it is, in words a user
	// understands ("Cloudflare 1020: access denied by the site's firewall").
	Reason string `json:"reason"`
	// Started is when the probe began.
	Started time.Time `json:"started"`
	// Duration is how long the probe ran.
	Duration Millis `json:"duration_ms"`
	// Evidence lists the observations behind Reason, one per line
	// ("cf-ray: 8a1b2c3d4e5f6a7b-FRA", "body: error code: 1020").
	Evidence []string `json:"evidence,omitempty"`
	// Error is set when the probe could not complete its measurement.
	Error *StepError `json:"error,omitempty"`
	// Details holds the typed measurement; its concrete type depends on Kind
	// and is named in JSON by details_type, written beside it.
	Details Details `json:"details,omitempty"`
}

// Details is implemented by every probe's typed detail struct. The method is
// unexported so the set of detail types stays closed and rules can switch on
// it exhaustively.
type Details interface {
	details()
}

// StepError records where a measurement broke: the step (dns, connect, tls,
// proxy, request, read, parse, command, permission) and a message that
// already names the target, e.g. "dns: resolve chatgpt.com via 1.1.1.1:
// timeout".
type StepError struct {
	// Step names where the measurement broke: dns, connect, tls, proxy,
	// request, read, parse, command, permission, config, route, host or
	// internal.
	Step string `json:"step"`
	// Message says what failed and names the target ("dns: resolve chatgpt.com
	// via 1.1.1.1: timeout").
	Message string `json:"message"`
	// Timeout is true when the step ran out of time rather than being refused.
	Timeout bool `json:"timeout,omitempty"`
}

// Error makes StepError usable as an error value inside probes.
func (e *StepError) Error() string { return e.Message }

// Millis is a duration that serialises as fractional milliseconds, the unit
// people read network timings in.
type Millis time.Duration

// MarshalJSON writes the duration in milliseconds with microsecond precision.
func (m Millis) MarshalJSON() ([]byte, error) {
	ms := float64(m) / float64(time.Millisecond)
	return json.Marshal(math.Round(ms*1000) / 1000)
}

// UnmarshalJSON reads milliseconds back, rounded to the nanosecond: a
// plain conversion would truncate 1234.567 ms to 1234566999 ns and a saved
// document would not read back as written.
func (m *Millis) UnmarshalJSON(b []byte) error {
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*m = Millis(math.Round(ms * float64(time.Millisecond)))
	return nil
}

// D returns the value as a time.Duration.
func (m Millis) D() time.Duration { return time.Duration(m) }

// HumanDuration prints a duration the way every summary does: whole
// milliseconds below a second ("25 ms"), seconds with one decimal above
// ("2.4 s"); "0s" for a 1 ms budget or "25.123456ms" say less than either.
func HumanDuration(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Round(time.Millisecond).Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// String prints the duration rounded for humans ("142ms", "1.2s").
func (m Millis) String() string {
	d := time.Duration(m)
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < 10*time.Second:
		return d.Round(time.Millisecond).String()
	default:
		return d.Round(100 * time.Millisecond).String()
	}
}
