package collect

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// BenchmarkMatrix4Targets runs four web targets' full variant matrices
// (4 × 4 cells) through the engine against local TLS servers with 100 ms of
// injected latency on every connect and every response flight. It reports
// the wall time of the whole set, the slowest single cell, and their ratio:
// cells run concurrently, so the set should take little longer than its
// slowest chain (target ≤ 1.5), not the sum.
func BenchmarkMatrix4Targets(b *testing.B) {
	tw := newTestWorld(b)
	tw.latency = 100 * time.Millisecond
	hosts := []struct{ name, v4, v6 string }{
		{"chatgpt.com", "104.18.32.47", "2606:4700::6812:202f"},
		{"platform.openai.com", "104.18.6.192", "2606:4700::6812:6c0"},
		{"sora.com", "104.18.38.10", "2606:4700::6812:260a"},
		{"auth.openai.com", "104.18.41.158", "2606:4700::6812:299e"},
	}
	var targets []probes.Target
	for _, h := range hosts {
		srv := tw.serve(http.HandlerFunc(okPage))
		tw.host(h.name, h.v4, h.v6, addr(srv))
		targets = append(targets, probes.WebTarget("https://"+h.name+"/"))
	}
	cfg := configFor(targets...)
	w := tw.World()
	plan := probes.Plan{Derive: []probes.Derivation{matrixDerivation(cfg)}}
	for _, t := range targets {
		plan.Probes = append(plan.Probes, targetProbes(t, cfg, w)...)
	}
	if len(plan.Probes) != 16 {
		b.Fatalf("%d probes, want 16", len(plan.Probes))
	}

	var wall, slowest, sum time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		snap := (&probes.Engine{}).Start(context.Background(), plan).Wait()
		wall += time.Since(start)
		var worst time.Duration
		for _, r := range snap.Results {
			if r.Kind != probes.KindEndpoint {
				continue
			}
			if r.Status != probes.StatusPass {
				b.Fatalf("%s: %s %s", r.ID, r.Status, r.Reason)
			}
			worst = max(worst, r.Duration.D())
			sum += r.Duration.D()
		}
		slowest += worst
		n++
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(n) / float64(time.Millisecond) }
	b.ReportMetric(ms(wall), "wall-ms")
	b.ReportMetric(ms(slowest), "slowest-cell-ms")
	b.ReportMetric(ms(sum), "sum-of-cells-ms")
	b.ReportMetric(float64(wall)/float64(slowest), "wall/slowest")
}
