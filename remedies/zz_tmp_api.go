// Package remedies TEMPORARY API shim for the cli branch; deleted before merging the remedies branch.
package remedies

import "github.com/gptdoctor/gptdoctor/probes"

type Confidence string

const (
	Confirmed Confidence = "confirmed"
	Likely    Confidence = "likely"
	Possible  Confidence = "possible"
)

type Evidence struct {
	ResultID string `json:"result_id"`
	Text     string `json:"text"`
}

type Finding struct {
	Cause      string     `json:"cause"`
	Title      string     `json:"title"`
	Summary    string     `json:"summary"`
	Confidence Confidence `json:"confidence"`
	Evidence   []Evidence `json:"evidence"`
	Remedies   []string   `json:"remedies"`
}

type Remedy struct {
	ID, Title, Explanation string
	Steps                  []string
	Action                 string
}

func RemedyByID(id string) (Remedy, bool) { return Remedy{ID: id, Title: id}, true }

type DiagnoseContext struct{ GOOS string }

func Diagnose(s probes.Snapshot, c DiagnoseContext) []Finding { return nil }

type ActionRecord struct{ Action string }
