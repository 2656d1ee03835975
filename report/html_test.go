package report

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/session"
)

// TestHTMLIsSelfContained: every golden page parses, loads nothing from
// anywhere (no script, no external stylesheet, font or image, no
// reference to a URL in an attribute or in CSS), and draws its charts.
func TestHTMLIsSelfContained(t *testing.T) {
	for name, rec := range goldenSessions(t) {
		var b bytes.Buffer
		if err := Render(&b, rec, HTML, Options{}); err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		classes := map[string]int{}
		var walk func(n *html.Node, inSVG string)
		walk = func(n *html.Node, inSVG string) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script", "link", "iframe", "object", "embed", "img", "base", "form":
					t.Errorf("%s: <%s> element", name, n.Data)
				case "style":
					if css := n.FirstChild; css != nil && (strings.Contains(css.Data, "url(") || strings.Contains(css.Data, "@import")) {
						t.Errorf("%s: the stylesheet loads something", name)
					}
				}
				for _, a := range n.Attr {
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if a.Key == "src" || a.Key == "href" || a.Key == "xlink:href" || strings.HasPrefix(a.Key, "on") ||
						strings.Contains(v, "http:") || strings.Contains(v, "https:") || strings.Contains(v, "javascript:") {
						t.Errorf("%s: <%s %s=%q> refers outside the page", name, n.Data, a.Key, a.Val)
					}
					if a.Key == "class" && inSVG != "" {
						for _, c := range strings.Fields(a.Val) {
							classes[inSVG+"/"+c]++
						}
					}
					if a.Key == "class" && n.Data == "svg" {
						inSVG = a.Val
						classes["svg/"+a.Val]++
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, inSVG)
			}
		}
		walk(doc, "")
		for _, want := range []string{"svg/waterfall", "svg/history", "waterfall/phase-tls", "waterfall/phase-wait"} {
			if classes[want] == 0 {
				t.Errorf("%s: no %s in the charts (found %v)", name, want, classes)
			}
		}
		switch name {
		case "outage-503":
			// Three runs: answered failures, then a run that timed out: each
			// its own mark, no line through them.
			if classes["history/fail"] == 0 || classes["history/timeout"] == 0 {
				t.Errorf("%s: history lacks failure or timeout marks: %v", name, classes)
			}
			if classes["history/latency"] != 0 {
				t.Errorf("%s: a line joins runs that failed", name)
			}
		case "remedy-flush-dns":
			if classes["history/refused"] == 0 || classes["history/ok"] == 0 {
				t.Errorf("%s: history lacks the unanswered run or the healthy one: %v", name, classes)
			}
		}
		if !bytes.Contains(b.Bytes(), []byte(`id="summary"`)) {
			t.Errorf("%s: no summary section", name)
		}
	}
}

// TestHTMLEscapesHostileText: a hostile reason cannot add markup.
func TestHTMLEscapesHostileText(t *testing.T) {
	rec := goldenSessions(t)["block-1020"]
	run := &rec.Runs[0]
	run.Results[0].Reason = `<script>alert(1)</script><img src=https://evil.example/x> ` + "\x1b[31mred"
	run.Findings[0].Title = `</title><script>alert(2)</script>`
	for _, f := range []Format{HTML, Markdown} {
		var b bytes.Buffer
		if err := Render(&b, rec, f, Options{}); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b.Bytes(), []byte("<script")) || bytes.Contains(b.Bytes(), []byte("<img")) || bytes.ContainsRune(b.Bytes(), 0x1b) {
			t.Errorf("%s: hostile text reached the page unescaped", f)
		}
	}
}

// TestHistoryBreaksAtFailures: points of answered runs are joined only to
// answered neighbours.
func TestHistoryBreaksAtFailures(t *testing.T) {
	states := []map[string]hostState{
		{"h": {class: "ok", latency: 10e6}}, {"h": {class: "ok", latency: 20e6}},
		{"h": {class: "timeout"}}, {"h": {class: "ok", latency: 30e6}}, {"h": {class: "ok", latency: 5e6}},
	}
	runs := make([]session.RunRecord, len(states))
	for i := range runs {
		runs[i].Seq = i + 1
	}
	h := layoutHistory("h", runs, states)
	if len(h.Lines) != 2 || len(h.Points) != 5 {
		t.Fatalf("%d lines, %d points; want 2 lines around the timeout and 5 points", len(h.Lines), len(h.Points))
	}
	if h.Points[2].Class != "timeout" || h.Points[2].Y >= float64(h.TopY) {
		t.Errorf("timeout point %+v not in the no-answer band", h.Points[2])
	}
	if h.MaxLabel != probes.Millis(30e6).String() {
		t.Errorf("scale tops at %s", h.MaxLabel)
	}
}
