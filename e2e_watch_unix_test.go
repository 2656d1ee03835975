//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWatchBinaryStopsOnSIGTERM runs `gptdoctor watch --demo block-1020`
// as an agent would run: it serves the 1020 verdict on /metrics and
// /healthz, logs the run, and on SIGTERM exits 0 within two seconds,
// leaving only whole JSON lines.
func TestWatchBinaryStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "watch.jsonl")
	cmd := exec.Command(binPath, "watch", "--demo", "block-1020", "--listen", "127.0.0.1:0", "--log", logPath)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "XDG_CONFIG_HOME=" + dir, "OPENAI_API_KEY=" + canaryKey}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 16)
	var out bytes.Buffer
	go func() {
		sc := bufio.NewScanner(io.TeeReader(stdout, &out))
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func() string {
		select {
		case l := <-lines:
			return l
		case <-time.After(20 * time.Second):
			t.Fatalf("no output; stderr: %s", stderr.String())
		}
		return ""
	}
	m := regexp.MustCompile(`metrics on (http://127\.0\.0\.1:\d+)/metrics`).FindStringSubmatch(next())
	if m == nil {
		t.Fatalf("no metrics address announced; stderr: %s", stderr.String())
	}
	if run := next(); !strings.Contains(run, "run 1: problem:") {
		t.Errorf("first run line: %q", run)
	}
	get := func(path string) (int, string) {
		resp, err := http.Get(m[1] + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
	code, metrics := get("/metrics")
	if code != http.StatusOK || !strings.Contains(metrics, `code="1020",kind="cf_block",target="chatgpt.com"`) {
		t.Errorf("/metrics %d without the 1020 verdict", code)
	}
	assertClean(t, "/metrics", []byte(metrics))

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() {
		for range lines {
		}
		exited <- cmd.Wait()
	}()
	select {
	case err = <-exited:
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5 s after SIGTERM; stderr: %s", stderr.String())
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("SIGTERM took %s to stop the agent", took)
	}
	if err != nil || cmd.ProcessState.ExitCode() != 0 {
		t.Errorf("exit after SIGTERM: %v, stderr %s", err, stderr.String())
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	assertClean(t, "the log", b)
	if len(b) == 0 || b[len(b)-1] != '\n' {
		t.Fatal("the log is empty or ends in a half line")
	}
	for i, line := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		var doc struct {
			SchemaVersion int    `json:"schema_version"`
			Mode          string `json:"mode"`
			RunID         string `json:"run_id"`
		}
		if err := json.Unmarshal(line, &doc); err != nil || doc.SchemaVersion != 1 || doc.Mode != "watch" || doc.RunID == "" {
			t.Errorf("log line %d: %v %+v", i+1, err, doc)
		}
	}
	assertClean(t, "stdout", out.Bytes())
}
