package report

import (
	"io"
	"testing"

	"github.com/gptdoctor/gptdoctor/session"
)

// benchRecord is a session of many runs: a dashboard left refreshing.
func benchRecord(b *testing.B, runs int) session.Record {
	t := &testing.T{}
	rec := goldenSessions(t)["block-1020"]
	one := rec.Runs[0]
	rec.Runs = rec.Runs[:0]
	for i := range runs {
		r := one
		r.Seq = i + 1
		rec.Runs = append(rec.Runs, r)
	}
	return rec
}

// BenchmarkPrepare is the share transform of a session of 100 runs, the
// dashboard's default history: the export's cost before writing.
func BenchmarkPrepare100Runs(b *testing.B) {
	rec := benchRecord(b, session.DefaultHistory)
	b.ResetTimer()
	for b.Loop() {
		if len(Prepare(rec, Options{Share: true}).Runs) != len(rec.Runs) {
			b.Fatal("runs lost")
		}
	}
}

// BenchmarkRender renders one run in each format.
func BenchmarkRenderHTML(b *testing.B) {
	rec := benchRecord(b, 1)
	for b.Loop() {
		if err := Render(io.Discard, rec, HTML, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
