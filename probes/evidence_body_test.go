package probes

import (
	"slices"
	"testing"
)

// TestResponseEvidenceBodyNote: a body note reads once as a sentence about
// the body ("body cut at 256 KiB"), and other notes get the "body:" label.
func TestResponseEvidenceBodyNote(t *testing.T) {
	for note, want := range map[string]string{
		"body cut at 256 KiB":           "body cut at 256 KiB",
		"stopped reading after 6 bytes": "body: stopped reading after 6 bytes",
	} {
		if ev := responseEvidence(&EndpointDetails{StatusCode: 200}, note); !slices.Contains(ev, want) {
			t.Errorf("%q: %q", note, ev)
		}
	}
}
