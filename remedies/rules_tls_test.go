package remedies

import (
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

// TestInterceptionCitesTheBlockedRequests: "those requests are blocked"
// points at the blocked requests, not at the API's normal 401 that went
// through the same re-signing.
func TestInterceptionCitesTheBlockedRequests(t *testing.T) {
	tls := withTLS(probes.TLSDetails{SystemVerified: true, Intercepted: true, InterceptedBy: "ESET SSL Filter CA", Product: "ESET"})
	s := snap(concat(web("chatgpt.com", v1020, tls), one(ep("api.openai.com", "default", vMissing, tls)))...)
	f := findingFor(t, Diagnose(s, DiagnoseContext{GOOS: "linux"}), CauseSecuritySoftware)
	var lines []string
	for _, e := range f.Evidence {
		lines = append(lines, e.Text)
	}
	all := strings.Join(lines, "\n")
	if !strings.Contains(all, "1020") || strings.Contains(all, "api.openai.com") {
		t.Errorf("evidence:\n%s", all)
	}
}
