package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes/classify"
	"github.com/gptdoctor/gptdoctor/session"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

var t0 = time.Date(2026, 11, 26, 6, 30, 0, 0, time.UTC)

func res(id string, kind probes.Kind, status probes.Status, title, reason string) probes.Result {
	return probes.Result{RunID: "0123456789ab", ID: id, Kind: kind, Status: status, Title: title, Reason: reason,
		Started: t0, Duration: probes.Millis(42 * time.Millisecond)}
}

// sampleSnapshot is a blocked machine: 1020 on every chatgpt.com cell, the
// API reachable, a hostile string in one reason.
func sampleSnapshot() probes.Snapshot {
	cell := func(fam, hdr string) probes.Result {
		r := res("endpoint:chatgpt.com:direct-"+fam+"-"+hdr, probes.KindEndpoint, probes.StatusFail,
			"chatgpt.com: direct, "+fam+", "+hdr, "Cloudflare error 1020: access denied by the site's firewall rules (HTTP 403)")
		r.Evidence = []string{"cf-ray: 8a1b2c3d4e5f6a7b-FRA"}
		r.Details = &probes.EndpointDetails{URL: "https://chatgpt.com/", Variant: probes.Variant{Route: "direct", Family: fam, Headers: hdr},
			StatusCode: 403, Verdict: classify.Verdict{Kind: classify.VerdictCFBlock, Code: 1020, RayID: "8a1b2c3d4e5f6a7b"}}
		return r
	}
	cells := []probes.Result{cell("ipv4", "plain"), cell("ipv4", "browser"), cell("ipv6", "plain"), cell("ipv6", "browser")}
	m := res("matrix:chatgpt.com", probes.KindMatrix, probes.StatusFail, "chatgpt.com variant matrix", "chatgpt.com blocked this machine in every cell (4 of 4)")
	md := &probes.MatrixDetails{URL: "https://chatgpt.com/"}
	for _, c := range cells {
		md.Cells = append(md.Cells, probes.MatrixCell{ResultID: c.ID, Status: c.Status, Blocked: true})
	}
	m.Details = md
	api := res("endpoint:api.openai.com:default", probes.KindEndpoint, probes.StatusPass, "api.openai.com", "answered as expected: 401 missing key")
	trace := res("trace:chatgpt.com:direct", probes.KindEdgeTrace, probes.StatusPass, "Cloudflare trace for chatgpt.com",
		"Cloudflare sees this machine as 203.0.113.10 in US via data centre FRA")
	// A title longer than the column: its reason goes on the next line.
	proxyTrace := res("trace:chat.openai.com:proxy", probes.KindEdgeTrace, probes.StatusPass, "Cloudflare trace for chat.openai.com through the proxy",
		"Cloudflare sees this machine as 198.51.100.80 in DE via data centre FRA")
	hostile := res("status:openai", probes.KindStatusPage, probes.StatusWarn, "OpenAI status page", "minor incident: \x1b[31mElevated errors\x1b[0m")
	skipped := res("apikey:openai", probes.KindAPIKey, probes.StatusSkipped, "API key", "no OPENAI_API_KEY set")
	rs := append(cells, api, m, trace, proxyTrace, hostile, skipped)
	return probes.Snapshot{RunID: "0123456789ab", Started: t0, Finished: t0.Add(1234 * time.Millisecond), Results: rs}
}

func sampleFindings() []remedies.Finding {
	return []remedies.Finding{{
		Cause: "flagged-ip", Title: "Flagged or shared IP address", Confidence: remedies.Likely,
		Summary:  "Cloudflare blocks chatgpt.com (error 1020) and nothing on this machine explains it.",
		Evidence: []remedies.Evidence{{ResultID: "endpoint:chatgpt.com:direct-ipv4-plain", Text: "chatgpt.com: HTTP 403, Cloudflare error 1020; Ray ID 8a1b2c3d4e5f6a7b-FRA"}},
		Remedies: []string{"change-network", "contact-support"},
	}}
}

func sampleDoc() session.Document {
	h := session.Header{Mode: "check", Version: "v0.0.0-test",
		Settings: session.Settings{Targets: probes.DefaultTargets(), BudgetMS: probes.Millis(8 * time.Second), APIKeyEnv: "OPENAI_API_KEY"}}
	d := session.BuildDocument(h, session.Diagnosis{Snapshot: sampleSnapshot(), Findings: sampleFindings()},
		[]remedies.ActionRecord{{Action: "bypass-proxy", Outcome: remedies.OutcomeFixed,
			Before: "chatgpt.com: Cloudflare 1020 via proxy", After: "chatgpt.com: 200 OK direct"}})
	d.Tool.OS = "linux" // goldens must not depend on the machine running the test
	return d
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./report -update rewrites it):\n%s", name, got)
	}
}

func TestTextGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  TextOptions
	}{
		{"text-plain", TextOptions{}},
		{"text-verbose", TextOptions{Verbose: true}},
		{"text-color", TextOptions{Color: true}},
	} {
		var b bytes.Buffer
		if err := WriteText(&b, sampleDoc(), tc.opt); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name, b.Bytes())
		if !tc.opt.Color && bytes.ContainsRune(b.Bytes(), 0x1b) {
			t.Errorf("%s: escape byte in uncoloured output", tc.name)
		}
	}
}

func TestTextFoldsPassingMatrixCells(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, sampleDoc(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "direct, ipv6, browser") {
		t.Error("matrix cells shown without --verbose")
	}
	if !strings.Contains(out, "(4 of 4): Cloudflare error 1020") {
		t.Errorf("matrix line lacks the worst cell's reason:\n%s", out)
	}
	if strings.Contains(out, "API key") {
		t.Error("skipped probe shown without --verbose")
	}
	if !strings.Contains(out, "minor incident: Elevated errors") {
		t.Error("hostile reason not sanitised into readable text")
	}
}

func TestJSONDocument(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleDoc()); err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "tool", "mode", "run_id", "started", "finished", "duration_ms", "settings", "outcome", "findings", "results"} {
		if _, ok := v[k]; !ok {
			t.Errorf("document lacks %q", k)
		}
	}
	if v["schema_version"].(float64) != session.SchemaVersion {
		t.Errorf("schema_version %v", v["schema_version"])
	}
	// Empty lists are [] not null, so jq filters work without guards.
	empty := session.BuildDocument(session.Header{}, session.Diagnosis{}, nil)
	b.Reset()
	_ = WriteJSON(&b, empty)
	if !bytes.Contains(b.Bytes(), []byte(`"findings": []`)) || !bytes.Contains(b.Bytes(), []byte(`"results": []`)) {
		t.Errorf("empty lists not rendered as []:\n%s", b.Bytes())
	}
}
