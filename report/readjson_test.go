package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/session"
)

// TestDocumentReadsBack writes the sample document (results with details,
// findings, an action record), decodes it with encoding/json alone and
// writes it again: both writes are identical and a second read equals the
// first, details in their concrete types.
func TestDocumentReadsBack(t *testing.T) {
	var first bytes.Buffer
	if err := WriteJSON(&first, sampleDoc()); err != nil {
		t.Fatal(err)
	}
	var d1 session.Document
	if err := json.Unmarshal(first.Bytes(), &d1); err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	if err := WriteJSON(&second, d1); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatalf("document changed in a round trip:\nfirst:\n%s\nsecond:\n%s", first.Bytes(), second.Bytes())
	}
	var d2 session.Document
	if err := json.Unmarshal(second.Bytes(), &d2); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d1, d2) {
		t.Fatal("second read differs from the first")
	}
	if len(d1.Results) == 0 || d1.Results[0].Details == nil {
		t.Fatal("the sample has no details to round-trip: the test proves nothing")
	}
}

// TestUnknownDetailsTypeRefused: a document from a newer gptdoctor naming
// a details type this build lacks fails, naming the type, whichever way it
// is read.
func TestUnknownDetailsTypeRefused(t *testing.T) {
	in := `{"schema_version": 1, "results": [{"id": "x", "kind": "dns", "details_type": "hologram", "details": {}}]}`
	var d session.Document
	if err := json.Unmarshal([]byte(in), &d); err == nil || !strings.Contains(err.Error(), `unknown details_type "hologram"`) {
		t.Errorf("encoding/json: %v", err)
	}
	if _, err := session.DecodeRecord([]byte(in)); err == nil || !strings.Contains(err.Error(), `unknown details_type "hologram"`) {
		t.Errorf("session.DecodeRecord: %v", err)
	}
}
