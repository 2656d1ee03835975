package remedies

import (
	"net/url"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// Action IDs. They are short and stable: support instructions say
// "run gptdoctor fix flush-dns".
const (
	ActionFlushDNS      = "flush-dns"
	ActionOpenStatus    = "open-status"
	ActionPrivateWindow = "private-window"
	ActionBypassProxy   = "bypass-proxy"
	ActionRetry         = "retry"
	ActionCopyTicket    = "copy-ticket"
	ActionRenewDHCP     = "renew-dhcp"
	ActionWinsockReset  = "winsock-reset"
	ActionIPReset       = "ip-reset"
)

// ActionIDs lists every action in the order fix --list shows them.
var ActionIDs = []string{
	ActionFlushDNS, ActionOpenStatus, ActionPrivateWindow, ActionBypassProxy, ActionRetry,
	ActionCopyTicket, ActionRenewDHCP, ActionWinsockReset, ActionIPReset,
}

// ActionKind says how an action is carried out.
type ActionKind string

// Action kinds.
const (
	// KindCommand runs Commands one after another and waits for each.
	KindCommand ActionKind = "command"
	// KindOpen launches a browser or URL handler and does not wait for it:
	// a browser started by the launcher lives as long as the user wants.
	KindOpen ActionKind = "open"
	// KindClipboard runs a clipboard tool with Stdin as its input.
	KindClipboard ActionKind = "clipboard"
	// KindReprobe changes nothing on the machine; it re-runs the probes with
	// a different configuration for that run only.
	KindReprobe ActionKind = "reprobe"
	// KindRetry re-runs the probes on an exponential back-off schedule until
	// the targets answer or the attempts run out.
	KindRetry ActionKind = "retry"
	// KindInstructions runs nothing: the step is too heavy to take on a
	// keypress, so the user is told exactly what to do.
	KindInstructions ActionKind = "instructions"
)

// Privilege is what an action needs to run.
type Privilege string

// Privileges.
const (
	PrivilegeNone  Privilege = "none"
	PrivilegeAdmin Privilege = "admin" // root (sudo) on Unix, an elevated token on Windows
)

// Risk says what an action does to the machine.
type Risk string

// Risks, mildest first. The number of confirmations follows from it.
const (
	// RiskNoChange: nothing on the machine changes (opening a page,
	// re-probing, copying text).
	RiskNoChange Risk = "no-change"
	// RiskReversible: state changes but restores itself or is harmless to
	// lose (a DNS cache refills on the next lookups).
	RiskReversible Risk = "reversible"
	// RiskDisruptive: the connection drops or settings are lost; it needs
	// two confirmations, and --yes covers only the first.
	RiskDisruptive Risk = "disruptive"
)

// confirmationsFor is the number of times a user must say yes.
func confirmationsFor(r Risk) int {
	switch r {
	case RiskReversible:
		return 1
	case RiskDisruptive:
		return 2
	}
	return 0
}

// Action is one safe local fix, planned for this machine: the exact argv it
// runs (never a shell string), what it needs and risks, and whether the
// checks run again afterwards to prove whether it worked.
type Action struct {
	// ID is what the user types: gptdoctor fix ID (one of ActionIDs).
	ID string `json:"id"`
	// Title says what the action does in a few words, for fix --list.
	Title string `json:"title"`
	// Description says what it does on this machine and why that helps,
	// shown before the user is asked.
	Description string `json:"description"`
	// Kind says how Fix carries it out: commands, a launch, the clipboard,
	// a re-check or instructions.
	Kind ActionKind `json:"kind"`
	// Commands are the argvs run in order; several for multi-step fixes
	// (macOS flushes with dscacheutil, then signals mDNSResponder).
	Commands [][]string `json:"commands,omitempty"`
	// Stdin is fed to clipboard tools; it is the support ticket.
	Stdin string `json:"-"`
	// Privilege says whether it needs root or an elevated terminal, so Fix
	// can offer sudo (never silently) or say where to run it instead.
	Privilege Privilege `json:"privilege"`
	// Risk is what it does to the machine; it sets how many times the user
	// is asked.
	Risk Risk `json:"risk"`
	// Scope says what the action touches ("this machine's DNS cache",
	// "this one check; no setting changes").
	Scope string `json:"scope"`
	// Recheck says Fix runs the checks again afterwards (all of them: a
	// fix can change more than the probes it targets) and compares.
	Recheck bool `json:"recheck,omitempty"`
	// Confirmations is how many times the user must agree: at least what
	// the risk demands (0, 1, or 2 for disruptive actions).
	Confirmations int `json:"confirmations"`
	// Instructions are the steps for instruction-only actions, and extra
	// advice for the others.
	Instructions []string `json:"instructions,omitempty"`
	// Warning is shown before the action runs (restart needed, connection
	// drops).
	Warning string `json:"warning,omitempty"`
	// Alternatives say what to do when a tool is missing.
	Alternatives []string `json:"alternatives,omitempty"`
	// Unavailable says why the action cannot run here; empty when it can.
	Unavailable string `json:"unavailable,omitempty"`
	// Mutate changes the probe configuration for the re-check only
	// (bypass-proxy sets BypassProxy).
	Mutate func(*probes.Config) `json:"-"`
	// Suspect names what a what-if re-check (KindReprobe) leaves out ("the
	// proxy"), for its verdict: "works without the proxy: the proxy is the
	// cause".
	Suspect string `json:"-"`
}

// ActionEnv is what planning needs to know about this machine. Tools are
// found through LookPath (the Runner's), so planning itself does no I/O.
type ActionEnv struct {
	// GOOS is the system to plan for: the commands differ per OS, and
	// tests plan for every OS from one machine.
	GOOS string
	// LookPath finds a tool by name, or checks an absolute path; nil means
	// no tool is available.
	LookPath func(name string) (string, error)
	// Getenv reads environment variables (WAYLAND_DISPLAY, ProgramFiles,
	// LOCALAPPDATA); nil means none are set.
	Getenv func(key string) string
	// StatusPage is the human status page to open (StatusPageFor of the
	// configured status API); empty means DefaultStatusPage.
	StatusPage string
	// TargetURL is the page to open in a private window; empty means the
	// first web target in the snapshot, or https://chatgpt.com/.
	TargetURL string
	// Browser is the preferred browser key for private-window ("firefox");
	// empty picks the first one found.
	Browser string
	// Ticket is the support-ticket text copy-ticket puts on the clipboard.
	Ticket string
}

func (e ActionEnv) has(name string) (string, bool) {
	if e.LookPath == nil {
		return "", false
	}
	p, err := e.LookPath(name)
	return p, err == nil && p != ""
}

func (e ActionEnv) getenv(key string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(key)
}

// firstTool returns the first of names that is installed.
func (e ActionEnv) firstTool(names ...string) (string, bool) {
	for _, n := range names {
		if _, ok := e.has(n); ok {
			return n, true
		}
	}
	return "", false
}

// DefaultStatusPage is the page open-status opens.
const DefaultStatusPage = "https://status.openai.com/"

// StatusPageFor turns a status API URL into the page people read
// ("https://status.openai.com/api/v2/summary.json" -> "https://status.openai.com/").
func StatusPageFor(statusURL string) string {
	u, err := url.Parse(statusURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return DefaultStatusPage
	}
	return u.Scheme + "://" + u.Host + "/"
}

func (e ActionEnv) statusPage() string {
	if e.StatusPage != "" {
		return e.StatusPage
	}
	return DefaultStatusPage
}

func (e ActionEnv) targetURL(s probes.Snapshot) string {
	if e.TargetURL != "" {
		return e.TargetURL
	}
	for _, r := range s.Results {
		if d, ok := r.Details.(*probes.EndpointDetails); ok && d.Variant.Headers == probes.HeadersBrowser && d.URL != "" {
			return d.URL
		}
	}
	return "https://chatgpt.com/"
}

// planners plan each action from the snapshot and the machine.
var planners = map[string]func(probes.Snapshot, ActionEnv) Action{
	ActionFlushDNS:      planFlushDNS,
	ActionOpenStatus:    planOpenStatus,
	ActionPrivateWindow: planPrivateWindow,
	ActionBypassProxy:   planBypassProxy,
	ActionRetry:         planRetry,
	ActionCopyTicket:    planCopyTicket,
	ActionRenewDHCP:     planRenewDHCP,
	ActionWinsockReset:  planWinsockReset,
	ActionIPReset:       planIPReset,
}

// PlanActions plans every action for this machine and snapshot, in
// ActionIDs order. Actions that cannot run here are still returned, with
// Unavailable saying why, so fix --list can explain them.
func PlanActions(s probes.Snapshot, env ActionEnv) []Action {
	out := make([]Action, 0, len(ActionIDs))
	for _, id := range ActionIDs {
		a, _ := PlanAction(s, env, id)
		out = append(out, a)
	}
	return out
}

// PlanAction plans one action by ID.
func PlanAction(s probes.Snapshot, env ActionEnv, id string) (Action, bool) {
	plan, ok := planners[id]
	if !ok {
		return Action{}, false
	}
	return completed(id, plan(s, env)), true
}

// completed fills what every planned action has: its ID, a privilege, and
// never fewer confirmations than its risk demands, so a disruptive action
// cannot drop to one question whatever its planner set.
func completed(id string, a Action) Action {
	a.ID = id
	a.Confirmations = max(a.Confirmations, confirmationsFor(a.Risk))
	if a.Privilege == "" {
		a.Privilege = PrivilegeNone
	}
	return a
}

// CommandLine renders an argv for people to read and copy, quoted for the
// shell of goos. It is for display only: actions never run through a shell.
func CommandLine(goos string, argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		parts[i] = quoteArg(goos, a)
	}
	return strings.Join(parts, " ")
}

func quoteArg(goos, a string) string {
	if a == "" {
		if goos == osWindows {
			return `""`
		}
		return "''"
	}
	if goos == osWindows {
		if strings.ContainsAny(a, " \t\"&|<>^") {
			return `"` + strings.ReplaceAll(a, `"`, `\"`) + `"`
		}
		return a
	}
	safe := true
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@%+", r)) {
			safe = false
			break
		}
	}
	if safe {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

// SudoArgv is argv run through sudo, which then reads the password from the
// terminal: "--" ends sudo's options so argv cannot be read as one.
func SudoArgv(argv []string) []string {
	return append([]string{"sudo", "--"}, argv...)
}
