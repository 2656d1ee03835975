package classify

import (
	"fmt"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// Classify reads one HTTP response the way an expert reads it and says what
// it means: a normal answer, one of Cloudflare's blocks, challenges or
// errors, an OpenAI API error, an origin's own error, a captive portal, or
// some other page. It is a pure function of its input (no I/O, no clock), so
// every probe that fetches something can share it and tests can feed it
// fixtures.
//
// Every string in the result is sanitised. The body is read only up to
// 256 KiB, in one pass, and no input makes Classify panic.
func Classify(in ClassifyInput) Verdict {
	r := readResponse(in)
	v := Verdict{Status: in.Status, RayID: r.rayHeader, Colo: r.coloHeader}
	if r.rayHeader == "" && r.cfRayRaw != "" {
		v.Markers = append(v.Markers, "header cf-ray present but malformed")
	}
	for _, step := range pipeline {
		if step(r, &v) {
			break
		}
	}
	noteBystanders(r, &v)
	extractDetails(r, &v)
	return finish(v)
}

// pipeline is the order the steps are tried in; the first that recognises
// the response decides. It follows detection.md §1: the cf-mitigated header
// is authoritative, Cloudflare's structured bodies are exact, then page
// markers from most to least specific, then what status and headers alone
// allow. Two deliberate refinements: OpenAI's JSON is read before the HTML
// markers (a JSON body is not a page, and an API message quoting Cloudflare
// must not read as a block), and the captive-portal check runs before the
// status-only fallbacks so a login page answering a 403 is not called the
// origin's error.
var pipeline = []func(*response, *Verdict) bool{
	classifyChallengeHeader,
	classifyStructured,
	classifyOpenAI,
	classifyChallengeBody,
	classifyCloudflareCode,
	classifyCloudflarePhrase,
	classifyWAFPage,
	classifyAccessDeniedPage,
	classifyCloudflare5xx,
	classifyPortal,
	classifyCloudflareUnknown,
	classifyRest,
}

// classifyCloudflareUnknown: an error status through Cloudflare with no
// recognisable marker. Cloudflare's pages can be replaced by the site
// (Custom Error pages), so the headers are the only reliable part; the Ray
// ID is what the site owner needs. A JSON body is the origin's API talking,
// not a Cloudflare page, and goes to origin_error instead.
func classifyCloudflareUnknown(r *response, v *Verdict) bool {
	if !r.cfHeaders || r.isJSON() {
		return false
	}
	if r.status != 403 && r.status != 429 && r.status != 451 && (r.status < 500 || r.status > 599) {
		return false
	}
	v.Kind = VerdictCFUnknown
	switch {
	case r.status == 403 || r.status == 451:
		v.Summary = fmt.Sprintf("HTTP %d through Cloudflare with no recognisable error page: probably a block behind a site-customised page; give the Ray ID to the site owner", r.status)
	case r.status == 429:
		v.Summary = "HTTP 429 through Cloudflare with no recognisable error page: probably a rate limit behind a site-customised page; wait before retrying"
	default:
		v.Summary = fmt.Sprintf("HTTP %d through Cloudflare with no Cloudflare error markers: the site's own error page or a customised Cloudflare one; not something on your side", r.status)
	}
	v.Markers = append(v.Markers, fmt.Sprintf("status %d with Cloudflare headers and no error-page markers", r.status))
	addTitleMarker(r, v)
	return true
}

// classifyRest is what the status alone allows once nothing else matched:
// an origin error, a normal answer, or, where Cloudflare should have
// answered and nothing of it is present, an unexpected page.
func classifyRest(r *response, v *Verdict) bool {
	expectedButAbsent := r.in.ExpectCloudflare && !r.cloudflareEvidence()
	switch {
	case r.status < 100 || r.status > 999:
		v.Kind = VerdictUnexpected
		v.Summary = fmt.Sprintf("invalid HTTP status %d", r.status)
	case r.status >= 400:
		v.Kind = VerdictOriginError
		text := statusText(r.status)
		if text == "" {
			text = "error"
		}
		if expectedButAbsent {
			v.Summary = fmt.Sprintf("HTTP %d %s without any Cloudflare headers, though this host sits behind Cloudflare: something other than Cloudflare answered (the origin directly, a filtering proxy or a block page)", r.status, text)
			v.Markers = append(v.Markers, noCloudflareMarker)
		} else {
			v.Summary = fmt.Sprintf("HTTP %d %s from the site itself, not a Cloudflare block", r.status, text)
		}
		addTitleMarker(r, v)
	case !expectedButAbsent:
		v.Kind = VerdictOK
		if r.cfHeaders {
			v.Summary = fmt.Sprintf("answered normally through Cloudflare (HTTP %d)", r.status)
		} else {
			v.Summary = fmt.Sprintf("answered normally (HTTP %d)", r.status)
		}
	case r.isJSON() || r.status == statusNoContent || r.status == statusNotModified:
		// An API answer or an empty success: portals and block pages are
		// HTML, so a JSON body is the service even if headers were
		// stripped on the way.
		v.Kind = VerdictOK
		v.Summary = fmt.Sprintf("answered normally (HTTP %d), though without Cloudflare headers", r.status)
		v.Markers = append(v.Markers, noCloudflareMarker)
	default:
		v.Kind = VerdictUnexpected
		target, how := r.redirectElsewhere()
		what := fmt.Sprintf("HTTP %d with a page", r.status)
		switch {
		case target != nil && r.status >= 300 && r.status < 400:
			what = fmt.Sprintf("HTTP %d redirect to %s", r.status, target.Host)
		case r.title != "":
			what = fmt.Sprintf("HTTP %d with a page titled %s", r.status, quoteTitle(r.title))
		}
		v.Summary = what + " that is not from Cloudflare, though this host sits behind Cloudflare: an ISP or corporate block page, a filtering proxy or a hijacked DNS answer"
		v.Markers = append(v.Markers, noCloudflareMarker)
		if target != nil {
			v.Markers = append(v.Markers, how+" to "+target.Host)
		}
		addTitleMarker(r, v)
	}
	return true
}

// extractDetails fills what the response states beyond its kind: the Ray
// ID and colo when the header did not give them, what a block page says
// about the visitor, Retry-After, and whether Cloudflare's edge was on the
// path.
func extractDetails(r *response, v *Verdict) {
	cfKindVerdict := strings.HasPrefix(string(v.Kind), "cf_")
	v.Cloudflare = r.cfHeaders || cfKindVerdict || r.cfTemplate || r.cfInjected
	if r.cfHeaders {
		if r.server != "" && (strings.EqualFold(r.server, "cloudflare") || strings.EqualFold(r.server, "cloudflare-nginx")) {
			v.Markers = append(v.Markers, "header server: "+strings.ToLower(r.server))
		}
		if r.rayHeader != "" {
			ray := "header cf-ray: " + r.rayHeader
			if r.coloHeader != "" {
				ray += "-" + r.coloHeader
			}
			v.Markers = append(v.Markers, ray)
		}
	}
	if v.RayID == "" {
		if ray, src := r.bodyRay(); ray != "" {
			v.RayID = ray
			v.Markers = append(v.Markers, "body: Ray ID from "+src)
		}
	}
	if cfKindVerdict {
		if v.Colo == "" {
			v.Colo = r.dataCenter()
		}
		v.ClientIP = r.clientIP()
		v.Country = r.country()
	}
	if r.retryAfter >= 0 {
		v.RetryAfterSeconds = r.retryAfter
		v.Markers = append(v.Markers, "header retry-after: "+r.retryAfterRaw)
	}
	if v.RetryAfterSeconds > 0 && v.Kind != VerdictOpenAIQuota {
		v.Summary += fmt.Sprintf(" (retry after %d s)", v.RetryAfterSeconds)
	}
}

// Marker limits: each marker is one short evidence line, and a hostile page
// cannot make the list long.
const (
	maxMarkerLen = 120
	maxMarkers   = 24
)

// finish sanitises every string of the verdict (values were validated as
// they were read; this is the backstop that makes "every string is safe" a
// property of Classify rather than of each extractor) and tidies Markers.
func finish(v Verdict) Verdict {
	v.Summary = sanitize.Line(sanitize.Secrets(v.Summary))
	v.ChallengeType = sanitize.LineN(v.ChallengeType, 32)
	v.Category = sanitize.LineN(v.Category, 64)
	v.RayID = sanitize.LineN(v.RayID, 16)
	v.Colo = sanitize.LineN(v.Colo, 8)
	v.ClientIP = sanitize.LineN(v.ClientIP, 45)
	v.Country = sanitize.LineN(v.Country, 2)
	if v.OpenAI != nil {
		e := *v.OpenAI
		e.Code = sanitize.LineN(e.Code, 64)
		e.Type = sanitize.LineN(e.Type, 64)
		e.Param = sanitize.LineN(e.Param, 128)
		e.Message = sanitize.Line(sanitize.Secrets(e.Message))
		e.RequestID = sanitize.LineN(e.RequestID, 128)
		v.OpenAI = &e
	}
	seen := make(map[string]bool, len(v.Markers))
	markers := v.Markers[:0]
	for _, m := range v.Markers {
		m = sanitize.LineN(sanitize.Secrets(m), maxMarkerLen-1) // LineN appends "…" when it cuts
		if m == "" || seen[m] || len(markers) >= maxMarkers {
			continue
		}
		seen[m] = true
		markers = append(markers, m)
	}
	v.Markers = markers
	if len(v.Markers) == 0 {
		v.Markers = nil
	}
	return v
}

// PageTitle returns the response's HTML <title>, sanitised and capped, or ""
// when it has none: what a captive-portal check shows the user.
func PageTitle(in ClassifyInput) string { return readResponse(in).title }
