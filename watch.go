package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/lab"
	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/session"
	"github.com/gptdoctor/gptdoctor/watch"
)

// Defaults of watch's own flags.
const (
	defaultWatchInterval = 60 * time.Second
	defaultWatchListen   = "127.0.0.1:9464" // 9464: the port Prometheus' registry reserves for such agents
	defaultLogMaxSize    = 10 << 20
	defaultLogKeep       = 5
	maxWatchInterval     = 24 * time.Hour
	maxLogKeep           = 100
	// watchHistory is how many runs the agent's session keeps: it exports
	// each run as it finishes and needs no history, so a long-running agent
	// holds one run, not a dashboard's hundred.
	watchHistory = 1
)

// minWatchInterval is the floor on --interval (watch.MinInterval). It is a
// variable only so this package's tests can run the loop quickly; nothing
// a user can set changes it.
var minWatchInterval = watch.MinInterval

// watchFlags are the flags only watch has.
type watchFlags struct {
	interval time.Duration
	listen   string
	log      string
	maxSize  string
	keep     int
	demo     string
}

// watchFlagSet is check's flags plus watch's own, filling w.
func watchFlagSet(w *watchFlags) *parsedFlags {
	return newFlagSet("watch", true, func(fs *flag.FlagSet) {
		fs.DurationVar(&w.interval, "interval", defaultWatchInterval, "time between runs, jittered by ±10 % (at least 10s)")
		fs.StringVar(&w.listen, "listen", defaultWatchListen, "`ADDR` serving /metrics and /healthz (\"\" serves nothing)")
		fs.StringVar(&w.log, "log", "", "append every run's JSON document as one line to `FILE`")
		fs.StringVar(&w.maxSize, "log-max-size", "10MiB", "rotate the log when it would grow past `SIZE` (0 never rotates)")
		fs.IntVar(&w.keep, "log-keep", defaultLogKeep, "rotated logs to keep: `N` files FILE.1 … FILE.N")
		fs.StringVar(&w.demo, "demo", "", "watch the built-in lab's `SCENARIO` instead of this machine (offline)")
	})
}

// cmdWatch runs the diagnosis every --interval until SIGINT or SIGTERM,
// exporting each run as metrics and, with --log, as a JSON line.
func cmdWatch(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var wf watchFlags
	p := watchFlagSet(&wf)
	pos, err := p.parse(args)
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usagef("watch: unexpected argument %q (watch takes only flags; a lab scenario goes after --demo)", pos[0])
	}
	if wf.interval < minWatchInterval {
		return 0, usagef("--interval %s: at least %s: %s", wf.interval, minWatchInterval, intervalFloorWhy)
	}
	if wf.interval > maxWatchInterval {
		return 0, usagef("--interval %s: at most %s", wf.interval, maxWatchInterval)
	}
	maxSize, err := parseSize(wf.maxSize)
	if err != nil {
		return 0, usagef("--log-max-size %q: %v", wf.maxSize, err)
	}
	if wf.keep < 0 || wf.keep > maxLogKeep {
		return 0, usagef("--log-keep %d: want 0 to %d", wf.keep, maxLogKeep)
	}
	if wf.listen != "" {
		if _, _, err := net.SplitHostPort(wf.listen); err != nil {
			return 0, usagef("--listen %q: want HOST:PORT, e.g. %s", wf.listen, defaultWatchListen)
		}
	}

	o, world, closeLab, err := watchWorld(wf.demo, p)
	if err != nil {
		return 0, err
	}
	defer closeLab()
	sess := session.New(session.Options{Mode: "watch", Scenario: wf.demo, Version: versionString(),
		Config: o.cfg, World: world, Settings: settingsOf(o, world), History: watchHistory,
		IsAdmin: func() bool { return false }}) // watch applies no remedy

	var jl *watch.Log
	if wf.log != "" {
		if jl, err = watch.OpenLog(wf.log, maxSize, wf.keep); err != nil {
			return 0, err
		}
		defer jl.Close()
	}
	var ln net.Listener
	if wf.listen != "" {
		if ln, err = net.Listen("tcp", wf.listen); err != nil {
			return 0, fmt.Errorf("watch: listen on %s: %w", wf.listen, unwrapOp(err))
		}
	}

	w := watch.New(watch.Options{
		Session:  sess,
		Log:      jl,
		Schedule: watch.Schedule{Interval: wf.interval, Floor: minWatchInterval, Jitter: watch.DefaultJitter},
		Finished: func(d session.Diagnosis, doc session.Document, next time.Duration) {
			printWatchRun(stdout, o, d, doc, next)
		},
		LogFailed: func(err error) { fmt.Fprintf(stderr, "gptdoctor: %s\n", oneLine(err.Error())) },
	})
	// The loop runs until the signal; the server until the loop ends,
	// unless it fails first (then the loop is stopped and the error told).
	var serveErr chan error // nil, so never ready, when nothing is served
	sctx, stopServer := context.WithCancel(ctx)
	defer stopServer()
	if ln != nil {
		if !isLoopback(ln.Addr()) {
			fmt.Fprintf(stderr, "gptdoctor: serving metrics on %s without TLS or authentication: firewall it, or put a reverse proxy in front (docs/monitoring.md)\n", ln.Addr())
		}
		announce := stdout
		if o.json {
			announce = stderr // stdout carries only the JSON lines
		}
		fmt.Fprintf(announce, "gptdoctor watch: metrics on http://%s/metrics, every %s\n", ln.Addr(), wf.interval)
		serveErr = make(chan error, 1)
		go func() { serveErr <- watch.Serve(sctx, ln, w.Handler()) }()
	}
	loopCtx, stopLoop := context.WithCancel(ctx)
	loopDone := make(chan struct{})
	go func() { w.Run(loopCtx); close(loopDone) }()
	var srvErr error
	served := serveErr == nil
	select {
	case <-loopDone:
	case srvErr = <-serveErr:
		served = true
	}
	stopLoop()
	<-loopDone
	stopServer()
	if !served {
		srvErr = <-serveErr
	}
	if srvErr != nil {
		return 0, fmt.Errorf("watch: %w", srvErr)
	}
	return exitOK, nil
}

// watchWorld is what watch probes: this machine, or with --demo the lab
// scenario's staged machine. The lab decides what is probed, so the flags
// that say what to probe are refused with --demo rather than ignored.
func watchWorld(demo string, p *parsedFlags) (options, probes.World, func(), error) {
	nothing := func() {}
	if demo == "" {
		o, err := p.options(os.LookupEnv)
		if err != nil {
			return o, probes.World{}, nothing, err
		}
		w, err := systemWorld(o)
		return o, w, nothing, err
	}
	set := p.setFlags()
	for _, name := range probingFlags {
		if set[name] {
			return options{}, probes.World{}, nothing, usagef("watch: --%s does not apply: --demo probes the lab, which sets its own", name)
		}
	}
	if err := knownScenario("watch --demo", demo); err != nil {
		return options{}, probes.World{}, nothing, err
	}
	o, err := p.options(os.LookupEnv)
	if err != nil {
		return o, probes.World{}, nothing, err
	}
	l, err := lab.Start(demo, lab.Options{})
	if err != nil {
		return o, probes.World{}, nothing, fmt.Errorf("watch: start the lab: %w", err)
	}
	o.cfg = l.Config()
	o.cfg.Budget = max(probes.DefaultBudget, o.cfg.Budget)
	return o, l.MachineWorld(), func() { l.Close() }, nil
}

// jsonLine is a document as one compact JSON line.
func jsonLine(doc session.Document) ([]byte, error) {
	b, err := json.Marshal(doc)
	return append(b, '\n'), err
}

// printWatchRun prints one line per run: the time, the outcome and when
// the next run starts; with --json the run's document instead, one line
// each, like the log; with --verbose the findings under it.
func printWatchRun(w io.Writer, o options, d session.Diagnosis, doc session.Document, next time.Duration) {
	if o.json {
		if b, err := jsonLine(doc); err == nil {
			_, _ = w.Write(b)
		}
		return
	}
	fmt.Fprintf(w, "%s run %d: %s: %s (next in %s)\n", doc.Finished.Format(time.RFC3339), d.Seq,
		d.Outcome.Status, sanitize.Line(d.Outcome.Headline), next.Round(time.Second))
	if o.verbose {
		for _, f := range d.Findings {
			fmt.Fprintf(w, "  %s (%s): %s\n", f.Cause, f.Confidence, sanitize.Line(f.Summary))
		}
	}
}

// parseSize reads a byte size: a number with an optional unit (B, KB,
// KiB, MB, MiB, GB, GiB; K, M and G are binary).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	num := strings.TrimRightFunc(t, func(r rune) bool { return r < '0' || r > '9' })
	unit := strings.ToLower(strings.TrimSpace(t[len(num):]))
	mult := map[string]int64{"": 1, "b": 1, "k": 1 << 10, "kb": 1000, "kib": 1 << 10,
		"m": 1 << 20, "mb": 1000 * 1000, "mib": 1 << 20, "g": 1 << 30, "gb": 1000 * 1000 * 1000, "gib": 1 << 30}[unit]
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || mult == 0 || n < 0 {
		return 0, fmt.Errorf("want a size like 10MiB, 500KB or 1048576")
	}
	if n > (1<<50)/mult {
		return 0, fmt.Errorf("too large")
	}
	return n * mult, nil
}

// isLoopback reports an address only this machine can reach.
func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// unwrapOp drops the "listen tcp ADDR:" prefix the caller already names.
func unwrapOp(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Err
	}
	return err
}
