package main

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// failureCodes maps the lab's failure classes to the endpoint probe's
// stable failure codes that express them.
var failureCodes = map[string][]string{
	lab.FailureDNS:       {"nxdomain", "servfail", "dns_refused", "dns_error", "dns_timeout", "no_address"},
	lab.FailureRefused:   {"refused"},
	lab.FailureTimeout:   {"connect_timeout", "tls_stall", "header_timeout", "budget"},
	lab.FailureReset:     {"reset", "tls_reset", "closed"},
	lab.FailureTLS:       {"tls_untrusted", "tls_hostname", "tls_expired", "tls_alert"},
	lab.FailureRedirects: {"redirect_loop", "too_many_redirects"},
	lab.FailureProtocol:  {"bad_response"},
}

// e2eEndpoint is the part of an endpoint result's details the test reads.
type e2eEndpoint struct {
	URL     string           `json:"url"`
	Variant probes.Variant   `json:"variant"`
	Status  int              `json:"status_code"`
	Failure string           `json:"failure"`
	Verdict classify.Verdict `json:"verdict"`
}

// TestScenariosThroughTheBinary runs `gptdoctor check --json` against every
// lab scenario, pointed at the lab only by flags and environment, and holds
// the document to the scenario's expectation: each matrix cell's verdict,
// code and Ray ID, the edge IP Cloudflare reports, the API key outcome and
// the top cause. The output must carry no control byte and no key.
//
// Four scenarios run at a time whatever -parallel says (it defaults to
// the number of CPUs, two on the project's machine): a run is a child
// process that mostly waits, the stalled scenarios for the binary's own
// phase limits (3 s for a TLS handshake, 6 s for a dripping body), which
// no test may shorten from outside. The subtests are started from
// goroutines instead of with t.Parallel, which -parallel would hold to
// two at a time, and the scenarios that wait start first.
func TestScenariosThroughTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end runs of the binary skipped in -short mode")
	}
	t.Parallel()
	fourAtATime(t, waitingFirst(lab.Scenarios()), runScenario)
}

// fourAtATime runs one subtest per scenario, four at a time and in order
// (the scenarios start as listed), whatever -parallel says: each is a child
// process that mostly waits out the binary's own limits, so -parallel's
// default (the number of CPUs, two here) would only queue the waiting.
// Subtests are started from goroutines instead of with t.Parallel, which
// -parallel would hold to two at a time.
func fourAtATime(t *testing.T, scs []lab.Scenario, run func(*testing.T, lab.Scenario)) {
	t.Helper()
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, sc := range scs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			t.Run(sc.Name, func(t *testing.T) { run(t, sc) })
		})
	}
}

// waitingFirst puts the scenarios whose runs wait out the binary's limits
// (a hostile server, a cell expected to time out) before the others, in
// their order, so the longest runs start first and the quick ones fill in
// beside them.
func waitingFirst(scs []lab.Scenario) []lab.Scenario {
	waits := func(sc lab.Scenario) bool {
		if sc.Expect.Hostile {
			return true
		}
		for _, te := range sc.Expect.Targets {
			if te.Failure == lab.FailureTimeout || slices.ContainsFunc(te.Overrides, func(o lab.VariantAnswer) bool { return o.Failure == lab.FailureTimeout }) {
				return true
			}
		}
		return false
	}
	out := slices.Clone(scs)
	slices.SortStableFunc(out, func(a, b lab.Scenario) int {
		switch wa, wb := waits(a), waits(b); {
		case wa && !wb:
			return -1
		case wb && !wa:
			return 1
		}
		return 0
	})
	return out
}

// runScenario is one scenario of TestScenariosThroughTheBinary.
func runScenario(t *testing.T, sc lab.Scenario) {
	l, err := lab.Start(sc.Name, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	args := append([]string{"check", "--json", "--timeout", l.Config().Budget.String()}, l.Args()...)
	out, errOut, code := runBinary(t, l.Env(), args...)
	assertClean(t, "stdout", out)
	assertClean(t, "stderr", errOut)
	for _, kv := range l.Env() {
		if k, v, _ := strings.Cut(kv, "="); k == "OPENAI_API_KEY" && v != "" && strings.Contains(string(out)+string(errOut), v) {
			t.Errorf("the scenario's API key appears in the output")
		}
	}
	doc := decodeDoc(t, out)
	assertReadsBack(t, out)
	if code != doc.Outcome.ExitCode {
		t.Errorf("exit %d, document says %d", code, doc.Outcome.ExitCode)
	}
	checkScenario(t, sc, doc)
}

func checkScenario(t *testing.T, sc lab.Scenario, doc checkDoc) {
	t.Helper()
	exp := sc.Expect
	byURL := map[string]lab.TargetExpectation{}
	for _, te := range exp.Targets {
		byURL[te.URL] = te
	}
	cells := 0
	for _, r := range doc.Results {
		switch {
		case r.Kind == string(probes.KindEndpoint):
			var d e2eEndpoint
			mustUnmarshal(t, r.Details, &d)
			te, ok := byURL[d.URL]
			if !ok {
				t.Errorf("%s: no expectation for %s", r.ID, d.URL)
				continue
			}
			cells++
			checkCell(t, r.ID, r.Status, te, d)
		case strings.HasPrefix(r.ID, "trace:chatgpt.com:direct") && len(exp.Trace) > 0 && !exp.Hostile:
			var d probes.TraceDetails
			mustUnmarshal(t, r.Details, &d)
			var ips []string
			for _, tr := range exp.Trace {
				ips = append(ips, tr.IP)
			}
			if !slices.Contains(ips, d.IP) {
				t.Errorf("%s: Cloudflare saw %q, want one of %v", r.ID, d.IP, ips)
			}
		case r.ID == "apikey:openai" && exp.APIKey != "":
			var d probes.APIKeyDetails
			mustUnmarshal(t, r.Details, &d)
			if d.Outcome != exp.APIKey {
				t.Errorf("api key outcome %q, want %q (%s)", d.Outcome, exp.APIKey, r.Reason)
			}
		}
	}
	if cells == 0 {
		t.Errorf("no endpoint results")
	}
	checkPanes(t, exp, doc)

	// The diagnosis.
	top := ""
	if len(doc.Findings) > 0 {
		f := doc.Findings[0]
		if f.Confidence == "confirmed" || f.Confidence == "likely" {
			top = f.Cause
		}
	}
	if exp.Hostile {
		// A hostile server is survived first; where the lab also knows the
		// diagnosis (nxdomain, servfail, tls-stall …) it must be named.
		if exp.TopCause != "" && top != exp.TopCause {
			t.Errorf("hostile scenario: top cause %q, want %q; findings: %s", top, exp.TopCause, findingList(doc))
		}
		return
	}
	if top != exp.TopCause {
		t.Errorf("top cause %q, want %q; findings: %s", top, exp.TopCause, findingList(doc))
	}
	if (exp.TopCause == "" || advisory(exp.TopCause)) && doc.Outcome.ExitCode != 0 {
		t.Errorf("healthy scenario exited %d (%s)", doc.Outcome.ExitCode, doc.Outcome.Status)
	}
	if exp.TopCause != "" && !advisory(exp.TopCause) && doc.Outcome.ExitCode != 1 {
		t.Errorf("problem scenario exited %d", doc.Outcome.ExitCode)
	}
}

func checkCell(t *testing.T, id, status string, te lab.TargetExpectation, d e2eEndpoint) {
	t.Helper()
	want := te.For(d.Variant)
	if want.Failure != "" {
		if status == string(probes.StatusSkipped) && want.Failure == lab.FailureDNS {
			return // a family the (hijacked) resolver has no answer for
		}
		if !slices.Contains(failureCodes[want.Failure], d.Failure) {
			t.Errorf("%s: failure %q (verdict %s), want class %s", id, d.Failure, d.Verdict.Kind, want.Failure)
		}
		return
	}
	if want.Verdict != "" && d.Verdict.Kind != want.Verdict {
		t.Errorf("%s: verdict %s, want %s (failure %q)", id, d.Verdict.Kind, want.Verdict, d.Failure)
	}
	if want.Code != 0 && d.Verdict.Code != want.Code {
		t.Errorf("%s: code %d, want %d", id, d.Verdict.Code, want.Code)
	}
	if want.Status != 0 && d.Status != want.Status {
		t.Errorf("%s: HTTP %d, want %d", id, d.Status, want.Status)
	}
	if ray := te.RayID(d.Variant); ray != "" && d.Verdict.RayID != ray {
		t.Errorf("%s: Ray ID %q, want %q", id, d.Verdict.RayID, ray)
	}
}

func findingList(doc checkDoc) string {
	var parts []string
	for _, f := range doc.Findings {
		parts = append(parts, fmt.Sprintf("%s(%s)", f.Cause, f.Confidence))
	}
	return strings.Join(parts, ", ")
}

// checkPanes holds the local-network panes to the scenario: the DNS pane
// flags a hijack, the proxy pane shows the proxy Go uses and that it
// answers.
func checkPanes(t *testing.T, exp lab.Expectation, doc checkDoc) {
	t.Helper()
	get := func(id string) (string, []byte, bool) {
		for _, r := range doc.Results {
			if r.ID == id {
				return r.Status, r.Details, true
			}
		}
		return "", nil, false
	}
	if exp.DNS.Hijacked {
		status, raw, ok := get("dns:lookup:chatgpt.com")
		var d probes.DNSLookupDetails
		if ok {
			mustUnmarshal(t, raw, &d)
		}
		if !ok || !d.Hijacked || status != string(probes.StatusFail) || d.HijackReason == "" {
			t.Errorf("dns:lookup:chatgpt.com = %s hijacked=%v reason=%q, want a failed, explained hijack", status, d.Hijacked, d.HijackReason)
		}
	}
	if exp.Proxy {
		_, raw, ok := get("proxy:env")
		var env probes.ProxyEnvDetails
		if ok {
			mustUnmarshal(t, raw, &env)
		}
		found := false
		for _, e := range env.Effective {
			if strings.Contains(e.URL, "chatgpt.com") && e.Proxy != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("proxy:env does not show the proxy chatgpt.com uses: %+v", env.Effective)
		}
		reachable := false
		for _, r := range doc.Results {
			if strings.HasPrefix(r.ID, "proxy:reach:") && r.Status == string(probes.StatusPass) {
				reachable = true
			}
		}
		if !reachable {
			t.Errorf("no passing proxy:reach result for the working lab proxy")
		}
	}
}

// advisory reports whether a cause is advice (a slow path that works):
// found, it leaves the exit code 0.
func advisory(cause string) bool {
	for _, c := range remedies.Causes() {
		if c.ID == cause {
			return c.Severity == remedies.Advisory
		}
	}
	return false
}
