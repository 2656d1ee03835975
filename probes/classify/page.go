package classify

import (
	"bytes"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
)

// Pages that are neither the service nor Cloudflare. When the target is
// known to sit behind Cloudflare and an answer carries no Cloudflare sign at
// all, something else answered: a captive portal (hotel or airport Wi-Fi
// login), an ISP or corporate block page, or a hijacked DNS answer. These
// heuristics [I] tell the portal apart, because its fix (log in to the
// network) differs from the others (change DNS or network).

var (
	// <meta http-equiv="refresh" content="0; url=http://portal/...">, read
	// from the tag around a "refresh" anchor.
	reMetaRefreshURL = regexp.MustCompile(`(?i)content\s*=\s*["']?\s*\d*\s*[;,]?\s*url\s*=\s*['"]?([^"'\s>]+)`)
	reMetaRefresh    = regexp.MustCompile(`(?i)^<meta\b[^>]*http-equiv\s*=\s*["']?refresh`)
	// location = "…", location.href = '…', location.replace("…").
	reScriptRedirect = regexp.MustCompile(`^(?i:location)(?:\.href)?\s*=\s*["']([^"']+)["']|^(?i:location)\.(?:replace|assign)\(\s*["']([^"']+)["']`)
	// URL words that portals put in their login addresses.
	rePortalURLWord = regexp.MustCompile(`(?i)login|logon|portal|hotspot|captive|wifi|wi-fi|splash|guest|auth|terms`)
)

// portalScore is how strongly a page looks like a captive portal; 2 or more
// is a portal.
const portalThreshold = 2

// portalSigns scores a page as a captive portal and lists why. A password
// field is a login form (2); a redirect to another host counts 1, plus 1 if
// its URL reads like a portal's and 1 if it points at a bare IP address
// (portals live on the gateway); each family of portal words counts 1.
func (r *response) portalSigns() (int, []string, *url.URL) {
	score := 0
	var why []string
	if r.h.has(aPassword1) || r.h.has(aPassword2) || r.h.has(aPassword3) {
		score += 2
		why = append(why, "body: password field")
	}
	target, how := r.redirectElsewhere()
	if target != nil {
		score++
		why = append(why, how+" to "+target.Host)
		if rePortalURLWord.MatchString(target.Host + target.Path) {
			score++
		}
		if a, err := netip.ParseAddr(strings.Trim(target.Hostname(), "[]")); err == nil && (a.IsPrivate() || a.IsLinkLocalUnicast()) {
			score++
		}
	}
	for _, family := range []struct {
		words []anchor
		label string
	}{
		{[]anchor{aLogin, aLogIn, aSignIn}, "login / sign in"},
		{[]anchor{aWifi, aWiFi}, "wifi"},
		{[]anchor{aHotspot}, "hotspot"},
		{[]anchor{aCaptive}, "captive"},
		{[]anchor{aPortal}, "portal"},
		{[]anchor{aAcceptTerms, aAcceptTerms2, aAgreeTerms}, "accept terms"},
	} {
		for _, a := range family.words {
			if r.h.has(a) {
				score++
				why = append(why, "body: says "+family.label)
				break
			}
		}
	}
	return score, why, target
}

// redirectElsewhere finds a redirect to a different host: the Location of a
// 3xx, a meta refresh, or a script assigning location.
func (r *response) redirectElsewhere() (*url.URL, string) {
	if r.status >= 300 && r.status < 400 {
		if u := r.otherHost(headerValue(r.in.Header, "Location")); u != nil {
			return u, "header Location redirects"
		}
	}
	for _, p := range r.h.at(aRefresh) {
		lt := -1
		for i := int(p) - 1; i >= max(0, int(p)-512); i-- {
			if r.body[i] == '<' {
				lt = i
				break
			}
			if r.body[i] == '>' {
				break
			}
		}
		if lt < 0 {
			continue
		}
		tag := r.window(lt, 2048)
		if end := bytes.IndexByte(tag, '>'); end >= 0 {
			tag = tag[:end+1]
		}
		if !reMetaRefresh.Match(tag) {
			continue
		}
		if m := reMetaRefreshURL.FindSubmatch(tag); m != nil {
			if u := r.otherHost(string(m[1])); u != nil {
				return u, "body: meta refresh"
			}
		}
	}
	for _, p := range r.h.at(aLocation) {
		m := reScriptRedirect.FindSubmatch(r.window(int(p), 2100))
		if m == nil {
			continue
		}
		target := m[1]
		if len(target) == 0 {
			target = m[2]
		}
		if u := r.otherHost(string(target)); u != nil {
			return u, "body: script redirect"
		}
	}
	return nil, ""
}

// otherHost parses an absolute http(s) URL that names a host other than the
// one the request went to (any host when that is unknown).
func (r *response) otherHost(raw string) *url.URL {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil
	}
	if !isHostname(u.Hostname()) {
		return nil
	}
	want := strings.ToLower(strings.TrimSpace(r.in.Host))
	if h, ok := splitHostPort(want); ok {
		want = h
	}
	want = strings.TrimSuffix(strings.Trim(want, "[]"), ".")
	if want != "" && strings.EqualFold(strings.TrimSuffix(u.Hostname(), "."), want) {
		return nil
	}
	u.User = nil
	u.RawQuery, u.Fragment = "", ""
	return u
}

// isHostname accepts a DNS name or an IP literal: letters, digits, '.',
// '-', ':' (IPv6), nothing that could smuggle text into a marker.
func isHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == ':') {
			return false
		}
	}
	return true
}

// classifyPortal recognises a captive portal: 511 always (only portals send
// it), otherwise a login-looking page where Cloudflare should have answered
// and nothing of Cloudflare's is present.
func classifyPortal(r *response, v *Verdict) bool {
	if r.status == 511 {
		v.Kind = VerdictCaptivePortal
		v.Summary = "HTTP 511 Network Authentication Required: a captive portal wants you to log in to this network first"
		v.Markers = append(v.Markers, "status 511 Network Authentication Required")
		return true
	}
	if !r.in.ExpectCloudflare || r.cloudflareEvidence() {
		return false
	}
	score, why, target := r.portalSigns()
	if score < portalThreshold {
		return false
	}
	v.Kind = VerdictCaptivePortal
	what := "A login page answered"
	if target != nil && r.status >= 300 && r.status < 400 {
		what = fmt.Sprintf("HTTP %d redirected to %s", r.status, target.Host)
	}
	v.Summary = what + " instead of the service, with nothing from Cloudflare: a captive portal (hotel, airport or office Wi-Fi) wants you to sign in or accept terms first"
	v.Markers = append(v.Markers, noCloudflareMarker)
	v.Markers = append(v.Markers, why...)
	addTitleMarker(r, v)
	return true
}

// noCloudflareMarker notes the absence that makes a page suspect.
const noCloudflareMarker = "no Cloudflare headers or markers on a host that sits behind Cloudflare"

// addTitleMarker quotes the page title as evidence.
func addTitleMarker(r *response, v *Verdict) {
	if r.title != "" {
		v.Markers = append(v.Markers, "body: title "+quoteTitle(r.title))
	}
}

// quoteTitle puts a (sanitised) title in quotes for a marker or summary.
func quoteTitle(t string) string { return "\"" + t + "\"" }

// splitHostPort is net.SplitHostPort for the Host a caller names
// ("chatgpt.com:443", "[::1]:8443") without importing net (the classifier
// stays pure); false where SplitHostPort errs, as on a bare host.
func splitHostPort(hostport string) (string, bool) {
	i := strings.LastIndexByte(hostport, ':')
	if i < 0 {
		return "", false
	}
	host, j, k := hostport[:i], 0, 0
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 || end+1 != i {
			return "", false
		}
		host, j, k = hostport[1:end], 1, end+1
	} else if strings.IndexByte(host, ':') >= 0 {
		return "", false
	}
	if strings.IndexByte(hostport[j:], '[') >= 0 || strings.IndexByte(hostport[k:], ']') >= 0 {
		return "", false
	}
	return host, true
}
