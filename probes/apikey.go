package probes

import (
	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// APIKeyDetails is what one authenticated GET /v1/models said about the key.
// The key itself never appears here, in evidence, or in any error text.
type APIKeyDetails struct {
	// URL is the API URL the authenticated request went to.
	URL string `json:"url"`
	// EnvVar names the variable the key was read from.
	EnvVar string `json:"env_var"`
	// Outcome is valid, invalid, missing, quota_exhausted, rate_limited,
	// ip_not_authorized, region, server_error or unknown.
	Outcome string `json:"outcome"`
	// StatusCode is the HTTP status the API answered with; absent when no
	// answer came.
	StatusCode int `json:"status_code,omitempty"`
	// RequestID is the x-request-id to quote to OpenAI support.
	RequestID string `json:"request_id,omitempty"`
	// RateLimit holds the x-ratelimit-* headers as received.
	RateLimit map[string]string `json:"rate_limit,omitempty"`
	// Verdict is the classifier's reading of the answer, from which Outcome
	// follows.
	Verdict classify.Verdict `json:"verdict"`
	// Failure is the transport failure code when no answer came.
	Failure string `json:"failure,omitempty"`
}

// API key outcomes.
const (
	KeyValid           = "valid"
	KeyInvalid         = "invalid"
	KeyMissing         = "missing"
	KeyQuotaExhausted  = "quota_exhausted"
	KeyRateLimited     = "rate_limited"
	KeyIPNotAuthorized = "ip_not_authorized"
	KeyRegion          = "region"
	KeyServerError     = "server_error"
	KeyUnknown         = "unknown"
)

func (*APIKeyDetails) details() {}
