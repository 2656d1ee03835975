package remedies

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// Why an action cannot run, or did not. Plan.Err and the CLI's refusals
// return a *FixError wrapping one of these (or command.ErrNotFound for a
// missing tool), with a message that says what to do; the CLI maps them to
// exit codes with errors.Is.
var (
	ErrUnknownAction     = errors.New("unknown action")
	ErrUnavailable       = errors.New("action unavailable here")
	ErrDeclined          = errors.New("declined")
	ErrNeedsConfirmation = errors.New("needs confirmation")
	ErrNeedsPrivilege    = errors.New("needs administrator rights")
	ErrCommandFailed     = errors.New("command failed")
)

// FixError is why an action cannot run or did not: Kind for errors.Is, Msg
// for people.
type FixError struct {
	// Kind is one of the Err values above, or command.ErrNotFound.
	Kind error
	// Msg says what happened and what to do instead.
	Msg string
}

func (e *FixError) Error() string { return e.Msg }
func (e *FixError) Unwrap() error { return e.Kind }

func fixErr(kind error, format string, args ...any) *FixError {
	return &FixError{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// cleanErr is an error's message fit to print and record: a command's
// error can quote its output, which may hold escape sequences or secrets.
func cleanErr(err error) string { return sanitize.Line(sanitize.Secrets(err.Error())) }

// Plan is one action planned for one machine, as plain data: everything a
// face shows before asking (the exact commands, risk, privilege, scope,
// whether the checks run again), everything it must ask (Questions), and
// everything Execute needs. Planning does no I/O beyond finding tools, so
// a dry run, a confirm dialog and fix --list all read the same plan.
type Plan struct {
	// Action is the action as planned for this machine: ID, Title,
	// Description, Kind, Risk, Privilege, Scope, Recheck, Warning,
	// Instructions, Alternatives, and the commands as they run without
	// escalation.
	Action Action `json:"action"`
	// GOOS is the system the plan is for; Lines are quoted for its shell.
	GOOS string `json:"goos"`
	// Commands are exactly the argvs Execute runs, in order: with
	// "sudo --" in front when Escalate.
	Commands [][]string `json:"commands,omitempty"`
	// Lines are Commands as the user would type them on GOOS.
	Lines []string `json:"lines,omitempty"`
	// Escalate is true when the commands need root and gptdoctor lacks it:
	// they run through sudo, which asks for a password on the terminal, so
	// a full-screen face must hand the terminal over (tea.ExecProcess). It
	// is never true on Windows, which has no sudo: such a plan is Blocked
	// with the elevated-terminal instructions instead.
	Escalate bool `json:"escalate,omitempty"`
	// Confirmations is how many times the user must agree before it runs:
	// 0 no-change, 1 reversible, 2 disruptive. The sudo question comes on
	// top when Escalate.
	Confirmations int `json:"confirmations"`
	// Blocked, when set, says why the action cannot run here and what to
	// do instead; nothing may run. BlockedBy is its kind for errors.Is.
	Blocked   string `json:"blocked,omitempty"`
	BlockedBy error  `json:"-"`
	// Ticket is the support ticket copy-ticket puts on the clipboard (or
	// prints when it cannot).
	Ticket string `json:"ticket,omitempty"`
	// Mutate changes the configuration of the re-check only (bypass-proxy
	// re-checks without the proxy); nil for an ordinary re-check.
	Mutate func(*probes.Config) `json:"-"`
	// Retry is the retry kind's back-off: the waits before each re-check.
	Retry []time.Duration `json:"retry,omitempty"`
	// Basis is the Seq of the session run the plan was made from, whose
	// snapshot the re-check is compared with; 0 when it was made from no
	// run (a dry run's local snapshot).
	Basis int `json:"basis_seq,omitempty"`
}

// ID is the action's ID.
func (p Plan) ID() string { return p.Action.ID }

// Err is why the plan cannot run, as an error for exit codes; nil when it
// can.
func (p Plan) Err() error {
	if p.Blocked == "" {
		return nil
	}
	kind := p.BlockedBy
	if kind == nil {
		kind = ErrUnavailable
	}
	return &FixError{Kind: kind, Msg: p.Blocked}
}

// PlanFor plans one action for the machine env describes, from the
// snapshot s (the latest check). admin says whether the process already
// has the rights admin actions need. It runs nothing: tools are found with
// env.LookPath.
func PlanFor(s probes.Snapshot, env ActionEnv, id string, admin bool) (Plan, error) {
	a, ok := PlanAction(s, env, id)
	if !ok {
		return Plan{}, fixErr(ErrUnknownAction, "unknown action %q; known actions: %s (gptdoctor fix --list explains them)", id, strings.Join(ActionIDs, ", "))
	}
	p := Plan{Action: a, GOOS: env.GOOS, Confirmations: a.Confirmations, Mutate: a.Mutate, Ticket: a.Stdin, Commands: a.Commands}
	if a.Kind == KindRetry {
		p.Retry = Backoff(retryHint(s), retryAttempts)
	}
	p.guard(env, admin)
	p.Lines = commandLines(p.GOOS, p.Commands)
	return p, nil
}

// guard blocks what cannot run here and escalates what needs root.
func (p *Plan) guard(env ActionEnv, admin bool) {
	a, id := p.Action, p.Action.ID
	if a.Unavailable != "" {
		p.Blocked = fmt.Sprintf("%s is not available here: %s", id, a.Unavailable)
		return
	}
	// Tools first: there is no point asking for sudo to run a missing tool.
	for _, c := range a.Commands {
		if _, ok := env.has(c[0]); !ok {
			p.Blocked, p.BlockedBy = missingTool(a, c[0]), command.ErrNotFound
			return
		}
	}
	if a.Privilege != PrivilegeAdmin || len(a.Commands) == 0 || admin {
		return
	}
	lines := strings.Join(commandLines(env.GOOS, a.Commands), " then ")
	switch _, sudo := env.has("sudo"); {
	case env.GOOS == osWindows:
		p.Blocked = fmt.Sprintf("%s needs administrator rights: open an elevated terminal (right-click Start, Terminal (Admin)) and run %s, or run gptdoctor fix %s there",
			id, lines, id)
	case !sudo:
		p.Blocked = fmt.Sprintf("%s needs root and sudo is not installed: run %s as root", id, lines)
	default:
		p.Escalate = true
		p.Commands = nil
		for _, c := range a.Commands {
			p.Commands = append(p.Commands, SudoArgv(c))
		}
		return
	}
	p.BlockedBy = ErrNeedsPrivilege
}

// missingTool explains a tool that is not installed, with what to do
// instead.
func missingTool(a Action, tool string) string {
	msg := fmt.Sprintf("%s cannot run: %s is not installed", a.ID, tool)
	if len(a.Alternatives) > 0 {
		msg += "; instead: " + strings.Join(a.Alternatives, "; ")
	}
	return msg
}

func commandLines(goos string, cmds [][]string) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, CommandLine(goos, c))
	}
	return out
}

// Question is one thing the user must agree to before a plan runs.
type Question struct {
	// Prompt is the question as asked.
	Prompt string `json:"prompt"`
	// Sudo marks the escalation question: yes runs the commands through
	// sudo. --yes never answers it.
	Sudo bool `json:"sudo,omitempty"`
}

// Questions are what must be asked, in order, before the plan runs. yes
// (--yes) answers the first confirmation only: a disruptive action's
// second one and the sudo question are always put to the user, so a
// script can neither drop a connection nor escalate by accident.
func (p Plan) Questions(yes bool) []Question {
	if p.Blocked != "" || p.Action.Kind == KindInstructions { // nothing runs
		return nil
	}
	id := p.Action.ID
	var qs []Question
	for i := range p.Confirmations {
		switch {
		case i == 0 && yes:
		case i == 0:
			qs = append(qs, Question{Prompt: fmt.Sprintf("Run %s?", id)})
		default:
			qs = append(qs, Question{Prompt: fmt.Sprintf("%s is disruptive: %s Really continue?", id, p.Action.Warning)})
		}
	}
	if p.Escalate {
		qs = append(qs, Question{Sudo: true, Prompt: fmt.Sprintf("Run it with sudo (sudo may ask for your password)? %s", strings.Join(p.Lines, " then "))})
	}
	return qs
}

// Unasked is the refusal when questions remain and nobody can be asked (no
// terminal): nil when yes covers everything. The escalation is named
// first: it is the one thing no flag can grant.
func (p Plan) Unasked(yes bool) error {
	qs := p.Questions(yes)
	if len(qs) == 0 {
		return nil
	}
	id := p.Action.ID
	switch {
	case p.Escalate:
		return fixErr(ErrNeedsPrivilege, "%s needs root: run %s yourself, or run gptdoctor fix %s in an interactive terminal to be asked",
			id, strings.Join(p.Lines, " then "), id)
	case yes: // what is left is a disruptive action's second question
		return fixErr(ErrNeedsConfirmation, "%s is disruptive and needs a second confirmation that --yes does not give: run gptdoctor fix %s in an interactive terminal", id, id)
	}
	return fixErr(ErrNeedsConfirmation, "%s needs confirmation: re-run with --yes, or in an interactive terminal", id)
}
