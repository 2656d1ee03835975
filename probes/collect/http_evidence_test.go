package collect

import (
	"slices"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// TestResponseEvidenceBodyNote: a body note reads once as a sentence about
// the body ("body cut at 256 KiB"), and other notes get the "body:" label.
func TestResponseEvidenceBodyNote(t *testing.T) {
	for note, want := range map[string]string{
		"body cut at 256 KiB":           "body cut at 256 KiB",
		"stopped reading after 6 bytes": "body: stopped reading after 6 bytes",
	} {
		if ev := responseEvidence(&probes.EndpointDetails{StatusCode: 200}, note); !slices.Contains(ev, want) {
			t.Errorf("%q: %q", note, ev)
		}
	}
}

// TestSkewEvidence: the endpoint and trace evidence name a server clock a
// minute or more off, either way, and stay quiet about less or none.
func TestSkewEvidence(t *testing.T) {
	ms := func(d time.Duration) *probes.Millis { m := probes.Millis(d); return &m }
	for _, tc := range []struct {
		skew *probes.Millis
		want []string
	}{
		{nil, nil},
		{ms(59 * time.Second), nil},
		{ms(-59 * time.Second), nil},
		{ms(90 * time.Second), []string{"clock: server time is 1m30s ahead of this machine's clock"}},
		{ms(-2 * time.Hour), []string{"clock: server time is 2h0m0s behind this machine's clock"}},
	} {
		if got := skewEvidence(tc.skew); !slices.Equal(got, tc.want) {
			t.Errorf("%v: %q, want %q", tc.skew, got, tc.want)
		}
		tr := traceEvidence(&probes.TraceDetails{ClockSkew: tc.skew})
		if !slices.Equal(tr, tc.want) {
			t.Errorf("trace %v: %q, want %q", tc.skew, tr, tc.want)
		}
	}
}
