package classify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Cloudflare's structured error responses (detection.md §2.7, 2026+): RFC
// 9457 JSON for Accept: application/json or application/problem+json, and
// Markdown with YAML front matter for Accept: text/markdown. Both carry
// cloudflare_error: true, which is what separates them from a site's own
// JSON (a Custom Error Rule can serve anything). error_name and
// error_category are documented as stable for matching; type is not (it
// falls back to the index URL for codes without a page).

// cfStructured is the part of a structured error the classifier uses.
type cfStructured struct {
	code       int
	name       string
	category   string
	ray        string
	retryAfter int // -1 when absent
	form       string
}

// maxFrontMatter bounds the Markdown front matter read (the documented one
// is 12 short lines).
const (
	maxFrontMatterBytes = 8 << 10
	maxFrontMatterLines = 64
)

// classifyStructured reads a JSON or Markdown Cloudflare error.
func classifyStructured(r *response, v *Verdict) bool {
	if !r.h.has(aCloudflareErr) {
		return false
	}
	s, ok := r.structuredJSON()
	if !ok {
		s, ok = r.structuredMarkdown()
	}
	if !ok {
		return false
	}
	marker := s.form + ": cloudflare_error"
	if s.code != 0 {
		marker += fmt.Sprintf(" error_code %d", s.code)
	}
	if s.name != "" {
		marker += " " + s.name
	}
	if s.category != "" {
		marker += " (" + s.category + ")"
	}
	if s.code != 0 {
		setCFCode(v, s.code, marker)
		if r.status == 530 && isCF1xxx(s.code) {
			v.Markers = append(v.Markers, fmt.Sprintf("status 530 wraps Cloudflare error %d", s.code))
		}
	} else {
		v.Kind = VerdictCFUnknown
		v.Summary = fmt.Sprintf("Cloudflare error (HTTP %d) whose structured body names no known code", r.status)
		v.Markers = append(v.Markers, marker)
	}
	if s.category != "" {
		v.Category = s.category
	}
	if v.RayID == "" && s.ray != "" {
		v.RayID = s.ray
	}
	if r.retryAfter < 0 && s.retryAfter >= 0 {
		v.RetryAfterSeconds = s.retryAfter
	}
	return true
}

// structuredJSON decodes an RFC 9457 body with cloudflare_error: true.
// Fields are read one by one so a field of an unexpected type spoils only
// itself.
func (r *response) structuredJSON() (cfStructured, bool) {
	if !r.isJSON() {
		return cfStructured{}, false
	}
	var f map[string]json.RawMessage
	if err := json.Unmarshal(r.trimmed, &f); err != nil {
		return cfStructured{}, false
	}
	if !jsonTrue(f["cloudflare_error"]) {
		return cfStructured{}, false
	}
	s := cfStructured{form: "json", retryAfter: -1}
	s.code = cfCodeValue(jsonScalar(f["error_code"]))
	s.name = lowerToken(jsonScalar(f["error_name"]))
	s.category = lowerToken(jsonScalar(f["error_category"]))
	for _, k := range []string{"ray_id", "instance"} {
		if ray := jsonScalar(f[k]); isRayID(ray) {
			s.ray = ray
			break
		}
	}
	if n, ok := parseRetryAfter(jsonScalar(f["retry_after"]), ""); ok {
		s.retryAfter = n
	}
	return s, true
}

// structuredMarkdown reads the YAML front matter of a Markdown error with
// cloudflare_error: true. Only flat "key: value" lines are understood, which
// is all Cloudflare writes.
func (r *response) structuredMarkdown() (cfStructured, bool) {
	b := r.trimmed
	if !bytes.HasPrefix(b, []byte("---")) {
		return cfStructured{}, false
	}
	b = b[:min(len(b), maxFrontMatterBytes)]
	lines := strings.Split(string(b), "\n")
	if strings.TrimSpace(lines[0]) != "---" {
		return cfStructured{}, false
	}
	fields := map[string]string{}
	closed := false
	for i, line := range lines[1:] {
		if i >= maxFrontMatterLines {
			break
		}
		line = strings.TrimSpace(line)
		if line == "---" {
			closed = true
			break
		}
		k, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		val = strings.Trim(val, `"'`)
		fields[strings.ToLower(strings.TrimSpace(k))] = val
	}
	if !closed || !strings.EqualFold(fields["cloudflare_error"], "true") {
		return cfStructured{}, false
	}
	s := cfStructured{form: "markdown", retryAfter: -1}
	s.code = cfCodeValue(fields["error_code"])
	s.name = lowerToken(fields["error_name"])
	s.category = lowerToken(fields["error_category"])
	if ray := fields["ray_id"]; isRayID(ray) {
		s.ray = ray
	}
	if n, ok := parseRetryAfter(fields["retry_after"], ""); ok {
		s.retryAfter = n
	}
	return s, true
}

// cfCodeValue parses an error_code, keeping only 1xxx and 5xx.
func cfCodeValue(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || !(isCF1xxx(n) || isCF5xx(n)) {
		return 0
	}
	return n
}

// lowerToken keeps a snake_case name of at most 64 bytes, or nothing.
func lowerToken(s string) string {
	if !isToken(s, 64) {
		return ""
	}
	return strings.ToLower(s)
}

// jsonTrue reports a JSON true (or the string "true").
func jsonTrue(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "true" || s == `"true"`
}

// jsonScalar renders a JSON string, number or boolean as text; anything
// else (null, objects, arrays, absent) is "".
func jsonScalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return s
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return ""
		}
		return n.String()
	case 't', 'f':
		return string(raw)
	}
	return ""
}
