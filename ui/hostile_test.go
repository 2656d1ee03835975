package ui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// ourSGR are the only escape sequences the dashboard draws itself.
var ourSGR = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// TestHostileTextIsSanitised: the lab's escapes scenario puts terminal
// escape sequences in headers, pages, DNS TXT, the trace and the status
// page. Whatever pane, details view or dialog shows them, nothing but the
// dashboard's own colours reaches the terminal.
func TestHostileTextIsSanitised(t *testing.T) {
	c := &clock{t: epoch}
	s := labSession(t, "escapes")
	m := newTestModel(s, c, 200, 60, time.Minute)
	d := feedRun(t, m, c, nil, purposeRefresh)
	// The probes sanitise what they record, so the lab's escapes never get
	// this far; a result that did must still be cleaned where it is drawn.
	const evil = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b31m\r"
	hostile := probes.Result{ID: "endpoint:chatgpt.com:direct-ipv4-plain", Kind: probes.KindEndpoint, Status: probes.StatusFail,
		Title: "chatgpt.com" + evil, Reason: "blocked" + evil, Evidence: []string{"cf-ray" + evil},
		Details: &probes.EndpointDetails{URL: "https://chatgpt.com/" + evil, StatusCode: 403, BodyExcerpt: "body" + evil,
			Headers:   map[string]string{"server" + evil: "cloudflare" + evil},
			Verdict:   classify.Verdict{Kind: classify.VerdictCFBlock, Code: 1020, Cloudflare: true, RayID: "ray" + evil, ClientIP: "203.0.113.9" + evil, Country: "DE" + evil, Summary: "sum" + evil},
			TLS:       &probes.TLSDetails{Version: "TLS 1.3" + evil, Chain: []probes.CertInfo{{Subject: "CN=x" + evil, IssuerCN: "i" + evil}}},
			Redirects: []probes.Redirect{{Status: 301, From: "a" + evil, To: "b" + evil}}}}
	for i, r := range d.Snapshot.Results {
		if r.ID == hostile.ID {
			d.Snapshot.Results[i] = hostile
		}
	}
	d.Findings = append([]remedies.Finding{{Cause: "flagged-ip", Title: "Flagged" + evil, Summary: "s" + evil, Confidence: remedies.Likely,
		Evidence: []remedies.Evidence{{ResultID: hostile.ID, Text: "ev" + evil}}, Remedies: []string{"contact-support"}}}, d.Findings...)
	m.cur = &runState{id: "hostile", results: map[string]probes.Result{}}
	m.Update(runDoneMsg{runID: "hostile", diag: d})
	m.notify(logError, "toast"+evil)
	check := func(where string) {
		t.Helper()
		out := ourSGR.ReplaceAllString(m.View().Content, "")
		if i := strings.IndexFunc(out, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 }); i >= 0 {
			t.Fatalf("%s: control character %q reaches the terminal near %q", where, out[i], out[max(0, i-40):min(len(out), i+40)])
		}
	}
	check("panes")
	if !strings.Contains(screen(m), "Flagged") {
		t.Fatal("the hostile finding is not on screen, so the check proves nothing")
	}
	for p := range paneCount {
		m.Update(press(string(rune('1' + p))))
		for range 30 {
			m.Update(press("enter"))
			check("details of " + paneTitles[p])
			m.Update(press("esc"))
			m.Update(press("j"))
			m.Update(press("l"))
		}
	}
	m.Update(press("s"))
	check("share mode")
}
