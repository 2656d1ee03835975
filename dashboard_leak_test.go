package main

import (
	"context"
	"io"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/session"
	"github.com/gptdoctor/gptdoctor/ui"
)

// TestDashboardQuitLeavesNoGoroutines runs the dashboard in process and
// cancels it, as main does on a signal: once after its run finished
// against escapes, once while the blackhole holds every probe. When Run
// has returned and the lab is closed, every goroutine the dashboard, its
// runs and Bubble Tea started has ended. (Input is a pipe the test closes
// after Run, as a terminal's reader is cancelled: Bubble Tea cannot cancel
// a Read on an arbitrary reader.)
func TestDashboardQuitLeavesNoGoroutines(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		waitRun  bool
	}{{"escapes", true}, {"blackhole", false}} {
		t.Run(tc.scenario, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			l, err := lab.Start(tc.scenario, lab.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			s := session.New(session.Options{Mode: "demo", Scenario: tc.scenario, Version: "test", Config: l.Config(), World: l.MachineWorld()})
			in, typing := io.Pipe()
			defer typing.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				done <- ui.Run(ctx, ui.Options{Session: s, ReportDir: t.TempDir(), Demo: true}, in, io.Discard)
			}()
			deadline := time.Now().Add(20 * time.Second)
			for tc.waitRun {
				if _, ok := s.Latest(); ok {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the dashboard's first run did not finish")
				}
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Run after cancel: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("a cancelled context did not end Run")
			}
		})
	}
}
