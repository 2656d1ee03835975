//go:build unix

package collect

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

func TestSystemHostOnThisMachine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var h SystemHost
	facts, err := h.Info(ctx)
	if want, _ := os.Hostname(); err != nil || facts.Hostname != want || facts.OS == "" {
		t.Errorf("Info = %+v, %v", facts, err)
	}
	ifcs, err := h.Interfaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lo := false
	for _, ifc := range ifcs {
		if hasFlag(ifc, "loopback") && strings.Contains(strings.Join(ifc.Addrs, ","), "127.0.0.1/8") {
			lo = true
		}
	}
	if !lo {
		t.Errorf("no loopback interface with 127.0.0.1/8 in %+v", ifcs)
	}
	ps, err := h.Processes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	self := false
	for _, p := range ps {
		if int(p.PID) == os.Getpid() {
			self = p.Name != ""
		}
	}
	if !self {
		t.Errorf("own process (pid %d) not listed among %d", os.Getpid(), len(ps))
	}
	t.Logf("%s on %s %s: %d interfaces, %d processes", facts.Hostname, facts.Platform, facts.PlatformVersion, len(ifcs), len(ps))
}

// BenchmarkSystemHostProcesses measures the process listing the VPN and Tor
// probes share (once per run).
func BenchmarkSystemHostProcesses(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := (SystemHost{}).Processes(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSystemHostInterfaces measures the interface listing.
func BenchmarkSystemHostInterfaces(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := (SystemHost{}).Interfaces(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
