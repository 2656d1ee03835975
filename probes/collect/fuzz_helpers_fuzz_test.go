package collect

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/sanitize/fuzzcheck"
	"github.com/gptdoctor/gptdoctor/probes"
)

// seedFiles adds every file under testdata/<dir> to a fuzz target's
// corpus through add, so each target starts from the real samples its
// unit tests use.
func seedFiles(f *testing.F, dir string, add func(b []byte)) {
	f.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
	if err != nil || len(names) == 0 {
		f.Fatalf("no seed files in testdata/%s", dir)
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
}

// capBytes cuts b to n bytes, as the collector that reads it does.
func capBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

var knownStatuses = map[probes.Status]bool{
	probes.StatusPass: true, probes.StatusWarn: true, probes.StatusFail: true,
	probes.StatusSkipped: true, probes.StatusUnknown: true,
}

// checkFuzzResult asserts what every result holds whatever its input:
// a known status, a reason, a step on any error, and every string
// sanitised with none of the forbidden secrets.
func checkFuzzResult(t *testing.T, r probes.Result, forbidden []string) {
	t.Helper()
	if !knownStatuses[r.Status] {
		t.Fatalf("unknown status %q", r.Status)
	}
	if r.Reason == "" {
		t.Fatalf("empty reason: %+v", r)
	}
	if r.Error != nil && (r.Error.Step == "" || r.Error.Message == "") {
		t.Fatalf("error without step or message: %+v", r.Error)
	}
	fuzzcheck.Strings(t, r, fuzzcheck.Options{Forbidden: forbidden})
}
