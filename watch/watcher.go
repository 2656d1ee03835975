package watch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gptdoctor/gptdoctor/session"
)

// DefaultStopGrace is how long a run may take to wind down after the
// watcher is told to stop. Cancelled probes report at once; the bound is
// for a probe stuck in a system call, so SIGTERM always ends the agent
// within about two seconds.
const DefaultStopGrace = 1500 * time.Millisecond

// Options configure a Watcher.
type Options struct {
	// Session runs the diagnosis; required.
	Session *session.Session
	// Exporter receives every run; nil makes one for the session's version.
	Exporter *Exporter
	// Log, when set, receives every run's document as one JSON line.
	Log *Log
	// Schedule spaces the runs.
	Schedule Schedule
	// After is time.After unless a test injects its own timer.
	After func(time.Duration) <-chan time.Time
	// Finished, when set, hears every exported run (the command prints a
	// line for each).
	Finished func(d session.Diagnosis, doc session.Document, next time.Duration)
	// LogFailed, when set, hears a log write that failed; the run is still
	// exported and the loop goes on (a full disk must not blind the
	// dashboard).
	LogFailed func(error)
	// StopGrace overrides DefaultStopGrace.
	StopGrace time.Duration
}

// Watcher runs the diagnosis periodically and exports every run.
type Watcher struct {
	opts    Options
	exp     *Exporter
	running atomic.Bool
	// last holds the last exported run's diagnosis and document until the
	// loop reports the wait that follows it.
	last *finished
}

type finished struct {
	d   session.Diagnosis
	doc session.Document
}

// New makes a watcher; nothing runs until Run.
func New(opts Options) *Watcher {
	if opts.Exporter == nil {
		opts.Exporter = NewExporter(opts.Session.Version())
	}
	if opts.StopGrace <= 0 {
		opts.StopGrace = DefaultStopGrace
	}
	return &Watcher{opts: opts, exp: opts.Exporter}
}

// Exporter is the watcher's exporter.
func (w *Watcher) Exporter() *Exporter { return w.exp }

// Run runs the loop until ctx ends. A run cut short by the stop is neither
// exported nor logged: it would report every probe it cancelled as
// "unknown", which is the agent stopping, not the network.
func (w *Watcher) Run(ctx context.Context) {
	w.running.Store(true)
	defer w.running.Store(false)
	loop := Loop{Schedule: w.opts.Schedule, Once: w.Once, After: w.opts.After, Waiting: w.waiting}
	loop.Run(ctx)
}

// waiting tells the exporter and the command about the wait after a run.
func (w *Watcher) waiting(next time.Duration, backingOff bool) {
	w.exp.Schedule(next, backingOff)
	if f := w.last; f != nil && w.opts.Finished != nil {
		w.opts.Finished(f.d, f.doc, next)
	}
	w.last = nil
}

// Once performs one run, exports it and appends it to the log, and says
// whether its answers were rate limits.
func (w *Watcher) Once(ctx context.Context) Outcome {
	run := w.opts.Session.Start(ctx, nil)
	done := make(chan session.Diagnosis, 1)
	go func() { done <- run.Wait() }()
	var d session.Diagnosis
	select {
	case d = <-done:
	case <-ctx.Done():
		run.Cancel()
		select {
		case <-done:
		case <-time.After(w.opts.StopGrace):
		}
		return Outcome{}
	}
	if ctx.Err() != nil {
		return Outcome{}
	}
	w.exp.Observe(d)
	doc := w.opts.Session.Document(d)
	if w.opts.Log != nil {
		if err := w.opts.Log.Append(doc); err != nil {
			w.exp.LogError()
			if w.opts.LogFailed != nil {
				w.opts.LogFailed(err)
			}
		}
	}
	w.last = &finished{d: d, doc: doc}
	return rateLimited(d.Snapshot)
}

// Handler serves /metrics from the exporter's registry and /healthz, which
// answers 200 while the loop runs and 503 before it starts or after it
// stopped.
func (w *Watcher) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(w.exp.Registry(), promhttp.HandlerOpts{
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	}))
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !w.running.Load() {
			rw.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(rw, "stopped")
			return
		}
		fmt.Fprintln(rw, "ok")
	})
	mux.HandleFunc("GET /{$}", func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(rw, "gptdoctor watch: metrics at /metrics, liveness at /healthz")
	})
	return mux
}

// Serve serves h on ln until ctx ends, then shuts the server down, giving
// a scrape in flight a moment to finish.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 15 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("metrics server on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("metrics server on %s: %w", ln.Addr(), err)
	}
	return nil
}
