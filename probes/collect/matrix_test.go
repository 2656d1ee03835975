package collect

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

func TestPlanCells(t *testing.T) {
	names := func(vs []probes.Variant) string {
		s := make([]string, len(vs))
		for i, v := range vs {
			s[i] = v.String()
		}
		return strings.Join(s, " ")
	}
	if got, want := names(planCells(false)), "direct-ipv4-plain direct-ipv4-browser direct-ipv6-plain direct-ipv6-browser"; got != want {
		t.Errorf("direct only: %s, want %s", got, want)
	}
	got := planCells(true)
	if want := "direct-ipv4-plain direct-ipv4-browser direct-ipv6-plain direct-ipv6-browser proxy-any-plain proxy-any-browser"; names(got) != want {
		t.Errorf("with proxy: %s, want %s", names(got), want)
	}
	// Every cell is one connection to the target within a second or two;
	// six (two families × two header sets direct, plus two header sets
	// through a proxy) stays well below what a rate limiter treats as a
	// burst and keeps a two-target run to a dozen connections.
	if len(got) > 6 {
		t.Errorf("%d cells: more than a rate limiter should see", len(got))
	}
	for _, v := range got {
		back, ok := parseVariant(v.String())
		if !ok || back != v {
			t.Errorf("parseVariant(%q) = %v, %v", v, back, ok)
		}
	}
}

func TestTargetProbesIDsAndTitles(t *testing.T) {
	w := probes.World{LookupEnv: func(string) (string, bool) { return "", false }}
	cfg := probes.DefaultConfig()
	var ids []string
	for _, tg := range cfg.Targets {
		for _, p := range targetProbes(tg, cfg, w) {
			ids = append(ids, p.ID)
			if p.Kind != probes.KindEndpoint || p.Title == "" || p.Timeout != endpointTimeout || p.Target != tg.URL {
				t.Errorf("probe %s: kind %s title %q timeout %s target %s", p.ID, p.Kind, p.Title, p.Timeout, p.Target)
			}
		}
	}
	want := "endpoint:chatgpt.com:direct-ipv4-plain endpoint:chatgpt.com:direct-ipv4-browser endpoint:chatgpt.com:direct-ipv6-plain endpoint:chatgpt.com:direct-ipv6-browser " +
		"endpoint:chat.openai.com:direct-ipv4-plain endpoint:chat.openai.com:direct-ipv4-browser endpoint:chat.openai.com:direct-ipv6-plain endpoint:chat.openai.com:direct-ipv6-browser " +
		"endpoint:api.openai.com:default"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("ids:\n got %s\nwant %s", got, want)
	}
	p := targetProbes(cfg.Targets[0], cfg, w)[3]
	if p.Title != "chatgpt.com: direct, IPv6, browser headers" {
		t.Errorf("title %q", p.Title)
	}

	// Two targets on one host keep distinct IDs.
	cfg.Targets = []probes.Target{probes.WebTarget("https://chatgpt.com/"), probes.WebTarget("https://chatgpt.com/backend-api/me")}
	if a, b := targetProbes(cfg.Targets[0], cfg, w)[0].ID, targetProbes(cfg.Targets[1], cfg, w)[0].ID; a == b || b != "endpoint:chatgpt.com/backend-api/me:direct-ipv4-plain" {
		t.Errorf("shared host IDs %s and %s", a, b)
	}

	// A short budget shrinks the limits in proportion.
	cfg.Budget = probes.DefaultBudget / 2
	if got := targetProbes(cfg.Targets[0], cfg, w)[0].Timeout; got != endpointTimeout/2 {
		t.Errorf("timeout under half budget = %s", got)
	}
}

func TestProxyCellsFollowEnvironment(t *testing.T) {
	env := map[string]string{"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "api.openai.com"}
	w := probes.World{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	cfg := probes.DefaultConfig()
	if n := len(targetProbes(cfg.Targets[0], cfg, w)); n != 6 {
		t.Errorf("chatgpt.com with HTTPS_PROXY: %d cells, want 6", n)
	}
	api := targetProbes(cfg.Targets[2], cfg, w)
	if len(api) != 1 || api[0].ID != "endpoint:api.openai.com:default" || api[0].Title != "api.openai.com" {
		t.Fatalf("api probes %v", api)
	}
	env["NO_PROXY"] = "*"
	if n := len(targetProbes(cfg.Targets[0], cfg, w)); n != 4 {
		t.Errorf("NO_PROXY=*: %d cells, want 4", n)
	}
}

// cellResult fabricates an endpoint result for derivation tests.
func cellResult(label, variant string, status probes.Status, verdict classify.VerdictKind, failure string) probes.Result {
	v, _ := parseVariant(variant)
	d := &probes.EndpointDetails{Variant: v, Failure: failure}
	if failure == "" && verdict != "" {
		d.StatusCode = 200
		if verdict != classify.VerdictOK {
			d.StatusCode = 403
		}
		d.Verdict = classify.Verdict{Kind: verdict, Status: d.StatusCode}
	}
	return probes.Result{ID: "endpoint:" + label + ":" + variant, Kind: probes.KindEndpoint, Status: status, Reason: "cell " + variant, Details: d}
}

func TestSplitAxis(t *testing.T) {
	ok, block, chl := classify.VerdictOK, classify.VerdictCFBlock, classify.VerdictCFChallenge
	type cell struct {
		v       string
		verdict classify.VerdictKind
	}
	cases := []struct {
		name        string
		cells       []cell
		axis, value string
	}{
		{"only over IPv6", []cell{{"direct-ipv4-plain", ok}, {"direct-ipv4-browser", ok}, {"direct-ipv6-plain", block}, {"direct-ipv6-browser", block}}, "family", "ipv6"},
		{"only without browser headers", []cell{{"direct-ipv4-plain", block}, {"direct-ipv4-browser", ok}, {"direct-ipv6-plain", block}, {"direct-ipv6-browser", ok}}, "headers", "plain"},
		{"only through the proxy", []cell{{"direct-ipv4-plain", ok}, {"direct-ipv6-plain", ok}, {"proxy-any-plain", block}, {"proxy-any-browser", block}}, "route", "proxy"},
		{"only without the proxy, IPv6 cells too", []cell{{"direct-ipv4-plain", block}, {"direct-ipv6-browser", block}, {"proxy-any-plain", ok}, {"proxy-any-browser", ok}}, "route", "direct"},
		{"everywhere", []cell{{"direct-ipv4-plain", block}, {"direct-ipv6-plain", block}}, "", ""},
		{"nowhere", []cell{{"direct-ipv4-plain", ok}, {"direct-ipv6-plain", ok}}, "", ""},
		{"no single axis", []cell{{"direct-ipv4-plain", block}, {"direct-ipv4-browser", ok}, {"direct-ipv6-plain", ok}, {"direct-ipv6-browser", block}}, "", ""},
		{"two cells differ on two axes", []cell{{"direct-ipv4-plain", block}, {"direct-ipv6-browser", ok}}, "", ""},
		{"unanswered cells do not count", []cell{{"direct-ipv4-plain", ok}, {"direct-ipv4-browser", ok}, {"direct-ipv6-plain", block}, {"direct-ipv6-browser", ""}}, "family", "ipv6"},
		{"challenge is not a block", []cell{{"direct-ipv4-plain", chl}, {"direct-ipv4-browser", ok}}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var cells []probes.MatrixCell
			for _, c := range tc.cells {
				failure := ""
				if c.verdict == "" {
					failure = "connect_timeout"
				}
				r := cellResult("x", c.v, probes.StatusPass, c.verdict, failure)
				cells = append(cells, matrixCell(r, c.v))
			}
			axis, value := splitAxis(cells, func(c probes.MatrixCell) bool { return c.Blocked })
			if axis != tc.axis || value != tc.value {
				t.Errorf("split = %q/%q, want %q/%q", axis, value, tc.axis, tc.value)
			}
		})
	}
}

func TestMatrixDerivation(t *testing.T) {
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"), probes.WebTarget("https://chat.openai.com/"), probes.APITarget("https://api.openai.com/v1/models"))
	derive := matrixDerivation(cfg)
	cg := func(v string, s probes.Status, k classify.VerdictKind, f string) probes.Result {
		return cellResult("chatgpt.com", v, s, k, f)
	}
	co := func(v string, s probes.Status, k classify.VerdictKind, f string) probes.Result {
		return cellResult("chat.openai.com", v, s, k, f)
	}
	cases := []struct {
		name      string
		results   []probes.Result
		status    probes.Status
		split     string
		blocked   string
		challenge string
		reason    string
	}{
		{
			name: "blocked only over IPv6",
			results: []probes.Result{
				cg("direct-ipv4-plain", probes.StatusPass, classify.VerdictOK, ""), cg("direct-ipv4-browser", probes.StatusPass, classify.VerdictOK, ""),
				cg("direct-ipv6-plain", probes.StatusFail, classify.VerdictCFBlock, ""), cg("direct-ipv6-browser", probes.StatusFail, classify.VerdictCFBlock, ""),
			},
			status: probes.StatusWarn, split: "family", blocked: "ipv6",
			reason: "chatgpt.com blocked 2 of 4 answered cells: only over IPv6",
		},
		{
			name: "blocked everywhere, IPv6 unreachable",
			results: []probes.Result{
				cg("direct-ipv4-plain", probes.StatusFail, classify.VerdictCFBlock, ""), cg("direct-ipv4-browser", probes.StatusFail, classify.VerdictCFBlock, ""),
				cg("direct-ipv6-plain", probes.StatusFail, "", "connect_timeout"), cg("direct-ipv6-browser", probes.StatusSkipped, "", "no_address"),
			},
			status: probes.StatusFail,
			reason: "chatgpt.com blocked this machine in every cell that got an answer (2 of 2); 1 of 4 cells got no answer",
		},
		{
			name: "challenged only without browser headers",
			results: []probes.Result{
				cg("direct-ipv4-plain", probes.StatusWarn, classify.VerdictCFChallenge, ""), cg("direct-ipv4-browser", probes.StatusPass, classify.VerdictOK, ""),
			},
			status: probes.StatusWarn, challenge: "plain",
			reason: "chatgpt.com served a Cloudflare challenge in 1 of 2 answered cells (only without browser headers); a browser can pass a challenge",
		},
		{
			name: "rate limited everywhere",
			results: []probes.Result{
				cg("direct-ipv4-plain", probes.StatusFail, classify.VerdictCFRateLimit, ""), cg("direct-ipv4-browser", probes.StatusFail, classify.VerdictCFRateLimit, ""),
			},
			status: probes.StatusFail,
			reason: "chatgpt.com rate limited this machine in every cell that got an answer (2 of 2)",
		},
		{
			name: "challenged everywhere: nothing to explain",
			results: []probes.Result{
				cg("direct-ipv4-plain", probes.StatusWarn, classify.VerdictCFChallenge, ""), cg("direct-ipv4-browser", probes.StatusWarn, classify.VerdictCFChallenge, ""),
			},
			status: probes.StatusWarn,
			reason: "chatgpt.com served a Cloudflare challenge in 2 of 2 answered cells; a browser can pass a challenge",
		},
		{
			name: "healthy",
			results: []probes.Result{
				cg("direct-ipv4-plain", probes.StatusPass, classify.VerdictOK, ""), cg("direct-ipv6-plain", probes.StatusSkipped, "", "no_address"),
			},
			status: probes.StatusPass, reason: "chatgpt.com did not block any of 1 answered cells",
		},
		{
			name: "no answer anywhere",
			results: []probes.Result{
				cg("direct-ipv4-plain", probes.StatusFail, "", "nxdomain"), cg("direct-ipv6-plain", probes.StatusFail, "", "nxdomain"),
			},
			status: probes.StatusFail, reason: "no cell of chatgpt.com got an answer: cell direct-ipv4-plain",
		},
		{
			name: "every answered cell got a 503",
			results: []probes.Result{
				cg("direct-ipv4-plain", probes.StatusFail, classify.VerdictOpenAIOverloaded, ""), cg("direct-ipv4-browser", probes.StatusFail, classify.VerdictOpenAIOverloaded, ""),
				cg("direct-ipv6-plain", probes.StatusSkipped, "", "no_address"),
			},
			status: probes.StatusFail,
			reason: "chatgpt.com failed in every cell that got an answer (2 of 2): cell direct-ipv4-plain; cell direct-ipv4-browser",
		},
		{
			name: "blocked over IPv6, 522 over IPv4",
			results: []probes.Result{
				cg("direct-ipv4-plain", probes.StatusFail, classify.VerdictCF5xx, ""), cg("direct-ipv6-plain", probes.StatusFail, classify.VerdictCFBlock, ""),
			},
			status: probes.StatusFail, split: "family", blocked: "ipv6",
			reason: "chatgpt.com failed in every cell that got an answer (2 of 2), 1 of them blocked: cell direct-ipv4-plain",
		},
		{
			name: "some cells failed, some stalled, one fine",
			results: []probes.Result{
				cg("direct-ipv4-plain", probes.StatusPass, classify.VerdictOK, ""), cg("direct-ipv4-browser", probes.StatusFail, classify.VerdictCaptivePortal, ""),
				cg("direct-ipv6-plain", probes.StatusWarn, classify.VerdictOK, ""), cg("direct-ipv6-browser", probes.StatusFail, classify.VerdictCF5xx, ""),
			},
			status: probes.StatusWarn,
			reason: "chatgpt.com did not answer normally in 3 of 4 answered cells: cell direct-ipv4-browser; cell direct-ipv6-plain; 1 more",
		},
		{
			name: "blocked over IPv6, one IPv4 cell failed",
			results: []probes.Result{
				cg("direct-ipv4-plain", probes.StatusPass, classify.VerdictOK, ""), cg("direct-ipv4-browser", probes.StatusFail, classify.VerdictOpenAIOverloaded, ""),
				cg("direct-ipv6-plain", probes.StatusFail, classify.VerdictCFBlock, ""), cg("direct-ipv6-browser", probes.StatusFail, classify.VerdictCFBlock, ""),
			},
			status: probes.StatusWarn, split: "family", blocked: "ipv6",
			reason: "chatgpt.com blocked 2 of 4 answered cells: only over IPv6; 1 more did not answer normally: cell direct-ipv4-browser",
		},
		{
			name: "cells the engine timed out have no details",
			results: []probes.Result{
				{ID: "endpoint:chatgpt.com:direct-ipv4-plain", Kind: probes.KindEndpoint, Status: probes.StatusUnknown},
			},
			status: probes.StatusUnknown, reason: "no cell of chatgpt.com got an answer",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]probes.Result{co("direct-ipv4-plain", probes.StatusPass, classify.VerdictOK, ""), {ID: "endpoint:api.openai.com:default", Kind: probes.KindEndpoint}}, tc.results...)
			out := derive(in)
			if len(out) != 2 {
				t.Fatalf("%d matrix results, want 2 (one per web target)", len(out))
			}
			r := out[0]
			if r.ID != "matrix:chatgpt.com" || r.Kind != probes.KindMatrix || r.Target != "https://chatgpt.com/" || out[1].ID != "matrix:chat.openai.com" {
				t.Fatalf("results %s %s %s, %s", r.ID, r.Kind, r.Target, out[1].ID)
			}
			d := r.Details.(*probes.MatrixDetails)
			if r.Status != tc.status || r.Reason != tc.reason {
				t.Errorf("got %s %q\nwant %s %q", r.Status, r.Reason, tc.status, tc.reason)
			}
			if d.Split != tc.split || d.BlockedWhen != tc.blocked || d.ChallengedWhen != tc.challenge {
				t.Errorf("split %q/%q challenge %q", d.Split, d.BlockedWhen, d.ChallengedWhen)
			}
			if len(d.Cells) != len(tc.results) || len(r.Evidence) != len(tc.results) {
				t.Errorf("%d cells, %d evidence lines", len(d.Cells), len(r.Evidence))
			}
		})
	}
	if out := derive(nil); len(out) != 0 {
		t.Errorf("no results: %d matrix results", len(out))
	}
}

// TestMatrixEndToEnd runs a whole plan through the engine: IPv6 reaches a
// different edge that blocks, IPv4 passes.
func TestMatrixEndToEnd(t *testing.T) {
	tw := newTestWorld(t)
	v4 := tw.serve(http.HandlerFunc(okPage))
	v6 := tw.serve(http.HandlerFunc(block1020))
	tw.host("chatgpt.com", cgV4, "", addr(v4))
	tw.setDNS("chatgpt.com", zoneEntry{a: []string{cgV4}, aaaa: []string{cgV6}})
	tw.route(cgV6, "443", addr(v6))
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	plan := probes.Plan{Probes: targetProbes(cfg.Targets[0], cfg, tw.World()), Derive: []probes.Derivation{matrixDerivation(cfg)}}
	snap := (&probes.Engine{}).Start(context.Background(), plan).Wait()
	m, ok := snap.Get("matrix:chatgpt.com")
	if !ok {
		t.Fatalf("no matrix result in %+v", snap.Results)
	}
	d := m.Details.(*probes.MatrixDetails)
	if m.Status != probes.StatusWarn || d.Split != "family" || d.BlockedWhen != "ipv6" {
		t.Errorf("matrix %s %q split %s/%s", m.Status, m.Reason, d.Split, d.BlockedWhen)
	}
	for _, c := range d.Cells {
		if c.Blocked != (c.Variant.Family == probes.FamilyIPv6) || !c.Answered {
			t.Errorf("cell %+v", c)
		}
	}
	assertClean(t, m)
}
