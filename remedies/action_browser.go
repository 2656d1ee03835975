package remedies

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// urlOpeners open a URL in the default browser, per OS, first found wins.
// Linux: xdg-open is the desktop standard; wslview opens in Windows from
// WSL; x-www-browser is Debian's alternative. www-browser is left out: it
// is often a text browser that would take over the terminal.
var urlOpeners = map[string][][]string{
	osLinux:   {{"xdg-open"}, {"wslview"}, {"x-www-browser"}},
	osDarwin:  {{"open"}},
	osWindows: {{"rundll32", "url.dll,FileProtocolHandler"}},
}

// openURLArgv returns the argv that opens u, or the tools it looked for.
func openURLArgv(env ActionEnv, u string) ([]string, []string) {
	var tried []string
	for _, base := range urlOpeners[env.GOOS] {
		tried = append(tried, base[0])
		if _, ok := env.has(base[0]); ok {
			return append(slices.Clone(base), u), nil
		}
	}
	return nil, tried
}

func planOpenStatus(_ probes.Snapshot, env ActionEnv) Action {
	page := env.statusPage()
	a := Action{
		Title:       "Open OpenAI's status page",
		Description: "Opens " + page + " in the default browser to check for incidents.",
		Kind:        KindOpen,
		Risk:        RiskNoChange,
		Scope:       "opens a browser tab",
	}
	argv, tried := openURLArgv(env, page)
	if argv == nil {
		a.Unavailable = fmt.Sprintf("no URL opener found (looked for %s); open %s yourself", joinWords(tried), page)
		a.Instructions = []string{"Open " + page + " in a browser."}
		return a
	}
	a.Commands = [][]string{argv}
	return a
}

// browserLauncher is how one browser opens a private window on one OS.
type browserLauncher struct {
	Browser string
	OS      string
	// Paths are LookPath candidates: names on PATH, or absolute paths
	// (macOS bundles, Windows install folders, Flatpak and Snap exports).
	// "{ProgramFiles}" style placeholders are filled from the environment.
	Paths []string
	// Flag opens a private window.
	Flag string
	// App is the macOS application name for "open -na App --args …": -n
	// starts a new instance so the arguments are honoured.
	App string
}

// browserLaunchers lists, in preference order, the browsers gptdoctor can
// open privately. Safari has no command-line switch for a private window,
// so it is not here (the remedy's steps give ⌘⇧N).
var browserLaunchers = []browserLauncher{
	{Browser: "chrome", OS: osLinux, Flag: "--incognito", Paths: []string{"google-chrome", "google-chrome-stable", "/var/lib/flatpak/exports/bin/com.google.Chrome"}},
	{Browser: "edge", OS: osLinux, Flag: "--inprivate", Paths: []string{"microsoft-edge", "microsoft-edge-stable", "/var/lib/flatpak/exports/bin/com.microsoft.Edge"}},
	{Browser: "firefox", OS: osLinux, Flag: "-private-window", Paths: []string{"firefox", "/snap/bin/firefox", "/var/lib/flatpak/exports/bin/org.mozilla.firefox"}},
	{Browser: "brave", OS: osLinux, Flag: "--incognito", Paths: []string{"brave-browser", "brave", "/var/lib/flatpak/exports/bin/com.brave.Browser"}},
	{Browser: "chromium", OS: osLinux, Flag: "--incognito", Paths: []string{"chromium", "chromium-browser", "/snap/bin/chromium", "/var/lib/flatpak/exports/bin/org.chromium.Chromium"}},

	{Browser: "chrome", OS: osDarwin, Flag: "--incognito", App: "Google Chrome", Paths: []string{"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "{HOME}/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"}},
	{Browser: "edge", OS: osDarwin, Flag: "--inprivate", App: "Microsoft Edge", Paths: []string{"/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge", "{HOME}/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"}},
	{Browser: "firefox", OS: osDarwin, Flag: "-private-window", App: "Firefox", Paths: []string{"/Applications/Firefox.app/Contents/MacOS/firefox", "{HOME}/Applications/Firefox.app/Contents/MacOS/firefox"}},
	{Browser: "brave", OS: osDarwin, Flag: "--incognito", App: "Brave Browser", Paths: []string{"/Applications/Brave Browser.app/Contents/MacOS/Brave Browser", "{HOME}/Applications/Brave Browser.app/Contents/MacOS/Brave Browser"}},
	{Browser: "chromium", OS: osDarwin, Flag: "--incognito", App: "Chromium", Paths: []string{"/Applications/Chromium.app/Contents/MacOS/Chromium"}},

	{Browser: "chrome", OS: osWindows, Flag: "--incognito", Paths: []string{`{ProgramFiles}\Google\Chrome\Application\chrome.exe`, `{ProgramFiles(x86)}\Google\Chrome\Application\chrome.exe`, `{LOCALAPPDATA}\Google\Chrome\Application\chrome.exe`}},
	// Edge ships with Windows 10 and 11.
	{Browser: "edge", OS: osWindows, Flag: "--inprivate", Paths: []string{`{ProgramFiles(x86)}\Microsoft\Edge\Application\msedge.exe`, `{ProgramFiles}\Microsoft\Edge\Application\msedge.exe`}},
	{Browser: "firefox", OS: osWindows, Flag: "-private-window", Paths: []string{`{ProgramFiles}\Mozilla Firefox\firefox.exe`, `{ProgramFiles(x86)}\Mozilla Firefox\firefox.exe`}},
	{Browser: "brave", OS: osWindows, Flag: "--incognito", Paths: []string{`{ProgramFiles}\BraveSoftware\Brave-Browser\Application\brave.exe`, `{LOCALAPPDATA}\BraveSoftware\Brave-Browser\Application\brave.exe`}},
}

// expand fills "{VAR}" placeholders from the environment; a path whose
// variable is unset is dropped.
func (e ActionEnv) expand(p string) (string, bool) {
	for {
		i := strings.Index(p, "{")
		if i < 0 {
			return p, true
		}
		j := strings.Index(p[i:], "}")
		if j < 0 {
			return p, true
		}
		v := e.getenv(p[i+1 : i+j])
		if v == "" {
			return "", false
		}
		p = p[:i] + strings.TrimRight(v, `\/`) + p[i+j+1:]
	}
}

// foundBrowser is an installed browser with the path that proved it.
type foundBrowser struct {
	browserLauncher
	path string
}

func (e ActionEnv) browsers() []foundBrowser {
	var out []foundBrowser
	for _, b := range browserLaunchers {
		if b.OS != e.GOOS {
			continue
		}
		for _, p := range b.Paths {
			p, ok := e.expand(p)
			if !ok {
				continue
			}
			if found, ok := e.has(p); ok {
				out = append(out, foundBrowser{b, found})
				break
			}
		}
	}
	return out
}

// privateArgv is the argv that opens u privately in b.
func (b foundBrowser) privateArgv(u string) []string {
	if b.OS == osDarwin {
		return []string{"open", "-na", b.App, "--args", b.Flag, u}
	}
	return []string{b.path, b.Flag, u}
}

func planPrivateWindow(s probes.Snapshot, env ActionEnv) Action {
	target := env.targetURL(s)
	a := Action{
		Title: "Open " + target + " in a private window",
		Description: "A private window starts without cookies and usually without extensions: " +
			"if the page works there, the normal profile is the cause.",
		Kind:  KindOpen,
		Risk:  RiskNoChange,
		Scope: "opens a private browser window; nothing is changed",
	}
	found := env.browsers()
	if len(found) == 0 {
		a.Unavailable = "no browser with a private-window switch was found (Chrome, Edge, Firefox, Brave, Chromium)"
		a.Instructions = []string{"Open a private window yourself (Ctrl+Shift+N, or Ctrl+Shift+P in Firefox; ⌘⇧N on a Mac) and go to " + target + "."}
		return a
	}
	pick := found[0]
	for _, b := range found {
		if b.Browser == env.Browser {
			pick = b
			break
		}
	}
	a.Commands = [][]string{pick.privateArgv(target)}
	a.Title = fmt.Sprintf("Open %s in a private %s window", target, pick.Browser)
	var others []string
	for _, b := range found {
		if b.Browser != pick.Browser {
			others = append(others, b.Browser)
		}
	}
	if len(others) > 0 {
		a.Instructions = []string{"Also installed: " + joinWords(others) + ". Trying a second browser tells a browser problem from a network one."}
	}
	if pick.Browser == "firefox" && pick.OS == osDarwin {
		a.Warning = "Firefox on macOS may open an empty private window; paste the address if so."
	}
	return a
}

// Browsers names the browsers found on the machine (keys of Browsers), in
// preference order: steps that differ per browser are shown for these.
// Safari ships with macOS, so it is always there.
func (e ActionEnv) Browsers() []string {
	var out []string
	for _, b := range e.browsers() {
		if !slices.Contains(out, b.Browser) {
			out = append(out, b.Browser)
		}
	}
	if e.GOOS == osDarwin {
		out = append(out, "safari")
	}
	return out
}
