package ui

import (
	"github.com/charmbracelet/x/ansi"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/remedies"
)

// TestLightBackgroundRestyles: dark until the terminal says otherwise, and
// a light answer changes the colours, not the layout.
func TestLightBackgroundRestyles(t *testing.T) {
	m, _, _ := proxyModel(t, 120, 40)
	dark := m.View().Content
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	light := m.View().Content
	if m.isDark || dark == light {
		t.Fatal("a light background did not restyle the dashboard")
	}
	if ansi.Strip(dark) != ansi.Strip(light) {
		t.Error("the theme changed the text, not just the colours")
	}
}

func TestMouseFocusAndScroll(t *testing.T) {
	m, _, _ := proxyModel(t, 120, 40)
	dns := m.lay.Panes[paneDNS]
	m.Update(tea.MouseClickMsg{X: dns.X + 2, Y: dns.Y + 2, Button: tea.MouseLeft})
	if m.focus == paneDNS {
		t.Fatal("a click focused a pane without --mouse")
	}
	m.opts.Mouse = true
	if m.View().MouseMode != tea.MouseModeCellMotion {
		t.Fatal("--mouse does not turn on mouse reporting")
	}
	m.Update(tea.MouseClickMsg{X: dns.X + 2, Y: dns.Y + 1, Button: tea.MouseLeft})
	if m.focus != paneDNS {
		t.Fatalf("click focused %s, want DNS", paneTitles[m.focus])
	}
	if k := m.dns.selectedKey(); k != "dns:config" {
		t.Fatalf("a click on the DNS pane's first row selected %q", k)
	}
	m.Update(tea.MouseClickMsg{X: dns.X + 2, Y: dns.Y + 4, Button: tea.MouseLeft})
	if k := m.dns.selectedKey(); !strings.HasPrefix(k, "dns:lookup:") {
		t.Fatalf("a click on the first lookup's row selected %q", k)
	}
	before := m.dns.sel
	m.Update(tea.MouseWheelMsg{X: dns.X + 2, Y: dns.Y + 2, Button: tea.MouseWheelDown})
	if m.dns.sel == before {
		t.Fatal("the wheel did not move the DNS pane")
	}
}

// TestExportDialog: E chooses format, share mode and path.
func TestExportDialog(t *testing.T) {
	m, _, _ := proxyModel(t, 120, 40)
	m.Update(press("E"))
	if m.exp == nil || !strings.Contains(screen(m), "Export the session report") {
		t.Fatalf("E did not open the dialog:\n%s", screen(m))
	}
	m.Update(press("right")) // format: json
	m.Update(press("tab"))
	m.Update(press("space")) // share on
	m.Update(press("tab"))
	path := filepath.Join(t.TempDir(), "quota report.json") // q and space are typed, not keys
	for _, r := range path {
		m.Update(press(string(r)))
	}
	if m.exp == nil {
		t.Fatal("typing the path closed the dialog")
	}
	m.Update(m.Update2(press("enter"))())
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.TrimSpace(string(b)), "{") || strings.Contains(string(b), "203.0.113.10") {
		t.Fatalf("want a share-mode JSON report, got %.200s", b)
	}
	if got := m.Reports(); len(got) != 1 || got[0] != path {
		t.Fatalf("reports %v", got)
	}
}

// TestOpenStatusPage: o plans open-status and runs it without a dialog.
func TestOpenStatusPage(t *testing.T) {
	m, _, fa := proxyModel(t, 120, 40)
	fa.plans[remedies.ActionOpenStatus] = remedies.Plan{Action: remedies.Action{ID: remedies.ActionOpenStatus, Title: "Open the status page", Kind: remedies.KindOpen},
		Commands: [][]string{{"xdg-open", "https://status.openai.com/"}}}
	m.Update(m.Update2(press("o"))())
	if m.dlg != nil || m.flow.stage != flowRunning {
		t.Fatalf("o: dialog %v, stage %v", m.dlg, m.flow.stage)
	}
	m.Update(executeAction(m.ctx, m.actions, m.flow.plan)())
	if len(fa.executed) != 1 || fa.executed[0] != remedies.ActionOpenStatus || m.flow.stage != flowIdle {
		t.Fatalf("executed %v, stage %v", fa.executed, m.flow.stage)
	}
}

// TestIdleRedrawsOncePerMinute: idle, the only thing that moves is the
// age in the header, to the minute, so the tick sleeps until the next
// minute (or until a message in the help bar expires).
func TestIdleRedrawsOncePerMinute(t *testing.T) {
	m, c, _ := proxyModel(t, 120, 40)
	if strings.Contains(screen(m), "next in") || !strings.Contains(screen(m), "(just now)") {
		t.Fatalf("header still counts seconds:\n%s", strings.SplitN(screen(m), "\n", 3)[1])
	}
	c.advance(20 * time.Second)
	m.toast = ""
	if got := m.idleWait(); got != 40*time.Second {
		t.Fatalf("idle wait %s, want the 40 s to the next minute of age", got)
	}
	m.notify(logInfo, "hello")
	if got := m.idleWait(); got != toastTTL {
		t.Fatalf("idle wait %s with a message up, want %s", got, toastTTL)
	}
	c.advance(2 * time.Minute)
	m.toast = ""
	if !strings.Contains(screen(m), "(2m ago)") {
		t.Fatalf("header age:\n%s", strings.SplitN(screen(m), "\n", 3)[1])
	}
}

// TestManualStepsPerBrowser: a manual remedy shows the steps for this OS
// and, once the browsers are known, only theirs.
func TestManualStepsPerBrowser(t *testing.T) {
	m, _, _ := proxyModel(t, 120, 40)
	rem, _ := remedies.RemedyByID("clear-browser-data")
	all := strings.Join(m.manualLines(rem), "\n")
	if !strings.Contains(all, "Chrome:") || !strings.Contains(all, "Firefox:") || strings.Contains(all, "Safari:") {
		t.Fatalf("unknown browsers on linux: want every browser's steps but Safari's:\n%s", all)
	}
	m.Update(browsersMsg{"firefox"})
	one := strings.Join(m.manualLines(rem), "\n")
	if strings.Contains(one, "Chrome:") || !strings.Contains(one, "Firefox:") {
		t.Fatalf("with Firefox found: want only its steps:\n%s", one)
	}
}
