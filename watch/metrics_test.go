package watch

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// TestBlock1020Metrics: a run against the lab's 1020 scenario exports the
// block on every chatgpt.com cell with its code and Ray ID, the API's
// expected answer as reachable, Cloudflare's view of the client, a green
// status page and the diagnosis' top cause — the series the shipped
// alerts and dashboard read.
func TestBlock1020Metrics(t *testing.T) {
	sc, _ := lab.Lookup("block-1020")
	e := NewExporter("v1.2.3")
	e.Observe(diagnose(t, "block-1020"))
	reg := e.Registry()

	var verdicts, reachable, status, rays []string
	for _, te := range sc.Expect.Targets {
		target := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(te.URL, "https://"), "http://"), "/")
		target, _, _ = strings.Cut(target, "/")
		cells := []probes.Variant{{Route: "direct", Family: "any", Headers: "plain"}}
		if !strings.HasPrefix(te.URL, "https://api.") {
			cells = nil
			for _, fam := range []string{"ipv4", "ipv6"} {
				for _, hs := range []string{"plain", "browser"} {
					cells = append(cells, probes.Variant{Route: "direct", Family: fam, Headers: hs})
				}
			}
		}
		for _, v := range cells {
			a := te.For(v)
			c := cellOf(v)
			code := ""
			if a.Code != 0 {
				code = fmt.Sprint(a.Code)
			}
			verdicts = append(verdicts, fmt.Sprintf(`%s{cell="%s",code="%s",kind="%s",target="%s"} 1`, MetricVerdict, c, code, a.Verdict, target))
			ok := 0
			if a.Verdict == classify.VerdictOK || a.Verdict == classify.VerdictOpenAIMissingKey {
				ok = 1
			}
			reachable = append(reachable, fmt.Sprintf(`%s{cell="%s",target="%s"} %d`, MetricReachable, c, target, ok))
			status = append(status, fmt.Sprintf(`%s{cell="%s",target="%s"} %d`, MetricHTTPStatus, c, target, a.Status))
			path := v
			if path.Family == probes.FamilyAny {
				path.Family = probes.FamilyIPv4 // the lab's API answers over IPv4
			}
			rays = append(rays, fmt.Sprintf(`%s{cell="%s",ray_id="%s",target="%s"} 1`, MetricRayInfo, c, te.RayID(path), target))
		}
	}
	if len(verdicts) < 9 {
		t.Fatalf("the lab expects only %d cells", len(verdicts))
	}
	sameLines(t, MetricVerdict, series(t, reg, MetricVerdict), verdicts)
	sameLines(t, MetricReachable, series(t, reg, MetricReachable), reachable)
	sameLines(t, MetricHTTPStatus, series(t, reg, MetricHTTPStatus), status)
	sameLines(t, MetricRayInfo, series(t, reg, MetricRayInfo), rays)

	tr := sc.Expect.Trace["direct-ipv4"]
	var edges []string
	for _, host := range []string{"api.openai.com", "chat.openai.com", "chatgpt.com"} {
		edges = append(edges, fmt.Sprintf(`%s{colo="%s",country="%s",route="direct",target="%s",warp="%s"} 1`, MetricEdgeInfo, tr.Colo, tr.Loc, host, tr.Warp))
	}
	sameLines(t, MetricEdgeInfo, series(t, reg, MetricEdgeInfo), edges)

	// The enum metrics with their HELP and TYPE, through GatherAndCompare.
	want := `
# HELP gptdoctor_outcome 1 for the latest run's outcome (reachable, problem, incomplete), 0 for the others.
# TYPE gptdoctor_outcome gauge
gptdoctor_outcome{status="incomplete"} 0
gptdoctor_outcome{status="problem"} 1
gptdoctor_outcome{status="reachable"} 0
# HELP gptdoctor_status_page_indicator 1 for OpenAI's status page indicator (none, minor, major, critical; unknown when the page could not be read), 0 for the others.
# TYPE gptdoctor_status_page_indicator gauge
gptdoctor_status_page_indicator{indicator="critical"} 0
gptdoctor_status_page_indicator{indicator="major"} 0
gptdoctor_status_page_indicator{indicator="minor"} 0
gptdoctor_status_page_indicator{indicator="none"} 1
gptdoctor_status_page_indicator{indicator="unknown"} 0
# HELP gptdoctor_runs_total Diagnosis runs finished, by outcome (reachable, problem, incomplete).
# TYPE gptdoctor_runs_total counter
gptdoctor_runs_total{outcome="incomplete"} 0
gptdoctor_runs_total{outcome="problem"} 1
gptdoctor_runs_total{outcome="reachable"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), MetricOutcome, MetricStatusIndicator, MetricRuns); err != nil {
		t.Error(err)
	}
	top := fmt.Sprintf(`%s{cause="%s",confidence=`, MetricFindings, sc.Expect.TopCause)
	if f := series(t, reg, MetricFindings); !strings.Contains(strings.Join(f, "\n"), top) {
		t.Errorf("findings do not name the top cause %s:\n%s", sc.Expect.TopCause, strings.Join(f, "\n"))
	}
	if n := testutil.CollectAndCount(e.phase); n == 0 {
		t.Error("no phase histogram series")
	}
	if n, _ := testutil.GatherAndCount(reg, MetricRunDuration); n != 1 {
		t.Errorf("%d run duration series", n)
	}
	// The client library's own linter: names, units, help.
	problems, err := testutil.GatherAndLint(reg, Names()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

// TestVanishedCellLosesItsSeries: when a cell stops being probed (the
// proxy is turned off, IPv6 goes away), its gauges and histogram series go
// with it instead of freezing at their last value.
func TestVanishedCellLosesItsSeries(t *testing.T) {
	d := diagnose(t, "block-1020")
	e := NewExporter("test")
	e.Observe(d)
	reg := e.Registry()
	before := len(series(t, reg, MetricVerdict))
	hasV6 := func(names ...string) bool {
		return strings.Contains(strings.Join(series(t, reg, names...), "\n"), "ipv6")
	}
	if !hasV6(MetricVerdict) || !hasV6(MetricPhase) {
		t.Fatal("the 1020 run has no IPv6 cells to drop")
	}
	var kept []probes.Result
	for _, r := range d.Snapshot.Results {
		if !strings.Contains(r.ID, "ipv6") {
			kept = append(kept, r)
		}
	}
	d.Snapshot.Results = kept
	e.Observe(d)
	if hasV6(MetricVerdict, MetricReachable, MetricHTTPStatus, MetricRayInfo, MetricPhase) {
		t.Error("IPv6 series outlived their cells")
	}
	if after := len(series(t, reg, MetricVerdict)); after != before-4 {
		t.Errorf("%d verdict series after dropping 4 of %d", after, before)
	}
}

// TestLabelsStayBounded: whatever a server or a configuration says, label
// values are short, plain and from closed lists; no query string, escape
// sequence or key reaches them.
func TestLabelsStayBounded(t *testing.T) {
	long := strings.Repeat("a", 300)
	hostile := []probes.Result{
		{ID: "endpoint:evil\x1b[31m.example/" + long + "?token=sekrit:direct-ipv4-plain", Kind: probes.KindEndpoint, Status: probes.StatusFail,
			Error: &probes.StepError{Step: "made-up-step\x07"},
			Details: &probes.EndpointDetails{Variant: probes.Variant{Route: "direct", Family: "ipv4", Headers: "plain"}, StatusCode: 70000,
				Failure: "weird\nfailure",
				Verdict: classify.Verdict{Kind: "new_kind_" + classify.VerdictKind(long), Code: 123456789, RayID: "zz\x1b" + long}}},
		{ID: "endpoint:api.example:default", Kind: probes.KindEndpoint, Status: probes.StatusFail,
			Details: &probes.EndpointDetails{Variant: probes.Variant{Route: "sideways", Family: "ipv9", Headers: "evil"},
				Verdict: classify.Verdict{Kind: classify.VerdictOpenAIOther, Status: 400, OpenAI: &classify.OpenAIError{Code: "sk-proj-sekrit"}}}},
		{ID: "trace:x:direct", Kind: probes.KindEdgeTrace, Status: probes.StatusPass,
			Details: &probes.TraceDetails{Host: "x\x1b]0;pwn\x07", Route: "direct", Loc: "\x1b[", Colo: "toolong", Warp: "maybe",
				Verdict: classify.Verdict{Kind: classify.VerdictOK}}},
		{ID: "status:openai", Kind: probes.KindStatusPage, Status: probes.StatusPass,
			Details: &probes.StatusPageDetails{Indicator: "apocalyptic", ChatGPT: "on fire" + long}},
	}
	e := NewExporter("v1\x1b[2J" + long)
	now := time.Now()
	e.Observe(session.Diagnosis{Snapshot: probes.Snapshot{Started: now, Finished: now, Results: hostile},
		Findings: []remedies.Finding{{Cause: "invented-cause" + long, Confidence: "certain"}}, Outcome: session.Outcome{Status: "odd"}})
	lines := series(t, e.Registry(), Names()...)
	value := regexp.MustCompile(`="([^"]*)"`)
	clean := regexp.MustCompile(`^[a-z0-9._/:\[\]-]{0,64}$|^go[0-9.]+$|^\+Inf$`)
	n := 0
	for _, line := range lines {
		if !strings.HasPrefix(line, "gptdoctor_") {
			continue
		}
		n++
		for _, m := range value.FindAllStringSubmatch(line, -1) {
			if !clean.MatchString(m[1]) {
				t.Errorf("label value %q in %s", m[1], line)
			}
		}
		if strings.Contains(line, "sekrit") || strings.Contains(line, "token") {
			t.Errorf("secret in %s", line)
		}
	}
	if n == 0 {
		t.Fatal("nothing exported")
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{`kind="other"`, `code=""`, `failure="other"`, `step="other"`, `cause="other"`,
		`indicator="other"} 1`, `product="chatgpt",status="other"} 1`, `cell="other-other-other"`, `code="other"`} {
		if !strings.Contains(all, want) {
			t.Errorf("no %s in\n%s", want, all)
		}
	}
}
