package classify

// The classifier looks for some sixty literal markers in a body of up to
// 256 KiB. Searching for each one separately would walk the body sixty times;
// case-insensitive regular expressions over the whole body would be slower
// still (RE2 has no literal prefix to skip ahead with under (?i)). Instead one
// Aho-Corasick automaton, built once, walks the body a single time, folding
// ASCII case as it goes, and records where each marker starts. Regular
// expressions then run only on small windows around those positions, so the
// cost is linear in the body and independent of how many markers there are.

// anchor names one literal the body scanner looks for. Its text (anchorText)
// is lower case ASCII; matching ignores ASCII case.
type anchor uint8

// Anchors, grouped by what they reveal.
const (
	// Cloudflare error codes.
	aErrorCode      anchor = iota // "Error code: 1020", "Error code <span>1020</span>", "error code: 1020"
	aRefNumber                    // family C "Error reference number: 1020"
	aErrorCodeJS                  // sparrow feedback script "errorCode: 1015"
	aUTMSource                    // footer link "utm_source=1020_error" / "utm_source=errorcode_522"
	aCFErrorCode                  // family A '<span class="cf-error-code">1006</span>'
	aTranslateError               // family A '<span data-translate="error">Error</span>'
	aRayID                        // "Ray ID:" (also inside "Cloudflare Ray ID:")

	// Cloudflare block-page phrases that name the cause without a number.
	aBrowserSig   // 1010 "… banned your access based on your browser's signature"
	aIPBanned     // 1006-1008 "has banned your IP address"
	aASNBanned    // 1005 "has banned the autonomous system number"
	aCountryBan   // 1009 "has banned the country or region …"
	aRateLimited  // 1015 "You are being rate limited"
	aBannedTemp   // 1015 "has banned you temporarily"
	aUsedCFDenied // family A title "… used Cloudflare to restrict access"
	aNoAccessTo   // family B/C "You do not have access to HOST"
	aAttention    // family E title "Attention Required! | Cloudflare"
	aSorryBlocked // family E headline "Sorry, you have been blocked"
	aWhyBlocked   // family E "Why have I been blocked?"

	// Cloudflare template furniture: says a page is Cloudflare's own.
	aCFWrapper      // id="cf-wrapper"
	aErrorDetails   // id="cf-error-details" (A) / id="error-details" (B)
	aCDNStyles      // /cdn-cgi/styles/cf.errors.css, main.css, errors.css
	aCodeLabel      // '<span class="code-label">' (B, 5xx)
	aCFRayFooter    // "Cloudflare Ray ID"
	aPerfSecurity   // "Performance & security by Cloudflare"
	aPerfSecurityE  // the same with &amp;
	aCenterCF       // nginx-style 5xx page "<center>cloudflare</center>"
	aCloudflareNgx  // "cloudflare-nginx" in old 5xx pages
	aRayIDClass     // '<span class="ray-id">' / "plain-ray-id"
	aCFBrowserState // 5xx page "cf-browser-status" / host-status boxes
	aCDNCGI         // any "/cdn-cgi/" path: the edge rewrote or serves this page

	// Details a block page states.
	aDataCenter // "Data center: iad03"
	aCountry    // "Country: US"
	aYourIP     // "Your IP: …"
	aFooterIP   // id="cf-footer-ip"
	aIPLabel    // "IP:" line of the error-details block

	// Challenges.
	aChlOpt         // window._cf_chl_opt = {...}
	aOrchestrate    // /cdn-cgi/challenge-platform/h/b/orchestrate/<kind>/v1?ray=
	aJustAMoment    // "<title>Just a moment...</title>"
	aPleaseWaitCF   // 2021 title "Please Wait... | Cloudflare"
	aEnableJSCookie // "Enable JavaScript and cookies to continue"
	aChlErrorText   // id="challenge-error-text"
	aChlToken       // "__cf_chl_tk", "__cf_chl_rt_tk", "__cf_chl_f_tk", "__cf_chl_managed_tk__"
	aCheckingBrowse // legacy IUAM "Checking your browser before accessing"
	aCheckingSecure // 2022 "Checking if the site connection is secure"
	aSecurityCheck  // legacy CAPTCHA "Please complete the security check"
	aCaptchaKind    // legacy CAPTCHA "cf_captcha_kind"
	aTurnstileJS    // challenges.cloudflare.com/turnstile/…: an embedded widget
	aTurnstileDiv   // class="cf-turnstile"
	aJSD            // /cdn-cgi/challenge-platform/scripts/jsd/main.js: NOT a challenge
	aCvParams       // window.__CF$cv$params={r:'RAY',…}

	// Structured errors.
	aCloudflareErr // "cloudflare_error" (JSON key or Markdown front matter)

	// Page structure.
	aTitleOpen  // "<title"
	aTitleClose // "</title"

	// Captive-portal signs.
	aPassword1    // type="password"
	aPassword2    // type='password'
	aPassword3    // type=password
	aLogin        // "login"
	aLogIn        // "log in"
	aSignIn       // "sign in"
	aWifi         // "wifi"
	aWiFi         // "wi-fi"
	aHotspot      // "hotspot"
	aCaptive      // "captive"
	aPortal       // "portal"
	aAcceptTerms  // "accept the terms"
	aAcceptTerms2 // "accept terms"
	aAgreeTerms   // "agree to the terms"
	aRefresh      // "refresh" (inside <meta http-equiv="refresh" …>)
	aLocation     // "location" (script redirects: location.href = …, location.replace(…))

	numAnchors
)

// anchorText is the lower-case literal of each anchor.
var anchorText = [numAnchors]string{
	aErrorCode:      "error code",
	aRefNumber:      "error reference number",
	aErrorCodeJS:    "errorcode:",
	aUTMSource:      "utm_source=",
	aCFErrorCode:    "cf-error-code",
	aTranslateError: `data-translate="error"`,
	aRayID:          "ray id",

	aBrowserSig:   "based on your browser",
	aIPBanned:     "has banned your ip address",
	aASNBanned:    "has banned the autonomous system number",
	aCountryBan:   "has banned the country or region",
	aRateLimited:  "you are being rate limited",
	aBannedTemp:   "has banned you temporarily",
	aUsedCFDenied: "used cloudflare to restrict access",
	aNoAccessTo:   "you do not have access to",
	aAttention:    "attention required!",
	aSorryBlocked: "sorry, you have been blocked",
	aWhyBlocked:   "why have i been blocked",

	aCFWrapper:      "cf-wrapper",
	aErrorDetails:   "error-details",
	aCDNStyles:      "/cdn-cgi/styles/",
	aCodeLabel:      "code-label",
	aCFRayFooter:    "cloudflare ray id",
	aPerfSecurity:   "performance & security by",
	aPerfSecurityE:  "performance &amp; security by",
	aCenterCF:       "<center>cloudflare</center>",
	aCloudflareNgx:  "cloudflare-nginx",
	aRayIDClass:     "ray-id",
	aCFBrowserState: "cf-browser-status",
	aCDNCGI:         "/cdn-cgi/",

	aDataCenter: "data center:",
	aCountry:    "country:",
	aYourIP:     "your ip",
	aFooterIP:   "cf-footer-ip",
	aIPLabel:    "ip:",

	aChlOpt:         "_cf_chl_opt",
	aOrchestrate:    "/orchestrate/",
	aJustAMoment:    "just a moment...",
	aPleaseWaitCF:   "please wait... | cloudflare",
	aEnableJSCookie: "enable javascript and cookies to continue",
	aChlErrorText:   "challenge-error-text",
	aChlToken:       "__cf_chl_",
	aCheckingBrowse: "checking your browser before accessing",
	aCheckingSecure: "checking if the site connection is secure",
	aSecurityCheck:  "please complete the security check",
	aCaptchaKind:    "cf_captcha_kind",
	aTurnstileJS:    "challenges.cloudflare.com/turnstile",
	aTurnstileDiv:   "cf-turnstile",
	aJSD:            "/challenge-platform/scripts/jsd/",
	aCvParams:       "__cf$cv$params",

	aCloudflareErr: "cloudflare_error",

	aTitleOpen:  "<title",
	aTitleClose: "</title",

	aPassword1:    `type="password"`,
	aPassword2:    `type='password'`,
	aPassword3:    `type=password`,
	aLogin:        "login",
	aLogIn:        "log in",
	aSignIn:       "sign in",
	aWifi:         "wifi",
	aWiFi:         "wi-fi",
	aHotspot:      "hotspot",
	aCaptive:      "captive",
	aPortal:       "portal",
	aAcceptTerms:  "accept the terms",
	aAcceptTerms2: "accept terms",
	aAgreeTerms:   "agree to the terms",
	aRefresh:      "refresh",
	aLocation:     "location",
}

// maxHitsPerAnchor bounds how many positions are kept per anchor. The
// extractors look at the first few occurrences only: Cloudflare pages are a
// few KiB, and a marker repeated hundreds of times in a big page says nothing
// more than its first occurrences do.
const maxHitsPerAnchor = 8

// hits records where anchors start in a body: the first maxHitsPerAnchor
// offsets of each.
type hits struct {
	pos [numAnchors][maxHitsPerAnchor]int32
	n   [numAnchors]uint8 // stored positions
}

func (h *hits) add(a anchor, at int) {
	if h.n[a] < maxHitsPerAnchor {
		h.pos[a][h.n[a]] = int32(at)
		h.n[a]++
	}
}

// has reports whether anchor a occurs anywhere.
func (h *hits) has(a anchor) bool { return h.n[a] > 0 }

// first returns the first offset of a, or -1.
func (h *hits) first(a anchor) int {
	if h.n[a] == 0 {
		return -1
	}
	return int(h.pos[a][0])
}

// at returns the stored offsets of a.
func (h *hits) at(a anchor) []int32 { return h.pos[a][:h.n[a]] }

// scanner is an Aho-Corasick automaton over a word list with ASCII case
// folding. Transitions are a dense table over byte classes: only bytes that
// occur in some word get their own class, the rest share class 0, which keeps
// the table small enough to stay in cache.
type scanner struct {
	class    [256]uint8
	nClasses int
	// next[state*nClasses+class] encodes the next state, already multiplied
	// by nClasses so the hot loop does no arithmetic beyond an add, with
	// acceptFlag set when some word ends there.
	next []uint32
	// out[state] lists the words ending at state (including those reached
	// by failure links).
	out [][]anchor
	// wordLen[a] is the length of word a, to turn an end offset into a
	// start offset.
	wordLen []int
}

// acceptFlag marks a transition into a state where some word ends.
const acceptFlag = 1 << 31

// bodyScanner is built once; it is read-only afterwards and safe for
// concurrent use.
var bodyScanner = newScanner(anchorText[:])

func newScanner(words []string) *scanner {
	s := &scanner{}
	// Byte classes: every distinct (folded) byte in any word.
	classOf := map[byte]uint8{}
	for _, w := range words {
		s.wordLen = append(s.wordLen, len(w))
		for i := 0; i < len(w); i++ {
			c := lower(w[i])
			if _, ok := classOf[c]; !ok {
				classOf[c] = uint8(len(classOf) + 1)
			}
		}
	}
	if len(classOf) > 254 || len(words) > 255 {
		panic("classify: anchor set too large for the scanner")
	}
	nc := len(classOf) + 1
	s.nClasses = nc
	for b := 0; b < 256; b++ {
		s.class[b] = classOf[lower(byte(b))]
	}

	// Trie.
	type node struct {
		child map[uint8]int
		out   []anchor
	}
	nodes := []node{{child: map[uint8]int{}}}
	for i, w := range words {
		cur := 0
		for j := 0; j < len(w); j++ {
			c := s.class[w[j]]
			nxt, ok := nodes[cur].child[c]
			if !ok {
				nodes = append(nodes, node{child: map[uint8]int{}})
				nxt = len(nodes) - 1
				nodes[cur].child[c] = nxt
			}
			cur = nxt
		}
		nodes[cur].out = append(nodes[cur].out, anchor(i))
	}

	// Failure links and the full transition function, breadth first so a
	// node's failure target is complete before the node itself.
	n := len(nodes)
	delta := make([]int, n*nc)
	fail := make([]int, n)
	s.out = make([][]anchor, n)
	queue := make([]int, 0, n)
	for c := 0; c < nc; c++ {
		if child, ok := nodes[0].child[uint8(c)]; ok {
			delta[c] = child
			queue = append(queue, child)
		}
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		f := fail[u]
		if out := append(append([]anchor(nil), nodes[u].out...), s.out[f]...); len(out) > 0 {
			s.out[u] = out
		}
		for c := 0; c < nc; c++ {
			if child, ok := nodes[u].child[uint8(c)]; ok {
				fail[child] = delta[f*nc+c]
				delta[u*nc+c] = child
				queue = append(queue, child)
			} else {
				delta[u*nc+c] = delta[f*nc+c]
			}
		}
	}

	s.next = make([]uint32, n*nc)
	for i, to := range delta {
		e := uint32(to * nc)
		if s.out[to] != nil {
			e |= acceptFlag
		}
		s.next[i] = e
	}
	return s
}

// scan records every word occurrence in body into h.
func (s *scanner) scan(body []byte, h *hits) {
	// Locals, so the loop does not reload them through s after each write
	// to h.
	next, class := s.next, &s.class
	state := uint32(0)
	for i, b := range body {
		e := next[state+uint32(class[b])]
		state = e &^ acceptFlag
		if e&acceptFlag != 0 {
			for _, a := range s.out[int(state)/s.nClasses] {
				h.add(a, i+1-s.wordLen[a])
			}
		}
	}
}

// lower folds one ASCII byte to lower case.
func lower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}
