package classify

// VerdictKind is the classifier's name for what an HTTP response means. The
// values are stable: rules, JSON consumers and tests match on them.
type VerdictKind string

// Verdict kinds, grouped by who produced the response.
const (
	// VerdictOK: the service answered normally.
	VerdictOK VerdictKind = "ok"

	// Cloudflare blocks: the site's Cloudflare configuration refused this
	// client. Verdict.Code carries the 1xxx code where the page states one.
	VerdictCFBlock            VerdictKind = "cf_block"             // 1020, or the WAF "Sorry, you have been blocked" page (Code 0)
	VerdictCFRateLimit        VerdictKind = "cf_rate_limit"        // 1015 (also 1025, 1027)
	VerdictCFBrowserSignature VerdictKind = "cf_browser_signature" // 1010
	VerdictCFCountryBlock     VerdictKind = "cf_country_block"     // 1009 (and 1026, legal)
	VerdictCFIPBan            VerdictKind = "cf_ip_ban"            // 1005, 1006, 1007, 1008, 1106
	VerdictCFMalicious        VerdictKind = "cf_malicious"         // 1012
	VerdictCFOther1xxx        VerdictKind = "cf_1xxx"              // any other 1xxx: site configuration, not the visitor
	VerdictCFChallenge        VerdictKind = "cf_challenge"         // managed / JS / interactive challenge: a browser is needed
	VerdictCF5xx              VerdictKind = "cf_5xx"               // Cloudflare-generated 5xx (500, 502, 504, 52x, 530 without 1xxx)
	VerdictCFUnknown          VerdictKind = "cf_unknown"           // 403/429/5xx through Cloudflare without recognisable markers

	// OpenAI API errors, read from the JSON error body.
	VerdictOpenAIInvalidKey      VerdictKind = "openai_invalid_key"       // 401 invalid_api_key
	VerdictOpenAIMissingKey      VerdictKind = "openai_missing_key"       // 401 no Authorization header
	VerdictOpenAIIPNotAuthorized VerdictKind = "openai_ip_not_authorized" // 401 project IP allowlist
	VerdictOpenAIRegion          VerdictKind = "openai_region"            // 403 unsupported_country_region_territory
	VerdictOpenAIRateLimit       VerdictKind = "openai_rate_limit"        // 429 rate_limit_exceeded
	VerdictOpenAIQuota           VerdictKind = "openai_quota"             // 429 insufficient_quota
	VerdictOpenAIServerError     VerdictKind = "openai_server_error"      // 500 server_error
	VerdictOpenAIOverloaded      VerdictKind = "openai_overloaded"        // 503 overloaded / slow_down
	VerdictOpenAIOther           VerdictKind = "openai_error"             // any other OpenAI JSON error

	// Neither Cloudflare nor OpenAI's API shaped the answer.
	VerdictOriginError   VerdictKind = "origin_error"   // 403/429/5xx without Cloudflare markers
	VerdictCaptivePortal VerdictKind = "captive_portal" // a login page or 511 answered instead of the service
	VerdictUnexpected    VerdictKind = "unexpected"     // some other page answered (ISP block page, wrong host)
)

// ClassifyInput is what the classifier reads: one HTTP response, its body
// already capped by the caller.
type ClassifyInput struct {
	Status int
	// Header is the response's header (an http.Header converts as it is;
	// the classifier does not import net/http, see classify_http.go).
	Header map[string][]string
	// Body is a prefix of the response body (the endpoint probe caps it at
	// 256 KiB).
	Body []byte
	// ExpectCloudflare says the target is known to sit behind Cloudflare, so
	// a plain page without Cloudflare markers is suspicious (captive portal,
	// DNS hijack, ISP block page) rather than normal.
	ExpectCloudflare bool
	// Host is the host name the request was sent to (optional). A page that
	// redirects to a different host is how captive portals and block pages
	// take over a request; without Host every absolute redirect counts as
	// going elsewhere.
	Host string
}

// Verdict is the classifier's reading of one response. Every string in it
// has been sanitised: it may go straight to a terminal.
type Verdict struct {
	// Kind is what the response means, the value to match on: ok; a Cloudflare
	// refusal or error (cf_block, cf_rate_limit, cf_browser_signature,
	// cf_country_block, cf_ip_ban, cf_malicious, cf_1xxx, cf_challenge,
	// cf_5xx, cf_unknown); an OpenAI API error (openai_invalid_key,
	// openai_missing_key, openai_ip_not_authorized, openai_region,
	// openai_rate_limit, openai_quota, openai_server_error, openai_overloaded,
	// openai_error); or origin_error, captive_portal or unexpected.
	Kind VerdictKind `json:"kind"`
	// Status is the HTTP status the verdict was read from.
	Status int `json:"status"`
	// Code is the Cloudflare 1xxx or 5xx code when one was found: stated
	// by the page, the structured body or the cf-error-type header, or
	// implied by the documented headline of a page that carries no number
	// ("… based on your browser's signature" is 1010). Zero for the WAF
	// block page and other blocks that name no code.
	Code int `json:"code,omitempty"`
	// Summary is one human line ("Cloudflare error 1020: access denied by
	// the site's firewall rules").
	Summary string `json:"summary"`
	// Cloudflare is true when the response passed through Cloudflare's edge:
	// server: cloudflare or a cf-ray header, or a body only Cloudflare
	// produces (its error templates and structured errors, challenge pages,
	// what its edge injects into pages) when a proxy stripped the headers.
	// It does not mean Cloudflare blocked anything: OpenAI API errors pass
	// through it too.
	Cloudflare bool `json:"cloudflare"`
	// ChallengeType is managed, non-interactive or interactive for
	// VerdictCFChallenge when the page says which (cType in _cf_chl_opt, or
	// the orchestrate script path); empty when only the header told us.
	ChallengeType string `json:"challenge_type,omitempty"`
	// Category is Cloudflare's own fault class for the code (access_denied,
	// rate_limit, dns, config, tls, legal, worker, origin, ssl, cloudflare
	// …): error_category from a structured body, otherwise Cloudflare's
	// published table for the code. It says who must act: "origin" and
	// "ssl" mean the site, "rate_limit" means wait.
	Category string `json:"category,omitempty"`
	// RayID is the 16-hex-digit Cloudflare Ray ID (header first, page
	// second), the number support staff ask for.
	RayID string `json:"ray_id,omitempty"`
	// Colo is the IATA code of the Cloudflare data centre that answered.
	Colo string `json:"colo,omitempty"`
	// ClientIP and Country are what a block page says Cloudflare saw.
	ClientIP string `json:"client_ip,omitempty"`
	Country  string `json:"country,omitempty"`
	// RetryAfterSeconds comes from Retry-After or a structured error body.
	RetryAfterSeconds int `json:"retry_after_s,omitempty"`
	// OpenAI holds the parsed API error for openai_* kinds.
	OpenAI *OpenAIError `json:"openai,omitempty"`
	// Markers lists what matched, for the evidence pane, one short line
	// each (at most 120 characters, at most 24 lines), prefixed by where it
	// was seen: "header cf-mitigated: challenge", "body: error code: 1020
	// (plain text)", "json: cloudflare_error error_code 1015 rate_limited
	// (rate_limit)", "status 530 wraps Cloudflare error 1016". Markers are
	// evidence for people, not an interface: rules match Kind and Code.
	Markers []string `json:"markers,omitempty"`
}

// OpenAIError is the {"error":{...}} body the OpenAI API returns. Message has
// any API key fragment redacted.
type OpenAIError struct {
	// Code is the API's error code ("invalid_api_key", "insufficient_quota",
	// "unsupported_country_region_territory").
	Code string `json:"code,omitempty"`
	// Type is the API's error type ("invalid_request_error",
	// "insufficient_quota").
	Type string `json:"type,omitempty"`
	// Param names the request parameter the error is about, when the API names
	// one.
	Param string `json:"param,omitempty"`
	// Message is the API's own error text, with any key fragment redacted.
	Message string `json:"message,omitempty"`
	// RequestID is the request ID to quote to OpenAI support, from the
	// x-request-id header or the req_… ID in the message.
	RequestID string `json:"request_id,omitempty"`
}

// Blocked reports whether the verdict means Cloudflare refused this client
// (as opposed to an error on the service's side or a normal answer).
func (v Verdict) Blocked() bool {
	switch v.Kind {
	case VerdictCFBlock, VerdictCFRateLimit, VerdictCFBrowserSignature, VerdictCFCountryBlock,
		VerdictCFIPBan, VerdictCFMalicious, VerdictCFChallenge:
		return true
	case VerdictCFUnknown:
		return v.Status == statusForbidden || v.Status == statusTooManyRequests
	}
	return false
}
