package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// flowStage is where the remedy in hand is: planned, confirmed, running,
// waiting to re-check, re-checking. One action runs at a time.
type flowStage int

const (
	flowIdle     flowStage = iota
	flowPlanning           // PlanAction in flight
	flowConfirm            // the dialog is open
	flowRunning            // Execute in flight (maybe in the terminal, for sudo)
	flowWaiting            // retry: waiting before the re-check
	flowQueued             // the re-check waits for the run in flight to end
	flowRecheck            // the re-check run is streaming
)

type flow struct {
	stage  flowStage
	plan   remedies.Plan
	remedy string
	rec    remedies.ActionRecord
	runID  string
	id     int // numbers the flows, so a late timer of an older one is dropped
	// basis is the run the plan was made from (what a retry's re-checks
	// are judged against) and step the retry's attempt.
	basis probes.Snapshot
	step  int
}

// active: an action is past its confirmation and not yet concluded.
func (f flow) active() bool { return f.stage >= flowRunning }

// selectedRemedy is the remedy ID of the selected row in the Remedies
// pane, "" when a finding (or nothing) is selected.
func (m *Model) selectedRemedy() string {
	k := m.remedies.selectedKey()
	if !strings.HasPrefix(k, "remedy:") {
		return ""
	}
	return k[strings.LastIndexByte(k, ':')+1:]
}

// apply starts the flow for the selected remedy: plan it (runnable) or show
// its steps (manual).
func (m *Model) apply() tea.Cmd {
	id := m.selectedRemedy()
	rem, ok := remedies.RemedyByID(id)
	if !ok || m.flow.stage != flowIdle {
		return nil
	}
	if rem.Action == "" {
		m.openDialog(&dialog{kind: dialogInfo, title: m.clean(rem.Title), lines: m.manualLines(rem), buttons: []string{"Close"}}, true)
		return nil
	}
	m.flow = flow{stage: flowPlanning, remedy: id, id: m.flow.id + 1}
	return planAction(m.actions, rem.Action, id, true, false)
}

// manualLines are a manual remedy's steps for this OS (and the browsers
// found, where the catalogue has per-browser steps).
func (m *Model) manualLines(rem remedies.Remedy) []string {
	out := []string{m.clean(rem.Explanation), ""}
	for i, s := range rem.StepsFor(m.goos(), m.browsers()) {
		out = append(out, fmt.Sprintf("%d. %s", i+1, m.clean(s)))
	}
	return out
}

// browsers are the browsers found on the machine, for per-browser steps;
// until they are known (or when none is found) the list is empty, which
// keeps every browser's steps.
func (m *Model) browsers() []string { return m.found }

// lab: the session's world is the lab's staged machine.
func (m *Model) lab() bool { return m.sess != nil && m.sess.Mode() == "demo" }

func (m *Model) goos() string {
	if m.sess == nil {
		return ""
	}
	return m.sess.GOOS()
}

func (m *Model) onPlan(msg planMsg) tea.Cmd {
	if msg.err != nil {
		m.flow.stage = flowIdle
		m.notify(logError, msg.err.Error())
		return nil
	}
	p := viaTerminal(msg.plan)
	if msg.direct {
		if p.Blocked != "" {
			m.flow.stage = flowIdle
			m.notify(logError, fmt.Sprintf("%s: %s", p.ID(), m.clean(p.Blocked)))
			return nil
		}
		m.flow = flow{stage: flowConfirm, plan: p, remedy: msg.remedy, id: m.flow.id + 1}
		return m.run()
	}
	m.flow.stage, m.flow.plan, m.flow.remedy, m.flow.step = flowConfirm, p, msg.remedy, 0
	if m.last != nil {
		m.flow.basis = m.last.Snapshot
	}
	d := &dialog{kind: dialogConfirm, title: m.clean(p.Action.Title), lines: m.planLines(p), buttons: []string{"Cancel", "Run"}, step: 1}
	if p.Blocked != "" || p.Action.Kind == remedies.KindInstructions {
		// Nothing to run: the steps (or why not) are the whole answer.
		d.kind, d.buttons = dialogInfo, []string{"Close"}
		m.flow.stage = flowIdle
	}
	m.openDialog(d, msg.byKey)
	return nil
}

// viaTerminal: the dashboard puts the support ticket on the clipboard
// through the terminal (OSC 52, which works over SSH; see run), so the
// clipboard tool the headless plan looks for is neither needed nor run.
// Without this the dialog said "no clipboard tool found … the ticket is
// printed instead", and the dashboard printed nothing.
func viaTerminal(p remedies.Plan) remedies.Plan {
	if p.ID() != remedies.ActionCopyTicket {
		return p
	}
	p.Blocked, p.BlockedBy, p.Action.Unavailable = "", nil, ""
	p.Commands, p.Lines, p.Action.Commands = nil, nil, nil
	p.Action.Scope = "replaces the clipboard's contents, through this terminal (OSC 52)"
	return p
}

// planLines say exactly what will happen: the commands for this OS, the
// risk and privilege, what is re-checked afterwards.
func (m *Model) planLines(p remedies.Plan) []string {
	var out []string
	add := func(s string) { out = append(out, s) }
	if p.Action.Description != "" {
		add(m.clean(p.Action.Description))
		add("")
	}
	if len(p.Lines) > 0 {
		add("Runs on this machine, in order:")
		for _, l := range p.Lines {
			add("  $ " + m.clean(l))
		}
		add("")
	}
	priv := "none"
	if p.Action.Privilege == remedies.PrivilegeAdmin {
		priv = "administrator"
		if p.Escalate {
			priv += " (through sudo, which may ask for your password in this terminal)"
		}
	}
	add(fmt.Sprintf("Risk: %s · Privilege: %s", orDash(string(p.Action.Risk)), priv))
	if p.Action.Scope != "" {
		add("Touches: " + m.clean(p.Action.Scope))
	}
	switch {
	case p.Action.Kind == remedies.KindRetry && len(p.Retry) > 0:
		add(fmt.Sprintf("Then: waits %s and re-checks every target, comparing before and after.", p.Retry[0]))
	case p.Action.Kind == remedies.KindReprobe:
		add("Then: re-checks every target once with this change for that run only; nothing on the machine changes.")
	case p.Action.Recheck:
		add("Then: re-checks every target and compares before and after.")
	default:
		add("Nothing to re-check afterwards.")
	}
	if p.Action.Warning != "" {
		add("")
		add("⚠ " + m.clean(p.Action.Warning))
	}
	for _, s := range p.Action.Instructions {
		add("• " + m.clean(s))
	}
	if p.Blocked != "" {
		add("")
		add("Cannot run here: " + m.clean(p.Blocked))
		for _, a := range p.Action.Alternatives {
			add("• " + m.clean(a))
		}
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// closeDialog answers the dialog: yes runs the action (after a second
// confirmation for a disruptive one), no declines it.
func (m *Model) closeDialog(yes bool) tea.Cmd {
	d := m.dlg
	if d.kind != dialogConfirm || m.flow.stage != flowConfirm {
		m.dlg = nil
		if m.flow.stage == flowConfirm {
			m.flow.stage = flowIdle
		}
		return nil
	}
	p := m.flow.plan
	if !yes {
		m.dlg = nil
		m.flow.stage = flowIdle
		rec := m.actions.Decline(p)
		m.record(rec)
		m.logf(logAction, "%s: declined", p.ID())
		m.sync()
		return nil
	}
	if d.step < p.Confirmations {
		warn := p.Action.Warning
		if warn == "" {
			warn = "This action is disruptive."
		}
		m.openDialog(&dialog{kind: dialogConfirm, title: "Really " + m.clean(lowerFirst(p.Action.Title)) + "?",
			lines:   []string{m.clean(warn), "", "Second confirmation: this cannot be undone by gptdoctor."},
			buttons: []string{"Cancel", "Run anyway"}, step: d.step + 1}, false)
		return nil
	}
	m.dlg = nil
	return m.run()
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// run executes the confirmed plan: the ticket goes to the clipboard here,
// sudo gets the terminal, anything else runs in a command.
func (m *Model) run() tea.Cmd {
	p := m.flow.plan
	m.flow.stage = flowRunning
	m.logf(logAction, "%s: %s", p.ID(), orWords(strings.Join(p.Lines, "; "), "started"))
	m.sync()
	switch {
	case p.ID() == remedies.ActionCopyTicket:
		t := p.Ticket
		if m.share {
			t = m.mask(t)
		}
		rec := remedies.ActionRecord{Action: p.ID(), Title: p.Action.Title, Started: m.now(), ExitCode: 0, Outcome: remedies.OutcomeDone}
		m.finishAction(m.actions.Conclude(p, rec, session.Diagnosis{}))
		return tea.SetClipboard(t)
	case p.Escalate && !m.lab():
		// sudo asks for a password on the terminal. The lab's staged sudo
		// never asks, so the demo keeps the screen.
		return executeInTerminal(m.ctx, m.actions, p, m.clean)
	}
	return executeAction(m.ctx, m.actions, p)
}

func orWords(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

func (m *Model) onActionRan(msg actionRanMsg) tea.Cmd {
	if m.flow.stage != flowRunning {
		return nil
	}
	p, rec := m.flow.plan, msg.rec
	m.flow.rec = rec
	switch {
	case !rec.Ran():
		m.finishAction(m.actions.Conclude(p, rec, session.Diagnosis{}))
		return nil
	case p.Action.Kind == remedies.KindRetry && len(p.Retry) > 0:
		return m.retryWait()
	case p.Action.Recheck || p.Action.Kind == remedies.KindReprobe || p.Action.Kind == remedies.KindRetry:
		return m.recheck()
	}
	m.finishAction(m.actions.Conclude(p, rec, session.Diagnosis{}))
	return nil
}

// retryWait waits the retry's current step before its next re-check.
func (m *Model) retryWait() tea.Cmd {
	p := m.flow.plan
	m.flow.stage = flowWaiting
	m.logf(logAction, "%s: waiting %s (attempt %d of %d)", p.ID(), p.Retry[m.flow.step], m.flow.step+1, len(p.Retry))
	return m.arm(&m.timers.retry, p.Retry[m.flow.step], retryWaitMsg{id: m.flow.id})
}

// retryAgain: the retry action keeps re-checking on its back-off schedule
// until every target answers or the attempts run out, as the session's
// headless Apply does; false when it is done.
func (m *Model) retryAgain(d session.Diagnosis) (bool, tea.Cmd) {
	p := m.flow.plan
	if p.Action.Kind != remedies.KindRetry || m.flow.step+1 >= len(p.Retry) || remedies.Healthy(m.flow.basis, d.Snapshot) {
		return false, nil
	}
	m.flow.step++
	return true, m.retryWait()
}

// recheck starts the re-check run, or queues it behind the run in flight.
func (m *Model) recheck() tea.Cmd {
	if m.cur != nil {
		m.flow.stage = flowQueued
		return nil
	}
	m.flow.stage = flowRecheck
	return m.startRun(purposeRecheck, m.flow.plan.Mutate)
}

// record keeps an action's record for the Remedies pane: under its remedy
// while the diagnosis still lists it, and in the pane's list of what was
// applied, which outlives the findings a fix makes go away.
func (m *Model) record(rec remedies.ActionRecord) {
	m.outcomes[rec.Action] = rec
	m.applied = append(m.applied, rec)
}

// finishAction shows the outcome in the Remedies pane and the log.
func (m *Model) finishAction(rec remedies.ActionRecord) {
	m.record(rec)
	m.flow.stage = flowIdle
	m.notify(logAction, outcomeLine(rec))
	m.sync()
}

// outcomeLine is "flush-dns: fixed — chatgpt.com: … → chatgpt.com: …".
func outcomeLine(rec remedies.ActionRecord) string {
	s := rec.Action + ": " + string(rec.Outcome)
	if rec.Before != "" || rec.After != "" {
		s += " — " + rec.Before + " → " + rec.After
	}
	if rec.Err != "" {
		s += " — " + rec.Err
	}
	return s
}
