package lab

import (
	"encoding/json"
	"fmt"
	"html"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// cfErrorInfo describes one Cloudflare-generated error as its pages and
// structured (JSON, Markdown) bodies state it.
type cfErrorInfo struct {
	status   int
	title    string
	name     string // error_name
	category string // error_category
	detail   string
	// retryAfter is the documented Retry-After in seconds; 0 means the
	// error is not retryable.
	retryAfter  int
	ownerAction bool
	advice      string
}

var cfErrors = map[int]cfErrorInfo{
	1001: {status: 530, title: "DNS resolution error", name: "dns_resolution_error", category: "dns",
		detail: "The requested hostname is not routed through Cloudflare's network.", ownerAction: true,
		advice: "Check the URL. If you own the site, check its DNS records."},
	1009: {status: 403, title: "Access denied", name: "country_banned", category: "access_denied",
		detail: "The owner of this website has banned the country or region your IP address is in.", ownerAction: true,
		advice: "Access is not offered from your location. Contact the site owner if you believe this is wrong."},
	1010: {status: 403, title: "Access denied", name: "browser_signature_banned", category: "access_denied",
		detail: "The owner of this website has banned your access based on your browser's signature.", ownerAction: true,
		advice: "Use a current, unmodified browser with JavaScript enabled."},
	1015: {status: 429, title: "You are being rate limited", name: "rate_limited", category: "rate_limit",
		detail: "The owner of this website has banned you temporarily from accessing this website.", retryAfter: 30,
		advice: "Wait before retrying. Repeated requests may extend the block."},
	1020: {status: 403, title: "Access denied", name: "firewall_rule_blocked", category: "access_denied",
		detail: "This website has a firewall rule that blocked your request.", ownerAction: true,
		advice: "Contact the site owner and give them the Ray ID shown."},
	522: {status: 522, title: "Connection timed out", name: "connection_timeout", category: "origin",
		detail: "Cloudflare could not establish a TCP connection to the origin web server in time.", retryAfter: 120,
		advice: "The site's origin is not answering. Try again in a few minutes."},
}

// pageFormat is how an error body is rendered.
type pageFormat int

const (
	formatHTML pageFormat = iota
	formatText
	formatJSON
	formatProblem
	formatMarkdown
)

// negotiate picks the error format Cloudflare's documented negotiation
// picks for an Accept header: the highest q wins, the first listed on a
// tie, and q=0 means "not acceptable" (RFC 9110 §12.4.2); JSON for
// application/json, application/problem+json; Markdown for text/markdown
// and text/*; HTML for text/html, */*, no Accept or nothing acceptable.
func negotiate(accept string) pageFormat {
	best, bestQ := formatHTML, 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		if q <= 0 {
			continue
		}
		var f pageFormat
		switch mt {
		case "application/json":
			f = formatJSON
		case "application/problem+json":
			f = formatProblem
		case "text/markdown", "text/*":
			f = formatMarkdown
		case "text/html", "*/*":
			f = formatHTML
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = f, q
		}
	}
	return best
}

// cfError writes a Cloudflare-generated error page for code in the format
// the request negotiates. A 1xxx page that would be HTML goes to
// non-browser clients as the 16-byte "error code: NNNN" Cloudflare sends
// curl and SDKs.
func (e *edge) cfError(w http.ResponseWriter, r *http.Request, id identity, ray, host string, code int) {
	info := cfErrors[code]
	now := time.Now().UTC()
	f := negotiate(r.Header.Get("Accept"))
	if f == formatHTML && code >= 1000 && !browserLike(r) {
		f = formatText
	}
	h := w.Header()
	if info.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(info.retryAfter))
	}
	h.Set("Cache-Control", "private, max-age=0, no-store, no-cache, must-revalidate, post-check=0, pre-check=0")
	h.Set("Expires", "Thu, 01 Jan 1970 00:00:01 GMT")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	var body, ctype string
	switch f {
	case formatText:
		ctype, body = "text/plain; charset=UTF-8", fmt.Sprintf("error code: %d", code)
		if e.spec.escape {
			body = "\x1b]8;;https://evil.example/\x1b\\" + body + "\x1b]8;;\x1b\\\x1b[2J"
		}
	case formatJSON, formatProblem:
		ctype = "application/json; charset=utf-8"
		if f == formatProblem {
			ctype = "application/problem+json; charset=utf-8"
		}
		body = e.errorJSON(code, info, ray, host, now)
	case formatMarkdown:
		ctype, body = "text/markdown; charset=utf-8", errorMarkdown(code, info, ray, host, now)
	default:
		ctype = "text/html; charset=UTF-8"
		if code == 1020 {
			body = page1020(host, ray, id, now)
		} else {
			body = pageClassic(code, info, host, ray, id, now)
		}
		if e.spec.escape {
			body = strings.Replace(body, "<h1", escapeHTMLPayload+"<h1", 1)
		}
	}
	page(w, info.status, ctype, body)
}

// escapeHTMLPayload is what the escapes scenario hides in pages: a screen
// clear, a window-title change, an OSC 52 clipboard write, a hyperlink and
// a right-to-left override.
const escapeHTMLPayload = "\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4K\x07\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\\u202etxt.exe"

func (e *edge) errorJSON(code int, info cfErrorInfo, ray, host string, now time.Time) string {
	typ := "https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-1xxx-errors/error-" + strconv.Itoa(code) + "/"
	if code < 1000 {
		typ = "https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/error-" + strconv.Itoa(code) + "/"
	}
	detail := info.detail
	if e.spec.escape {
		detail = "\x1b[31m" + detail + "\x1b[0m\x1b]0;pwned\x07"
	}
	m := map[string]any{
		"type": typ, "title": fmt.Sprintf("Error %d: %s", code, info.title), "status": info.status,
		"detail": detail, "instance": ray,
		"error_code": code, "error_name": info.name, "error_category": info.category,
		"ray_id": ray, "timestamp": now.Format(time.RFC3339), "zone": host,
		"cloudflare_error": true, "retryable": info.retryAfter > 0,
		"owner_action_required": info.ownerAction, "what_you_should_do": info.advice,
		"footer": "This error was generated by Cloudflare on behalf of the website owner.",
	}
	if info.retryAfter > 0 {
		m["retry_after"] = info.retryAfter
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return string(b) + "\n"
}

func errorMarkdown(code int, info cfErrorInfo, ray, host string, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\nerror_code: %d\nerror_name: %s\nerror_category: %s\nstatus: %d\nray_id: %s\ntimestamp: %s\nzone: %s\ncloudflare_error: true\nretryable: %t\n",
		code, info.name, info.category, info.status, ray, now.Format(time.RFC3339), host, info.retryAfter > 0)
	if info.retryAfter > 0 {
		fmt.Fprintf(&b, "retry_after: %d\n", info.retryAfter)
	}
	fmt.Fprintf(&b, "owner_action_required: %t\n---\n\n# Error %d: %s\n\n%s\n\n## What you should do\n\n%s\n",
		info.ownerAction, code, info.title, info.detail, info.advice)
	return b.String()
}

// jsdSnippet is Cloudflare's JavaScript Detections script, injected into
// ordinary pages and block pages alike: seeing challenge-platform in a body
// does not mean a challenge.
func jsdSnippet(ray string) string {
	return `<script>(function(){function c(){var b=a.contentDocument||a.contentWindow.document;if(b){var d=b.createElement('script');d.innerHTML="window.__CF$cv$params={r:'` + ray + `',t:'MTc2MjM0NTY3OC4wMDAwMDA='};var a=document.createElement('script');a.nonce='';a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';document.getElementsByTagName('head')[0].appendChild(a);";b.getElementsByTagName('head')[0].appendChild(d)}}var a=document.createElement('iframe');a.height=1;a.width=1;a.style.position='absolute';a.style.top=0;a.style.left=0;a.style.border='none';a.style.visibility='hidden';document.body.appendChild(a);c()})();</script>`
}

// page1020 is the "errors.css" access-denied template Cloudflare uses for
// 1020.
func page1020(host, ray string, id identity, now time.Time) string {
	hh := html.EscapeString(host)
	return `<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8" />
<meta name="robots" content="noindex, nofollow" />
<meta name="viewport" content="width=device-width,initial-scale=1" />
<title>Access denied</title>
<link rel="stylesheet" href="/cdn-cgi/styles/errors.css" media="screen" />
</head>
<body>
<div class="main-wrapper" role="main">
<div class="main-content">
<h1 class="h1">Access denied</h1>
<p class="text-lg">You do not have access to ` + hh + `.</p>
<p class="text-lg">The site owner may have set restrictions that prevent you from accessing the site.</p>
<span class="code-label">Error code <span>1020</span></span>
<ul class="error-details">
<li>Error code: 1020</li>
<li>Ray ID: <span class="ray-id">` + ray + `</span></li>
<li>Country: ` + id.loc + `</li>
<li>Data center: ` + strings.ToLower(id.colo) + `01</li>
<li>IP: ` + id.ip + `</li>
<li>Timestamp: ` + now.Format("2006-01-02 15:04:05 UTC") + `</li>
</ul>
<p>Was this page helpful?</p>
</div>
</div>
<div class="footer"><a href="https://www.cloudflare.com/5xx-error-landing?utm_source=1020_error" target="_blank">Performance &amp; security by Cloudflare</a></div>
` + jsdSnippet(ray) + `
</body>
</html>
`
}

// pageClassic is the classic cf-wrapper template Cloudflare uses for 1009,
// 1010, 1015, 1001 and the 5xx pages.
func pageClassic(code int, info cfErrorInfo, host, ray string, id identity, now time.Time) string {
	hh := html.EscapeString(host)
	title := "Access denied | " + hh + " used Cloudflare to restrict access"
	what := "The owner of this website (" + hh + ") " + strings.TrimPrefix(info.detail, "The owner of this website ")
	switch {
	case code == 1009:
		what = "The owner of this website (" + hh + ") has banned the country or region your IP address is in (" + id.loc + ") from accessing this website."
	case code == 1010:
		what = "The owner of this website (" + hh + ") has banned your access based on your browser's signature (" + ray + "-ua48)."
	case code == 1001:
		title = hh + " | 1001: DNS resolution error"
		what = info.detail
	case code < 1000:
		title = hh + " | " + strconv.Itoa(code) + ": " + info.title
		what = info.detail
	}
	return `<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<!--[if gt IE 8]><!--> <html class="no-js" lang="en-US"> <!--<![endif]-->
<head>
<title>` + title + `</title>
<meta charset="UTF-8" />
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="robots" content="noindex, nofollow" />
<link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/cf.errors.css" />
</head>
<body>
<div id="cf-wrapper">
<div id="cf-error-details" class="cf-error-details-wrapper">
<div class="cf-wrapper cf-header cf-error-overview">
<h1>
<span class="cf-error-type" data-translate="error">Error</span>
<span class="cf-error-code">` + strconv.Itoa(code) + `</span>
<small class="heading-ray-id">Ray ID: ` + ray + ` &bull; ` + now.Format("2006-01-02 15:04:05 UTC") + `</small>
</h1>
<h2 class="cf-subheadline" data-translate="error_desc">` + html.EscapeString(info.title) + `</h2>
</div>
<section></section>
<div class="cf-section cf-wrapper">
<div class="cf-columns two">
<div class="cf-column">
<h2 data-translate="what_happened">What happened?</h2>
<p>` + what + `</p>
</div>
<div class="cf-column">
<h2 data-translate="what_can_i_do">What can I do?</h2>
<p>` + html.EscapeString(info.advice) + `</p>
</div>
</div>
</div>
<div class="cf-error-footer cf-wrapper w-240 lg:w-full py-10 sm:py-4 sm:px-8 mx-auto text-center sm:text-left border-solid border-0 border-t border-gray-300">
<p class="text-13">
<span class="cf-footer-item sm:block sm:mb-1">Cloudflare Ray ID: <strong class="font-semibold">` + ray + `</strong></span>
<span class="cf-footer-separator sm:hidden">&bull;</span>
<span id="cf-footer-item-ip" class="cf-footer-item sm:block sm:mb-1">Your IP: ` + id.ip + `</span>
<span class="cf-footer-separator sm:hidden">&bull;</span>
<span class="cf-footer-item sm:block sm:mb-1"><span>Performance &amp; security by</span> <a rel="noopener noreferrer" href="https://www.cloudflare.com/5xx-error-landing" id="brand_link" target="_blank">Cloudflare</a></span>
</p>
</div>
</div>
</div>
<script>(function(){window._cf_translation = {};})();</script>
<script>window.sparrow && sparrow.feedback({errorCode:` + strconv.Itoa(code) + `});</script>
` + jsdSnippet(ray) + `
</body>
</html>
`
}

// challenge writes the OpenAI-branded managed challenge chatgpt.com serves:
// 403, cf-mitigated: challenge, no <title>, window._cf_chl_opt and the
// orchestrate script. It is HTML whatever was asked.
func (e *edge) challenge(w http.ResponseWriter, ray string) {
	h := w.Header()
	h.Set("Cf-Mitigated", "challenge")
	h.Set("Cache-Control", "private, max-age=0, no-store, no-cache, must-revalidate, post-check=0, pre-check=0")
	h.Set("Critical-Ch", "Sec-CH-UA-Bitness, Sec-CH-UA-Arch, Sec-CH-UA-Full-Version, Sec-CH-UA-Mobile, Sec-CH-UA-Model, Sec-CH-UA-Platform-Version, Sec-CH-UA-Full-Version-List, Sec-CH-UA-Platform, Sec-CH-UA, UA-Bitness, UA-Arch, UA-Full-Version, UA-Mobile, UA-Model, UA-Platform-Version, UA-Platform, UA")
	h.Set("Cross-Origin-Embedder-Policy", "require-corp")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "accelerometer=(),autoplay=(),browsing-topics=(),camera=(),clipboard-read=(),clipboard-write=(),geolocation=(),gyroscope=(),hid=(),interest-cohort=(),magnetometer=(),microphone=(),payment=(),publickey-credentials-get=(),screen-wake-lock=(),serial=(),sync-xhr=(),usb=()")
	body := `<!DOCTYPE html><html lang="en-US"><head><meta http-equiv="content-type" content="text/html; charset=UTF-8"><meta http-equiv="X-UA-Compatible" content="IE=Edge"><meta name="robots" content="noindex,nofollow"><meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="refresh" content="360"><style>*{box-sizing:border-box;margin:0;padding:0}html{line-height:1.15}body{display:flex;flex-direction:column;height:100vh;min-height:100vh}.main-content{margin:8rem auto;max-width:60rem;width:100%}</style></head><body><div class="main-wrapper" role="main"><div class="main-content"><div class="logo"><svg width="41" height="41" viewBox="0 0 41 41" fill="none" xmlns="http://www.w3.org/2000/svg"><path d="M37.5 16.8a10.2 10.2 0 0 0-.9-8.4 10.3 10.3 0 0 0-11.1-4.9A10.2 10.2 0 0 0 17.8 0a10.3 10.3 0 0 0-9.8 7.1 10.2 10.2 0 0 0-6.8 4.9 10.3 10.3 0 0 0 1.3 12.1 10.2 10.2 0 0 0 .9 8.4 10.3 10.3 0 0 0 11.1 4.9 10.2 10.2 0 0 0 7.7 3.5 10.3 10.3 0 0 0 9.8-7.1 10.2 10.2 0 0 0 6.8-4.9 10.3 10.3 0 0 0-1.3-12.1z" fill="currentColor"/></svg></div><div class="data"><noscript><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></noscript></div></div></div><script>(function(){window._cf_chl_opt = {cvId: '3',cZone: 'chatgpt.com',cType: 'managed',cRay: '` + ray + `',cH: 'lab.` + ray + `',cUPMDTk:"\/?__cf_chl_tk=lab-` + ray + `",cFPWv: 'b',cITimeS: '1762345678',cTplC:0,cTplV:5,cTplB: 'cf',fa:"\/?__cf_chl_f_tk=lab-` + ray + `",md: 'lab',mdrd: 'lab'};var a = document.createElement('script');a.src = '/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=` + ray + `';window._cf_chl_opt.cOgUHash = location.hash === '' && location.href.indexOf('#') !== -1 ? '#' : location.hash;window._cf_chl_opt.cOgUQuery = location.search === '' && location.href.slice(0, location.href.length - window._cf_chl_opt.cOgUHash.length).indexOf('?') !== -1 ? '?' : location.search;document.getElementsByTagName('head')[0].appendChild(a);}());</script></body></html>
`
	page(w, http.StatusForbidden, "text/html; charset=UTF-8", body)
}

// appShell is chatgpt.com's page when all is well: enough of the real one
// (title, app root, the JSD snippet) for a classifier to read it as normal.
func appShell(ray string, escape bool) string {
	extra := ""
	if escape {
		extra = escapeHTMLPayload
	}
	return `<!DOCTYPE html><html lang="en-US" data-build="lab"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>ChatGPT</title><meta name="description" content="ChatGPT helps you get answers, find inspiration and be more productive."/><link rel="icon" href="https://cdn.oaistatic.com/assets/favicon-l4nq08hd.svg"/></head><body class=""><div id="root">` + extra + `</div><script nonce="lab">window.__reactRouterContext = {"basename":"/","future":{}};</script>` + jsdSnippet(ray) + `</body></html>
`
}
