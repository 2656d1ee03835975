package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/sanitize/fuzzcheck"
	"github.com/gptdoctor/gptdoctor/session"
)

// maxRecordBytes caps a fuzzed saved session; real ones are tens of KiB.
const maxRecordBytes = 1 << 20

// FuzzDecodeRecord feeds `report --from` what it reads: a saved session
// or a check --json document, possibly hand-edited or from someone else.
// session.DecodeRecord must not panic and must answer within
// fuzzcheck.PerInput; a rejected file gets one clean error line; an
// accepted one, once Prepare has run (as every format and the dashboard's
// export do), holds only clean strings (newlines allowed: Prepare keeps
// command output multi-line), none of the planted secrets, and writes
// back as JSON this reader accepts again with the same number of runs.
func FuzzDecodeRecord(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "*.json.golden"))
	if len(names) == 0 {
		f.Fatal("no JSON goldens to seed from")
	}
	// The goldens are 70-220 KiB; the fuzzer minimises every new input
	// for up to a minute, and on inputs that size that minute is all it
	// does. So each golden seeds records of one run holding one of its
	// results (a few KiB; every details type still appears).
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		rec, err := session.DecodeRecord(b)
		if err != nil || len(rec.Runs) == 0 {
			f.Fatalf("%s: %v", name, err)
		}
		rec.Actions = nil
		for i := range rec.Runs[0].Results {
			run := rec.Runs[0]
			run.Findings = nil
			run.Results = run.Results[i : i+1]
			small := rec
			small.Runs = []session.RunRecord{run}
			var buf bytes.Buffer
			if err := writeRecordJSON(&buf, small); err != nil {
				f.Fatal(err)
			}
			f.Add(buf.Bytes())
		}
	}
	f.Add([]byte(`{"schema_version":1,"results":[{"id":"proxy:env","kind":"proxy","status":"warn","reason":"via http://user:` + fuzzcheck.PasswordCore + `@proxy:3128","details":{"vars":[{"name":"HTTPS_PROXY","value":"Authorization: Bearer ` + fuzzcheck.TokenCore + `"}]}}]}`))
	f.Add([]byte(`{"schema_version":1,"runs":[{"seq":1,"results":[{"id":"endpoint:chatgpt.com","kind":"endpoint","status":"fail","reason":"\u001b]0;t\u0007 ` + fuzzcheck.Key + `","details_type":"endpoint","details":{}}]}]}`))
	f.Add([]byte(`{"schema_version":99}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxRecordBytes {
			data = data[:maxRecordBytes]
		}
		var rec session.Record
		var err error
		fuzzcheck.Within(t, func() { rec, err = session.DecodeRecord(data) })
		if err != nil {
			fuzzcheck.Strings(t, err.Error(), fuzzcheck.Options{})
			return
		}
		// A canary spelled with JSON escapes decodes to text the
		// sanitiser may join with escape sequences; only verbatim ones
		// are checked.
		var planted []string
		if !bytes.Contains(data, []byte(`\u`)) {
			planted = fuzzcheck.Planted(string(data))
		}
		var prepared session.Record
		fuzzcheck.Within(t, func() { prepared = Prepare(rec, Options{Secrets: []string{fuzzcheck.Key}}) })
		fuzzcheck.Strings(t, prepared, fuzzcheck.Options{Multiline: true, Forbidden: planted})
		var buf bytes.Buffer
		if err := writeRecordJSON(&buf, prepared); err != nil {
			t.Fatalf("write back: %v", err)
		}
		back, err := session.DecodeRecord(buf.Bytes())
		if err != nil {
			t.Fatalf("a prepared record does not read back: %v\n%s", err, strings.TrimSpace(buf.String()))
		}
		if len(back.Runs) != len(prepared.Runs) {
			t.Fatalf("%d runs read back, %d written", len(back.Runs), len(prepared.Runs))
		}
	})
}

// TestDecodeRecordAtTheCap holds report --from to the fuzz bounds on
// records as large as it reads (the fuzzer's own inputs are a few KiB):
// the 1020 session grown to the 1 MiB cap by repeating its runs. It
// allocates about 8 MiB (each golden session does 7-8), against
// fuzzcheck.PerInputAlloc's 64. One session: under the race detector a
// decode of 1 MiB takes about 2 s.
func TestDecodeRecordAtTheCap(t *testing.T) {
	for _, name := range []string{filepath.Join("testdata", "report-block-1020.json.golden")} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := session.DecodeRecord(b)
		if err != nil {
			t.Fatal(err)
		}
		size := func() int {
			var buf bytes.Buffer
			if err := writeRecordJSON(&buf, rec); err != nil {
				t.Fatal(err)
			}
			return buf.Len()
		}
		base := size()
		rec.Runs = append(rec.Runs, rec.Runs[0])
		perRun := size() - base
		for range (maxRecordBytes-base)/perRun - 1 {
			rec.Runs = append(rec.Runs, rec.Runs[0])
		}
		var buf bytes.Buffer
		if err := writeRecordJSON(&buf, rec); err != nil || buf.Len() > maxRecordBytes {
			t.Fatalf("%s grown to %d bytes (cap %d): %v", name, buf.Len(), maxRecordBytes, err)
		}
		data := buf.Bytes()
		fuzzcheck.Within(t, func() {
			got, err := session.DecodeRecord(data)
			if err != nil || len(got.Runs) != len(rec.Runs) {
				t.Fatalf("%s grown to %d bytes: %d runs, %v", name, len(data), len(got.Runs), err)
			}
			fuzzcheck.Strings(t, Prepare(got, Options{}), fuzzcheck.Options{Multiline: true})
		})
	}
}
