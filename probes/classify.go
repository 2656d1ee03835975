package probes

import (
	"regexp"
	"strconv"
)

// PLACEHOLDER: a minimal classifier so other probes compile while the full
// classifier is written. It is replaced wholesale by the classifier work.

var placeholderCode = regexp.MustCompile(`(?i)^\s*error code:\s*(\d{3,5})\s*$`)

// Classify reads one HTTP response the way an expert reads it.
func Classify(in ClassifyInput) Verdict {
	v := Verdict{Kind: VerdictOK, Status: in.Status, Summary: "answered normally"}
	if in.Header.Get("Server") == "cloudflare" || in.Header.Get("Cf-Ray") != "" {
		v.Cloudflare = true
	}
	if in.Header.Get("Cf-Mitigated") == "challenge" {
		v.Kind, v.Summary = VerdictCFChallenge, "Cloudflare challenge"
		return v
	}
	if m := placeholderCode.FindSubmatch(in.Body); m != nil {
		v.Code, _ = strconv.Atoi(string(m[1]))
		v.Kind, v.Summary = VerdictCFBlock, "Cloudflare error "+string(m[1])
		return v
	}
	if in.Status >= 400 {
		v.Kind, v.Summary = VerdictOriginError, "HTTP "+strconv.Itoa(in.Status)
	}
	return v
}
