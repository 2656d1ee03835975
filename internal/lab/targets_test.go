package lab

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

var reRayHeader = regexp.MustCompile(`^([0-9a-f]{16})-([A-Z]{3})$`)

// variantsFor lists the matrix cells a scenario can be probed with.
func variantsFor(sc Scenario) []probes.Variant {
	var out []probes.Variant
	for _, fam := range []string{probes.FamilyIPv4, probes.FamilyIPv6} {
		for _, h := range []string{probes.HeadersPlain, probes.HeadersBrowser} {
			out = append(out, variant(probes.RouteDirect, fam, h))
		}
	}
	if sc.Expect.Proxy {
		for _, h := range []string{probes.HeadersPlain, probes.HeadersBrowser} {
			out = append(out, variant(probes.RouteProxy, probes.FamilyAny, h))
		}
	}
	return out
}

// TestScenarioTargets holds every scenario to its Expectation: each
// default target, fetched over every matrix cell, must fail the promised
// way or answer with the promised status, code, markers and Ray ID.
func TestScenarioTargets(t *testing.T) {
	t.Parallel()
	for _, sc := range Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			l := startLab(t, sc.Name, Options{Latency: 10 * time.Millisecond})
			w := l.World(probes.World{})
			t.Run("neutral-endpoints", func(t *testing.T) {
				t.Parallel()
				checkNeutral(t, sc, w)
			})
			// Fetch every cell at once (cells expected to time out would
			// otherwise queue behind -parallel), then judge each in its
			// own subtest.
			type cell struct {
				name string
				want Answer
				ray  string
				res  fetchResult
			}
			var cells []*cell
			var wg sync.WaitGroup
			for _, target := range sc.Expect.Targets {
				for _, v := range variantsFor(sc) {
					c := &cell{name: target.URL + "/" + v.String(), want: target.For(v), ray: target.RayID(v)}
					cells = append(cells, c)
					o := fetchOpts{variant: v}
					if c.want.Failure == FailureTimeout {
						o.wait = timeoutWait
					}
					if sc.Name == "drip-body" && target.Verdict != classify.VerdictOpenAIMissingKey {
						// Only the web pages drip; the API answers at
						// once and must not be cut short on a loaded
						// machine.
						o.bodyWait = 50 * time.Millisecond
					}
					wg.Go(func() { c.res = fetch(t, w, target.URL, o) })
				}
			}
			wg.Wait()
			for _, c := range cells {
				t.Run(c.name, func(t *testing.T) { checkAnswer(t, sc, c.res, c.want, c.ray) })
			}
		})
	}
}

func checkAnswer(t *testing.T, sc Scenario, res fetchResult, want Answer, ray string) {
	t.Helper()
	if want.Failure != "" {
		if res.failure != want.Failure {
			t.Fatalf("want failure %q, got status %d failure %q (err %v)", want.Failure, res.status, res.failure, res.err)
		}
		return
	}
	if res.err != nil {
		t.Fatalf("want status %d, got error %v (%s)", want.Status, res.err, res.failure)
	}
	if res.status != want.Status {
		t.Fatalf("status %d, want %d; body %.300q", res.status, want.Status, res.body)
	}
	escapes := sc.Name == "escapes"
	body := res.body
	if escapes {
		// A classifier must strip escape sequences before matching, as
		// the sanitiser does.
		body = []byte(sanitize.Text(string(body), len(body)))
	}
	if got := bodyCode(body); want.Code != 0 && got != want.Code {
		t.Errorf("body states code %d, want %d; body %.300q", got, want.Code, res.body)
	}
	server, cfRay := res.header.Get("Server"), res.header.Get("Cf-Ray")
	if !escapes {
		if server != "cloudflare" {
			t.Errorf("server %q, want cloudflare", server)
		}
		if !reRayHeader.MatchString(cfRay) {
			t.Errorf("cf-ray %q is not RAY-COLO", cfRay)
		}
	}
	if ray != "" && !strings.Contains(cfRay, ray) {
		t.Errorf("cf-ray %q, want Ray ID %s", cfRay, ray)
	}
	switch want.Verdict {
	case classify.VerdictCFChallenge:
		if res.header.Get("Cf-Mitigated") != "challenge" || !strings.Contains(string(res.body), "window._cf_chl_opt") {
			t.Errorf("not a challenge: cf-mitigated %q, body %.200q", res.header.Get("Cf-Mitigated"), res.body)
		}
	case classify.VerdictOpenAIMissingKey:
		checkAPIError(t, res, "", "You didn't provide an API key")
	case classify.VerdictOpenAIRegion:
		checkAPIError(t, res, "unsupported_country_region_territory", "Country, region, or territory not supported")
	case classify.VerdictOpenAIOverloaded:
		checkAPIError(t, res, "server_is_overloaded", "overloaded")
	case classify.VerdictCFUnknown:
		if bodyCode(res.body) != 0 || res.header.Get("Cf-Mitigated") != "" {
			t.Errorf("cf_unknown must carry no Cloudflare markers; body %.200q", res.body)
		}
	case classify.VerdictOK:
		if sc.Name != "huge-body" && sc.Name != "drip-body" && !strings.Contains(string(res.body), "<title>ChatGPT</title>") {
			t.Errorf("healthy page lacks its title: %.200q", res.body)
		}
	}
}

// checkAPIError asserts an OpenAI JSON error body with the given code
// (empty for null) and message prefix.
func checkAPIError(t *testing.T, res fetchResult, code, message string) {
	t.Helper()
	var body struct {
		Error struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Code    *string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(res.body, &body); err != nil {
		t.Fatalf("API body is not JSON: %v: %.200q", err, res.body)
	}
	got := ""
	if body.Error.Code != nil {
		got = *body.Error.Code
	}
	if got != code || !strings.Contains(body.Error.Message, message) {
		t.Errorf("API error code %q message %q, want code %q and %q", got, body.Error.Message, code, message)
	}
	if !strings.HasPrefix(res.header.Get("X-Request-Id"), "req_") {
		t.Errorf("x-request-id %q", res.header.Get("X-Request-Id"))
	}
}

// checkNeutral holds a scenario to what it promises about the status page
// and the captive-portal check.
func checkNeutral(t *testing.T, sc Scenario, w probes.World) {
	v := variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain)
	wait := okWait
	if sc.Expect.StatusIndicator == "" {
		wait = timeoutWait
	}
	var res, captive fetchResult
	var wg sync.WaitGroup
	wg.Go(func() { res = fetch(t, w, probes.DefaultStatusURL, fetchOpts{variant: v, wait: wait}) })
	wg.Go(func() { captive = fetch(t, w, probes.DefaultCaptiveURL, fetchOpts{variant: v, wait: timeoutWait}) })
	wg.Wait()
	var s struct {
		Status struct{ Indicator string } `json:"status"`
	}
	switch {
	case sc.Expect.StatusIndicator == "":
		if res.status == 200 {
			t.Errorf("status page answered, but the scenario says it is unreachable")
		}
	case res.status != 200 || json.Unmarshal(res.body, &s) != nil || s.Status.Indicator != sc.Expect.StatusIndicator:
		t.Errorf("status page: %d %v indicator %q, want %q", res.status, res.err, s.Status.Indicator, sc.Expect.StatusIndicator)
	}

	res = captive
	switch {
	case sc.Expect.Captive:
		if res.status != 200 || len(res.redirects) == 0 || !strings.Contains(res.redirects[0], hostPortal) {
			t.Errorf("captive check: %d via %v, want the portal", res.status, res.redirects)
		}
	case sc.Expect.DNS.SystemRCode == "NOERROR" || sc.Name == "nxdomain":
		// The captive host resolves: the check must see a clean 204.
		if res.status != 204 || len(res.body) != 0 {
			t.Errorf("captive check: %d %v %q, want 204", res.status, res.err, res.body)
		}
	default:
		if res.err == nil {
			t.Errorf("captive check answered %d although DNS is broken", res.status)
		}
	}
}
