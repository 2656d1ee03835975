package classify

import (
	"regexp"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// parseRayID splits a cf-ray header value ("8f1c2e3d4b5a6978-SJC") into the
// Ray ID and the IATA code of the data centre that answered. The Ray ID is
// what the site owner (or Cloudflare support) needs to find the rule that
// fired, and the colo says where the request entered Cloudflare, so every
// probe that sees a Cloudflare response reports both. A value that is not
// exactly 16 lower-case hex digits, optionally followed by "-" and three
// upper-case letters, is rejected (ok false) rather than passed on.
func parseRayID(header string) (ray, colo string, ok bool) {
	// Strip terminal sequences first: a middlebox (or a hostile server)
	// decorating the header must not hide the Ray ID support needs.
	s := strings.TrimSpace(sanitize.Line(header))
	if len(s) == 16 && isRayID(s) {
		return s, "", true
	}
	if len(s) != 20 || s[16] != '-' || !isRayID(s[:16]) || !isIATA(s[17:]) {
		return "", "", false
	}
	return s[:16], s[17:], true
}

// isRayID reports exactly 16 lower-case hex digits.
func isRayID(s string) bool {
	if len(s) != 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// isIATA reports three upper-case ASCII letters.
func isIATA(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// isColo accepts the two forms a colo takes: the IATA code of the cf-ray
// header and /cdn-cgi/trace ("SJC"), and the lower-case data-centre name of
// the errors.css block page ("iad03").
func isColo(s string) bool {
	if isIATA(s) {
		return true
	}
	if len(s) < 4 || len(s) > 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i < 3 && (c < 'a' || c > 'z') || i >= 3 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// Where pages state a Ray ID (detection.md §2.4). Each runs on a small
// window that starts at its anchor.
var (
	// Footer "Cloudflare Ray ID: <strong …>RAY</strong>", top line
	// "Ray ID: RAY • 2026-…", errors.css "Ray ID: RAY".
	reRayText = regexp.MustCompile(`^(?i:ray id):?\s*(?:<[^>]*>\s*)*([0-9a-f]{16})\b`)
	// errors.css '<span class="ray-id">RAY</span>', "plain-ray-id".
	reRayClass = regexp.MustCompile(`^(?i:ray-id)["'][^>]*>\s*(?:<[^>]*>\s*)*(?:(?i:ray id):?\s*)?([0-9a-f]{16})\b`)
	// Challenge bootstrap: cRay: 'RAY'.
	reRayChl = regexp.MustCompile(`(?i:cray):\s*['"]([0-9a-f]{16})['"]`)
	// Challenge loader: /cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=RAY.
	reRayOrchestrate = regexp.MustCompile(`^/orchestrate/[a-z_]+/v1\?ray=([0-9a-f]{16})\b`)
	// JavaScript Detections: window.__CF$cv$params={r:'RAY',t:'…'}.
	reRayJSD = regexp.MustCompile(`^(?i:__cf\$cv\$params)\s*=\s*\{\s*r:\s*['"]([0-9a-f]{16})['"]`)
	// 1010 page: "… browser's signature (RAY-ua12)".
	reRaySig = regexp.MustCompile(`\(([0-9a-f]{16})-ua\d{1,3}\)`)
)

// rayWindow is how far past its anchor a Ray ID may sit (footer markup
// between "Ray ID:" and the value is short).
const rayWindow = 200

// bodyRay finds a Ray ID the page states, trying the sources from the most
// specific to the least, and names where it came from.
func (r *response) bodyRay() (ray, source string) {
	try := func(a anchor, re *regexp.Regexp, n int, src string) bool {
		for _, p := range r.h.at(a) {
			if m := re.FindSubmatch(r.window(int(p), n)); m != nil {
				ray, source = string(m[1]), src
				return true
			}
		}
		return false
	}
	switch {
	case try(aRayID, reRayText, rayWindow, "Ray ID text"),
		try(aRayIDClass, reRayClass, rayWindow, "ray-id span"),
		try(aChlOpt, reRayChl, 4096, "challenge cRay"),
		try(aOrchestrate, reRayOrchestrate, 80, "challenge script ray="),
		try(aBrowserSig, reRaySig, 200, "browser-signature reference"),
		try(aCvParams, reRayJSD, 80, "JavaScript Detections r:"):
	}
	return ray, source
}
