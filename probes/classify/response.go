package classify

import (
	"bytes"
	"html"
	"math"
	"mime"
	"strconv"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// maxClassifyBody bounds how much of a body the classifier reads. The
// endpoint probe already caps bodies at this size; a caller that passes more
// gets the prefix judged, so the classifier's cost stays bounded whatever it
// is handed.
const maxClassifyBody = 256 << 10

// topOfPage is how far into a body a page's <title> may start. A title
// belongs in <head>; "<title>Just a moment...</title>" 200 KiB down a page is
// quoted text, not what the page is.
const topOfPage = 32 << 10

// maxRetryAfter bounds a believable Retry-After (one week). Edge rate limits
// and 5xx hints are seconds to minutes; anything past a week is junk or
// hostile and is dropped rather than shown as advice.
const maxRetryAfter = 7 * 24 * 3600

// maxTitle bounds a page title quoted in markers and summaries.
const maxTitle = 80

// response is one HTTP response as the classifier sees it: header facts read
// once, the body capped, and where each marker starts in it.
type response struct {
	in     ClassifyInput
	status int
	body   []byte
	// trimmed is body without leading whitespace and byte-order mark: where
	// JSON and Markdown front matter start.
	trimmed []byte
	h       hits

	// cfHeaders: server: cloudflare or a cf-ray header, so the response
	// passed through Cloudflare's edge.
	cfHeaders  bool
	server     string // as sent, for markers
	cfRayRaw   string
	rayHeader  string // validated Ray ID from cf-ray
	coloHeader string // validated colo from cf-ray
	mitigated  bool   // cf-mitigated: challenge
	// hasErrorType: a cf-error-type header, which only Cloudflare-generated
	// error pages carry. errorType is its value ("1016", "52x") when it is
	// a plain token.
	hasErrorType bool
	errorType    string
	contentType  string // media type, lower case, without parameters
	// retryAfter is the Retry-After header in seconds, -1 when absent or
	// unusable.
	retryAfter    int
	retryAfterRaw string

	// Page facts computed from the scan.
	title    string // sanitised <title>, empty when none
	hasTitle bool
	// cfTemplate: the body carries Cloudflare's own error-page furniture.
	cfTemplate bool
	// cfInjected: the body carries something only Cloudflare's edge puts
	// in pages (JavaScript Detections, /cdn-cgi/ paths, Turnstile).
	cfInjected bool
}

// readResponse gathers everything the pipeline asks about one response.
func readResponse(in ClassifyInput) *response {
	r := &response{in: in, status: in.Status, retryAfter: -1}
	r.body = in.Body
	if len(r.body) > maxClassifyBody {
		r.body = r.body[:maxClassifyBody]
	}
	r.trimmed = bytes.TrimLeft(bytes.TrimPrefix(bytes.TrimLeft(r.body, " \t\r\n"), []byte("\xef\xbb\xbf")), " \t\r\n")

	h := in.Header
	r.server = strings.TrimSpace(headerValue(h, "Server"))
	r.cfRayRaw = strings.TrimSpace(headerValue(h, "Cf-Ray"))
	serverCF := strings.EqualFold(r.server, "cloudflare") || strings.EqualFold(r.server, "cloudflare-nginx")
	r.cfHeaders = serverCF || r.cfRayRaw != ""
	if ray, colo, ok := parseRayID(r.cfRayRaw); ok {
		r.rayHeader, r.coloHeader = ray, colo
	}
	r.mitigated = strings.EqualFold(strings.TrimSpace(headerValue(h, "Cf-Mitigated")), "challenge")
	if et := strings.TrimSpace(headerValue(h, "Cf-Error-Type")); et != "" {
		r.hasErrorType = true
		if isToken(et, 16) {
			r.errorType = strings.ToLower(et)
		}
	}
	if ct := headerValue(h, "Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err == nil {
			r.contentType = mt
		} else {
			r.contentType = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
		}
	}
	r.retryAfterRaw = strings.TrimSpace(headerValue(h, "Retry-After"))
	if n, ok := parseRetryAfter(r.retryAfterRaw, headerValue(h, "Date")); ok {
		r.retryAfter = n
	}

	bodyScanner.scan(r.body, &r.h)
	r.title, r.hasTitle = r.pageTitle()
	r.cfTemplate = r.looksLikeCloudflareTemplate()
	r.cfInjected = r.h.has(aJSD) || r.h.has(aCvParams) || r.h.has(aCDNCGI) ||
		r.h.has(aTurnstileJS)
	return r
}

// isJSON reports whether the body is (the start of) a JSON object.
func (r *response) isJSON() bool {
	return len(r.trimmed) > 0 && r.trimmed[0] == '{'
}

// statusError reports an error status. Cloudflare serves its blocks and
// errors with one; a Cloudflare phrase on a 200 page that is not a Cloudflare
// template is quoted text, not the page.
func (r *response) statusError() bool { return r.status >= 400 }

// looksLikeCloudflareTemplate reports Cloudflare's own error-page
// furniture. One strong marker (the cf-wrapper layout, /cdn-cgi/styles/, the
// "Cloudflare Ray ID" footer …) is enough; weak ones (a "code-label" span, an
// "error-details" block, a bare "Ray ID") are common words in other sites'
// pages too, so two are needed.
func (r *response) looksLikeCloudflareTemplate() bool {
	for _, a := range []anchor{aCFWrapper, aCDNStyles, aCFRayFooter, aPerfSecurity, aPerfSecurityE,
		aCenterCF, aCloudflareNgx, aCFBrowserState, aCFErrorCode, aUsedCFDenied} {
		if r.h.has(a) {
			return true
		}
	}
	weak := 0
	for _, a := range []anchor{aErrorDetails, aCodeLabel, aRayIDClass, aRayID, aTranslateError, aRefNumber, aErrorCodeJS} {
		if r.h.has(a) {
			weak++
		}
	}
	return weak >= 2
}

// cloudflareEvidence reports any sign the response came through Cloudflare:
// its headers, its page templates, or what its edge injects into pages.
func (r *response) cloudflareEvidence() bool {
	return r.cfHeaders || r.cfTemplate || r.cfInjected || r.h.has(aChlOpt) || r.h.has(aCloudflareErr)
}

// window returns up to n bytes of the body starting at off.
func (r *response) window(off, n int) []byte {
	if off < 0 || off >= len(r.body) {
		return nil
	}
	return r.body[off:min(len(r.body), off+n)]
}

// windowBefore returns up to n bytes of the body ending at off.
func (r *response) windowBefore(off, n int) []byte {
	if off <= 0 || off > len(r.body) {
		return nil
	}
	return r.body[max(0, off-n):off]
}

// pageTitle returns the page's <title> text, unescaped and sanitised, when
// the first title tag sits near the top of the page.
func (r *response) pageTitle() (string, bool) {
	for _, p := range r.h.at(aTitleOpen) {
		if int(p) >= topOfPage {
			break
		}
		// "<title>" or "<title lang=…>", not "<titlebar>".
		rest := r.window(int(p)+len("<title"), 256)
		if len(rest) == 0 || (rest[0] != '>' && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '\n' && rest[0] != '\r') {
			continue
		}
		gt := bytes.IndexByte(rest, '>')
		if gt < 0 {
			return "", false
		}
		start := int(p) + len("<title") + gt + 1
		end := -1
		for _, q := range r.h.at(aTitleClose) {
			if int(q) >= start {
				end = int(q)
				break
			}
		}
		if end < 0 || end-start > 1024 {
			return "", false
		}
		return sanitize.LineN(html.UnescapeString(string(r.body[start:end])), maxTitle), true
	}
	return "", false
}

// titleHas reports whether the page title contains s (lower case).
func (r *response) titleHas(s string) bool {
	return r.hasTitle && strings.Contains(strings.ToLower(r.title), s)
}

// headerValue reads a header case-insensitively. http.Header canonicalises
// names when set through its methods (callers pass canonical names); a map
// built by hand with lower-case keys (as HTTP/2 writes them) is searched
// too.
func headerValue(h map[string][]string, name string) string {
	if len(h) == 0 {
		return ""
	}
	if vs := h[name]; len(vs) > 0 && vs[0] != "" {
		return vs[0]
	}
	for k, vs := range h {
		if len(vs) > 0 && strings.EqualFold(k, name) {
			return vs[0]
		}
	}
	return ""
}

// parseRetryAfter reads Retry-After as seconds: either delay-seconds or an
// HTTP date, which is measured against the response's own Date header so
// the classifier needs no clock.
func parseRetryAfter(v, date string) (int, bool) {
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		n, err := strconv.Atoi(v)
		if err != nil || n > maxRetryAfter {
			return 0, false
		}
		return n, true
	}
	t, err := parseHTTPTime(v)
	if err != nil {
		return 0, false
	}
	d, err := parseHTTPTime(strings.TrimSpace(date))
	if err != nil {
		return 0, false
	}
	secs := math.Ceil(t.Sub(d).Seconds())
	if secs < 0 {
		secs = 0
	}
	if secs > maxRetryAfter {
		return 0, false
	}
	return int(secs), true
}

// isDigits reports a non-empty run of ASCII digits of at most 9 characters.
func isDigits(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isToken reports a short identifier made of letters, digits, '_', '-' and
// '.': the shape of error names, codes and header tokens worth passing on.
func isToken(s string, maxLen int) bool {
	if s == "" || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-', c == '.':
		default:
			return false
		}
	}
	return true
}
