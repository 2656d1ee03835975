package probes

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes/classify"
)

// TargetKind says how a target is judged.
type TargetKind string

// Target kinds.
const (
	// TargetWeb is a page a browser loads (chatgpt.com): probed as a
	// variant matrix, healthy when it answers normally.
	TargetWeb TargetKind = "web"
	// TargetAPI is an API endpoint (api.openai.com/v1/models): probed as a
	// script would call it, healthy when it answers as the API does without
	// credentials (401 missing key) or with valid ones.
	TargetAPI TargetKind = "api"
)

// Target is one URL to probe and what a healthy answer from it looks like.
// What is expected is data, not code: a 401 missing_api_key from the API
// without a key means "reachable", not "broken".
type Target struct {
	// URL is the address probed ("https://chatgpt.com/").
	URL string `json:"url"`
	// Kind is web (a page a browser loads, probed as a variant matrix) or api
	// (an API endpoint, probed the way a script calls it).
	Kind TargetKind `json:"kind"`
	// ExpectCloudflare says the host is known to sit behind Cloudflare, so
	// an answer without Cloudflare markers is suspect.
	ExpectCloudflare bool `json:"expect_cloudflare"`
	// Healthy lists the verdicts that mean "reachable from here".
	Healthy []classify.VerdictKind `json:"healthy"`
}

// Host returns the target's host name without port.
func (t Target) Host() string {
	u, err := url.Parse(t.URL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// IsHealthy reports whether a verdict is one this target gives a healthy
// machine.
func (t Target) IsHealthy(k classify.VerdictKind) bool {
	for _, h := range t.Healthy {
		if h == k {
			return true
		}
	}
	return false
}

// Default outside addresses. Every one is configurable by flag and config
// file; these are what a user gets with no configuration.
const (
	DefaultStatusURL = "https://status.openai.com/api/v2/summary.json"
	DefaultDoHURL    = "https://cloudflare-dns.com/dns-query"
	DefaultAPIKeyEnv = "OPENAI_API_KEY"
	// DefaultCaptiveURL answers 204 with an empty body when nothing sits
	// between this machine and the internet.
	DefaultCaptiveURL = "http://cp.cloudflare.com/generate_204"
)

// defaultResolvers are the independent resolvers DNS answers are compared
// with: Cloudflare and Google over UDP.
var defaultResolvers = []string{"1.1.1.1:53", "8.8.8.8:53"}

// defaultEgressProbes are the addresses whose route names the egress
// interface (a UDP connect sends no packet).
var defaultEgressProbes = []string{"1.1.1.1:53", "[2606:4700:4700::1111]:53"}

// DefaultTargets are the endpoints a ChatGPT user depends on.
func DefaultTargets() []Target {
	return []Target{
		WebTarget("https://chatgpt.com/"),
		WebTarget("https://chat.openai.com/"),
		APITarget("https://api.openai.com/v1/models"),
	}
}

// WebTarget describes a browser-facing page behind Cloudflare.
func WebTarget(u string) Target {
	return Target{URL: u, Kind: TargetWeb, ExpectCloudflare: true, Healthy: []classify.VerdictKind{classify.VerdictOK}}
}

// APITarget describes an OpenAI-style API endpoint behind Cloudflare.
// Without a key the API answers 401 missing key, which proves the path works.
func APITarget(u string) Target {
	return Target{URL: u, Kind: TargetAPI, ExpectCloudflare: true,
		Healthy: []classify.VerdictKind{classify.VerdictOK, classify.VerdictOpenAIMissingKey}}
}

// ParseTarget checks a user-supplied URL and infers its kind: hosts named
// api.* or paths under /v1/ are API targets, everything else is a web page.
func ParseTarget(raw string) (Target, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return Target{}, fmt.Errorf("target %q: %v", raw, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return Target{}, fmt.Errorf("target %q: scheme must be http or https", raw)
	}
	if u.Hostname() == "" {
		return Target{}, fmt.Errorf("target %q: no host", raw)
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return Target{}, fmt.Errorf("target %q: bad port %q", raw, p)
		}
	}
	if u.User != nil {
		return Target{}, fmt.Errorf("target %q: credentials in URLs are not accepted; use --api-key-env", u.Redacted())
	}
	if u.Path == "" {
		u.Path = "/"
	}
	s := u.String()
	if strings.HasPrefix(u.Hostname(), "api.") || strings.HasPrefix(u.Path, "/v1/") {
		return APITarget(s), nil
	}
	return WebTarget(s), nil
}

// Config is everything that decides what a run probes and where.
type Config struct {
	Targets []Target
	// StatusURL is the Statuspage-compatible summary endpoint; empty skips
	// the status probe.
	StatusURL string
	// Resolvers are independent DNS servers (host:port, UDP) to compare the
	// system resolver with.
	Resolvers []string
	// DoHURL is a DNS-over-HTTPS endpoint (RFC 8484 wire format) used as a
	// further independent resolver; empty skips it.
	DoHURL string
	// EgressProbes are addresses used to find the egress route per family.
	EgressProbes []string
	// CaptiveURL is fetched over plain HTTP to detect a captive portal.
	CaptiveURL string
	// APIKeyEnv names the environment variable holding the API key.
	APIKeyEnv string
	// BypassProxy makes this run ignore every configured proxy (the
	// bypass-proxy remedy re-probes this way).
	BypassProxy bool
	// Budget bounds the whole run.
	Budget time.Duration
}

// DefaultConfig is the configuration with no flags and no config file.
func DefaultConfig() Config {
	return Config{
		Targets:      DefaultTargets(),
		StatusURL:    DefaultStatusURL,
		Resolvers:    append([]string(nil), defaultResolvers...),
		DoHURL:       DefaultDoHURL,
		EgressProbes: append([]string(nil), defaultEgressProbes...),
		CaptiveURL:   DefaultCaptiveURL,
		APIKeyEnv:    DefaultAPIKeyEnv,
		Budget:       DefaultBudget,
	}
}
