package remedies

import (
	"context"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/collect"
)

// aheadClock is this machine's clock set wrong by a fixed offset.
type aheadClock struct{ by time.Duration }

func (c aheadClock) Now() time.Time { return time.Now().Add(c.by) }

// labTimeout bounds one run of every probe against the lab; it only limits
// a failure, a healthy run takes a few seconds.
const labTimeout = 2 * time.Minute

// TestLabClockYearsAhead runs every probe against the healthy lab from a
// machine whose clock is three years ahead: every certificate reads as
// expired, and the diagnosis must blame the clock, not security software or
// the network.
func TestLabClockYearsAhead(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the probes against the lab")
	}
	l, err := lab.Start("healthy", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w := l.MachineWorld()
	w.Clock = aheadClock{3 * 365 * 24 * time.Hour}
	cfg := l.Config()
	ctx, cancel := context.WithTimeout(context.Background(), labTimeout)
	defer cancel()
	s := (&probes.Engine{Clock: w.Clock, Budget: cfg.Budget}).Start(ctx, collect.BuildPlan(cfg, w, collect.DesktopProxy{})).Wait()

	got := Diagnose(s, DiagnoseContext{GOOS: "linux", Targets: cfg.Targets})
	if len(got) != 1 || got[0].Cause != CauseClockSkew || got[0].Confidence != Confirmed {
		t.Fatalf("want clock-skew (confirmed) only, got\n%s", dump(got))
	}
	checkInvariants(t, s, got)
}
