package watch

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
)

// monitoringDir holds the scrape config, rules and dashboard users copy.
const monitoringDir = "../docs/monitoring"

// promtool finds promtool (Debian's prometheus package brings it; .ci/run
// installs it) or skips, saying why.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not found (apt-get install prometheus): skipping the check it makes")
	}
	return p
}

// exported is every metric name the exporter exposes after runs against
// the lab, histogram series names included.
func exported(t *testing.T) map[string]bool {
	t.Helper()
	e := NewExporter("test")
	e.Observe(diagnose(t, "block-1020"))
	mfs, err := e.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, n := range Names() {
		names[n] = true
	}
	for _, mf := range mfs {
		n := mf.GetName()
		if strings.HasPrefix(n, "gptdoctor_") && !names[n] {
			t.Errorf("%s is exported but missing from Names()", n)
		}
		names[n] = true
	}
	for n := range names {
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			names[n+suffix] = true
		}
	}
	return names
}

// metricRef matches the metric names a query can use from this exporter.
var metricRef = regexp.MustCompile(`\b(?:gptdoctor|go|process)_[a-z0-9_]+\b`)

// checkQuery fails unless query names at least one metric and every
// metric it names is exported.
func checkQuery(t *testing.T, where, query string, names map[string]bool, allowNone bool) {
	t.Helper()
	refs := metricRef.FindAllString(query, -1)
	if len(refs) == 0 && !allowNone {
		t.Errorf("%s: query %q names no gptdoctor metric", where, query)
	}
	for _, r := range refs {
		if !names[r] {
			t.Errorf("%s: query names %s, which gptdoctor does not export", where, r)
		}
	}
}

// TestGrafanaDashboard: the dashboard parses as JSON and every query in it
// (panels and variables) names metrics the exporter really exports.
func TestGrafanaDashboard(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(monitoringDir, "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash map[string]any
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	names := exported(t)
	queries := 0
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				if s, ok := c.(string); ok && (k == "expr" || k == "definition" || (k == "query" && strings.Contains(path, "templating"))) {
					queries++
					checkQuery(t, path+"."+k, s, names, false)
					continue
				}
				walk(path+"."+k, c)
			}
		case []any:
			for _, c := range v {
				walk(path, c)
			}
		}
	}
	walk("dashboard", dash)
	if panels, _ := dash["panels"].([]any); len(panels) < 10 || queries < len(panels) {
		t.Errorf("%d panels, %d queries: the dashboard lost its content", len(panels), queries)
	}
}

// TestAlertRules: promtool accepts the rules and the scrape config that
// loads them, and every expression names exported metrics (the agent-down
// rule reads Prometheus' own up).
func TestAlertRules(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(monitoringDir, "rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	names := exported(t)
	alerts := regexp.MustCompile(`(?m)^\s*- alert: (\S+)`).FindAllStringSubmatch(string(b), -1)
	var got []string
	for _, a := range alerts {
		got = append(got, a[1])
	}
	for _, want := range []string{"GPTDoctorCloudflareBlock", "GPTDoctorOpenAIMajorOutage", "GPTDoctorSlowTLS", "GPTDoctorSlowFirstByte", "GPTDoctorAgentDown"} {
		if !slices.Contains(got, want) {
			t.Errorf("rules.yml has no %s alert (has %v)", want, got)
		}
	}
	exprs := regexp.MustCompile(`(?s)expr: (\|\n.*?)\n\s+for:|expr: ([^|\n][^\n]*)`).FindAllStringSubmatch(string(b), -1)
	if len(exprs) != len(alerts) {
		t.Fatalf("%d expressions for %d alerts", len(exprs), len(alerts))
	}
	for i, m := range exprs {
		checkQuery(t, "rules.yml "+got[i], m[1]+m[2], names, strings.Contains(m[1]+m[2], "up{"))
	}
	if !strings.Contains(string(b), "for: 10m") {
		t.Error("the block alert does not wait 10 minutes")
	}

	tool := promtool(t)
	for _, args := range [][]string{{"check", "rules", "rules.yml"}, {"check", "config", "prometheus.yml"}} {
		cmd := exec.Command(tool, args...)
		cmd.Dir = monitoringDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestPromtoolChecksMetrics: the exposition after a 1020 run and a 1015
// run passes `promtool check metrics` (names, units, help, types).
func TestPromtoolChecksMetrics(t *testing.T) {
	tool := promtool(t)
	e := NewExporter("v1.0.0")
	e.Observe(diagnose(t, "block-1020"))
	e.Observe(diagnose(t, "rate-1015"))
	expo, err := testutil.GatherAndFormat(e.Registry(), expfmt.TypeTextPlain, Names()...)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(expo, []byte(MetricVerdict)) {
		t.Fatal("no verdicts in the exposition")
	}
	cmd := exec.Command(tool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(expo)
	if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}
