package remedies

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/collect"
)

// remedyTable is, per cause, the remedies that can never help it (so may
// never be offered for it) and the one that must come first whenever the
// cause is found, from the troubleshooting guides.
var remedyTable = map[string]struct {
	never []string
	first string
}{
	// Server-side: the status page says whether to wait; nothing local
	// or network-side helps.
	CauseOutage:      {never: []string{"change-network", "disable-vpn", "flush-dns", "clear-browser-data", "bypass-proxy"}, first: "check-status"},
	CauseServerError: {never: []string{"change-network", "disable-vpn", "flush-dns", "clear-browser-data", "bypass-proxy"}, first: "check-status"},
	// Cloudflare could not reach OpenAI: OpenAI's side.
	CauseOriginError: {never: []string{"disable-vpn", "flush-dns", "clear-browser-data", "fix-api-key"}},
	// Rate limits lift with time; quota only with billing; keys only
	// with the key.
	CauseRateLimited:    {never: []string{"flush-dns", "clear-browser-data", "fix-api-key", "add-billing"}, first: "wait-retry"},
	CauseQuotaExhausted: {never: []string{"wait-retry", "change-network", "flush-dns", "fix-api-key"}, first: "add-billing"},
	CauseInvalidAPIKey:  {never: []string{"wait-retry", "change-network", "flush-dns", "disable-vpn", "clear-browser-data"}, first: "fix-api-key"},
	CauseAPIIPAllowlist: {never: []string{"wait-retry", "flush-dns", "clear-browser-data"}, first: "update-ip-allowlist"},
	CauseMissingAPIKey:  {never: []string{"wait-retry", "change-network", "flush-dns", "clear-browser-data"}},
	// The IPv4 path works: use it.
	CauseIPv6Path: {never: []string{"flush-dns", "wait-retry", "clear-browser-data"}, first: "prefer-ipv4"},
	// A resolver that forges answers forges them again after a flush.
	CauseDNSHijack:  {never: []string{"wait-retry", "clear-browser-data", "disable-https-scanning"}, first: "use-independent-dns"},
	CauseDNSFailure: {never: []string{"wait-retry", "clear-browser-data"}, first: "use-independent-dns"},
	// The browser or a clock cannot cause a network-wide block.
	CauseNoConnectivity: {never: []string{"clear-browser-data", "private-window", "wait-retry", "check-status"}},
	CauseCaptivePortal:  {never: []string{"flush-dns", "clear-browser-data", "wait-retry"}, first: "login-portal"},
	CauseGeoRestricted:  {never: []string{"flush-dns", "clear-browser-data", "wait-retry"}},
	CauseChallenge:      {never: []string{"flush-dns", "wait-retry", "fix-api-key"}},
	CauseClockSkew:      {never: []string{"change-network", "flush-dns", "wait-retry"}, first: "sync-clock"},
	CauseSlowNetwork:    {never: []string{"clear-browser-data", "flush-dns", "fix-api-key", "add-billing"}},
	CauseBrowserState:   {never: []string{"change-network", "flush-dns", "wait-retry"}, first: "clear-browser-data"},
}

// scenarioNever narrows the table where the evidence, not the cause,
// rules a remedy out: an API rate limit counts per organisation and
// project, not per IP, and Cloudflare's origin errors are OpenAI's side,
// so another network helps neither (a 1015 counts per IP, where it can).
var scenarioNever = map[string]map[string][]string{
	"api-429-rate":  {CauseRateLimited: {"change-network", "disable-vpn"}},
	"origin-5xx":    {CauseOriginError: {"change-network", "bypass-proxy", "disable-vpn"}},
	"redirect-loop": {CauseOriginError: {"change-network"}},
}

// stateDependentFirst are the causes whose first remedy depends on the
// evidence, so the catalogue's default order is not held to the table: a
// stale cache entry is flushed first, a forging resolver avoided first.
var stateDependentFirst = map[string]bool{CauseDNSHijack: true}

// checkRemedyTable holds every finding to the table.
func checkRemedyTable(t *testing.T, where string, found []Finding, catalogue bool) {
	t.Helper()
	for _, f := range found {
		row, ok := remedyTable[f.Cause]
		if !ok {
			continue
		}
		for _, r := range f.Remedies {
			if slices.Contains(row.never, r) {
				t.Errorf("%s: %s offers %s, which cannot help it (remedies %v)", where, f.Cause, r, f.Remedies)
			}
		}
		if catalogue && stateDependentFirst[f.Cause] {
			continue
		}
		if row.first != "" && len(f.Remedies) > 0 && f.Remedies[0] != row.first {
			t.Errorf("%s: %s offers %s first, want %s (remedies %v)", where, f.Cause, f.Remedies[0], row.first, f.Remedies)
		}
	}
}

// TestRemedyTableCatalogue: the catalogue's own lists obey the table.
func TestRemedyTableCatalogue(t *testing.T) {
	var found []Finding
	for _, c := range Causes() {
		found = append(found, Finding{Cause: c.ID, Remedies: c.Remedies})
	}
	checkRemedyTable(t, "catalogue", found, true)
}

// TestRemedyTableLab: every finding of every lab scenario obeys the table,
// whatever the rules reordered for its evidence.
func TestRemedyTableLab(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the probes against every lab scenario")
	}
	scs := lab.Scenarios()
	found := make([][]Finding, len(scs))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, sc := range scs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			l, err := lab.Start(sc.Name, lab.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			defer l.Close()
			w := l.MachineWorld()
			if sc.Stalls() {
				w.Limits = lab.FastLimits
			}
			cfg := l.Config()
			ctx, cancel := context.WithTimeout(context.Background(), labTimeout)
			defer cancel()
			s := (&probes.Engine{Clock: w.Clock, Budget: cfg.Budget}).Start(ctx, collect.BuildPlan(cfg, w, collect.DesktopProxy{})).Wait()
			found[i] = Diagnose(s, DiagnoseContext{GOOS: "linux", Targets: cfg.Targets})
		})
	}
	wg.Wait()
	for i, sc := range scs {
		if sc.Name == "stale-dns" {
			// The one a flush really fixes: flush first.
			f := findingFor(t, found[i], CauseDNSHijack)
			if len(f.Remedies) == 0 || f.Remedies[0] != "flush-dns" {
				t.Errorf("stale-dns: remedies %v, want flush-dns first", f.Remedies)
			}
			continue
		}
		checkRemedyTable(t, sc.Name, found[i], false)
		for cause, never := range scenarioNever[sc.Name] {
			f := findingFor(t, found[i], cause)
			for _, r := range never {
				if slices.Contains(f.Remedies, r) {
					t.Errorf("%s: %s offers %s (remedies %v)", sc.Name, cause, r, f.Remedies)
				}
			}
		}
	}
}
