package remedies

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"

	"github.com/gptdoctor/gptdoctor/internal/command"
)

var osNames = []struct{ goos, name string }{{osLinux, "Linux"}, {osDarwin, "macOS"}, {osWindows, "Windows"}}

func osName(goos string) string {
	for _, o := range osNames {
		if o.goos == goos {
			return o.name
		}
	}
	return goos
}

func osList(list []string) string {
	var w []string
	for _, g := range list {
		w = append(w, osName(g))
	}
	return strings.Join(w, ", ")
}

// catalogueMarkdown renders the catalogue, the rules and the actions as the
// reference a support person reads (docs/causes.md). Everything in it comes
// from the data the program runs on, so the two cannot drift: TestCausesDoc
// fails when the committed file differs.
func catalogueMarkdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	p("# Causes, remedies and actions")
	p("")
	p("<!-- Generated from remedies/ by `go test ./remedies -run TestCausesDoc -update`. Do not edit by hand. -->")
	p("")
	p("This is what `gptdoctor check` can conclude, what it looks for, and what it suggests. Each finding names a cause,")
	p("a confidence, the evidence (probe result IDs with Ray IDs, the IP Cloudflare saw, TLS issuers …) and its remedies in order.")
	p("")
	p("* **confirmed**: a measurement proves the cause.")
	p("* **likely**: the evidence fits this cause best, but cannot prove it from here.")
	p("* **possible**: worth checking; nothing measured contradicts it.")
	p("")
	p("Findings are ranked by confidence, then severity (blocking, degrading, advisory), then the order of this list.")
	p("Probes that were skipped or could not tell (status skipped or unknown) are never used as proof of a problem.")
	p("When every request from this machine succeeds, gptdoctor says so and points at the browser instead of inventing a network cause.")
	p("")

	p("## Causes")
	p("")
	for _, c := range causes {
		p("### `%s`: %s", c.ID, c.Title)
		p("")
		p("%s", c.Explanation)
		p("")
		p("Severity: %s.", c.Severity)
		p("")
		p("What gptdoctor looks for:")
		p("")
		for _, r := range rules {
			for _, d := range r.docs {
				if d.Cause == c.ID {
					p("* %s: **%s**", d.Trigger, d.Confidence)
				}
			}
		}
		p("")
		p("Remedies, in order:")
		p("")
		for i, id := range c.Remedies {
			r, _ := RemedyByID(id)
			line := fmt.Sprintf("%d. %s (`%s`)", i+1, r.Title, id)
			if r.Action != "" {
				line += fmt.Sprintf(", action `%s`", r.Action)
			}
			p("%s", line)
		}
		p("")
	}

	p("## Remedies")
	p("")
	for _, r := range remedies {
		p("### `%s`: %s", r.ID, r.Title)
		p("")
		p("%s", r.Explanation)
		p("")
		if len(r.OS) > 0 {
			p("Only on %s.", osList(r.OS))
			p("")
		}
		if r.Action != "" {
			p("Applied by `gptdoctor fix %s`.", r.Action)
			p("")
		}
		for _, s := range r.Steps {
			var tags []string
			if len(s.OS) > 0 {
				tags = append(tags, osList(s.OS))
			}
			if s.Browser != "" {
				tags = append(tags, s.Browser)
			}
			if len(tags) > 0 {
				p("* [%s] %s", strings.Join(tags, ", "), s.Text)
			} else {
				p("* %s", s.Text)
			}
		}
		p("")
	}

	p("## Actions")
	p("")
	p("`gptdoctor fix ID` applies one action: it prints the exact command, its risk and privilege, asks as the risk requires")
	p("(`--yes` answers the first question only; disruptive actions always ask twice), runs it without a shell, re-runs the")
	p("probes and prints before and after. `--dry-run` shows what would run and runs nothing. Without the privilege an action needs,")
	p("gptdoctor says so and offers the exact `sudo -- …` command (on Windows: run it from an elevated terminal); it never escalates silently.")
	p("")
	p("| ID | kind | risk | privilege | confirmations | checks again afterwards |")
	p("|---|---|---|---|---|---|")
	for _, a := range docActions() {
		re := "no"
		if a.Recheck {
			re = "yes"
		}
		p("| `%s` | %s | %s | %s | %d | %s |", a.ID, a.Kind, a.Risk, a.Privilege, a.Confirmations, re)
	}
	p("")
	p("Privilege shows the highest need on any system: flushing DNS needs root on Linux and macOS but not on Windows.")
	p("")

	p("### `flush-dns`")
	p("")
	p("Flushes every cache the DNS probe found running, with the tool of its stack:")
	p("")
	p("| OS | cache | commands | privilege |")
	p("|---|---|---|---|")
	for _, m := range flushMethods {
		cell := "`" + strings.Join(commandLines(m.OS, m.Commands), "` then `") + "`"
		if m.Fallback != nil {
			cell += " (without it: `" + strings.Join(commandLines(m.OS, m.Fallback), "` then `") + "`)"
		}
		p("| %s | %s | %s | %s |", osName(m.OS), m.Cache, cell, m.Privilege)
	}
	p("")
	p("### `open-status`")
	p("")
	for _, o := range osNames {
		var w []string
		for _, argv := range urlOpeners[o.goos] {
			w = append(w, "`"+CommandLine(o.goos, append(argv[:len(argv):len(argv)], "URL"))+"`")
		}
		note := ""
		if len(w) > 1 {
			note = " (the first found)"
		}
		p("* %s: %s%s", o.name, strings.Join(w, ", "), note)
	}
	p("")
	p("### `private-window`")
	p("")
	p("The first browser found, in this order (or the one asked for):")
	p("")
	for _, o := range osNames {
		var w []string
		for _, bl := range browserLaunchers {
			if bl.OS != o.goos {
				continue
			}
			fb := foundBrowser{bl, windowsVars.ReplaceAllString(bl.Paths[0], "%$1%")}
			w = append(w, "`"+CommandLine(o.goos, fb.privateArgv("URL"))+"`")
		}
		p("* %s: %s", o.name, strings.Join(w, ", "))
	}
	p("* Safari has no switch for a private window; the remedy's steps say ⌘⇧N.")
	p("")
	p("### `copy-ticket`")
	p("")
	for _, o := range osNames {
		var w []string
		for _, argv := range clipboardTools[o.goos] {
			w = append(w, "`"+CommandLine(o.goos, argv)+"`")
		}
		note := ""
		if len(w) > 1 {
			note = " (the first found"
			if o.goos == osLinux {
				note += "; wl-copy only under Wayland"
			}
			note += ")"
		}
		p("* %s: %s%s, with the ticket on standard input", o.name, strings.Join(w, ", "), note)
	}
	p("")
	p("### `renew-dhcp`")
	p("")
	p("Disruptive: asks twice. On the interface that carries traffic (never a VPN tunnel):")
	p("")
	for _, o := range osNames {
		tools := [][]string{nil}
		if o.goos == osLinux {
			tools = [][]string{{"nmcli"}, {"networkctl"}, {"dhclient"}}
		}
		for _, t := range tools {
			a := planRenewDHCP(docEgressSnapshot(), docEnv(o.goos, t...))
			label := o.name
			if len(t) > 0 {
				label += " with " + t[0]
			}
			p("* %s: `%s`", label, strings.Join(commandLines(o.goos, a.Commands), "` then `"))
		}
	}
	p("")
	p("### `bypass-proxy` and `retry`")
	p("")
	p("`bypass-proxy` re-runs the probes with every proxy ignored, for that run only. `retry` re-runs them up to %d times,", retryAttempts)
	p("waiting %s (a server's Retry-After or rate-limit reset replaces the first wait, up to %s),", scheduleWords(Backoff(0, retryAttempts)), humanDuration(maxRetryHint))
	p("and stops as soon as every target answers. It refuses when the API quota is exhausted.")
	p("")
	p("### `winsock-reset` and `ip-reset`")
	p("")
	p("Windows only, instructions only: both need an elevated terminal and a restart, and remove VPN/antivirus network")
	p("components or static IP and DNS settings, so gptdoctor shows the steps (`netsh winsock reset`, `netsh int ip reset`) and runs nothing.")
	p("")

	p("## Domains to allowlist")
	p("")
	p("`ask-it-allowlist` gives IT this list: %s.", "`"+strings.Join(OpenAIDomains, "`, `")+"`")
	return b.String()
}

// windowsVars matches the {VAR} placeholders of Windows browser paths, shown
// in the docs as %VAR%.
var windowsVars = regexp.MustCompile(`\{([A-Za-z()0-9]+)\}`)

// docActions plans every action on each OS with every tool present and
// keeps, per action, the highest privilege any OS needs.
func docActions() []Action {
	var merged []Action
	for _, o := range osNames {
		for i, a := range PlanActions(docEgressSnapshot(), docEnv(o.goos)) {
			if len(merged) <= i {
				merged = append(merged, a)
				continue
			}
			if a.Privilege == PrivilegeAdmin {
				merged[i].Privilege = PrivilegeAdmin
			}
		}
	}
	return merged
}

// docEnv is an environment in which the given tools (all, when none are
// named) are installed.
func docEnv(goos string, only ...string) ActionEnv {
	return ActionEnv{
		GOOS: goos,
		LookPath: func(name string) (string, error) {
			if len(only) == 0 {
				return name, nil
			}
			for _, t := range only {
				if t == name {
					return name, nil
				}
			}
			return "", command.NotFound(name)
		},
		Getenv: func(string) string { return "X" },
	}
}

func docEgressSnapshot() probes.Snapshot {
	return probes.Snapshot{Results: []probes.Result{{
		ID: "identity:egress", Kind: probes.KindIdentity, Status: probes.StatusPass,
		Details: &probes.EgressDetails{IPv4: &probes.EgressPath{Interface: "IFACE"}, IPv4Available: true},
	}, {
		ID: "dns:config", Kind: probes.KindDNS, Status: probes.StatusPass,
		Details: &probes.DNSConfigDetails{Stack: "systemd-resolved (stub)"},
	}}}
}
