package main

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
)

// TestVersionFlagAndCommandAgree: --version is the version command, and
// both name the Go version the binary was built with.
func TestVersionFlagAndCommandAgree(t *testing.T) {
	var flagOut, cmdOut, errOut bytes.Buffer
	if code := run(context.Background(), []string{"--version"}, &flagOut, &errOut); code != exitOK {
		t.Fatalf("--version: exit %d, stderr %q", code, errOut.String())
	}
	if code := run(context.Background(), []string{"version"}, &cmdOut, &errOut); code != exitOK {
		t.Fatalf("version: exit %d, stderr %q", code, errOut.String())
	}
	if flagOut.String() != cmdOut.String() {
		t.Errorf("--version printed %q, version %q", flagOut.String(), cmdOut.String())
	}
	if got := flagOut.String(); !strings.HasPrefix(got, "gptdoctor ") || !strings.Contains(got, runtime.Version()) {
		t.Errorf("--version printed %q: want the version and %s", got, runtime.Version())
	}
	if code := run(context.Background(), []string{"version", "extra"}, &cmdOut, &errOut); code != exitCannotRun {
		t.Errorf("version with an argument: exit %d, want %d", code, exitCannotRun)
	}
}
