package watch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// TestPrometheusScrapesTheBlock is the fleet setup in miniature: a real
// Prometheus server on loopback scrapes a watcher running against the
// lab's 1020 scenario, loads the shipped rules (their `for:` shortened to
// one second), and must both store the block verdict and fire the block
// alert. The whole test is bounded to 30 s; Prometheus is killed and its
// directory removed however it ends.
func TestPrometheusScrapesTheBlock(t *testing.T) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not found (apt-get install prometheus): skipping the end-to-end scrape")
	}
	if testing.Short() {
		t.Skip("-short: skipping the end-to-end scrape (starts a Prometheus server)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// The agent: a watcher on the lab, every 250 ms (the 10 s floor is
	// the command's, for people; the lab cannot be hammered).
	w := New(Options{Session: labSession(t, "block-1020"), Schedule: Schedule{Interval: 250 * time.Millisecond}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	agentCtx, stopAgent := context.WithCancel(ctx)
	served, looped := make(chan error, 1), make(chan struct{})
	go func() { served <- Serve(agentCtx, ln, w.Handler()) }()
	go func() { w.Run(agentCtx); close(looped) }()
	defer func() {
		stopAgent()
		<-looped
		if err := <-served; err != nil {
			t.Error(err)
		}
	}()

	// Prometheus: a temp config scraping the agent every second, and the
	// shipped rules with short waits.
	dir := t.TempDir()
	rules, err := os.ReadFile(filepath.Join(monitoringDir, "rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	rules = regexp.MustCompile(`for: \w+`).ReplaceAll(rules, []byte("for: 1s"))
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
scrape_configs:
  - job_name: gptdoctor
    static_configs:
      - targets: [%q]
`, ln.Addr().String())
	for name, body := range map[string][]byte{"rules.yml": rules, "prometheus.yml": []byte(cfg)} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	promAddr := freePort(t)
	var logs bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+promAddr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prometheus: %v", err)
	}
	t.Cleanup(func() { // before TempDir's cleanup, which removes dir
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	api := "http://" + promAddr + "/api/v1/"

	// The block verdict is stored.
	query := `gptdoctor_endpoint_verdict{target="chatgpt.com",kind="cf_block",code="1020"}`
	poll(ctx, t, &logs, "the 1020 verdict in Prometheus", func() (bool, error) {
		var r struct {
			Data struct {
				Result []struct {
					Metric map[string]string `json:"metric"`
				} `json:"result"`
			} `json:"data"`
		}
		err := getJSON(ctx, api+"query?query="+url.QueryEscape(query), &r)
		return len(r.Data.Result) == 4, err // the four chatgpt.com cells
	})

	// The block alert fires.
	poll(ctx, t, &logs, "the GPTDoctorCloudflareBlock alert firing", func() (bool, error) {
		var r struct {
			Data struct {
				Alerts []struct {
					Labels map[string]string `json:"labels"`
					State  string            `json:"state"`
				} `json:"alerts"`
			} `json:"data"`
		}
		if err := getJSON(ctx, api+"alerts", &r); err != nil {
			return false, err
		}
		for _, a := range r.Data.Alerts {
			if a.Labels["alertname"] == "GPTDoctorCloudflareBlock" && a.State == "firing" &&
				a.Labels["target"] == "chatgpt.com" && a.Labels["code"] == "1020" {
				return true, nil
			}
		}
		return false, nil
	})
}

// poll calls check every 200 ms until it says done or ctx ends; on the
// deadline it fails with Prometheus' log.
func poll(ctx context.Context, t *testing.T, logs *bytes.Buffer, what string, check func() (bool, error)) {
	t.Helper()
	var last error
	for {
		ok, err := check()
		if ok {
			return
		}
		last = err
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v (last error: %v)\nprometheus log:\n%s", what, ctx.Err(), last, logs.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// getJSON GETs a Prometheus API URL and decodes its answer.
func getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// freePort is a loopback address no one listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
