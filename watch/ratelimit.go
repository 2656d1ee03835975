package watch

import (
	"net/http"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// maxRetryAfter bounds what a server's Retry-After may make the loop wait:
// a hostile or broken header must not park the monitor for a year.
const maxRetryAfter = time.Hour

// rateLimited reads a run for rate limits: any answer that is a Cloudflare
// rate limit (1015 and its kin) or an HTTP 429, with the longest
// Retry-After among them.
func rateLimited(s probes.Snapshot) Outcome {
	var out Outcome
	for _, r := range s.Results {
		var v classify.Verdict
		switch d := r.Details.(type) {
		case *probes.EndpointDetails:
			v = d.Verdict
		case *probes.TraceDetails:
			v = d.Verdict
		case *probes.APIKeyDetails:
			v = d.Verdict
		default:
			continue
		}
		if v.Kind != classify.VerdictCFRateLimit && v.Status != http.StatusTooManyRequests {
			continue
		}
		out.RateLimited = true
		if v.RetryAfterSeconds > 0 {
			ra := maxRetryAfter
			if v.RetryAfterSeconds < int(maxRetryAfter/time.Second) {
				ra = time.Duration(v.RetryAfterSeconds) * time.Second
			}
			out.RetryAfter = max(out.RetryAfter, ra)
		}
	}
	return out
}
