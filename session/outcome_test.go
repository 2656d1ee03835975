package session

import (
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

func res(id string, k probes.Kind, st probes.Status) probes.Result {
	return probes.Result{ID: id, Kind: k, Status: st, Title: id}
}

func TestDecide(t *testing.T) {
	pass := res("a", probes.KindEndpoint, probes.StatusPass)
	unknownEndpoint := res("b", probes.KindEndpoint, probes.StatusUnknown)
	unknownDNS := res("c", probes.KindDNS, probes.StatusUnknown)
	fail := res("d", probes.KindDNS, probes.StatusFail)
	warn := res("e", probes.KindIdentity, probes.StatusWarn)
	likely := []remedies.Finding{{Cause: "x", Title: "X", Confidence: remedies.Likely}}
	possible := []remedies.Finding{{Cause: "browser-state", Title: "Browser", Confidence: remedies.Possible}}
	tests := []struct {
		name     string
		results  []probes.Result
		findings []remedies.Finding
		status   string
		code     int
	}{
		{"all pass", []probes.Result{pass, warn}, possible, OutcomeReachable, 0},
		{"unknown non-endpoint still reachable", []probes.Result{pass, unknownDNS}, nil, OutcomeReachable, 0},
		{"endpoint unknown is incomplete", []probes.Result{pass, unknownEndpoint}, nil, OutcomeIncomplete, 1},
		{"any fail is a problem", []probes.Result{pass, fail}, nil, OutcomeProblem, 1},
		{"confident finding is a problem", []probes.Result{pass}, likely, OutcomeProblem, 1},
	}
	for _, tt := range tests {
		o := Decide(probes.Snapshot{Results: tt.results}, tt.findings)
		if o.Status != tt.status || o.ExitCode != tt.code {
			t.Errorf("%s: %s/%d, want %s/%d", tt.name, o.Status, o.ExitCode, tt.status, tt.code)
		}
	}
	if o := Decide(probes.Snapshot{Results: []probes.Result{fail}}, likely); o.Headline != "X" || o.MostLikely != "Most likely: x [likely]." {
		t.Errorf("headline %q / %q: with nothing measured, it should be the top finding's title", o.Headline, o.MostLikely)
	}
}
