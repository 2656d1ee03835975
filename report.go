package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/report"
	"github.com/gptdoctor/gptdoctor/session"
)

// reportFlags are the flags only report has.
type reportFlags struct {
	out, format, from, demo string
	share, force            bool
}

// reportFlagSet is report's flags, filling r: check's, plus where the
// report goes and where the session comes from.
func reportFlagSet(r *reportFlags) *parsedFlags {
	p := newFlagSet("report", true, func(fs *flag.FlagSet) {
		fs.StringVar(&r.out, "o", "", "write the report to `FILE` (default gptdoctor-report-YYYYMMDD-HHMMSS.md here; - for stdout)")
		fs.StringVar(&r.out, "output", "", "the same as -o `FILE`")
		fs.StringVar(&r.format, "format", "", "`md`, json or html (default: from the file's extension, else md)")
		fs.BoolVar(&r.share, "share", false, "also mask local addresses, host and user names, and shorten the public IP, for posting in public")
		fs.BoolVar(&r.force, "force", false, "replace the file if it exists")
		fs.StringVar(&r.from, "from", "", "re-render a saved session or check --json `FILE` instead of probing")
		fs.StringVar(&r.demo, "demo", "", "report on the built-in lab's `SCENARIO` instead of this machine (see demo --list)")
	})
	// check's output flags mean something else here, or nothing.
	p.fs.Lookup("json").Usage = "the same as --format json"
	p.fs.Lookup("no-color").Usage = "accepted for check's sake: a report file is never coloured"
	p.fs.Lookup("verbose").Usage = "accepted for check's sake: a report lists every probe of the latest run"
	return p
}

// cmdReport runs one diagnosis (of this machine, or of a lab scenario with
// --demo) and writes the session as a report file, or re-renders a saved
// one with --from. The exit code is the diagnosis's, or 0 for --from; 2
// when the file cannot be written.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var rf reportFlags
	p := reportFlagSet(&rf)
	pos, err := p.parse(args)
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usagef("report: unexpected argument %q (name the file with -o)", pos[0])
	}
	set := p.setFlags()
	if rf.from != "" && rf.demo != "" {
		return 0, usagef("report: --from and --demo cannot be combined: one re-renders, the other probes the lab")
	}
	if rf.from != "" || rf.demo != "" {
		for _, name := range probingFlags {
			if set[name] && !(rf.demo != "" && name == "timeout") {
				src := "--from re-renders without probing"
				if rf.demo != "" {
					src = "--demo probes the lab, which sets its own"
				}
				return 0, usagef("report: --%s does not apply: %s", name, src)
			}
		}
	}
	format, err := reportFormat(rf, p.json)
	if err != nil {
		return 0, err
	}
	out := rf.out
	if st, err := os.Stat(out); out == "" || err == nil && st.IsDir() {
		out = filepath.Join(out, report.DefaultName(time.Now(), format))
	}

	var rec session.Record
	opts := report.Options{Share: rf.share, Private: report.PrivateFromOS()}
	code := exitOK
	switch {
	case rf.from != "":
		data, err := os.ReadFile(rf.from)
		if err != nil {
			return 0, usagef("report --from %s: %v", rf.from, unwrapPath(err))
		}
		if rec, err = session.DecodeRecord(data); err != nil {
			return 0, usagef("report --from %s: %v", rf.from, err)
		}
		opts.Secrets = report.SecretsFromEnv(os.LookupEnv, probes.DefaultAPIKeyEnv)
	case rf.demo != "":
		f, closeLab, err := newDemoFace("report", rf.demo, p, stderr)
		if err != nil {
			return 0, err
		}
		defer closeLab()
		code = f.probe(ctx, stderr).Outcome.ExitCode
		rec = f.sess.Record()
		opts.Secrets = report.SecretsFromEnv(f.sess.World().LookupEnv, f.opts.cfg.APIKeyEnv)
	default:
		f, err := newSystemFace("report", p, stderr)
		if err != nil {
			return 0, err
		}
		code = f.probe(ctx, stderr).Outcome.ExitCode
		rec = f.sess.Record()
		opts.Secrets = report.SecretsFromEnv(os.LookupEnv, f.opts.cfg.APIKeyEnv)
	}

	if out == "-" {
		return code, report.Render(stdout, rec, format, opts)
	}
	if err := report.WriteFile(ctx, out, rec, format, opts, report.WriteOptions{Force: rf.force}); err != nil {
		if errors.Is(err, report.ErrExists) {
			err = fmt.Errorf("%w (--force replaces it)", err)
		}
		return exitCannotRun, err
	}
	headline := "nothing measured"
	if run, ok := rec.Latest(); ok {
		headline = run.Outcome.Headline
	}
	fmt.Fprintf(stdout, "Wrote %s (%s): %s\n", out, format.Name(), oneLine(headline))
	return code, nil
}

// probingFlags say what to probe and how; a report of a saved session or
// of the lab has no use for them.
var probingFlags = []string{"config", "target", "status-url", "resolver", "compare-resolver", "doh-url", "captive-url",
	"egress-probe", "connect-to", "ca-file", "public-ca-file", "api-key-env", "no-proxy", "timeout"}

// reportFormat is --format, else the output file's extension, else
// Markdown (JSON with --json).
func reportFormat(rf reportFlags, json bool) (report.Format, error) {
	if rf.format != "" {
		f, err := report.ParseFormat(rf.format)
		if err != nil {
			return "", usagef("--format: %v", err)
		}
		return f, nil
	}
	if json {
		return report.JSON, nil
	}
	if rf.out != "" && rf.out != "-" {
		if st, err := os.Stat(rf.out); err == nil && st.IsDir() {
			return report.Markdown, nil
		}
		f, ok := report.FormatOf(rf.out)
		if !ok {
			return "", usagef("report: cannot tell the format of %s from its extension: add --format md, json or html", rf.out)
		}
		return f, nil
	}
	return report.Markdown, nil
}

// newDemoFace starts a lab scenario and a face over its staged machine, as
// demo does; closeLab stops the lab.
func newDemoFace(mode, name string, p *parsedFlags, progress io.Writer) (*face, func(), error) {
	if err := knownScenario(mode+" --demo", name); err != nil {
		return nil, nil, err
	}
	o, err := p.options(os.LookupEnv)
	if err != nil {
		return nil, nil, err
	}
	l, err := lab.Start(name, lab.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: start the lab: %w", mode, err)
	}
	cfg := l.Config()
	cfg.Budget = max(probes.DefaultBudget, cfg.Budget)
	o.cfg = cfg
	// The staged user is not root, as in demo.
	return newFace(mode, name, o, l.MachineWorld(), func() bool { return false }, progress), func() { l.Close() }, nil
}
