package classify

import (
	"regexp"
	"strings"
)

// Cloudflare challenges (detection.md §2.5). The cf-mitigated: challenge
// header is authoritative. Without it, the body is read: the
// window._cf_chl_opt bootstrap and the orchestrate loader are the page's
// skeleton and count on their own; the "Just a moment..." title, the
// "Enable JavaScript and cookies to continue" notice and challenge tokens
// count when Cloudflare's headers are present or two agree. chatgpt.com's
// OpenAI-branded challenge has no <title> at all, so the title is never
// required. Two look-alikes are not challenges: the Turnstile widget
// embedded in a normal page (a login form's bot check) and the JavaScript
// Detections snippet /cdn-cgi/challenge-platform/scripts/jsd/main.js that
// Cloudflare injects into ordinary pages and block pages alike.

var (
	// cType: 'managed' inside window._cf_chl_opt.
	reChlType = regexp.MustCompile(`(?i:ctype):\s*['"]([A-Za-z-]{1,32})['"]`)
	// cZone: 'chatgpt.com' inside window._cf_chl_opt.
	reChlZone = regexp.MustCompile(`(?i:czone):\s*['"]([A-Za-z0-9.-]{1,253})['"]`)
	// The loader path; its segment names the challenge kind in older pages
	// (managed, jsch, captcha) and is "chl_page" in current ones.
	reOrchestrate = regexp.MustCompile(`/cdn-cgi/challenge-platform/h/[a-z]/orchestrate/([a-z_]{1,32})/v1`)
)

// maxChallengePage bounds a challenge page served with a success status
// (captured challenge pages are 5-30 KiB).
const maxChallengePage = 64 << 10

// chlOptWindow bounds the _cf_chl_opt object literal searched for cType and
// cZone (about 1 KiB in captures).
const chlOptWindow = 4096

// classifyChallengeHeader honours cf-mitigated: challenge.
func classifyChallengeHeader(r *response, v *Verdict) bool {
	if !r.mitigated {
		return false
	}
	v.Markers = append(v.Markers, "header cf-mitigated: challenge")
	setChallenge(r, v)
	return true
}

// classifyChallengeBody recognises a challenge page without the header.
func classifyChallengeBody(r *response, v *Verdict) bool {
	var strong, weak []string
	if r.h.has(aChlOpt) {
		strong = append(strong, "body: window._cf_chl_opt challenge bootstrap")
	}
	if kind, ok := r.orchestrateKind(); ok {
		strong = append(strong, "body: challenge orchestrate script ("+kind+")")
	}
	if r.titleHas("just a moment") {
		weak = append(weak, "body: title Just a moment...")
	}
	if r.titleHas("please wait") && r.titleHas("cloudflare") {
		weak = append(weak, "body: title Please Wait... | Cloudflare")
	}
	if r.h.has(aEnableJSCookie) || r.h.has(aChlErrorText) {
		weak = append(weak, "body: Enable JavaScript and cookies to continue")
	}
	if r.h.has(aChlToken) {
		weak = append(weak, "body: __cf_chl_ challenge token")
	}
	if r.h.has(aCheckingBrowse) || r.h.has(aCheckingSecure) {
		weak = append(weak, "body: Checking your browser / site connection")
	}
	if r.legacyCaptcha() {
		strong = append(strong, "body: Attention Required! security-check CAPTCHA")
	}
	if len(strong) == 0 && !(len(weak) >= 1 && r.cfHeaders) && len(weak) < 2 {
		return false
	}
	// Challenges come with 403, 429 or 503. On a success status only the
	// challenge's own skeleton counts, and only in a page as small as a
	// challenge page: a big page quoting one is content.
	if !r.statusError() && (len(strong) == 0 || len(r.body) > maxChallengePage) {
		return false
	}
	v.Markers = append(v.Markers, strong...)
	v.Markers = append(v.Markers, weak...)
	setChallenge(r, v)
	return true
}

// legacyCaptcha reports the pre-2022 CAPTCHA challenge, which shared the
// WAF page's "Attention Required! | Cloudflare" title [I].
func (r *response) legacyCaptcha() bool {
	return r.titleHas("attention required") && (r.h.has(aSecurityCheck) || r.h.has(aCaptchaKind))
}

// setChallenge fills the challenge verdict and its sub-type.
func setChallenge(r *response, v *Verdict) {
	v.Kind = VerdictCFChallenge
	v.ChallengeType = r.challengeType()
	if zone := r.challengeZone(); zone != "" {
		v.Markers = append(v.Markers, "body: challenge zone "+zone)
	}
	if r.h.has(aChlOpt) && !r.hasTitle {
		v.Markers = append(v.Markers, "body: challenge page without a <title> (site-branded, as chatgpt.com's)")
	}
	what := "Cloudflare challenge"
	if v.ChallengeType != "" {
		what = "Cloudflare " + v.ChallengeType + " challenge"
	}
	v.Summary = what + ": the site wants a real browser with JavaScript and cookies to prove this is not a bot; a script or terminal cannot pass it"
}

// challengeType reads the challenge kind: cType first, then the loader path,
// then the legacy page wording. Empty when the page does not say.
func (r *response) challengeType() string {
	for _, p := range r.h.at(aChlOpt) {
		if m := reChlType.FindSubmatch(r.window(int(p), chlOptWindow)); m != nil {
			return normaliseChallengeType(strings.ToLower(string(m[1])))
		}
	}
	if kind, ok := r.orchestrateKind(); ok {
		switch kind {
		case "managed":
			return "managed"
		case "jsch":
			return "non-interactive"
		case "captcha":
			return "interactive"
		}
	}
	if r.legacyCaptcha() {
		return "interactive"
	}
	if r.h.has(aCheckingBrowse) {
		return "non-interactive"
	}
	return ""
}

// normaliseChallengeType maps cType values onto the three documented kinds;
// an unknown but well-formed value is passed on as given.
func normaliseChallengeType(t string) string {
	switch t {
	case "managed":
		return "managed"
	case "non-interactive", "jschallenge", "js":
		return "non-interactive"
	case "interactive", "captcha":
		return "interactive"
	}
	if t == "" || t[0] == '-' {
		return ""
	}
	return t
}

// orchestrateKind returns the loader path's kind segment when the page
// loads the challenge orchestrator.
func (r *response) orchestrateKind() (string, bool) {
	for _, p := range r.h.at(aOrchestrate) {
		// The anchor is "/orchestrate/"; the path starts up to 40 bytes
		// before it.
		start := max(0, int(p)-40)
		if m := reOrchestrate.FindSubmatch(r.body[start:min(len(r.body), int(p)+60)]); m != nil {
			return string(m[1]), true
		}
	}
	return "", false
}

// challengeZone reads cZone, the zone that served the challenge.
func (r *response) challengeZone() string {
	for _, p := range r.h.at(aChlOpt) {
		if m := reChlZone.FindSubmatch(r.window(int(p), chlOptWindow)); m != nil {
			return strings.ToLower(string(m[1]))
		}
	}
	return ""
}

// noteBystanders adds markers for Cloudflare features that look like a
// challenge but are not one, so the evidence pane can say why a page with
// them was still judged normal.
func noteBystanders(r *response, v *Verdict) {
	if r.h.has(aTurnstileJS) || r.h.has(aTurnstileDiv) {
		v.Markers = append(v.Markers, "body: Turnstile widget embedded in the page (a form's bot check, not a block)")
	}
	if r.h.has(aJSD) {
		v.Markers = append(v.Markers, "body: Cloudflare JavaScript Detections snippet (injected into normal pages, not a challenge)")
	}
}
