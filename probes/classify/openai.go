package classify

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// OpenAI API error bodies (detection.md §5.3): {"error":{"message","type",
// "param","code"}}. The discriminators are the code first and the type
// second: 429 rate_limit_exceeded means slow down, insufficient_quota means
// billing (and retrying will not help); the rate-limit type has varied
// (tokens, requests, rate_limit_error), the code has not. A 403 JSON with
// unsupported_country_region_territory is OpenAI's region refusal, not a
// Cloudflare block.

// openAIBody is the error envelope; fields stay raw because code is a
// string, null or (rarely) a number.
type openAIBody struct {
	Error json.RawMessage `json:"error"`
}

type openAIFields struct {
	Message json.RawMessage `json:"message"`
	Type    json.RawMessage `json:"type"`
	Param   json.RawMessage `json:"param"`
	Code    json.RawMessage `json:"code"`
}

var (
	// The 401 message echoes the key it was given, partly masked
	// ("Incorrect API key provided: sk-abc1***…wxyz."). Both the sk- token
	// and whatever follows "API key provided:" are removed, whatever masking
	// characters (*, …) the server used.
	reKeyProvided = regexp.MustCompile(`(?i)(api key provided:?\s*)\S+?([.,;:)]*(?:\s|$))`)
	reSKToken     = regexp.MustCompile(`\bsk-\S+?([.,;:)]*(?:\s|$))`)
	// A request ID quoted in the message ("… include the request ID
	// req_abc123 in your message").
	reRequestIDText = regexp.MustCompile(`\b(req_[A-Za-z0-9]{6,64})\b`)
)

// classifyOpenAI reads an OpenAI API error body.
func classifyOpenAI(r *response, v *Verdict) bool {
	if !r.statusError() || !r.isJSON() {
		return false
	}
	var body openAIBody
	if err := json.Unmarshal(r.trimmed, &body); err != nil || len(body.Error) == 0 || body.Error[0] != '{' {
		return false
	}
	var f openAIFields
	if err := json.Unmarshal(body.Error, &f); err != nil {
		return false
	}
	rawMsg := jsonScalar(f.Message)
	code := identifier(jsonScalar(f.Code))
	typ := identifier(jsonScalar(f.Type))
	if rawMsg == "" && code == "" && typ == "" {
		return false
	}
	msg := scrubOpenAIMessage(rawMsg)
	e := &OpenAIError{Code: code, Type: typ, Param: paramName(jsonScalar(f.Param)), Message: msg}
	e.RequestID = requestID(headerValue(r.in.Header, "X-Request-Id"))
	if e.RequestID == "" {
		if m := reRequestIDText.FindStringSubmatch(msg); m != nil {
			e.RequestID = m[1]
		}
	}
	v.OpenAI = e
	v.Kind = openAIKind(r.status, code, typ, msg)
	v.Summary = openAISummary(v.Kind, r.status, code, typ)
	marker := fmt.Sprintf("json: OpenAI error status %d", r.status)
	if code != "" {
		marker += " code " + code
	}
	if typ != "" {
		marker += " type " + typ
	}
	v.Markers = append(v.Markers, marker)
	if v.Kind == VerdictOpenAIRateLimit && r.retryAfter < 0 {
		if secs, hdr := openAIResetSeconds(r); secs >= 0 {
			v.RetryAfterSeconds = secs
			v.Markers = append(v.Markers, "header "+hdr)
		}
	}
	return true
}

// openAIKind maps status, code, type and message onto a verdict.
func openAIKind(status int, code, typ, msg string) VerdictKind {
	lm := strings.ToLower(msg)
	switch {
	case code == "invalid_api_key" || strings.HasPrefix(lm, "incorrect api key provided"):
		return VerdictOpenAIInvalidKey
	case status == 401 && (strings.HasPrefix(lm, "missing bearer") ||
		strings.Contains(lm, "didn't provide an api key") || strings.Contains(lm, "did not provide an api key")):
		return VerdictOpenAIMissingKey
	case strings.Contains(lm, "ip not authorized") || strings.Contains(code, "ip_not_authorized"):
		return VerdictOpenAIIPNotAuthorized
	case code == "unsupported_country_region_territory" || strings.Contains(lm, "country, region, or territory not supported"):
		return VerdictOpenAIRegion
	case code == "insufficient_quota":
		return VerdictOpenAIQuota
	case code == "rate_limit_exceeded":
		return VerdictOpenAIRateLimit
	case status == 429 && typ == "insufficient_quota":
		return VerdictOpenAIQuota
	case status == 429:
		return VerdictOpenAIRateLimit
	case code == "server_is_overloaded" || code == "slow_down" || typ == "service_unavailable_error" || status == 503:
		return VerdictOpenAIOverloaded
	case code == "server_error" || typ == "server_error" || status == 500:
		return VerdictOpenAIServerError
	}
	return VerdictOpenAIOther
}

// openAISummary says what the error means and who can act.
func openAISummary(k VerdictKind, status int, code, typ string) string {
	id := code
	if id == "" {
		id = typ
	}
	head := fmt.Sprintf("OpenAI API error %d", status)
	if id != "" {
		head += " " + id
	}
	switch k {
	case VerdictOpenAIInvalidKey:
		return head + ": the API key is wrong, revoked or belongs to another organisation or project"
	case VerdictOpenAIMissingKey:
		return head + ": the request carried no API key (no Authorization header)"
	case VerdictOpenAIIPNotAuthorized:
		return head + ": this IP address is not on the project's IP allowlist"
	case VerdictOpenAIRegion:
		return head + ": OpenAI does not serve the country, region or territory this request comes from"
	case VerdictOpenAIRateLimit:
		return head + ": rate limit reached; slow down and retry after the reset time"
	case VerdictOpenAIQuota:
		return head + ": the account is out of quota or hit its spend limit; add credit, retrying will not help"
	case VerdictOpenAIServerError:
		return head + ": a server error on OpenAI's side; retry later and quote the request ID if it persists"
	case VerdictOpenAIOverloaded:
		return head + ": OpenAI's servers are overloaded; back off and retry later"
	}
	return head + ": the API refused the request"
}

// scrubOpenAIMessage makes an API message safe to store: control sequences
// go first (so an escape sequence cannot split a key and hide it from the
// patterns), then any echoed key, then the generic secret patterns, then the
// length limit.
func scrubOpenAIMessage(s string) string {
	s = sanitize.LineN(s, 0)
	s = reKeyProvided.ReplaceAllString(s, "${1}"+sanitize.Redacted+"${2}")
	s = reSKToken.ReplaceAllString(s, sanitize.Redacted+"${1}")
	return sanitize.Line(sanitize.Secrets(s))
}

// identifier keeps a short code/type/param value, or nothing.
func identifier(s string) string {
	if !isToken(s, 64) {
		return ""
	}
	return s
}

// paramName keeps a request parameter path ("messages[0].content"), or
// nothing.
func paramName(s string) string {
	if len(s) > 128 || !isToken(strings.NewReplacer("[", "", "]", "").Replace(s), 128) {
		return ""
	}
	return s
}

// requestID keeps an x-request-id of a sane shape.
func requestID(s string) string {
	s = strings.TrimSpace(s)
	if !isToken(s, 128) {
		return ""
	}
	return s
}

// openAIResetSeconds reads the x-ratelimit-reset-* headers when a 429 has
// no Retry-After (the API often omits it): the reset of the exhausted limit
// when one is at zero, else the longer of the two.
func openAIResetSeconds(r *response) (int, string) {
	best, bestHdr, exhausted := -1, "", false
	for _, kind := range []string{"requests", "tokens"} {
		name := "X-Ratelimit-Reset-" + strings.ToUpper(kind[:1]) + kind[1:]
		raw := strings.TrimSpace(headerValue(r.in.Header, name))
		d, err := time.ParseDuration(raw)
		if err != nil || d < 0 || d > maxRetryAfter*time.Second {
			continue
		}
		secs := int(math.Ceil(d.Seconds()))
		zero := strings.TrimSpace(headerValue(r.in.Header, "X-Ratelimit-Remaining-"+strings.ToUpper(kind[:1])+kind[1:])) == "0"
		switch {
		case zero && !exhausted, zero && secs > best, !exhausted && secs > best:
			best, exhausted = secs, exhausted || zero
			bestHdr = "x-ratelimit-reset-" + kind + ": " + raw
		}
	}
	return best, bestHdr
}
