package lab

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// api is api.openai.com. Bodies and headers follow what OpenAI sends: a
// JSON {"error":{…}} with message, type, param and code, and an
// x-request-id on every answer.
func (e *edge) api(w http.ResponseWriter, r *http.Request) {
	reqID := "req_" + randomHex(16)
	if e.spec.api == apiMalformed {
		malformedAPI(w, reqID)
		return
	}
	h := w.Header()
	h.Set("X-Request-Id", reqID)
	h.Set("Openai-Version", "2020-10-01")
	h.Set("Openai-Processing-Ms", "23")
	h.Set("Cf-Cache-Status", "DYNAMIC")
	h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Alt-Svc", `h3=":443"; ma=86400`)

	if r.URL.Path != "/v1/models" {
		apiError(w, http.StatusNotFound, fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path), "invalid_request_error", nil)
		return
	}
	switch e.spec.api {
	case apiOverloaded:
		apiError(w, http.StatusServiceUnavailable, "Our servers are currently overloaded. Please try again later.",
			"service_unavailable_error", "server_is_overloaded")
		return
	case apiServerError:
		apiError(w, http.StatusInternalServerError, "The server had an error while processing your request. Sorry about that!",
			"server_error", nil)
		return
	case apiRegion:
		apiError(w, http.StatusForbidden, "Country, region, or territory not supported",
			"request_forbidden", "unsupported_country_region_territory")
		return
	}
	key, ok := bearer(r)
	if !ok {
		apiError(w, http.StatusUnauthorized, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
			"invalid_request_error", nil)
		return
	}
	switch e.spec.api {
	case apiInvalidKey:
		apiError(w, http.StatusUnauthorized, "Incorrect API key provided: "+maskKey(key)+". You can find your API key at https://platform.openai.com/account/api-keys.",
			"invalid_request_error", "invalid_api_key")
	case apiRateLimit:
		h.Set("Openai-Organization", "org-lab")
		h.Set("X-Ratelimit-Limit-Requests", "500")
		h.Set("X-Ratelimit-Remaining-Requests", "0")
		h.Set("X-Ratelimit-Reset-Requests", "120ms")
		h.Set("X-Ratelimit-Limit-Tokens", "30000")
		h.Set("X-Ratelimit-Remaining-Tokens", "29980")
		h.Set("X-Ratelimit-Reset-Tokens", "40ms")
		apiError(w, http.StatusTooManyRequests, "Rate limit reached for gpt-4o in organization org-lab on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms. Visit https://platform.openai.com/account/rate-limits to learn more.",
			"requests", "rate_limit_exceeded")
	case apiQuota:
		h.Set("Openai-Organization", "org-lab")
		apiError(w, http.StatusTooManyRequests, "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
			"insufficient_quota", "insufficient_quota")
	default:
		h.Set("Openai-Organization", "org-lab")
		h.Set("X-Ratelimit-Limit-Requests", "500")
		h.Set("X-Ratelimit-Remaining-Requests", "499")
		h.Set("X-Ratelimit-Reset-Requests", "120ms")
		writeJSON(w, http.StatusOK, modelList())
	}
}

// bearer extracts the key from "Authorization: Bearer KEY".
func bearer(r *http.Request) (string, bool) {
	scheme, key, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
		return "", false
	}
	return strings.TrimSpace(key), true
}

// maskKey echoes a key the way OpenAI's invalid_api_key message does: the
// first seven characters, stars, the last four. The echo is still part of
// the key, which is why probes must redact API messages.
func maskKey(key string) string {
	if len(key) <= 11 {
		return strings.Repeat("*", len(key))
	}
	return key[:7] + strings.Repeat("*", len(key)-11) + key[len(key)-4:]
}

func apiError(w http.ResponseWriter, status int, message, typ string, code any) {
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"message": message, "type": typ, "param": nil, "code": code,
	}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func modelList() map[string]any {
	models := []struct {
		id      string
		created int64
		owner   string
	}{
		{"gpt-4o", 1715367049, "system"},
		{"gpt-4o-mini", 1721172741, "system"},
		{"o3-mini", 1737146383, "system"},
		{"text-embedding-3-small", 1705948997, "system"},
		{"whisper-1", 1677532384, "openai-internal"},
	}
	data := make([]map[string]any, len(models))
	for i, m := range models {
		data[i] = map[string]any{"id": m.id, "object": "model", "created": m.created, "owned_by": m.owner}
	}
	return map[string]any{"object": "list", "data": data}
}

// malformedAPI answers with a raw ESC inside a header line, which Go's
// HTTP/1 client refuses to parse. The edge serves HTTP/1.1 only in this
// scenario so the connection can be taken over.
func malformedAPI(w http.ResponseWriter, reqID string) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "lab: malformed answer needs HTTP/1.1", http.StatusHTTPVersionNotSupported)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	body := `{"error":{"message":"\u001b[2J\u001b]0;pwned\u0007boom","type":"server_error","param":null,"code":null}}`
	_, _ = buf.WriteString("HTTP/1.1 500 Internal Server Error\r\nServer: cloudflare\r\nX-Request-Id: " + reqID + "\x1b[2J\x1b]0;pwned\x07\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body)
	_ = buf.Flush()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
