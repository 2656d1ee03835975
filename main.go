// Command gptdoctor finds out why ChatGPT or the OpenAI API cannot be
// reached from this machine, shows the evidence, and applies the safe local
// fixes.
//
// main parses the command line, picks a mode and wires the real machine (or
// the built-in lab) into the probes; everything it prints comes from the
// report package.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
)

// Exit codes. Scripts rely on them; docs/json.md and the README list them.
const (
	exitOK          = 0   // every target reachable
	exitProblem     = 1   // a problem was found (or reachability could not be confirmed)
	exitCannotRun   = 2   // bad flag, bad URL, unreadable file: nothing was probed
	exitInterrupted = 130 // the user pressed Ctrl-C
)

// version is set at build time with -ldflags "-X main.version=v1.2.3"; a
// `go install`ed binary reports its module version instead.
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	interrupted := ctx.Err() != nil
	stop()
	if interrupted && code != exitOK {
		code = exitInterrupted
	}
	os.Exit(code)
}

// run is main without the process: tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "" // no command: the dashboard on a terminal, check's summary elsewhere
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprint(stdout, mainUsage)
		return exitOK
	}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = append([]string{"version"}, args[1:]...)
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	code := exitOK
	switch cmd {
	case "":
		code, err = cmdDefault(ctx, args, os.Stdin, stdout, stderr)
	case "check":
		code, err = cmdCheck(ctx, args, stdout, stderr)
	case "demo":
		code, err = cmdDemo(ctx, args, os.Stdin, stdout, stderr)
	case "fix":
		code, err = cmdFix(ctx, args, os.Stdin, stdout, stderr)
	case "report":
		code, err = cmdReport(ctx, args, stdout, stderr)
	case "watch":
		code, err = cmdWatch(ctx, args, stdout, stderr)
	case "version":
		if len(args) > 0 {
			err = usagef("version takes no arguments (got %s)", strings.Join(args, " "))
			break
		}
		fmt.Fprintln(stdout, versionLine())
	case "help":
		if len(args) > 0 {
			return run(ctx, []string{args[0], "--help"}, stdout, stderr)
		}
		fmt.Fprint(stdout, mainUsage)
	default:
		err = usagef("unknown command %q (commands: %s)", cmd, commandList)
	}
	switch {
	case err == nil:
		return code
	case errors.Is(err, errHelp):
		printCommandHelp(stdout, cmd)
		return exitOK
	default:
		fmt.Fprintf(stderr, "gptdoctor: %s\n", oneLine(err.Error()))
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmdName(cmd))
			return exitCannotRun
		}
		if code == exitOK {
			code = exitCannotRun
		}
		return code
	}
}

// commandList names the commands in messages about a command line that
// names none of them.
const commandList = "check, demo, fix, report, watch, version, help"

func cmdName(cmd string) string {
	switch cmd {
	case "check", "demo", "fix", "report", "watch":
		return "gptdoctor " + cmd
	}
	return "gptdoctor"
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// versionLine is what `gptdoctor version` and `--version` print: the
// version, then the commit and Go version the build info records, so a
// bug report names the exact build.
func versionLine() string {
	out := "gptdoctor " + versionString()
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return out
	}
	var details []string
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if settings["vcs.modified"] == "true" {
			rev += ", modified"
		}
		details = append(details, "commit "+rev)
	}
	if t := settings["vcs.time"]; t != "" {
		details = append(details, t)
	}
	details = append(details, bi.GoVersion, runtime.GOOS+"/"+runtime.GOARCH)
	return out + " (" + strings.Join(details, ", ") + ")"
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

const mainUsage = `gptdoctor finds out why ChatGPT or the OpenAI API cannot be reached from here.

Usage:
  gptdoctor [flags]                the live dashboard on a terminal; check's summary elsewhere
  gptdoctor check [flags]          diagnose this machine and network (headless)
  gptdoctor demo SCENARIO [flags]  the same diagnosis against the built-in lab, offline
  gptdoctor demo                   pick a scenario first (on a terminal)
  gptdoctor demo --list            list the lab's scenarios
  gptdoctor fix ID [flags]         apply one remedy, then re-check
  gptdoctor fix --list             list the remedies: what can run here, what cannot and why
  gptdoctor report [-o FILE]       diagnose and write a report file (Markdown, JSON or HTML)
  gptdoctor report --from FILE     re-render a saved JSON session without probing
  gptdoctor watch [flags]          diagnose every minute; serve Prometheus metrics, log JSON lines
  gptdoctor version                print the version, commit and Go version (also --version)

Run 'gptdoctor COMMAND --help' for a command's flags. The dashboard takes check's
flags and --interval DURATION (default 60s; 0 re-runs only on demand; never
below 10s, which would itself get you rate-limited) and --mouse.

Exit codes: 0 every target is reachable, 1 a problem was found or reachability
could not be confirmed, 2 gptdoctor could not run (bad flag, bad file), 130
interrupted. The dashboard exits 0 when you quit it.
`

// printCommandHelp prints one command's usage with its flags.
func printCommandHelp(w io.Writer, cmd string) {
	var p *parsedFlags
	switch cmd {
	case "":
		fmt.Fprint(w, "Usage: gptdoctor [flags]\n\nOn a terminal, open the live dashboard: the diagnosis fills in as answers arrive,\nre-runs every --interval, and applies remedies from a key (? lists the keys).\nElsewhere (a pipe, a file, --json), print the same summary as 'gptdoctor check'.\n\nFlags:\n")
		p = dashboardFlagSet()
	case "check":
		fmt.Fprint(w, "Usage: gptdoctor check [flags]\n\nProbe the endpoints ChatGPT and the OpenAI API depend on, read the answers the way\nan expert would, and name the cause with its fix.\n\nFlags:\n")
		p = checkFlagSet()
	case "demo":
		fmt.Fprint(w, "Usage: gptdoctor demo [SCENARIO] [flags]\n       gptdoctor demo SCENARIO --fix ID [--yes]\n       gptdoctor demo --list\n\nRun the diagnosis against the built-in lab: a fake internet on loopback that\nreproduces one real failure. Nothing leaves this machine. On a terminal the\ndashboard opens on the lab (without SCENARIO, a picker first); elsewhere (or\nwith --json or --fix) the summary prints. --fix applies a remedy to the lab's\nstaged machine, never this one.\n\nFlags:\n")
		p = demoFlagSet(new(demoFlags))
	case "fix":
		fmt.Fprint(w, "Usage: gptdoctor fix ID [--yes] [--dry-run] [flags]\n       gptdoctor fix --list\n\nApply one remedy headless: show the exact command, its risk and privilege, ask,\nrun it, then re-check and print before and after.\n\nFlags:\n")
		p = fixFlagSet(new(fixFlags))
	case "report":
		fmt.Fprint(w, "Usage: gptdoctor report [-o FILE] [--format md|json|html] [--share] [--force] [check flags]\n       gptdoctor report --from FILE.json [-o FILE] [--format ...] [--share] [--force]\n       gptdoctor report --demo SCENARIO [-o FILE] [...]\n\nRun one diagnosis and write the session to a file for a support ticket: Markdown\nfor pasting, JSON for machines (report --from reads it back), HTML for IT staff.\nSecrets never appear; --share also masks what identifies you. An existing file\nis never replaced without --force.\n\nFlags:\n")
		p = reportFlagSet(new(reportFlags))
	case "watch":
		fmt.Fprint(w, "Usage: gptdoctor watch [--interval 60s] [--listen 127.0.0.1:9464] [--log FILE.jsonl] [flags]\n       gptdoctor watch --demo SCENARIO [flags]\n\nRun the diagnosis every interval until interrupted (SIGINT, SIGTERM), serve each\nrun as Prometheus metrics on /metrics and append it to a JSON-lines log.\nSee docs/monitoring.md.\n\nFlags:\n")
		p = watchFlagSet(new(watchFlags))
	default:
		fmt.Fprint(w, mainUsage)
		return
	}
	p.fs.SetOutput(w)
	p.fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if len(f.Name) == 1 {
			line = "  -" + f.Name // -o reads as a short option
		}
		if name != "" {
			line += " " + name
		}
		fmt.Fprintf(w, "%-34s %s", line, usage)
		// A usage that names its own default ("the scenario's own") says it better.
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && !strings.Contains(usage, "(default") {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}
