package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
)

// TestDemoLatency: a latency the probes cannot wait out is refused up
// front with the limit named, instead of a demo that reports "No internet
// connectivity" for a scenario where everything works; an accepted one
// widens the run's budget as the lab asks, unless --timeout says
// otherwise.
func TestDemoLatency(t *testing.T) {
	over := (lab.MaxLatency + lab.MaxLatency/2).String()
	_, errOut, code := runBinary(t, nil, "demo", "slow", "--latency", over)
	if code != exitCannotRun || !bytes.Contains(errOut, []byte("--latency "+over)) || !bytes.Contains(errOut, []byte(lab.MaxLatency.String())) {
		t.Errorf("--latency %s: exit %d, stderr %q", over, code, errOut)
	}
	if testing.Short() {
		t.Skip("demo runs skipped in -short mode")
	}

	const latency = 50 * time.Millisecond
	for _, c := range []struct {
		extra []string
		want  time.Duration
	}{
		{nil, probes.DefaultBudget + 4*latency},
		{[]string{"--timeout", "5s"}, 5 * time.Second},
	} {
		args := append([]string{"demo", "slow", "--json", "--latency", latency.String()}, c.extra...)
		out, errOut, code := runBinary(t, nil, args...)
		var doc struct {
			Settings struct {
				BudgetMS int64 `json:"budget_ms"`
			} `json:"settings"`
		}
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatalf("%v: exit %d, %v\nstderr: %s", args, code, err, errOut)
		}
		if doc.Settings.BudgetMS != c.want.Milliseconds() {
			t.Errorf("%v: budget %d ms, want %d", args, doc.Settings.BudgetMS, c.want.Milliseconds())
		}
	}
}
