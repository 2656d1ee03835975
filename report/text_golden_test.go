package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
	"github.com/gptdoctor/gptdoctor/session"
)

// goldenWidth is the terminal width the text goldens are written at.
const goldenWidth = 100

// screenLines is what "one screen" means for a typical block: the
// summary without --verbose fits a 40-line terminal.
const screenLines = 40

// textVolatile is what differs between runs of the same scenario in the
// readable summary: times, durations, request IDs, loopback ports.
var textVolatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\b\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?( UTC)?`), "2026-11-26 06:30:00 UTC"},
	{regexp.MustCompile(`\b\d+(\.\d+)? ?(µs|ms)\b|\b\d+\.\d+ ?s\b`), "‹t›"},
	{regexp.MustCompile(`req_[0-9a-f]{32}`), "req_00000000000000000000000000000000"},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:40000"},
	{regexp.MustCompile(`\[::1\]:\d+`), "[::1]:40000"},
	{regexp.MustCompile(`after \d+ bytes?`), "after N bytes"},
	// A reset lands while connecting or during the handshake, as the
	// kernel schedules it.
	{regexp.MustCompile(`(connect: connect to \S+|tls: handshake with \S+): connection reset( by peer)?`), "‹reset›"},
	{regexp.MustCompile(`connection to \S+ was reset while connecting|the connection was cut during the TLS handshake with \S+ \(a firewall may be filtering by server name\)`), "‹reset›"},
	{regexp.MustCompile(`\b\d+ of \d+ requests over`), "N of N requests over"},
}

// pinText replaces what varies between runs in every text the summary
// shows, before it is wrapped (a duration of another width wraps
// elsewhere).
func pinText(doc session.Document) session.Document {
	doc.Tool.OS, doc.Tool.Arch = "linux", "amd64"
	doc.RunID, doc.Started, doc.Duration = "000000000000", time.Date(2026, 11, 26, 6, 30, 0, 0, time.UTC), probes.Millis(25*time.Millisecond)
	fix := func(s *string) {
		for _, v := range textVolatile {
			*s = v.re.ReplaceAllString(*s, v.with)
		}
	}
	fix(&doc.Outcome.Headline)
	fix(&doc.Outcome.MostLikely)
	doc.Findings = slices.Clone(doc.Findings)
	for i := range doc.Findings {
		f := &doc.Findings[i]
		fix(&f.Summary)
		f.Evidence = slices.Clone(f.Evidence)
		for j := range f.Evidence {
			fix(&f.Evidence[j].Text)
		}
	}
	doc.Results = slices.Clone(doc.Results)
	for i := range doc.Results {
		fix(&doc.Results[i].Reason)
	}
	return doc
}

// scenarioText runs one scenario and renders its summary as a user sees
// it at goldenWidth columns, the volatile parts pinned.
func scenarioText(t *testing.T, sc lab.Scenario) (string, session.Document) {
	l, err := lab.Start(sc.Name, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg := l.Config()
	w := l.MachineWorld()
	if sc.Stalls() {
		w.Limits = lab.FastLimits
	}
	s := session.New(session.Options{Mode: "demo", Scenario: sc.Name, Version: "v0.0.0-test", Config: cfg, World: w,
		Settings: session.Settings{Targets: cfg.Targets, BudgetMS: probes.Millis(cfg.Budget), APIKeyEnv: "OPENAI_API_KEY"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	doc := pinText(s.Document(s.Start(ctx, nil).Wait()))
	var b bytes.Buffer
	if err := WriteText(&b, doc, TextOptions{Width: goldenWidth, Browsers: s.Browsers()}); err != nil {
		t.Fatal(err)
	}
	return b.String(), doc
}

// TestTextGoldens renders every demo scenario at 100 columns and compares
// it with testdata/text/SCENARIO.txt (go test ./report -run TestTextGoldens
// -update rewrites them; review the diff line by line as a user would read
// it). It also holds the summary to what the issue promised: no escape
// byte, one screen for a block, and a headline that names the code the
// user saw.
func TestTextGoldens(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every lab scenario")
	}
	if raceEnabled {
		t.Skip("the goldens need the lab's timing; the race detector slows requests past the fast limits")
	}
	scs := lab.Scenarios()
	type got struct {
		text string
		doc  session.Document
	}
	results := make([]got, len(scs))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, sc := range scs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			text, doc := scenarioText(t, sc)
			results[i] = got{text, doc}
		})
	}
	wg.Wait()
	for i, sc := range scs {
		t.Run(sc.Name, func(t *testing.T) {
			text, doc := results[i].text, results[i].doc
			if strings.ContainsAny(text, "\x1b\x07\u009b\r") {
				t.Errorf("a control byte reached the summary:\n%q", text)
			}
			lines := strings.Count(text, "\n")
			if !sc.Expect.Hostile && lines > screenLines {
				t.Errorf("%d lines: a typical summary fits %d", lines, screenLines)
			}
			for _, l := range strings.Split(text, "\n") {
				if n := visibleWidth(l); n > goldenWidth && strings.Contains(strings.TrimSpace(l), " ") {
					t.Errorf("line of %d columns at width %d: %q", n, goldenWidth, l)
				}
			}
			switch want := seenCode(sc); {
			case len(want) == 0 && doc.Outcome.Status != session.OutcomeProblem:
				if !strings.HasPrefix(doc.Outcome.Headline, "Nothing on this machine or network blocks ChatGPT") {
					t.Errorf("headline %q: a scenario where everything answers must say nothing here blocks ChatGPT", doc.Outcome.Headline)
				}
			case len(want) == 0:
			case !slices.ContainsFunc(want, func(w string) bool { return strings.HasPrefix(doc.Outcome.Headline, w) }):
				t.Errorf("headline %q does not open with what the user saw (one of %q)", doc.Outcome.Headline, want)
			}
			path := filepath.Join("testdata", "text", sc.Name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./report -run TestTextGoldens -update writes it)", err)
			}
			if string(want) != text {
				t.Errorf("%s differs from the summary; got:\n%s", path, text)
			}
		})
	}
}

// seenCode is what a user of the scenario saw and searches for, as the
// headline may word it: the Cloudflare code, the HTTP status of an API
// error, the API key check's status, or the name of a failure with no
// status at all. A scenario where everything answers has none: its
// headline must say that nothing blocks ChatGPT.
func seenCode(sc lab.Scenario) []string {
	e := sc.Expect
	switch e.APIKey {
	case probes.KeyInvalid:
		return []string{"HTTP 401"}
	case probes.KeyRateLimited, probes.KeyQuotaExhausted:
		return []string{"HTTP 429"}
	case probes.KeyServerError:
		return []string{"HTTP 500"}
	}
	for _, te := range e.Targets {
		for _, a := range append([]lab.Answer{te.Answer}, overrideAnswers(te)...) {
			switch {
			case a.Code != 0:
				return []string{"Error " + strconv.Itoa(a.Code)}
			case a.Verdict == classify.VerdictCFChallenge:
				return []string{"Cloudflare challenge"}
			case a.Status >= 400 && a.Verdict != classify.VerdictOpenAIMissingKey:
				return []string{"HTTP " + strconv.Itoa(a.Status)}
			case a.Failure != "":
				return failureWords[a.Failure]
			}
		}
	}
	return nil
}

func overrideAnswers(te lab.TargetExpectation) []lab.Answer {
	var out []lab.Answer
	for _, o := range te.Overrides {
		out = append(out, o.Answer)
	}
	return out
}

// failureWords are the words a headline may open with for a request that
// got no answer: the failure itself, or what caused it when that is what
// the user must act on (a wrong DNS answer sends the request to a server
// that refuses it or presents another certificate; a login page refuses
// HTTPS until you sign in).
var failureWords = map[string][]string{
	lab.FailureDNS:       {"NXDOMAIN —", "SERVFAIL —", "DNS failure —"},
	lab.FailureRefused:   {"Connection refused —", "Wrong DNS answer —", "Network login page —"},
	lab.FailureTimeout:   {"TLS timeout —", "Timeout —"},
	lab.FailureReset:     {"Connection reset —"},
	lab.FailureTLS:       {"Certificate error —", "Wrong DNS answer —"},
	lab.FailureRedirects: {"Redirect loop —"},
	lab.FailureProtocol:  {"Broken answer —"},
}
