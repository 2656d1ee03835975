//go:build linux || darwin

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/charmbracelet/x/vt"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/internal/ptytest"
)

// The dashboard's end-to-end tests run the real binary (built once in
// TestMain) in a pseudo-terminal and read the screen through a terminal
// emulator, pressing keys as a person would. Each wait ends as soon as the
// screen shows what it waits for; the deadline only bounds a failure.

// paneTitles are the six panes' titles, as the frames show them.
var paneTitles = []string{"Identity", "DNS", "Proxy", "Endpoints", "Remedies", "Activity"}

// startDemo runs `gptdoctor demo ARGS…` in a cols×rows terminal whose
// working directory is a fresh temporary directory (reports land there).
func startDemo(t testing.TB, cols, rows int, args ...string) *ptytest.Term {
	t.Helper()
	return ptytest.Start(t, ptytest.Options{Path: binPath, Args: append([]string{"demo"}, args...), Cols: cols, Rows: rows})
}

// gridRows counts the screen rows on which two or more pane titles sit
// side by side: the grid has some, the stacked layout (one pane per row)
// none.
func gridRows(screen string) int {
	n := 0
	for _, line := range strings.Split(screen, "\n") {
		k := 0
		for _, title := range paneTitles {
			if strings.Contains(line, title) {
				k++
			}
		}
		if k >= 2 {
			n++
		}
	}
	return n
}

// finished holds once the first run has finished: the header then says
// when it ran ("run #1 at 20:08:07").
func finished(screen string) bool { return strings.Contains(screen, "run #1 at") }

// targetRow holds when a screen row starts (inside a pane's border) with
// the target and shows want after it.
func targetRow(screen, target, want string) bool {
	for _, line := range strings.Split(screen, "\n") {
		rest := strings.TrimLeft(line, "│┃ ")
		if strings.HasPrefix(rest, target+" ") && strings.Contains(rest, want) {
			return true
		}
	}
	return false
}

// allPanes holds when every pane's title is on the screen.
func allPanes(screen string) bool {
	for _, title := range paneTitles {
		if !strings.Contains(screen, title) {
			return false
		}
	}
	return true
}

// quit presses q and checks a clean end: exit 0 and the terminal
// restored.
func quit(t *testing.T, tm *ptytest.Term) {
	t.Helper()
	tm.Type("q")
	if code := tm.Exit(0); code != 0 {
		t.Errorf("exit %d after q, want 0\n%s", code, tm.Dump())
	}
	assertRestored(t, tm)
}

// assertRestored checks that the program left the terminal as it found
// it: after the last switch to the alternate screen the raw stream leaves
// it and shows the cursor again, and the emulator agrees.
func assertRestored(t *testing.T, tm *ptytest.Term) {
	t.Helper()
	raw := tm.Raw()
	enter := bytes.LastIndex(raw, []byte("\x1b[?1049h"))
	if enter < 0 {
		t.Fatalf("the dashboard never entered the alternate screen\n%s", tm.Dump())
	}
	tail := raw[enter:]
	for _, seq := range []string{"\x1b[?1049l", "\x1b[?25h"} {
		if !bytes.Contains(tail, []byte(seq)) {
			t.Errorf("no %q after the last alternate-screen entry: the terminal is not restored (tail %q)", seq, lastBytes(tail, 200))
		}
	}
	if em := tm.Emulator(); em.IsAltScreen() || em.CursorHidden() {
		t.Errorf("after quit the emulator is still on the alternate screen or the cursor is hidden\n%s", tm.Dump())
	}
}

func lastBytes(b []byte, n int) []byte { return b[max(0, len(b)-n):] }

// TestDashboardBlock1020 walks the main path on the 1020 demo: the panes
// fill with the verdict and the target rows, e writes a report with the
// verdict in it, a resize re-lays the screen from stacked to grid, and q
// restores the terminal and prints the report's path.
func TestDashboardBlock1020(t *testing.T) {
	tm := startDemo(t, 100, 30, "block-1020")

	// Panes fill: the verdict names the code and where it was seen, the
	// pane summaries count the endpoint cells.
	screen := tm.WaitFor("the 1020 verdict and the target rows", 0, func(s string) bool {
		return finished(s) && strings.Contains(s, "Error 1020 — Cloudflare's firewall denies chatgpt.com") && allPanes(s)
	})
	if gridRows(screen) != 0 {
		t.Errorf("at 100x30 the panes should be stacked, one per row\n%s", tm.Dump())
	}

	// e writes the report at once and shows where.
	tm.Type("e")
	screen = tm.WaitText(0, "gptdoctor-report-")
	path := reportPath(t, tm, screen)
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the report the screen names: %v\n%s", err, tm.Dump())
	}
	// The summary heads the report: a verdict naming the code, and what
	// failed.
	if !bytes.HasPrefix(body, []byte("# gptdoctor report: ")) || !summaryRe.Match(body) {
		t.Errorf("the report %s does not open with the 1020 summary:\n%s", path, body)
	}

	// A wider terminal re-lays the panes as a grid, where the Endpoints
	// pane shows a row per target with its blocked cells.
	tm.Resize(160, 45)
	tm.WaitFor("the grid layout at 160x45 with the target rows", 0, func(s string) bool {
		return gridRows(s) > 0 && allPanes(s) && targetRow(s, "chatgpt.com", "1020 blocked") &&
			targetRow(s, "chat.openai.com", "1020 blocked") && targetRow(s, "api.openai.com", "no key")
	})
	// And back: stacked again.
	tm.Resize(100, 30)
	tm.WaitFor("the stacked layout at 100x30", 0, func(s string) bool { return gridRows(s) == 0 && allPanes(s) })

	quit(t, tm)
	// The path is printed on the main screen once the dashboard has left
	// (read from the stream: the screen wraps a long path).
	raw := tm.Raw()
	after := raw[bytes.LastIndex(raw, []byte("\x1b[?1049l")):]
	if !bytes.Contains(after, []byte("report written to ")) || !bytes.Contains(after, []byte(filepath.Base(path))) {
		t.Errorf("after quit the report's path is not printed: %q\n%s", lastBytes(after, 300), tm.Dump())
	}
}

// summaryRe is the Markdown summary's verdict and what failed, for the
// 1020 demo.
var summaryRe = regexp.MustCompile(`(?m)^- \*\*Verdict:\*\* ✗ problem: .*\b1020\b.*\n- \*\*What failed:\*\* chatgpt\.com: Cloudflare error 1020 \(HTTP 403\)`)

// reportRe finds a report path on the screen: the default name, possibly
// after a directory.
var reportRe = regexp.MustCompile(`gptdoctor-report-[0-9]{8}-[0-9]{6}\.[a-z]+`)

// reportPath is the report the screen names, in the program's directory.
func reportPath(t *testing.T, tm *ptytest.Term, screen string) string {
	t.Helper()
	name := reportRe.FindString(screen)
	if name == "" {
		t.Fatalf("no report file name on the screen\n%s", tm.Dump())
	}
	return filepath.Join(tm.Dir(), name)
}

// TestDashboardWithoutACommand: 'gptdoctor' alone on a terminal opens the
// dashboard on this machine, pointed at the lab only by flags and
// environment (as the check end-to-end tests do); the check flags apply.
func TestDashboardWithoutACommand(t *testing.T) {
	l, err := lab.Start("block-1020", lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	args := append([]string{"--interval", "0", "--timeout", l.Config().Budget.String()}, l.Args()...)
	tm := ptytest.Start(t, ptytest.Options{Path: binPath, Args: args, Env: ptytest.Env(t.TempDir(), l.Env()...), Cols: 120, Rows: 40})
	screen := tm.WaitFor("the 1020 verdict", 0, func(s string) bool {
		return finished(s) && strings.Contains(s, "Error 1020") && allPanes(s)
	})
	if strings.Contains(screen, "LAB") {
		t.Errorf("the dashboard of this machine says it is the lab\n%s", tm.Dump())
	}
	quit(t, tm)
}

// TestDashboardHealthy: every pane fills and says the targets are
// reachable; ctrl+c quits like q.
func TestDashboardHealthy(t *testing.T) {
	tm := startDemo(t, 160, 45, "healthy")
	tm.WaitFor("a reachable verdict on every pane", 0, func(s string) bool {
		return finished(s) && allPanes(s) && strings.Contains(s, "chatgpt.com") && strings.Contains(strings.ToLower(s), "reachable")
	})
	tm.Press(vt.KeyPressEvent{Code: 'c', Mod: vt.ModCtrl})
	if code := tm.Exit(0); code != 0 {
		t.Errorf("exit %d after ctrl+c, want 0\n%s", code, tm.Dump())
	}
	assertRestored(t, tm)
}

// TestDashboardRemedy confirms remedies that act on the lab and waits for
// each outcome: stale-dns's flush-dns runs its command on the staged
// machine (through its sudo) and the re-check shows the stale answer gone;
// proxy's bypass-proxy re-checks without the proxy. The confirmation opens
// on Cancel, so the test moves to Run first, and the outcome must also
// reach the Activity log.
func TestDashboardRemedy(t *testing.T) {
	for _, tt := range []struct {
		scenario, row, outcome, logged string
	}{
		{"stale-dns", "Flush the DNS cache", "✓ fixed", "flush-dns: fixed"},
		{"proxy", "Test without the proxy", "✓ confirmed", "bypass-proxy: confirmed"},
	} {
		t.Run(tt.scenario, func(t *testing.T) {
			tm := startDemo(t, 120, 40, tt.scenario)
			tm.WaitFor("the first run's findings", 0, func(s string) bool { return finished(s) && strings.Contains(s, tt.row) })
			tm.Type("5") // the Remedies pane
			tm.WaitText(0, "▶5 Remedies")
			selectRow(t, tm, tt.row)
			tm.Type("a")
			tm.WaitText(0, "[ Cancel ]", "[ Run ]")
			tm.Press(vt.KeyPressEvent{Code: vt.KeyTab})
			tm.Press(vt.KeyPressEvent{Code: vt.KeyEnter})
			screen := tm.WaitText(0, tt.outcome, tt.logged)
			if strings.Contains(screen, "[ Cancel ]") {
				t.Errorf("the dialog is still open after the outcome\n%s", tm.Dump())
			}
			quit(t, tm)
		})
	}
}

// selectedRow is the row the focused pane marks as selected (›).
func selectedRow(screen string) string {
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, "›") {
			return line
		}
	}
	return ""
}

// selectRow presses j until the selected row contains text; each press
// waits for the selection to move, so a list that ends first fails with
// the screen.
func selectRow(t *testing.T, tm *ptytest.Term, text string) {
	t.Helper()
	for range 40 {
		cur := selectedRow(tm.Screen())
		if strings.Contains(cur, text) {
			return
		}
		tm.Type("j")
		tm.WaitFor("the selection to move towards "+text, 0, func(s string) bool { return selectedRow(s) != cur })
	}
	t.Fatalf("no row %q within 40 rows\n%s", text, tm.Dump())
}

// TestDashboardSignal: a termination signal ends the dashboard with exit
// 130 (interrupted), the terminal restored like after q.
func TestDashboardSignal(t *testing.T) {
	tm := startDemo(t, 100, 30, "healthy")
	tm.WaitFor("the first run", 0, finished)
	tm.Signal(syscall.SIGTERM)
	if code := tm.Exit(0); code != exitInterrupted {
		t.Errorf("exit %d after SIGTERM, want %d\n%s", code, exitInterrupted, tm.Dump())
	}
	assertRestored(t, tm)
}

// TestDashboardTooSmall: below the minimum the dashboard says the size it
// needs, fills in once the window grows, and q still quits.
func TestDashboardTooSmall(t *testing.T) {
	tm := startDemo(t, 40, 10, "block-1020")
	tm.WaitText(0, "needs at least 60×16")
	tm.Resize(100, 30)
	tm.WaitFor("the panes once the window is large enough", 0, allPanes)
	tm.Resize(40, 10)
	tm.WaitText(0, "needs at least 60×16")
	quit(t, tm)
}

// TestDashboardRefusesATinyTerminal: a terminal that cannot show anything
// gets a one-line message and exit 2, not a garbled screen.
func TestDashboardRefusesATinyTerminal(t *testing.T) {
	var errOut bytes.Buffer
	tm := ptytest.Start(t, ptytest.Options{Path: binPath, Args: []string{"demo", "healthy"}, Cols: 12, Rows: 2, Stderr: &errOut})
	if code := tm.Exit(0); code != exitCannotRun {
		t.Errorf("exit %d, want %d", code, exitCannotRun)
	}
	msg := strings.TrimSpace(errOut.String())
	if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "12x2") || !strings.Contains(msg, "needs 60x16") {
		t.Errorf("stderr %q, want one line naming the size", msg)
	}
	if bytes.Contains(tm.Raw(), []byte("\x1b[?1049h")) {
		t.Errorf("the alternate screen was entered on a terminal too small to use")
	}
}

// TestDemoPicker: 'gptdoctor demo' with no scenario on a terminal lists the
// scenarios; choosing one opens its dashboard, and quitting the picker
// exits 0 with the terminal restored.
func TestDemoPicker(t *testing.T) {
	tm := startDemo(t, 100, 30)
	tm.WaitText(0, "pick a lab scenario", "healthy", "block-1020")
	selectRow(t, tm, "block-1020")
	tm.Press(vt.KeyPressEvent{Code: vt.KeyEnter})
	tm.WaitFor("the block-1020 dashboard", 0, func(s string) bool {
		return finished(s) && strings.Contains(s, "LAB block-1020") && strings.Contains(s, "Error 1020")
	})
	quit(t, tm)

	tm = startDemo(t, 100, 30)
	tm.WaitText(0, "pick a lab scenario")
	quit(t, tm)
	if strings.Contains(tm.Screen(), "gptdoctor:") {
		t.Errorf("quitting the picker printed something\n%s", tm.Dump())
	}
}
