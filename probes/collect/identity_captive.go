package collect

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// captiveBodyCap bounds how much of a portal's page is read: the title is
// near the top, and a 204 has no body at all.
const captiveBodyCap = 64 << 10

// runCaptiveProbe fetches the captive-portal check URL over plain HTTP,
// directly (no proxy) and without following redirects. The check URL
// answers 204 with an empty body; a network that holds traffic until
// someone signs in answers instead with a redirect to its login page or
// the page itself.
func runCaptiveProbe(ctx context.Context, cfg probes.Config, w probes.World) probes.Result {
	d := &probes.CaptiveDetails{URL: sanitize.URL(cfg.CaptiveURL), Expected: "204 No Content with an empty body"}
	u, err := url.Parse(cfg.CaptiveURL)
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return probes.Result{Status: probes.StatusUnknown, Reason: "captive-portal check URL is not an http URL: " + d.URL, Details: d,
			Error: &probes.StepError{Step: "config", Message: "captive: bad URL " + d.URL}}
	}
	tm := timeoutsFor(cfg.Budget, w.Limits)
	tm.Probe = scaleLimit(cfg.Budget, captiveProbeTimeout)
	fr := fetch(ctx, w, fetchSpec{
		URL:          u.String(),
		Variant:      probes.Variant{Route: probes.RouteDirect, Family: probes.FamilyAny, Headers: probes.HeadersPlain},
		Header:       http.Header{"Cache-Control": {"no-cache"}},
		MaxRedirects: 0, // a portal's redirect is the answer
		BodyLimit:    captiveBodyCap,
		Timeouts:     tm,
	})
	if f := fr.Fail; f != nil {
		return probes.Result{Status: probes.StatusUnknown, Reason: "no answer to the captive-portal check, so a portal cannot be ruled out: " + f.Reason,
			Details: d, Error: &probes.StepError{Step: f.Step, Message: "captive: " + f.Message, Timeout: f.Timeout}}
	}
	code := fr.Details.StatusCode
	d.StatusCode = code
	d.BodyBytes = len(fr.Body)
	ev := []string{fmt.Sprintf("GET %s answered %d %s with %d body bytes", d.URL, code, http.StatusText(code), len(fr.Body))}
	if code == http.StatusNoContent && len(fr.Body) == 0 {
		return probes.Result{Status: probes.StatusPass, Reason: "no captive portal: the check URL answered 204 as expected", Details: d, Evidence: ev}
	}
	d.Portal = true
	if loc := fr.Header.Get("Location"); loc != "" {
		d.RedirectTo = redirectTarget(u, loc)
		ev = append(ev, "Location: "+d.RedirectTo)
	}
	d.Title = classify.PageTitle(classify.ClassifyInput{Status: code, Header: fr.Header, Body: fr.Body})
	if d.Title != "" {
		ev = append(ev, "page title: "+d.Title)
	}
	reason := fmt.Sprintf("something on this network answered the captive-portal check with %d instead of 204", code)
	switch {
	case d.RedirectTo != "":
		host := d.RedirectTo
		if ru, err := url.Parse(d.RedirectTo); err == nil && ru.Host != "" {
			host = ru.Host
		}
		reason = fmt.Sprintf("a captive portal redirects plain HTTP to %s: sign in to this network first", host)
	case code == http.StatusNetworkAuthenticationRequired:
		reason = "the network requires sign-in (511 Network Authentication Required)"
	case d.Title != "":
		reason = fmt.Sprintf("a page titled %q answered instead of the internet: likely a captive portal or filter", d.Title)
	}
	return probes.Result{Status: probes.StatusFail, Reason: reason, Details: d, Evidence: ev}
}

// redirectTarget resolves a Location header against the request URL and
// keeps scheme, host and path: portals put session tokens and MAC
// addresses in the query string.
func redirectTarget(base *url.URL, loc string) string {
	return sanitize.LineN(bareLocation(base, loc), 256)
}

// hostOnly returns the host of a URL for messages.
func hostOnly(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}
