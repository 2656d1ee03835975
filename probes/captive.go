package probes

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// captiveBodyCap bounds how much of a portal's page is read: the title is
// near the top, and a 204 has no body at all.
const captiveBodyCap = 64 << 10

// runCaptiveProbe fetches the captive-portal check URL over plain HTTP,
// directly (no proxy) and without following redirects. The check URL
// answers 204 with an empty body; a network that holds traffic until
// someone signs in answers instead with a redirect to its login page or
// the page itself.
func runCaptiveProbe(ctx context.Context, cfg Config, w World) Result {
	d := &CaptiveDetails{URL: redactProxyValue(cfg.CaptiveURL), Expected: "204 No Content with an empty body"}
	u, err := url.Parse(cfg.CaptiveURL)
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return Result{Status: StatusUnknown, Reason: "captive-portal check URL is not an http URL: " + d.URL, Details: d,
			Error: &StepError{Step: "config", Message: "captive: bad URL " + d.URL}}
	}
	client := worldHTTPClient(w, nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Result{Status: StatusUnknown, Reason: "could not build the request", Details: d,
			Error: &StepError{Step: "request", Message: "captive: " + errLine(err)}}
	}
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := client.Do(req)
	if err != nil {
		step, msg := classifyFetchError(err)
		return Result{Status: StatusUnknown, Reason: fmt.Sprintf("could not reach %s, so a portal cannot be ruled out: %s", u.Host, msg),
			Details: d, Error: &StepError{Step: step, Message: fmt.Sprintf("captive: %s %s: %s", step, u.Host, msg), Timeout: isTimeout(err)}}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, captiveBodyCap))
	d.StatusCode = resp.StatusCode
	d.BodyBytes = len(body)
	ev := []string{fmt.Sprintf("GET %s answered %s with %d body bytes", d.URL, resp.Status, len(body))}
	if resp.StatusCode == http.StatusNoContent && len(body) == 0 {
		return Result{Status: StatusPass, Reason: "no captive portal: the check URL answered 204 as expected", Details: d, Evidence: ev}
	}
	d.Portal = true
	if loc := resp.Header.Get("Location"); loc != "" {
		d.RedirectTo = redirectTarget(u, loc)
		ev = append(ev, "Location: "+d.RedirectTo)
	}
	d.Title = pageTitle(body)
	if d.Title != "" {
		ev = append(ev, "page title: "+d.Title)
	}
	reason := fmt.Sprintf("something on this network answered the captive-portal check with %d instead of 204", resp.StatusCode)
	switch {
	case d.RedirectTo != "":
		host := d.RedirectTo
		if ru, err := url.Parse(d.RedirectTo); err == nil && ru.Host != "" {
			host = ru.Host
		}
		reason = fmt.Sprintf("a captive portal redirects plain HTTP to %s: sign in to this network first", host)
	case resp.StatusCode == http.StatusNetworkAuthenticationRequired:
		reason = "the network requires sign-in (511 Network Authentication Required)"
	case d.Title != "":
		reason = fmt.Sprintf("a page titled %q answered instead of the internet: likely a captive portal or filter", d.Title)
	}
	return Result{Status: StatusFail, Reason: reason, Details: d, Evidence: ev}
}

var titleRe = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// pageTitle returns the sanitised <title> of an HTML body, if any.
func pageTitle(body []byte) string {
	m := titleRe.FindSubmatch(body)
	if m == nil {
		return ""
	}
	return sanitize.LineN(string(m[1]), 120)
}

// redirectTarget resolves a Location header against the request URL and
// keeps scheme, host and path: portals put session tokens and MAC
// addresses in the query string.
func redirectTarget(base *url.URL, loc string) string {
	return sanitize.LineN(bareLocation(base, loc), 256)
}

// worldHTTPClient is an HTTP client that reaches the network only through
// the world: names resolved by w.Resolver, connections opened by w.Dialer,
// TLS judged against w.Trust.System, never an environment proxy, never a
// redirect followed (the caller records it instead).
func worldHTTPClient(w World, proxy func(*http.Request) (*url.URL, error)) *http.Client {
	tr := &http.Transport{
		Proxy: proxy,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, nf := dialViaWorld(ctx, w, addr, false, timeoutsFor(0))
			if nf != nil {
				return nil, nf
			}
			return c, nil
		},
		TLSClientConfig:   &tls.Config{RootCAs: w.Trust.System},
		DisableKeepAlives: true,
		ForceAttemptHTTP2: false,
	}
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// classifyFetchError names the step an HTTP fetch broke at and a short
// message.
func classifyFetchError(err error) (step, msg string) {
	var nf *netFailure
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.As(err, &nf):
		return nf.Step, errLine(nf)
	case isTimeout(err):
		return "connect", "timed out"
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return "connect", errLine(err)
	}
	return "request", errLine(err)
}

// hostOnly returns the host of a URL for messages.
func hostOnly(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}
