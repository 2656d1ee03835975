package remedies

import (
	"slices"
)

// Confidence says how strongly the evidence supports a finding. Findings are
// ranked by it first, so a proven cause always outranks a guess.
type Confidence string

// Confidence levels, strongest first.
const (
	// Confirmed: a measurement proves the cause (a status page outage with
	// 503s, a matrix that is blocked only through the proxy, a resolver
	// answering with a private address).
	Confirmed Confidence = "confirmed"
	// Likely: the evidence fits this cause better than any other, but a
	// measurement from here cannot prove it (a 1020 while a VPN is up).
	Likely Confidence = "likely"
	// Possible: worth checking; nothing measured contradicts it.
	Possible Confidence = "possible"
)

// rank orders confidences for sorting: confirmed before likely before
// possible.
func (c Confidence) rank() int {
	switch c {
	case Confirmed:
		return 0
	case Likely:
		return 1
	}
	return 2
}

// Severity says how much a cause gets in the way, to rank findings of equal
// confidence: a cause that stops access comes before one that slows it down,
// which comes before advice.
type Severity string

// Severities, worst first.
const (
	// Blocking: the service cannot be used until the cause is fixed.
	Blocking Severity = "blocking"
	// Degrading: the service fails some of the time or for some uses.
	Degrading Severity = "degrading"
	// Advisory: worth doing; nothing measured says it is broken.
	Advisory Severity = "advisory"
)

func (s Severity) rank() int {
	switch s {
	case Blocking:
		return 0
	case Degrading:
		return 1
	}
	return 2
}

// Cause is one reason a person cannot reach ChatGPT or the OpenAI API, as
// the troubleshooting guides list them. Causes are data: the rules decide
// when one applies, the catalogue says what it means and what to do.
type Cause struct {
	// ID is short, stable and kebab-case: the lab, the report and support
	// instructions refer to it ("flagged-ip").
	ID string `json:"id"`
	// Title names the cause in a few words ("Flagged or shared IP address").
	Title string `json:"title"`
	// Explanation says in plain words what is happening and why it blocks,
	// for someone who has never heard of Cloudflare.
	Explanation string `json:"explanation"`
	// Severity ranks findings of equal confidence.
	Severity Severity `json:"severity"`
	// Remedies are remedy IDs, most effective first.
	Remedies []string `json:"remedies"`
}

// Step is one instruction of a remedy. OS and Browser narrow who it is for;
// empty means everyone.
type Step struct {
	// Text is the instruction as the user reads it, one action per step.
	Text string `json:"text"`
	// OS limits the step to these GOOS values ("linux", "darwin",
	// "windows").
	OS []string `json:"os,omitempty"`
	// Browser limits the step to one browser (see Browsers).
	Browser string `json:"browser,omitempty"`
}

// Remedy is one fix from the guides: what to do, step by step, and the
// local action that does it for the user where one exists.
type Remedy struct {
	// ID is the stable key causes and findings list remedies by.
	ID string `json:"id"`
	// Title is the remedy in a few words, as the "What to do" list shows
	// it.
	Title string `json:"title"`
	// Explanation says why the remedy helps, so the user can judge whether
	// it fits before following the steps.
	Explanation string `json:"explanation"`
	// Steps are the instructions in order, for people who apply the remedy
	// by hand (or on a system the action does not cover).
	Steps []Step `json:"steps"`
	// Action is the ID of the action that applies this remedy (flush-dns,
	// open-status …), empty when the remedy is instructions only.
	Action string `json:"action,omitempty"`
	// OS limits the remedy to these systems (netsh exists only on
	// Windows); empty means every system.
	OS []string `json:"os,omitempty"`
}

// Browsers are the browser keys steps and private-window actions use.
var Browsers = []string{"chrome", "edge", "firefox", "brave", "chromium", "safari"}

// AppliesTo reports whether the remedy makes sense on goos ("" means any).
func (r Remedy) AppliesTo(goos string) bool {
	return goos == "" || len(r.OS) == 0 || slices.Contains(r.OS, goos)
}

// StepsFor returns the steps for one system and the browsers found on it, in
// catalogue order. An empty goos keeps every OS; an empty browser list keeps
// every browser's steps (the browsers are unknown, so show them all).
func (r Remedy) StepsFor(goos string, browsers []string) []string {
	var out []string
	for _, s := range r.Steps {
		if goos != "" && len(s.OS) > 0 && !slices.Contains(s.OS, goos) {
			continue
		}
		if s.Browser != "" && len(browsers) > 0 && !slices.Contains(browsers, s.Browser) {
			continue
		}
		out = append(out, s.Text)
	}
	return out
}

// Causes returns the cause catalogue in ranking order (at equal confidence
// and severity, earlier causes rank first). The slice is a copy.
func Causes() []Cause {
	out := make([]Cause, len(causes))
	for i, c := range causes {
		c.Remedies = slices.Clone(c.Remedies)
		out[i] = c
	}
	return out
}

// Remedies returns the remedy catalogue. The slice is a copy.
func Remedies() []Remedy {
	out := make([]Remedy, len(remedies))
	for i, r := range remedies {
		r.Steps = slices.Clone(r.Steps)
		r.OS = slices.Clone(r.OS)
		out[i] = r
	}
	return out
}

// RemedyByID finds a remedy (a copy).
func RemedyByID(id string) (Remedy, bool) {
	for _, r := range remedies {
		if r.ID == id {
			r.Steps = slices.Clone(r.Steps)
			r.OS = slices.Clone(r.OS)
			return r, true
		}
	}
	return Remedy{}, false
}

// causeIndex is the position of a cause in the catalogue (len(causes)
// when unknown), the last tie-break when ranking findings.
func causeIndex(id string) int {
	if i := slices.IndexFunc(causes, func(c Cause) bool { return c.ID == id }); i >= 0 {
		return i
	}
	return len(causes)
}

// causeOf is the catalogue's entry for a cause; an unknown ID (a rule's
// typo, which the catalogue tests catch) still gets a title.
func causeOf(id string) Cause {
	if i := causeIndex(id); i < len(causes) {
		return causes[i]
	}
	return Cause{ID: id, Title: id, Severity: Advisory}
}
