package classify

import (
	"fmt"
	"regexp"
	"strconv"
)

// Cloudflare's own error pages: the 1xxx and 5xx codes they state, the
// phrases that name a cause without a number, the WAF block page and the
// generic "Access denied" page. Cloudflare has shipped several templates and
// sites can restyle them, so the classifier looks for many weak markers, not
// one template (detection.md §2.3). When a page states a number, the number
// wins over any title or phrase: the "Access denied | … used Cloudflare"
// title is shared by 1006, 1010 and 1015.
//
// Cloudflare serves its error and block pages with an error status (403,
// 409, 429, 451, 5xx; a WAF custom response must use a 4xx). Its words on a
// success page are content, such as a shared conversation about a 1020, so
// the HTML forms below are read only on an error status. The exact
// plain-text body and the structured forms are Cloudflare's alone and count
// on any status.

// Code regexes. Each runs on a window that starts at its anchor, so "^" is
// the anchor's position. Codes of 3-5 digits are read; only 1xxx and 5xx are
// kept.
var (
	// Family D: the whole body is "error code: 1020".
	reCodePlain = regexp.MustCompile(`^(?i:error code):\s*(\d{3,5})\s*$`)
	// Family B label '<span class="code-label">Error code <span>1020</span>',
	// the details line "Error code: 1020", and 5xx "Error code 522".
	reCodeText = regexp.MustCompile(`^(?i:error code):?\s*(?:<[^>]*>\s*)*(\d{3,5})\b`)
	// Family C "Error reference number: 1020".
	reRefNumber = regexp.MustCompile(`^(?i:error reference number):?\s*(?:<[^>]*>\s*)*(\d{3,5})\b`)
	// Families A/B feedback script "errorCode: 1015".
	reCodeJS = regexp.MustCompile(`^(?i:errorcode):\s*['"]?(\d{3,5})\b`)
	// Footer links "utm_source=1020_error" and "utm_source=errorcode_522".
	reUTM = regexp.MustCompile(`^(?i:utm_source)=(?:(\d{3,5})_(?i:error)|(?i:errorcode)_(\d{3,5}))\b`)
	// Family A '<span class="cf-error-code">1006</span>'.
	reCFErrorCode = regexp.MustCompile(`^(?i:cf-error-code)["'][^>]*>\s*(\d{3,5})\b`)
	// Family A '<span data-translate="error">Error</span><span>1006</span>'.
	reTranslateError = regexp.MustCompile(`^(?i:data-translate="error")[^>]*>\s*(?i:error)\s*(?:<[^>]*>\s*)*(\d{4})\b`)
	// Family A top line "Error 1006 Ray ID: …", read backwards from "Ray ID".
	reHeadingBeforeRay = regexp.MustCompile(`(?i:error)\s*(\d{4})\s*(?:<[^>]*>\s*)*$`)
	// Titles "example.com | 522: Connection timed out", "… | 1016: Origin
	// DNS error".
	reTitleCode = regexp.MustCompile(`\|\s*(1\d{3}|5\d\d):`)
	// 1010's phrase continues "… browser's signature".
	reSignature = regexp.MustCompile(`^(?i:based on your browser)\S{0,8}\s*(?i:signature)`)
)

// codeFinding is one place a response states a Cloudflare code.
type codeFinding struct {
	code   int
	marker string
	// sure: the form is Cloudflare's alone (the whole body is "error code:
	// N", or Cloudflare's cf-error-type header), so it needs no other
	// evidence.
	sure bool
}

// findCodes lists every Cloudflare code the response states, most specific
// form first.
func (r *response) findCodes() []codeFinding {
	var out []codeFinding
	add := func(raw []byte, marker string, sure bool) {
		code, err := strconv.Atoi(string(raw))
		if err != nil || !(isCF1xxx(code) || isCF5xx(code)) {
			return
		}
		out = append(out, codeFinding{code: code, marker: fmt.Sprintf(marker, code), sure: sure})
	}
	if len(r.trimmed) <= 64 {
		if m := reCodePlain.FindSubmatch(r.trimmed); m != nil {
			add(m[1], "body: error code: %d (plain text)", true)
		}
	}
	if len(r.errorType) == 4 && isDigits(r.errorType) {
		add([]byte(r.errorType), "header cf-error-type: %d", true)
	}
	for _, src := range []struct {
		a      anchor
		re     *regexp.Regexp
		marker string
	}{
		{aErrorCode, reCodeText, "body: Error code %d"},
		{aRefNumber, reRefNumber, "body: Error reference number: %d"},
		{aCFErrorCode, reCFErrorCode, "body: Error %d heading"},
		{aTranslateError, reTranslateError, "body: Error %d heading"},
	} {
		for _, p := range r.h.at(src.a) {
			if m := src.re.FindSubmatch(r.window(int(p), 240)); m != nil {
				add(m[1], src.marker, false)
				break
			}
		}
	}
	for _, p := range r.h.at(aRayID) {
		if m := reHeadingBeforeRay.FindSubmatch(r.windowBefore(int(p), 120)); m != nil {
			add(m[1], "body: Error %d before the Ray ID", false)
			break
		}
	}
	for _, p := range r.h.at(aErrorCodeJS) {
		if m := reCodeJS.FindSubmatch(r.window(int(p), 40)); m != nil {
			add(m[1], "body: errorCode: %d in the feedback script", false)
			break
		}
	}
	for _, p := range r.h.at(aUTMSource) {
		if m := reUTM.FindSubmatch(r.window(int(p), 40)); m != nil {
			if len(m[1]) > 0 {
				add(m[1], "body: utm_source=%d_error link", false)
			} else {
				add(m[2], "body: utm_source=errorcode_%d link", false)
			}
			break
		}
	}
	if m := reTitleCode.FindStringSubmatch(r.title); m != nil {
		add([]byte(m[1]), "body: title names error %d", false)
	}
	return out
}

// chooseCode picks the code a response is about. A 1xxx is more specific
// than a 5xx (a 530 or a Worker's 500 carries the 1xxx that explains it), so
// the first 1xxx wins; otherwise the first 5xx, and only when it matches the
// status, since origin error pages also say "Error code: 500".
func (r *response) chooseCode() (codeFinding, bool) {
	trusted := (r.cfHeaders || r.cfTemplate) && r.statusError()
	var best codeFinding
	found := false
	for _, f := range r.findCodes() {
		if !f.sure && !trusted {
			continue
		}
		// On a page that is not Cloudflare's template, an undocumented
		// number is more likely the site's own error code than a 1xxx.
		if !f.sure && !r.cfTemplate && !knownCFCode(f.code) {
			continue
		}
		if isCF1xxx(f.code) {
			return f, true
		}
		if !found && f.code == r.status && (f.sure || r.cfTemplate || r.hasErrorType) {
			best, found = f, true
		}
	}
	return best, found
}

// classifyCloudflareCode reads a stated 1xxx or 5xx code.
func classifyCloudflareCode(r *response, v *Verdict) bool {
	f, ok := r.chooseCode()
	if !ok {
		return false
	}
	setCFCode(v, f.code, f.marker)
	if r.status == 530 && isCF1xxx(f.code) {
		v.Markers = append(v.Markers, fmt.Sprintf("status 530 wraps Cloudflare error %d", f.code))
	}
	return true
}

// setCFCode fills a verdict for a Cloudflare code.
func setCFCode(v *Verdict, code int, marker string) {
	v.Kind = cfKind(code)
	v.Code = code
	v.Category = cfCategory(code)
	v.Summary = fmt.Sprintf("Cloudflare error %d: %s", code, cfMeaning(code))
	v.Markers = append(v.Markers, marker)
}

// classifyCloudflarePhrase reads the documented headline of a block page
// that carries no number: each names its code's cause in words.
func classifyCloudflarePhrase(r *response, v *Verdict) bool {
	if !(r.cfHeaders || r.cfTemplate) || !r.statusError() {
		return false
	}
	signature := false
	for _, p := range r.h.at(aBrowserSig) {
		if reSignature.Match(r.window(int(p), 64)) {
			signature = true
			break
		}
	}
	switch {
	case signature:
		setCFCode(v, 1010, "body: banned your access based on your browser's signature")
	case r.h.has(aASNBanned):
		setCFCode(v, 1005, "body: has banned the autonomous system number (ASN)")
	case r.h.has(aCountryBan):
		setCFCode(v, 1009, "body: has banned the country or region")
	case r.h.has(aRateLimited):
		setCFCode(v, 1015, "body: You are being rate limited")
	case r.h.has(aBannedTemp):
		setCFCode(v, 1015, "body: has banned you temporarily")
	case r.h.has(aIPBanned):
		v.Kind, v.Category = VerdictCFIPBan, "access_denied"
		v.Summary = "Cloudflare IP ban: the site owner banned your IP address (the page gives no error number)"
		v.Markers = append(v.Markers, "body: has banned your IP address")
	default:
		return false
	}
	return true
}

// classifyWAFPage reads the WAF block page ("Attention Required! |
// Cloudflare", "Sorry, you have been blocked"), which has no number and is
// handled like 1020.
func classifyWAFPage(r *response, v *Verdict) bool {
	if !r.statusError() {
		return false
	}
	var marker string
	switch {
	case r.titleHas("attention required") && r.titleHas("cloudflare"):
		marker = "body: title Attention Required! | Cloudflare"
	case r.h.has(aSorryBlocked):
		marker = "body: Sorry, you have been blocked"
	case r.h.has(aWhyBlocked) && r.cfTemplate:
		marker = "body: Why have I been blocked?"
	default:
		return false
	}
	v.Kind, v.Code, v.Category = VerdictCFBlock, 0, "access_denied"
	v.Summary = "Cloudflare WAF block (\"Sorry, you have been blocked\"): the site's security rules refused this request, as with error 1020"
	v.Markers = append(v.Markers, marker)
	return true
}

// classifyAccessDeniedPage reads a Cloudflare "Access denied" page that
// states no code: the classic title that names Cloudflare, or the errors.css
// wording on a Cloudflare template. A 429 with it is a rate limit (1015 uses
// the same title).
func classifyAccessDeniedPage(r *response, v *Verdict) bool {
	if !r.statusError() {
		return false
	}
	var marker string
	switch {
	case r.h.has(aUsedCFDenied):
		marker = "body: title Access denied | … used Cloudflare to restrict access"
	case r.cfTemplate && r.titleHas("access denied"):
		marker = "body: title Access denied on a Cloudflare error page"
	case r.cfTemplate && r.h.has(aNoAccessTo):
		marker = "body: You do not have access to … on a Cloudflare error page"
	default:
		return false
	}
	v.Markers = append(v.Markers, marker)
	if r.status == 429 {
		v.Kind, v.Category = VerdictCFRateLimit, "rate_limit"
		v.Summary = "Cloudflare rate limit: the site's Cloudflare rules refused this request for now (HTTP 429, no error number on the page)"
		return true
	}
	v.Kind, v.Category = VerdictCFBlock, "access_denied"
	v.Summary = "Cloudflare access denied: the site's Cloudflare rules refused this request (the page gives no error number)"
	return true
}

// classifyCloudflare5xx reads a Cloudflare-generated 5xx that states no code
// in its body. 520-527 and 530 exist only at Cloudflare; other 5xx need
// Cloudflare's error header or page template, because an origin's own 5xx
// passes through Cloudflare with server: cloudflare too.
func classifyCloudflare5xx(r *response, v *Verdict) bool {
	if r.status < 500 || r.status > 599 {
		return false
	}
	var marker string
	switch {
	case r.errorType != "":
		marker = "header cf-error-type: " + r.errorType
	case r.hasErrorType:
		marker = "header cf-error-type present"
	case r.cfTemplate:
		marker = "body: Cloudflare error page template"
	case r.cfHeaders && (r.status >= 520 && r.status <= 527 || r.status == 530):
		marker = fmt.Sprintf("status %d exists only at Cloudflare", r.status)
	default:
		return false
	}
	setCFCode(v, r.status, marker)
	return true
}
