// Package stub writes stand-in executables for tests that run real
// commands: tiny shell scripts in a directory that is the whole PATH, so
// nothing else on the machine can be reached by name.
package stub

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Dir writes one #!/bin/sh script per name with the given body and returns
// their directory.
func Dir(t testing.TB, stubs map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range stubs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Lines reads what a stub recorded, one line each; a missing file means
// the stub never ran, which fails the test.
func Lines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the stub did not run: %v", err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}
