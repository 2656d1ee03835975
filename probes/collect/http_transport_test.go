package collect

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// TestBudgetScalesHeaderWait: a server that answers slowly is judged by the
// limits the run budget gives. Under a budget too short to wait for it the
// result is unknown and says to try a longer --timeout (not a failure that
// would read as "no connectivity"); under the default budget it answers; a
// server slower than the default header limit fails under the default
// budget and answers under a longer one.
func TestBudgetScalesHeaderWait(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		delay  time.Duration
		budget time.Duration
		want   probes.Status
		code   string
	}{
		// Under fastLimits (headers 400 ms, the probe 800 ms at the
		// default budget) a 2 s budget leaves 100 ms for headers and
		// 200 ms for the probe. A delay only ever grows under load, so
		// the cases that must pass keep 300 ms or more below their limit
		// (one failed at load 8-12 with 150 ms) and those that must time
		// out sit above theirs.
		{"short budget", 250 * time.Millisecond, 2 * time.Second, probes.StatusUnknown, "budget"},
		{"default budget", 50 * time.Millisecond, probes.DefaultBudget, probes.StatusPass, ""},
		// Slower than the 400 ms header limit, faster than the 800 ms
		// twice the budget allows.
		{"slow server, default budget", 500 * time.Millisecond, probes.DefaultBudget, probes.StatusFail, "header_timeout"},
		{"slow server, long budget", 500 * time.Millisecond, 2 * probes.DefaultBudget, probes.StatusPass, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tw := newTestWorld(t)
			srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-time.After(tc.delay):
					okPage(w, r)
				case <-r.Context().Done():
				}
			}))
			tw.host("chatgpt.com", cgV4, "", addr(srv))
			cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
			cfg.Budget = tc.budget
			w := tw.World()
			w.Limits = fastLimits()
			r := runProbe(t, probeByID(t, targetProbes(cfg.Targets[0], cfg, w), "endpoint:chatgpt.com:direct-ipv4-plain"))
			d := endpointDetails(t, r)
			if r.Status != tc.want || d.Failure != tc.code {
				t.Fatalf("got %s failure %q (%s), want %s %q", r.Status, d.Failure, r.Reason, tc.want, tc.code)
			}
			if tc.want == probes.StatusUnknown && (!strings.Contains(r.Reason, "too short to tell") || !strings.Contains(r.Reason, "--timeout 2s") ||
				r.Error == nil || r.Error.Step != "request" || !r.Error.Timeout) {
				t.Errorf("reason %q error %+v", r.Reason, r.Error)
			}
		})
	}
}
