package session

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
)

// TestRecordRoundTrip: a session with two runs and an action reads back
// from its JSON as written, details included, so support re-renders what
// the user saw.
func TestRecordRoundTrip(t *testing.T) {
	s := labSession(t, "block-1020", 0)
	ctx := context.Background()
	s.Start(ctx, nil).Wait()
	s.AddAction(remedies.ActionRecord{Action: remedies.ActionFlushDNS, Commands: [][]string{{"resolvectl", "flush-caches"}},
		Started: time.Date(2026, 11, 26, 6, 31, 0, 0, time.UTC), Outcome: remedies.OutcomeUnchanged, Before: "b", After: "a"})
	s.Start(ctx, nil).Wait()
	rec := s.Record()
	if len(rec.Runs) != 2 || rec.Runs[1].Seq != 2 || len(rec.Actions) != 1 || rec.SchemaVersion != SchemaVersion {
		t.Fatalf("record: %d runs, %d actions, schema %d", len(rec.Runs), len(rec.Actions), rec.SchemaVersion)
	}
	if rec.Runs[0].Started.Location() != time.UTC || rec.Started.IsZero() {
		t.Errorf("run start %v not in UTC, session start %v", rec.Runs[0].Started, rec.Started)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	again, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Fatalf("record does not read back as written:\n%s\n---\n%s", b, again)
	}
	details := 0
	for _, r := range back.Runs[0].Results {
		if r.Details != nil {
			details++
		}
	}
	if details == 0 {
		t.Error("no result read back with its details")
	}
	latest, ok := back.Latest()
	if !ok || latest.Seq != 2 {
		t.Errorf("latest run %d, want 2", latest.Seq)
	}
}

// TestDecodeDocumentAsRecord: a saved check --json reads as a one-run
// session.
func TestDecodeDocumentAsRecord(t *testing.T) {
	s := labSession(t, "api-429-quota", 0)
	d := s.Start(context.Background(), nil).Wait()
	doc := s.Document(d)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := DecodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Runs) != 1 || rec.Runs[0].RunID != doc.RunID || len(rec.Runs[0].Results) != len(doc.Results) ||
		rec.Runs[0].Outcome.Headline != doc.Outcome.Headline || rec.Mode != "demo" {
		t.Fatalf("document became %+v", rec.Runs)
	}
	want, _ := json.Marshal(RecordOf(doc))
	got, _ := json.Marshal(rec)
	if !bytes.Equal(want, got) {
		t.Error("decoded document differs from RecordOf the document")
	}
}

func TestDecodeRecordRejects(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{`, "not a gptdoctor JSON file"},
		{`[]`, "not a gptdoctor JSON file"},
		{`{"runs":[]}`, "no schema_version"},
		{`{"schema_version":99,"runs":[]}`, "newer gptdoctor"},
		{`{"schema_version":1}`, "neither runs nor results"},
		{`{"schema_version":1,"runs":[{"seq":1,"results":[{"id":"x:y","kind":"nope","details":{}}]}]}`, `result "x:y": details of unknown type`},
		{`{"schema_version":1,"runs":[{"seq":"one"}]}`, "field"},
	} {
		_, err := DecodeRecord([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line containing %q", tc.in, err, tc.want)
		}
	}
}

// TestLegacyDetailsCoverEveryFamily: every probe family with details has
// a type the legacy reader can place.
func TestLegacyDetailsCoverEveryFamily(t *testing.T) {
	for _, k := range []probes.Kind{probes.KindEndpoint, probes.KindMatrix, probes.KindEdgeTrace, probes.KindStatusPage, probes.KindAPIKey} {
		if legacyDetails(k, "") == nil {
			t.Errorf("kind %s has no details type", k)
		}
	}
	for _, id := range []string{"identity:host", "dns:lookup:chatgpt.com", "proxy:reach:127.0.0.1:3128", "proxy:pac"} {
		if legacyDetails("", id) == nil {
			t.Errorf("%s has no details type", id)
		}
	}
	if legacyDetails("", "dns:lookupx") != nil {
		t.Error("a prefix without its colon matched")
	}
}
