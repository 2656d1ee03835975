package watch

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// maxLabelLen caps a free-form label value (a target label from the
// configuration). Prometheus stores every distinct value as its own
// series; a cap keeps a hostile or mistyped configuration from making
// one label a storage problem.
const maxLabelLen = 64

// other stands for a value outside a closed list, so a new verdict kind or
// a remote server's invented code shows up as one series, not many.
const other = "other"

// verdictKinds is the closed list of verdict kinds a label may carry.
var verdictKinds = []classify.VerdictKind{
	classify.VerdictOK,
	classify.VerdictCFBlock, classify.VerdictCFRateLimit, classify.VerdictCFBrowserSignature,
	classify.VerdictCFCountryBlock, classify.VerdictCFIPBan, classify.VerdictCFMalicious,
	classify.VerdictCFOther1xxx, classify.VerdictCFChallenge, classify.VerdictCF5xx, classify.VerdictCFUnknown,
	classify.VerdictOpenAIInvalidKey, classify.VerdictOpenAIMissingKey, classify.VerdictOpenAIIPNotAuthorized,
	classify.VerdictOpenAIRegion, classify.VerdictOpenAIRateLimit, classify.VerdictOpenAIQuota,
	classify.VerdictOpenAIServerError, classify.VerdictOpenAIOverloaded, classify.VerdictOpenAIOther,
	classify.VerdictOriginError, classify.VerdictCaptivePortal, classify.VerdictUnexpected,
}

// openAICodes are the API error codes worth a label of their own; any
// other code the API invents reads "other".
var openAICodes = []string{
	"invalid_api_key", "insufficient_quota", "rate_limit_exceeded",
	"unsupported_country_region_territory", "server_error", "server_is_overloaded",
	"slow_down", "ip_not_authorized", "model_not_found",
}

// failureCodes are the transport failure codes of probes.EndpointDetails.
var failureCodes = []string{
	"nxdomain", "servfail", "dns_refused", "dns_error", "dns_timeout", "no_address",
	"refused", "reset", "connect_timeout", "unreachable", "tls_stall", "tls_reset",
	"tls_untrusted", "tls_hostname", "tls_expired", "tls_alert", "proxy_config",
	"proxy_refused", "header_timeout", "closed", "bad_response", "redirect_loop",
	"too_many_redirects", "cancelled", "budget",
}

// steps are the StepError steps a probe error may name.
var steps = []string{
	"dns", "connect", "tls", "proxy", "request", "read", "parse", "command",
	"permission", "config", "route", "host", "internal",
}

// probeKinds are the probe families.
var probeKinds = []probes.Kind{
	probes.KindEndpoint, probes.KindMatrix, probes.KindEdgeTrace, probes.KindStatusPage,
	probes.KindAPIKey, probes.KindIdentity, probes.KindDNS, probes.KindProxy,
}

// Status page values, in the page's own words.
var (
	indicators       = []string{"none", "minor", "major", "critical"}
	componentStatus  = []string{"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
	outcomeStatuses  = []string{"reachable", "problem", "incomplete"}
	confidenceLevels = []remedies.Confidence{remedies.Confirmed, remedies.Likely, remedies.Possible}
	// unknownValue is what the status page metrics say when the page could
	// not be read: an outage alert must not fire on "cannot tell".
	unknownValue = "unknown"
)

// oneOf returns v when the closed list holds it, "other" otherwise, and ""
// for an empty value.
func oneOf[T ~string](v T, list []T) string {
	switch {
	case v == "":
		return ""
	case slices.Contains(list, v):
		return string(v)
	}
	return other
}

// verdictLabels are the kind and code labels of a verdict. The code is the
// Cloudflare 1xxx or 5xx number for Cloudflare kinds, the API's error code
// (from a closed list) for OpenAI kinds, and empty otherwise; "none" is the
// kind of a request that got no answer.
func verdictLabels(v classify.Verdict) (kind, code string) {
	kind = oneOf(v.Kind, verdictKinds)
	if kind == "" {
		return "none", ""
	}
	switch {
	case strings.HasPrefix(kind, "cf_") && v.Code >= 100 && v.Code <= 9999:
		code = strconv.Itoa(v.Code)
	case strings.HasPrefix(kind, "openai_") && v.OpenAI != nil:
		code = oneOf(v.OpenAI.Code, openAICodes)
	}
	return kind, code
}

// cleanLabel keeps a free-form value to the characters host names and URL
// paths use and caps its length, so no escape sequence, query string or
// credential can reach a label.
func cleanLabel(s string) string {
	if i := strings.IndexAny(s, "?#@"); i >= 0 {
		s = s[:i]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if b.Len() >= maxLabelLen {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', strings.ContainsRune(".-_/:[]", r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// targetOf is the target label of an endpoint result: the name its probe
// ID carries ("endpoint:chatgpt.com:direct-ipv4-browser" is chatgpt.com),
// which is the host, or host and path when two targets share a host.
func targetOf(r probes.Result) string {
	label := strings.TrimPrefix(r.ID, "endpoint:")
	if i := strings.LastIndexByte(label, ':'); i > 0 {
		label = label[:i]
	}
	return cleanLabel(label)
}

// cellOf names a matrix cell from the closed set of routes, families and
// header sets ("direct-ipv4-browser"); an API target's single request is
// a cell too ("direct-any-plain").
func cellOf(v probes.Variant) string {
	route := oneOf(v.Route, []string{probes.RouteDirect, probes.RouteProxy})
	fam := oneOf(v.Family, []string{probes.FamilyIPv4, probes.FamilyIPv6, probes.FamilyAny})
	hs := oneOf(v.Headers, []string{probes.HeadersPlain, probes.HeadersBrowser})
	return route + "-" + fam + "-" + hs
}

// isRay reports a Cloudflare Ray ID: 16 hex digits, as the classifier
// stores it.
func isRay(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// upperCode returns s when it is n upper-case letters or digits (a country
// "DE", "T1", "XX"; a colo "FRA"), else "".
func upperCode(s string, n int) string {
	if len(s) != n {
		return ""
	}
	for _, c := range []byte(s) {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return s
}
