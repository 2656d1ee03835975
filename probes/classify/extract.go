package classify

import (
	"net/netip"
	"regexp"
)

// What a Cloudflare block page says about the visitor: the IP address and
// country Cloudflare evaluated and the data centre that answered. These are
// what the rule matched on, so they are shown next to the verdict. Every
// value is validated by shape (net/netip for addresses, ISO-style codes for
// countries) so page junk is never passed on.

var (
	// Footer '<span class="hidden" id="cf-footer-ip">203.0.113.7</span>'.
	reFooterIP = regexp.MustCompile(`^(?i:cf-footer-ip)["'][^>]*>\s*([0-9A-Fa-f:.]{2,45})\s*<`)
	// Footer "Your IP: <button …>Click to reveal</button> <span …>ADDR</span>"
	// and rendered "Your IP: ADDR".
	reYourIP = regexp.MustCompile(`^(?i:your ip)(?:\s*(?i:address))?:?\s*(?:<[^>]*>\s*|(?i:click to reveal)\s*)*([0-9A-Fa-f:.]{2,45})`)
	// errors.css details block "IP: ADDR".
	reIPLabel = regexp.MustCompile(`^(?i:ip):\s*(?:<[^>]*>\s*)*([0-9A-Fa-f:.]{2,45})`)
	// 1006-1008 "has banned your IP address (ADDR)".
	reBannedIP = regexp.MustCompile(`^(?i:has banned your ip address)\s*\(([0-9A-Fa-f:.]{2,45})\)`)
	// errors.css details block "Country: US" (Cloudflare also uses XX for
	// unknown and T1 for Tor).
	reCountry = regexp.MustCompile(`^(?i:country):\s*(?:<[^>]*>\s*)*([A-Z][A-Z0-9])\b`)
	// errors.css details block "Data center: iad03".
	reDataCenter = regexp.MustCompile(`^(?i:data center):\s*(?:<[^>]*>\s*)*([a-z]{3}\d{1,3}|[A-Z]{3})\b`)
)

// clientIP returns the address the block page says Cloudflare saw.
func (r *response) clientIP() string {
	for _, src := range []struct {
		a  anchor
		re *regexp.Regexp
	}{
		{aFooterIP, reFooterIP},
		{aIPBanned, reBannedIP},
		{aYourIP, reYourIP},
		{aIPLabel, reIPLabel},
	} {
		for _, p := range r.h.at(src.a) {
			if src.a == aIPLabel && !startsWord(r.body, int(p)) {
				continue // "zip:", "tooltip:" …
			}
			m := src.re.FindSubmatch(r.window(int(p), 300))
			if m == nil {
				continue
			}
			if ip, ok := parseIP(string(m[1])); ok {
				return ip
			}
		}
	}
	return ""
}

// parseIP accepts a plain IPv4 or IPv6 address (no zone) and returns its
// canonical form.
func parseIP(s string) (string, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return "", false
	}
	return a.String(), true
}

// country returns the two-character country code the page states.
func (r *response) country() string {
	for _, p := range r.h.at(aCountry) {
		if !startsWord(r.body, int(p)) {
			continue
		}
		if m := reCountry.FindSubmatch(r.window(int(p), 120)); m != nil {
			if c := string(m[1]); isCountry(c) {
				return c
			}
		}
	}
	return ""
}

// isCountry accepts ISO 3166 alpha-2 shapes plus Cloudflare's T1 (Tor).
func isCountry(c string) bool {
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' {
		return false
	}
	return c[1] >= 'A' && c[1] <= 'Z' || c == "T1"
}

// dataCenter returns the colo the page states ("iad03").
func (r *response) dataCenter() string {
	for _, p := range r.h.at(aDataCenter) {
		if m := reDataCenter.FindSubmatch(r.window(int(p), 120)); m != nil && isColo(string(m[1])) {
			return string(m[1])
		}
	}
	return ""
}

// startsWord reports that the byte before off is not a letter, so a label
// anchor ("ip:", "country:") is a word of its own.
func startsWord(b []byte, off int) bool {
	if off <= 0 {
		return true
	}
	c := b[off-1]
	return !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-')
}
