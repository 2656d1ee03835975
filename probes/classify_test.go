package probes

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// classifyCase is one response and what an expert reads in it. Every field
// of want is compared: a zero value means "must be empty".
type classifyCase struct {
	name    string
	status  int
	headers map[string]string // lower-case names, set through Header.Set
	file    string            // body fixture under testdata/classify
	body    string            // inline body when no fixture
	expect  bool              // ExpectCloudflare
	host    string
	want    classifyWant
}

type classifyWant struct {
	kind      VerdictKind
	code      int
	ray, colo string
	ip        string
	country   string
	challenge string
	retry     int
	category  string
	// notCloudflare: Verdict.Cloudflare must be false (it is checked true
	// for every cf_* kind regardless).
	notCloudflare bool
	openai        *OpenAIError // compared field by field when set (Message by substring)
	markers       []string     // each must be a substring of some marker
}

// cfHTML is what Cloudflare sends with an HTML page.
func cfHTML(ray string) map[string]string {
	return map[string]string{"server": "cloudflare", "cf-ray": ray, "content-type": "text/html; charset=UTF-8"}
}

func with(h map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// apiHeaders are what api.openai.com sends with an error.
func apiHeaders(extra ...string) map[string]string {
	return with(map[string]string{"server": "cloudflare", "cf-ray": "8f1c2e3d4b5a7001-AMS",
		"content-type": "application/json", "x-request-id": "req_0123456789abcdef0123456789abcdef",
		"openai-version": "2020-10-01", "cf-cache-status": "DYNAMIC"}, extra...)
}

var classifyCases = []classifyCase{
	// 1020 in every documented form.
	{name: "1020 plain text", status: 403, file: "cf1020_plain.txt",
		headers: map[string]string{"server": "cloudflare", "cf-ray": "8f1c2e3d4b5a6a01-FRA", "content-type": "text/plain; charset=UTF-8", "content-length": "16"},
		want: classifyWant{kind: VerdictCFBlock, code: 1020, ray: "8f1c2e3d4b5a6a01", colo: "FRA", category: "access_denied",
			markers: []string{"body: error code: 1020 (plain text)", "header server: cloudflare", "header cf-ray: 8f1c2e3d4b5a6a01-FRA"}}},
	{name: "1020 plain text on 200 still counts", status: 200, body: "error code: 1020\n",
		headers: map[string]string{"server": "cloudflare"},
		want:    classifyWant{kind: VerdictCFBlock, code: 1020, category: "access_denied"}},
	{name: "1020 family A, Ray ID from the page", status: 403, file: "cf1020_family_a.html",
		headers: map[string]string{"server": "cloudflare"},
		want: classifyWant{kind: VerdictCFBlock, code: 1020, ray: "8f1c2e3d4b5a6978", ip: "203.0.113.45", category: "access_denied",
			markers: []string{"body: Error 1020 heading", "body: Ray ID from Ray ID text"}}},
	{name: "1020 family A, header Ray ID wins", status: 403, file: "cf1020_family_a.html", headers: cfHTML("8f1c2e3d4b5a6a02-LHR"),
		want: classifyWant{kind: VerdictCFBlock, code: 1020, ray: "8f1c2e3d4b5a6a02", colo: "LHR", ip: "203.0.113.45", category: "access_denied"}},
	{name: "1020 family B without any headers", status: 403, file: "cf1020_family_b.html",
		want: classifyWant{kind: VerdictCFBlock, code: 1020, ray: "8f1c2e3d4b5a6979", colo: "fra08", ip: "2001:db8:85a3::7334", country: "DE",
			category: "access_denied", markers: []string{"body: Error code 1020"}}},
	{name: "1020 family C rendered text", status: 403, file: "cf1020_family_c.html", headers: cfHTML("7a1b2c3d4e5f6071-IAD"),
		want: classifyWant{kind: VerdictCFBlock, code: 1020, ray: "7a1b2c3d4e5f6071", colo: "IAD", ip: "198.51.100.9", category: "access_denied",
			markers: []string{"body: Error reference number: 1020"}}},
	{name: "1020 family C without headers", status: 403, file: "cf1020_family_c.html",
		want: classifyWant{kind: VerdictCFBlock, code: 1020, ray: "7a1b2c3d4e5f6071", ip: "198.51.100.9", category: "access_denied"}},
	{name: "1020 JSON", status: 403, file: "cf1020.json",
		headers: map[string]string{"server": "cloudflare", "cf-ray": "8f1c2e3d4b5a6980-SJC", "content-type": "application/json; charset=utf-8"},
		want: classifyWant{kind: VerdictCFBlock, code: 1020, ray: "8f1c2e3d4b5a6980", colo: "SJC", category: "access_denied",
			markers: []string{"json: cloudflare_error error_code 1020 firewall_rule_blocked (access_denied)"}}},
	{name: "1020 problem+json, Ray ID from the body", status: 403, file: "cf1020.json",
		headers: map[string]string{"content-type": "application/problem+json; charset=utf-8"},
		want:    classifyWant{kind: VerdictCFBlock, code: 1020, ray: "8f1c2e3d4b5a6980", category: "access_denied"}},
	{name: "1020 Markdown", status: 403, file: "cf1020.md",
		headers: map[string]string{"server": "cloudflare", "content-type": "text/markdown; charset=utf-8"},
		want: classifyWant{kind: VerdictCFBlock, code: 1020, ray: "8f1c2e3d4b5a6981", category: "access_denied",
			markers: []string{"markdown: cloudflare_error error_code 1020"}}},
	{name: "1020 mentioned on a normal page is not a block", status: 200, headers: cfHTML("8f1c2e3d4b5a6a03-CDG"), expect: true,
		body: "<html><head><title>How to fix Cloudflare errors</title></head><body><p>If you see Error code: 1020 on a site, the owner blocked you.</p></body></html>",
		want: classifyWant{kind: VerdictOK, ray: "8f1c2e3d4b5a6a03", colo: "CDG"}},

	// WAF block page, no code.
	{name: "WAF block page", status: 403, file: "cf_waf.html", headers: cfHTML("8f1c2e3d4b5a6a04-SIN"),
		want: classifyWant{kind: VerdictCFBlock, ray: "8f1c2e3d4b5a6a04", colo: "SIN", ip: "192.0.2.77", category: "access_denied",
			markers: []string{"body: title Attention Required! | Cloudflare", "JavaScript Detections"}}},
	{name: "WAF block page without headers", status: 403, file: "cf_waf.html",
		want: classifyWant{kind: VerdictCFBlock, ray: "8f1c2e3d4b5a6983", ip: "192.0.2.77", category: "access_denied"}},

	// 1015 rate limit.
	{name: "1015 plain with Retry-After", status: 429, file: "cf1015_plain.txt",
		headers: map[string]string{"server": "cloudflare", "cf-ray": "8f1c2e3d4b5a6a05-ORD", "content-type": "text/plain; charset=UTF-8", "retry-after": "30"},
		want: classifyWant{kind: VerdictCFRateLimit, code: 1015, ray: "8f1c2e3d4b5a6a05", colo: "ORD", retry: 30, category: "rate_limit",
			markers: []string{"header retry-after: 30"}}},
	{name: "1015 JSON retry_after", status: 429, file: "cf1015.json",
		headers: map[string]string{"server": "cloudflare", "content-type": "application/json"},
		want:    classifyWant{kind: VerdictCFRateLimit, code: 1015, ray: "8f1c2e3d4b5a6982", retry: 30, category: "rate_limit"}},
	{name: "1015 JSON, Retry-After header wins", status: 429, file: "cf1015.json",
		headers: map[string]string{"server": "cloudflare", "content-type": "application/json", "retry-after": "45"},
		want:    classifyWant{kind: VerdictCFRateLimit, code: 1015, ray: "8f1c2e3d4b5a6982", retry: 45, category: "rate_limit"}},
	{name: "1015 family A: the code beats the generic title", status: 429, file: "cf1015_family_a.html",
		headers: map[string]string{"server": "cloudflare"},
		want:    classifyWant{kind: VerdictCFRateLimit, code: 1015, ray: "8f1c2e3d4b5a6984", ip: "203.0.113.46", category: "rate_limit"}},
	{name: "Retry-After as an HTTP date", status: 429, file: "cf1015_plain.txt",
		headers: map[string]string{"server": "cloudflare", "date": "Sun, 14 Sep 2026 08:12:44 GMT", "retry-after": "Sun, 14 Sep 2026 08:14:14 GMT"},
		want:    classifyWant{kind: VerdictCFRateLimit, code: 1015, retry: 90, category: "rate_limit"}},
	{name: "absurd Retry-After is dropped", status: 429, file: "cf1015_plain.txt",
		headers: map[string]string{"server": "cloudflare", "retry-after": "99999999"},
		want:    classifyWant{kind: VerdictCFRateLimit, code: 1015, category: "rate_limit"}},

	// 1010 browser signature.
	{name: "1010 family A", status: 403, file: "cf1010.html", headers: map[string]string{"server": "cloudflare"},
		want: classifyWant{kind: VerdictCFBrowserSignature, code: 1010, ray: "8f1c2e3d4b5a6985", ip: "203.0.113.47", category: "access_denied"}},
	{name: "1010 phrase only", status: 403, file: "cf1010_phrase.html", headers: cfHTML("8f1c2e3d4b5a6a06-NRT"),
		want: classifyWant{kind: VerdictCFBrowserSignature, code: 1010, ray: "8f1c2e3d4b5a6a06", colo: "NRT", ip: "203.0.113.47", category: "access_denied",
			markers: []string{"browser's signature"}}},
	{name: "1010 Ray ID from the (RAY-uaNN) reference", status: 403, headers: map[string]string{"server": "cloudflare"},
		body: "<p>The owner of this website (example.com) has banned your access based on your browser&#39;s signature (8f1c2e3d4b5a6aff-ua12).</p>",
		want: classifyWant{kind: VerdictCFBrowserSignature, code: 1010, ray: "8f1c2e3d4b5a6aff", category: "access_denied",
			markers: []string{"Ray ID from browser-signature reference"}}},

	// Country, IP bans, malicious, other 1xxx.
	{name: "1009 country ban", status: 403, file: "cf1009.html", headers: cfHTML("8f1c2e3d4b5a6a07-HKG"),
		want: classifyWant{kind: VerdictCFCountryBlock, code: 1009, ray: "8f1c2e3d4b5a6a07", colo: "HKG", ip: "203.0.113.48", category: "access_denied"}},
	{name: "1006 IP ban", status: 403, file: "cf1006.html", headers: cfHTML("8f1c2e3d4b5a6a08-AMS"),
		want: classifyWant{kind: VerdictCFIPBan, code: 1006, ray: "8f1c2e3d4b5a6a08", colo: "AMS", ip: "198.51.100.23", category: "access_denied"}},
	{name: "IP ban phrase without a number", status: 403, headers: map[string]string{"server": "cloudflare"},
		body: `<div id="cf-wrapper"><p>The owner of this website (example.com) has banned your IP address (198.51.100.99).</p></div>`,
		want: classifyWant{kind: VerdictCFIPBan, ip: "198.51.100.99", category: "access_denied"}},
	{name: "1012 malicious", status: 403, file: "cf1012.html", headers: cfHTML("8f1c2e3d4b5a6a09-GRU"),
		want: classifyWant{kind: VerdictCFMalicious, code: 1012, ray: "8f1c2e3d4b5a6a09", colo: "GRU", ip: "203.0.113.49", category: "access_denied"}},
	{name: "1003 other 1xxx", status: 403, file: "cf1003_plain.txt",
		headers: map[string]string{"server": "cloudflare", "cf-ray": "8f1c2e3d4b5a6a0a-DFW"},
		want:    classifyWant{kind: VerdictCFOther1xxx, code: 1003, ray: "8f1c2e3d4b5a6a0a", colo: "DFW"}},
	{name: "530 wrapping 1016", status: 530, file: "cf1016_530.html", headers: cfHTML("8f1c2e3d4b5a6a0b-MIA"),
		want: classifyWant{kind: VerdictCFOther1xxx, code: 1016, ray: "8f1c2e3d4b5a6a0b", colo: "MIA", ip: "203.0.113.50", category: "dns",
			markers: []string{"status 530 wraps Cloudflare error 1016"}}},
	{name: "530 with cf-error-type and no body", status: 530,
		headers: map[string]string{"server": "cloudflare", "cf-ray": "8f1c2e3d4b5a6a0c-MIA", "cf-error-type": "1016"},
		want:    classifyWant{kind: VerdictCFOther1xxx, code: 1016, ray: "8f1c2e3d4b5a6a0c", colo: "MIA", category: "dns", markers: []string{"header cf-error-type: 1016"}}},
	{name: "530 without a 1xxx", status: 530, headers: map[string]string{"server": "cloudflare", "cf-ray": "8f1c2e3d4b5a6a0d-MIA"},
		want: classifyWant{kind: VerdictCF5xx, code: 530, ray: "8f1c2e3d4b5a6a0d", colo: "MIA"}},
	{name: "1101 JSON on a 500: the 1xxx explains it", status: 500, file: "cf1101.json",
		headers: map[string]string{"server": "cloudflare", "content-type": "application/json"},
		want:    classifyWant{kind: VerdictCFOther1xxx, code: 1101, ray: "8f1c2e3d4b5a698a", category: "worker"}},

	// Challenges.
	{name: "challenge header only", status: 403,
		headers: map[string]string{"server": "cloudflare", "cf-ray": "8f1c2e3d4b5a6a0e-SJC", "cf-mitigated": "challenge", "content-type": "text/html"},
		want:    classifyWant{kind: VerdictCFChallenge, ray: "8f1c2e3d4b5a6a0e", colo: "SJC", markers: []string{"header cf-mitigated: challenge"}}},
	{name: "challenge header beats a body code", status: 403, body: "error code: 1020",
		headers: map[string]string{"server": "cloudflare", "cf-mitigated": "Challenge"},
		want:    classifyWant{kind: VerdictCFChallenge}},
	{name: "managed challenge page with header", status: 403, file: "challenge_managed.html",
		headers: with(cfHTML("8f1c2e3d4b5a698d-EWR"), "cf-mitigated", "challenge"),
		want: classifyWant{kind: VerdictCFChallenge, challenge: "managed", ray: "8f1c2e3d4b5a698d", colo: "EWR",
			markers: []string{"challenge zone example.com"}}},
	{name: "managed challenge page, body only", status: 403, file: "challenge_managed.html",
		want: classifyWant{kind: VerdictCFChallenge, challenge: "managed", ray: "8f1c2e3d4b5a698d",
			markers: []string{"window._cf_chl_opt", "challenge orchestrate script (chl_page)", "title Just a moment...", "Ray ID from challenge cRay"}}},
	{name: "OpenAI-branded challenge without a title", status: 403, file: "challenge_openai.html",
		headers: with(cfHTML("8f1c2e3d4b5a698e-ORD"), "cf-mitigated", "challenge"),
		want: classifyWant{kind: VerdictCFChallenge, challenge: "managed", ray: "8f1c2e3d4b5a698e", colo: "ORD",
			markers: []string{"challenge zone chatgpt.com", "without a <title>"}}},
	{name: "OpenAI-branded challenge, body only", status: 403, file: "challenge_openai.html",
		want: classifyWant{kind: VerdictCFChallenge, challenge: "managed", ray: "8f1c2e3d4b5a698e",
			markers: []string{"Enable JavaScript and cookies to continue"}}},
	{name: "non-interactive challenge", status: 503, file: "challenge_noninteractive.html",
		headers: map[string]string{"server": "cloudflare", "content-type": "text/html"},
		want:    classifyWant{kind: VerdictCFChallenge, challenge: "non-interactive", ray: "8f1c2e3d4b5a698f"}},
	{name: "Turnstile widget on a normal page is not a block", status: 200, file: "turnstile_page.html",
		headers: cfHTML("8f1c2e3d4b5a6a0f-SEA"), expect: true,
		want: classifyWant{kind: VerdictOK, ray: "8f1c2e3d4b5a6a0f", colo: "SEA", markers: []string{"Turnstile widget"}}},
	{name: "JSD snippet on a normal page is not a challenge", status: 200, file: "jsd_page.html",
		headers: map[string]string{"server": "cloudflare", "content-type": "text/html"}, expect: true,
		want: classifyWant{kind: VerdictOK, ray: "8f1c2e3d4b5a6990", markers: []string{"JavaScript Detections", "Ray ID from JavaScript Detections r:"}}},
	{name: "JSD snippet counts as Cloudflare when headers were stripped", status: 200, file: "jsd_page.html", expect: true,
		want: classifyWant{kind: VerdictOK, ray: "8f1c2e3d4b5a6990"}},

	// Cloudflare 5xx.
	{name: "522 page", status: 522, file: "cf522.html", headers: cfHTML("8f1c2e3d4b5a6a10-FRA"),
		want: classifyWant{kind: VerdictCF5xx, code: 522, ray: "8f1c2e3d4b5a6a10", colo: "FRA", category: "origin", markers: []string{"body: Error code 522"}}},
	{name: "522 JSON", status: 522, file: "cf522.json",
		headers: map[string]string{"server": "cloudflare", "content-type": "application/json", "cf-ray": "8f1c2e3d4b5a698b-FRA"},
		want:    classifyWant{kind: VerdictCF5xx, code: 522, ray: "8f1c2e3d4b5a698b", colo: "FRA", retry: 120, category: "origin"}},
	{name: "502 nginx-style Cloudflare page", status: 502, file: "cf502_nginx.html", headers: cfHTML("8f1c2e3d4b5a6a11-LAX"),
		want: classifyWant{kind: VerdictCF5xx, code: 502, ray: "8f1c2e3d4b5a6a11", colo: "LAX", category: "origin"}},
	{name: "521 with no body", status: 521, headers: map[string]string{"server": "cloudflare"},
		want: classifyWant{kind: VerdictCF5xx, code: 521, category: "origin"}},
	{name: "504 with cf-error-type", status: 504, body: "<html><body>Gateway timeout</body></html>",
		headers: map[string]string{"server": "cloudflare", "cf-error-type": "5xx"},
		want:    classifyWant{kind: VerdictCF5xx, code: 504, category: "origin", markers: []string{"header cf-error-type: 5xx"}}},
	{name: "origin 500 page saying Error code: 500 through Cloudflare", status: 500, headers: cfHTML("8f1c2e3d4b5a6a12-SJC"),
		body: "<html><head><title>Oops</title></head><body><h1>Something went wrong</h1><p>Error code: 500</p></body></html>",
		want: classifyWant{kind: VerdictCFUnknown, ray: "8f1c2e3d4b5a6a12", colo: "SJC"}},

	// OpenAI API errors.
	{name: "OpenAI invalid key", status: 401, file: "openai_invalid_key.json", headers: apiHeaders(),
		want: classifyWant{kind: VerdictOpenAIInvalidKey, ray: "8f1c2e3d4b5a7001", colo: "AMS",
			openai: &OpenAIError{Code: "invalid_api_key", Type: "invalid_request_error", RequestID: "req_0123456789abcdef0123456789abcdef",
				Message: "Incorrect API key provided: [redacted]. You can find"}}},
	{name: "OpenAI invalid key, ellipsis-masked echo", status: 401, file: "openai_invalid_key_ellipsis.json", headers: apiHeaders(),
		want: classifyWant{kind: VerdictOpenAIInvalidKey, ray: "8f1c2e3d4b5a7001", colo: "AMS",
			openai: &OpenAIError{Code: "invalid_api_key", Type: "invalid_request_error", RequestID: "req_0123456789abcdef0123456789abcdef",
				Message: "Incorrect API key provided: [redacted]."}}},
	{name: "OpenAI missing bearer", status: 401, file: "openai_missing_bearer.json", headers: apiHeaders(),
		want: classifyWant{kind: VerdictOpenAIMissingKey, ray: "8f1c2e3d4b5a7001", colo: "AMS",
			openai: &OpenAIError{Type: "invalid_request_error", RequestID: "req_0123456789abcdef0123456789abcdef", Message: "Missing bearer"}}},
	{name: "OpenAI no API key", status: 401, file: "openai_missing_key.json", headers: apiHeaders(),
		want: classifyWant{kind: VerdictOpenAIMissingKey, ray: "8f1c2e3d4b5a7001", colo: "AMS",
			openai: &OpenAIError{Type: "invalid_request_error", RequestID: "req_0123456789abcdef0123456789abcdef", Message: "You didn't provide an API key"}}},
	{name: "OpenAI IP not authorized", status: 401, file: "openai_ip_not_authorized.json", headers: apiHeaders(),
		want: classifyWant{kind: VerdictOpenAIIPNotAuthorized, ray: "8f1c2e3d4b5a7001", colo: "AMS",
			openai: &OpenAIError{Type: "invalid_request_error", RequestID: "req_0123456789abcdef0123456789abcdef", Message: "IP not authorized"}}},
	{name: "OpenAI unsupported region", status: 403, file: "openai_region.json", headers: apiHeaders(),
		want: classifyWant{kind: VerdictOpenAIRegion, ray: "8f1c2e3d4b5a7001", colo: "AMS",
			openai: &OpenAIError{Code: "unsupported_country_region_territory", Type: "request_forbidden", RequestID: "req_0123456789abcdef0123456789abcdef",
				Message: "Country, region, or territory not supported"}}},
	{name: "OpenAI rate limit, reset header as the wait", status: 429, file: "openai_rate_limit.json",
		headers: apiHeaders("x-ratelimit-remaining-requests", "499", "x-ratelimit-reset-requests", "120ms",
			"x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "2.4s"),
		want: classifyWant{kind: VerdictOpenAIRateLimit, ray: "8f1c2e3d4b5a7001", colo: "AMS", retry: 3,
			markers: []string{"header x-ratelimit-reset-tokens: 2.4s"},
			openai: &OpenAIError{Code: "rate_limit_exceeded", Type: "tokens", RequestID: "req_0123456789abcdef0123456789abcdef",
				Message: "Rate limit reached for gpt-4o"}}},
	{name: "OpenAI quota", status: 429, file: "openai_quota.json", headers: apiHeaders(),
		want: classifyWant{kind: VerdictOpenAIQuota, ray: "8f1c2e3d4b5a7001", colo: "AMS",
			openai: &OpenAIError{Code: "insufficient_quota", Type: "insufficient_quota", RequestID: "req_0123456789abcdef0123456789abcdef",
				Message: "You exceeded your current quota"}}},
	{name: "OpenAI server error, request ID from the message", status: 500, file: "openai_server_error.json",
		headers: map[string]string{"server": "cloudflare", "content-type": "application/json"},
		want: classifyWant{kind: VerdictOpenAIServerError,
			openai: &OpenAIError{Type: "server_error", RequestID: "req_7f3a9c2b1d4e5f60718293a4b5c6d7e8", Message: "The server had an error"}}},
	{name: "OpenAI overloaded", status: 503, file: "openai_overloaded.json", headers: apiHeaders(),
		want: classifyWant{kind: VerdictOpenAIOverloaded, ray: "8f1c2e3d4b5a7001", colo: "AMS",
			openai: &OpenAIError{Code: "server_is_overloaded", Type: "service_unavailable_error", RequestID: "req_0123456789abcdef0123456789abcdef",
				Message: "Our servers are currently overloaded"}}},
	{name: "OpenAI other error", status: 404, file: "openai_other.json", headers: apiHeaders(),
		want: classifyWant{kind: VerdictOpenAIOther, ray: "8f1c2e3d4b5a7001", colo: "AMS",
			openai: &OpenAIError{Code: "model_not_found", Type: "invalid_request_error", Param: "model", RequestID: "req_0123456789abcdef0123456789abcdef",
				Message: "does not exist"}}},

	// Origin errors and site-customised pages.
	{name: "origin 403 without Cloudflare", status: 403, file: "origin_403.html",
		headers: map[string]string{"server": "Apache", "content-type": "text/html"},
		want:    classifyWant{kind: VerdictOriginError, notCloudflare: true, markers: []string{`body: title "403 Forbidden"`}}},
	{name: "origin 503 where Cloudflare was expected", status: 503, file: "origin_503.html", expect: true,
		headers: map[string]string{"server": "nginx"},
		want:    classifyWant{kind: VerdictOriginError, notCloudflare: true, markers: []string{noCloudflareMarker}}},
	{name: "origin JSON 500 through Cloudflare", status: 500, file: "origin_500.json", headers: apiHeaders(),
		want: classifyWant{kind: VerdictOriginError, ray: "8f1c2e3d4b5a7001", colo: "AMS"}},
	{name: "origin 404 through Cloudflare", status: 404, body: "<html><title>Not found</title></html>", headers: cfHTML("8f1c2e3d4b5a6a13-SJC"),
		want: classifyWant{kind: VerdictOriginError, ray: "8f1c2e3d4b5a6a13", colo: "SJC"}},
	{name: "site-customised 403 through Cloudflare", status: 403, file: "custom_denied.html", headers: cfHTML("8f1c2e3d4b5a6a14-SJC"),
		want: classifyWant{kind: VerdictCFUnknown, ray: "8f1c2e3d4b5a6a14", colo: "SJC", markers: []string{`title "Access denied"`}}},
	{name: "site's own 503 through Cloudflare", status: 503, file: "origin_503.html", headers: cfHTML("8f1c2e3d4b5a6a15-SJC"),
		want: classifyWant{kind: VerdictCFUnknown, ray: "8f1c2e3d4b5a6a15", colo: "SJC"}},

	// Captive portals and unexpected pages.
	{name: "511 portal", status: 511, file: "portal_511.html", headers: map[string]string{"content-type": "text/html"},
		want: classifyWant{kind: VerdictCaptivePortal, notCloudflare: true}},
	{name: "portal login page", status: 200, file: "portal_login.html", expect: true, host: "chatgpt.com",
		headers: map[string]string{"server": "lighttpd", "content-type": "text/html"},
		want: classifyWant{kind: VerdictCaptivePortal, notCloudflare: true,
			markers: []string{"body: password field", "body: says wifi", `title "Welcome to Airport Free WiFi"`}}},
	{name: "portal script redirect", status: 200, file: "portal_redirect.html", expect: true, host: "chatgpt.com",
		want: classifyWant{kind: VerdictCaptivePortal, notCloudflare: true, markers: []string{"body: script redirect to 192.168.88.1"}}},
	{name: "portal 302 to the gateway", status: 302, expect: true, host: "chatgpt.com:443",
		headers: map[string]string{"location": "http://10.0.0.1:8080/portal/login?orig=chatgpt.com"},
		want:    classifyWant{kind: VerdictCaptivePortal, notCloudflare: true, markers: []string{"header Location redirects to 10.0.0.1:8080"}}},
	{name: "redirect to a block host", status: 302, expect: true, host: "chatgpt.com",
		headers: map[string]string{"location": "https://blocked.isp.example/"},
		want:    classifyWant{kind: VerdictUnexpected, notCloudflare: true, markers: []string{"header Location redirects to blocked.isp.example"}}},
	{name: "ISP block page", status: 200, file: "isp_block.html", expect: true, host: "chatgpt.com",
		headers: map[string]string{"server": "nginx", "content-type": "text/html"},
		want:    classifyWant{kind: VerdictUnexpected, notCloudflare: true, markers: []string{`title "Site blocked"`}}},
	{name: "portal-looking page through Cloudflare is the site", status: 200, file: "portal_login.html", expect: true,
		headers: cfHTML("8f1c2e3d4b5a6a16-SJC"),
		want:    classifyWant{kind: VerdictOK, ray: "8f1c2e3d4b5a6a16", colo: "SJC"}},

	// Normal answers.
	{name: "ok through Cloudflare", status: 200, file: "ok_chatgpt.html", expect: true, headers: cfHTML("8f1c2e3d4b5a6a17-SJC"),
		want: classifyWant{kind: VerdictOK, ray: "8f1c2e3d4b5a6a17", colo: "SJC"}},
	{name: "ok API 200 even without Cloudflare headers", status: 200, file: "ok_models.json", expect: true,
		headers: map[string]string{"content-type": "application/json"},
		want:    classifyWant{kind: VerdictOK, notCloudflare: true, markers: []string{noCloudflareMarker}}},
	{name: "ok page where Cloudflare is not expected", status: 200, file: "ok_chatgpt.html",
		want: classifyWant{kind: VerdictOK, notCloudflare: true}},
	{name: "redirect through Cloudflare", status: 308, expect: true,
		headers: map[string]string{"server": "cloudflare", "cf-ray": "8f1c2e3d4b5a6a18-SJC", "location": "https://chatgpt.com/"},
		want:    classifyWant{kind: VerdictOK, ray: "8f1c2e3d4b5a6a18", colo: "SJC"}},
	{name: "malformed cf-ray is not passed on", status: 200, body: "hello",
		headers: map[string]string{"server": "cloudflare", "cf-ray": "8F1C2E3D4B5A6A19-sjc\x1b[31m"},
		want:    classifyWant{kind: VerdictOK, markers: []string{"header cf-ray present but malformed"}}},
	{name: "quoted block page on a shared conversation is content", status: 200, headers: cfHTML("8f1c2e3d4b5a6a21-SJC"), expect: true,
		body: `<html><head><title>Why am I blocked?</title></head><body><div class="message"><pre>` +
			`Sorry, you have been blocked. Why have I been blocked? <span class="code-label">Error code <span>1020</span></span> ` +
			`<div id="error-details">Ray ID: 8f1c2e3d4b5a6978 Country: DE</div> errorCode: 1020</pre></div></body></html>`,
		want: classifyWant{kind: VerdictOK, ray: "8f1c2e3d4b5a6a21", colo: "SJC"}},
	{name: "big success page quoting a challenge is content", status: 200, headers: cfHTML("8f1c2e3d4b5a6a22-SJC"), expect: true,
		body: "<html><body><pre>window._cf_chl_opt = {cType: 'managed'}; /cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8f1c2e3d4b5a6978</pre>" +
			strings.Repeat("<p>discussion</p>", 5000) + "</body></html>",
		want: classifyWant{kind: VerdictOK, ray: "8f1c2e3d4b5a6a22", colo: "SJC"}},
	{name: "small challenge page served with 200", status: 200, file: "challenge_managed.html",
		headers: map[string]string{"server": "cloudflare"},
		want:    classifyWant{kind: VerdictCFChallenge, challenge: "managed", ray: "8f1c2e3d4b5a698d"}},
	{name: "site's own error number on a 403 through Cloudflare is not a 1xxx", status: 403, headers: cfHTML("8f1c2e3d4b5a6a23-SJC"),
		body: "<html><head><title>Forbidden</title></head><body><p>Error code: 1777. Your account lacks this permission.</p></body></html>",
		want: classifyWant{kind: VerdictCFUnknown, ray: "8f1c2e3d4b5a6a23", colo: "SJC"}},
	{name: "documented code on a plain 403 through Cloudflare", status: 403, headers: cfHTML("8f1c2e3d4b5a6a24-SJC"),
		body: "<html><body><h1>Access denied</h1><p>Error code: 1020</p></body></html>",
		want: classifyWant{kind: VerdictCFBlock, code: 1020, ray: "8f1c2e3d4b5a6a24", colo: "SJC", category: "access_denied"}},
	{name: "cf-error-type with an odd value still marks Cloudflare's 5xx", status: 502,
		headers: map[string]string{"server": "cloudflare", "cf-error-type": "bad gateway!"},
		want:    classifyWant{kind: VerdictCF5xx, code: 502, category: "origin", markers: []string{"header cf-error-type present"}}},
	{name: "invalid status", status: 0, want: classifyWant{kind: VerdictUnexpected, notCloudflare: true}},
}

func TestClassify(t *testing.T) {
	for _, tc := range classifyCases {
		t.Run(tc.name, func(t *testing.T) {
			v := Classify(tc.input(t))
			tc.check(t, v)
		})
	}
}

// TestClassifyRawLowerCaseHeaders checks headers stored under lower-case
// keys directly (as an HTTP/2 frame decoder might), not through Header.Set.
func TestClassifyRawLowerCaseHeaders(t *testing.T) {
	h := http.Header{"server": {"cloudflare"}, "cf-ray": {"8f1c2e3d4b5a6a20-SJC"}, "cf-mitigated": {"challenge"}}
	v := Classify(ClassifyInput{Status: 403, Header: h})
	if v.Kind != VerdictCFChallenge || v.RayID != "8f1c2e3d4b5a6a20" || v.Colo != "SJC" || !v.Cloudflare {
		t.Fatalf("got %+v", v)
	}
}

func (tc classifyCase) input(t *testing.T) ClassifyInput {
	t.Helper()
	h := http.Header{}
	for k, v := range tc.headers {
		h.Set(k, v)
	}
	body := []byte(tc.body)
	if tc.file != "" {
		var err error
		body, err = os.ReadFile(filepath.Join("testdata", "classify", tc.file))
		if err != nil {
			t.Fatal(err)
		}
	}
	return ClassifyInput{Status: tc.status, Header: h, Body: body, ExpectCloudflare: tc.expect, Host: tc.host}
}

func (tc classifyCase) check(t *testing.T, v Verdict) {
	t.Helper()
	w := tc.want
	type field struct {
		name      string
		got, want any
	}
	for _, f := range []field{
		{"kind", v.Kind, w.kind},
		{"status", v.Status, tc.status},
		{"code", v.Code, w.code},
		{"ray", v.RayID, w.ray},
		{"colo", v.Colo, w.colo},
		{"client ip", v.ClientIP, w.ip},
		{"country", v.Country, w.country},
		{"challenge type", v.ChallengeType, w.challenge},
		{"retry after", v.RetryAfterSeconds, w.retry},
		{"category", v.Category, w.category},
	} {
		if f.got != f.want {
			t.Errorf("%s = %v, want %v", f.name, f.got, f.want)
		}
	}
	if strings.HasPrefix(string(v.Kind), "cf_") && !v.Cloudflare {
		t.Errorf("Cloudflare = false for %s", v.Kind)
	}
	if w.notCloudflare && v.Cloudflare {
		t.Errorf("Cloudflare = true, want false")
	}
	if v.Summary == "" {
		t.Errorf("empty summary")
	}
	if w.retry > 0 && !strings.Contains(v.Summary, "retry after "+strconv.Itoa(w.retry)+" s") {
		t.Errorf("summary %q does not give the wait", v.Summary)
	}
	if v.Code != 0 && !strings.Contains(v.Summary, "error") {
		t.Errorf("summary %q does not name the error", v.Summary)
	}
	if v.Code != 0 && strings.HasPrefix(string(v.Kind), "cf_") && !strings.Contains(v.Summary, strconv.Itoa(v.Code)) {
		t.Errorf("summary %q does not name code %d", v.Summary, v.Code)
	}
	for _, m := range w.markers {
		if !hasMarker(v.Markers, m) {
			t.Errorf("no marker containing %q in %q", m, v.Markers)
		}
	}
	switch {
	case w.openai == nil && v.OpenAI != nil:
		t.Errorf("unexpected OpenAI error %+v", *v.OpenAI)
	case w.openai != nil && v.OpenAI == nil:
		t.Errorf("no OpenAI error, want %+v", *w.openai)
	case w.openai != nil:
		g, e := v.OpenAI, w.openai
		if g.Code != e.Code || g.Type != e.Type || g.Param != e.Param || g.RequestID != e.RequestID {
			t.Errorf("OpenAI = %+v, want %+v", *g, *e)
		}
		if !strings.Contains(g.Message, e.Message) {
			t.Errorf("OpenAI message %q does not contain %q", g.Message, e.Message)
		}
	}
	if t.Failed() {
		t.Logf("verdict: %+v", v)
	}
}

func hasMarker(markers []string, sub string) bool {
	for _, m := range markers {
		if strings.Contains(m, sub) {
			return true
		}
	}
	return false
}
