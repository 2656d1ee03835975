package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/lab"
)

// TestReportThroughTheBinary diagnoses a lab 1020 with check's flags, as a
// user on that network would, and writes the report: private, free of the
// API key, never replacing a file without --force.
func TestReportThroughTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	l, err := lab.Start("block-1020", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	env := append(l.Env(), "OPENAI_API_KEY="+canaryKey)
	dir := t.TempDir()
	md := filepath.Join(dir, "r.md")
	out, errOut, code := runBinary(t, env, append([]string{"report", "-o", md}, l.Args()...)...)
	if code != exitProblem {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if !bytes.Contains(out, []byte("Wrote "+md+" (Markdown)")) {
		t.Errorf("stdout does not name the file: %s", out)
	}
	body, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	assertClean(t, "report", body)
	for _, want := range []string{"## Summary", "Cloudflare error 1020", "Cloudflare Ray IDs", "203.0.113.10", "## Settings"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	if st, _ := os.Stat(md); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v", st.Mode().Perm())
	}

	// The same name again: refused, the file untouched; --force replaces.
	_, errOut, code = runBinary(t, env, append([]string{"report", "-o", md}, l.Args()...)...)
	if code != exitCannotRun || !bytes.Contains(errOut, []byte("already exists (--force replaces it)")) {
		t.Errorf("second write: exit %d, stderr %s", code, errOut)
	}
	if again, _ := os.ReadFile(md); !bytes.Equal(again, body) {
		t.Error("a refused write changed the file")
	}
	if _, _, code = runBinary(t, env, append([]string{"report", "-o", md, "--force"}, l.Args()...)...); code != exitProblem {
		t.Errorf("--force: exit %d", code)
	}

	// JSON from the extension, HTML by --format.
	js := filepath.Join(dir, "r.json")
	if _, errOut, code = runBinary(t, env, append([]string{"report", "-o", js}, l.Args()...)...); code != exitProblem {
		t.Fatalf("json: exit %d: %s", code, errOut)
	}
	page := filepath.Join(dir, "page.out")
	if _, errOut, code = runBinary(t, env, append([]string{"report", "-o", page, "--format", "html"}, l.Args()...)...); code != exitProblem {
		t.Fatalf("html: exit %d: %s", code, errOut)
	}
	for _, f := range []string{js, page} {
		b, _ := os.ReadFile(f)
		assertClean(t, f, b)
	}
	if b, _ := os.ReadFile(page); !bytes.HasPrefix(b, []byte("<!DOCTYPE html>")) {
		t.Error("--format html did not write HTML")
	}
}

// TestReportFrom re-renders saved sessions without probing: a report's
// JSON and a check --json document, and a re-rendered JSON renders the
// same Markdown again.
func TestReportFrom(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	dir := t.TempDir()
	js := filepath.Join(dir, "s.json")
	if _, errOut, code := runBinary(t, nil, "report", "--demo", "api-429-quota", "-o", js); code != exitProblem {
		t.Fatalf("demo report: exit %d: %s", code, errOut)
	}
	a, b, js2 := filepath.Join(dir, "a.md"), filepath.Join(dir, "b.md"), filepath.Join(dir, "s2.json")
	for _, args := range [][]string{{"--from", js, "-o", a}, {"--from", js, "-o", js2}, {"--from", js2, "-o", b}} {
		if out, errOut, code := runBinary(t, nil, append([]string{"report"}, args...)...); code != exitOK {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	ma, _ := os.ReadFile(a)
	mb, _ := os.ReadFile(b)
	if !bytes.Equal(ma, mb) || !bytes.Contains(ma, []byte("insufficient\\_quota")) {
		t.Errorf("re-rendered Markdown differs or lacks the code:\n%s", ma)
	}

	// A check --json document reads as a one-run session.
	l, err := lab.Start("block-1020", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	doc, _, _ := runBinary(t, l.Env(), append([]string{"check", "--json"}, l.Args()...)...)
	docPath := filepath.Join(dir, "check.json")
	if err := os.WriteFile(docPath, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runBinary(t, nil, "report", "--from", docPath, "-o", "-")
	if code != exitOK || !bytes.Contains(out, []byte("Cloudflare error 1020")) || !bytes.Contains(out, []byte("## Run 1 (latest)")) {
		t.Errorf("--from a check document: exit %d\n%s%s", code, out, errOut)
	}
}

// TestReportShare: --share masks the staged machine's name and addresses
// and cuts the public IP, keeping the Ray IDs.
func TestReportShare(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	out, errOut, code := runBinary(t, nil, "report", "--demo", "vpn-exit", "--share", "-o", "-", "--format", "json")
	if code != exitProblem {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, leak := range []string{"demo-laptop", "192.168.1.23", "172.16.0.2"} {
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("shared report names %q", leak)
		}
	}
	if !bytes.Contains(out, []byte(`"ray_id"`)) || !bytes.Contains(out, []byte("[local address]")) {
		t.Error("shared report lost its Ray IDs or masked nothing")
	}
}

func TestReportUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--from", bad, "--demo", "healthy"}, "cannot be combined"},
		{[]string{"report", "--demo", "healthy", "-o", filepath.Join(dir, "r.txt")}, "cannot tell the format"},
		{[]string{"report", "--from", filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"report", "--from", bad}, "not a gptdoctor JSON file"},
		{[]string{"report", "--from", bad, "--target", "https://chatgpt.com/"}, "--target does not apply"},
		{[]string{"report", "--demo", "block-1002"}, "did you mean"},
		{[]string{"report", "--format", "pdf"}, "want md, json or html"},
		{[]string{"report", "--demo", "healthy", "-o", filepath.Join(dir, "nodir", "r.md")}, "does not exist"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tc.args, &out, &errOut)
		if code != exitCannotRun || !strings.Contains(errOut.String(), tc.want) || strings.Count(errOut.String(), "\n") > 2 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut.String(), tc.want)
		}
	}
}

// TestReportDefaultName writes gptdoctor-report-YYYYMMDD-HHMMSS.md in the
// current directory, and into a directory given as -o.
func TestReportDefaultName(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"report", "--demo", "healthy"}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if code := run(context.Background(), []string{"report", "--demo", "healthy", "-o", sub, "--format", "html"}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	name := regexp.MustCompile(`^gptdoctor-report-\d{8}-\d{6}\.(md|html)$`)
	for _, d := range []string{dir, sub} {
		entries, _ := os.ReadDir(d)
		found := false
		for _, e := range entries {
			found = found || name.MatchString(e.Name())
		}
		if !found {
			t.Errorf("%s holds no default-named report: %v", d, entries)
		}
	}
}

func TestReportHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"report", "--help"}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"gptdoctor report --from FILE.json", "--share", "--force", "--demo SCENARIO", "--target URL"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}
}
