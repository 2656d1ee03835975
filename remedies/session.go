package remedies

import (
	"fmt"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// ActionRecord is one action as it happened, for the report and the support
// ticket: what ran (or would have), how it ended, and what the re-check
// showed before and after.
type ActionRecord struct {
	// Action is the action ID that was asked for (flush-dns, open-status,
	// private-window, bypass-proxy, retry, copy-ticket, renew-dhcp,
	// winsock-reset or ip-reset).
	Action string `json:"action"`
	// Title is the action's human title; empty when the ID is not a known
	// action.
	Title string `json:"title"`
	// Commands are the argvs that ran, or would have in a dry run (with
	// sudo in front when escalated).
	Commands [][]string `json:"commands,omitempty"`
	// DryRun is true when the action was only shown (fix --dry-run), not run.
	DryRun bool `json:"dry_run,omitempty"`
	// Escalated is true when the user agreed to run the commands through
	// sudo.
	Escalated bool `json:"escalated,omitempty"`
	// Started is when the action began.
	Started time.Time `json:"started"`
	// Duration is how long the action took, re-check included.
	Duration probes.Millis `json:"duration_ms"`
	// ExitCode is the last command's exit status (-1 when none ran to an
	// exit).
	ExitCode int `json:"exit_code"`
	// Output is what the commands printed: sanitised, secrets redacted,
	// capped.
	Output string `json:"output,omitempty"`
	// Err says why the action did not complete, in words that say what to
	// do.
	Err string `json:"error,omitempty"`
	// Before and After summarise the targets around the action
	// ("chatgpt.com: Cloudflare 1020 via proxy" -> "chatgpt.com: 200 OK direct").
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Outcome is how it ended: fixed, improved, unchanged or worse (what the
	// re-check showed); confirmed or ruled-out (a what-if re-check such as
	// bypass-proxy, which changes nothing on the machine, showed that what it
	// left out is or is not the cause); done, not-rechecked, dry-run,
	// instructions, declined or failed.
	Outcome Outcome `json:"outcome"`
	// Verdict says what a what-if re-check proved ("works without the
	// proxy: the proxy is the cause (nothing was changed; …)"); empty for
	// other actions.
	Verdict string `json:"verdict,omitempty"`

	// failure is Err as an error, for Failure.
	failure error
}

// Line is the record in one line: "flush-dns: ran resolvectl flush-caches
// (exit 0); chatgpt.com: Cloudflare 1020 direct -> chatgpt.com: 200 OK
// direct (fixed)".
func (r ActionRecord) Line() string {
	var cmds []string
	for _, c := range r.Commands {
		cmds = append(cmds, CommandLine("", c))
	}
	var what string
	switch {
	case r.DryRun && len(cmds) > 0:
		what = "dry run, would run " + strings.Join(cmds, "; ")
	case r.DryRun:
		what = "dry run"
	case r.Outcome == OutcomeDeclined:
		what = "declined"
	case len(cmds) > 0 && r.ExitCode >= 0:
		what = fmt.Sprintf("ran %s (exit %d)", strings.Join(cmds, "; "), r.ExitCode)
	case len(cmds) > 0:
		what = "tried " + strings.Join(cmds, "; ")
	case r.Outcome == OutcomeConfirmed || r.Outcome == OutcomeRuledOut:
		what = "re-checked without changing anything"
	case r.Before != "":
		what = "re-checked"
	default:
		what = string(r.Outcome)
	}
	line := r.Action + ": " + what
	if r.Err != "" {
		line += "; " + r.Err
	}
	if r.Before != "" && r.After != "" {
		line += fmt.Sprintf("; %s -> %s (%s)", r.Before, r.After, r.Outcome)
	}
	return line
}

// Tried lists the actions that actually ran, one line each, oldest first:
// the support ticket's "already tried". Dry runs and declined actions were
// not tried.
func Tried(records []ActionRecord) []string {
	var out []string
	for _, r := range records {
		if r.DryRun || r.Outcome == OutcomeDeclined {
			continue
		}
		out = append(out, r.Started.UTC().Format("15:04 UTC")+" "+r.Line())
	}
	return out
}
