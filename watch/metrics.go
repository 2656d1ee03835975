package watch

import (
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/classify"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// Metric names. docs/monitoring.md describes each; the rules and the
// Grafana dashboard under docs/monitoring/ may use only these (a test
// checks).
const (
	MetricBuildInfo         = "gptdoctor_build_info"
	MetricReachable         = "gptdoctor_endpoint_reachable"
	MetricVerdict           = "gptdoctor_endpoint_verdict"
	MetricHTTPStatus        = "gptdoctor_endpoint_http_status"
	MetricFailure           = "gptdoctor_endpoint_failure"
	MetricPhase             = "gptdoctor_endpoint_phase_seconds"
	MetricRayInfo           = "gptdoctor_endpoint_ray_info"
	MetricEdgeInfo          = "gptdoctor_cloudflare_edge_info"
	MetricStatusIndicator   = "gptdoctor_status_page_indicator"
	MetricStatusProduct     = "gptdoctor_status_page_product"
	MetricFindings          = "gptdoctor_findings"
	MetricProbeErrors       = "gptdoctor_probe_errors_total"
	MetricRunDuration       = "gptdoctor_run_duration_seconds"
	MetricRuns              = "gptdoctor_runs_total"
	MetricOutcome           = "gptdoctor_outcome"
	MetricResults           = "gptdoctor_results"
	MetricLastRun           = "gptdoctor_last_run_timestamp_seconds"
	MetricNextRun           = "gptdoctor_watch_next_run_seconds"
	MetricRateLimited       = "gptdoctor_watch_rate_limited"
	MetricLogErrors         = "gptdoctor_log_write_errors_total"
	metricPrefixGo          = "go_"
	metricPrefixProcess     = "process_"
	metricPrefixPromHandler = "promhttp_"
)

// Names lists every gptdoctor metric the exporter can expose. Go runtime
// and process metrics (go_*, process_*) come on top.
func Names() []string {
	return []string{MetricBuildInfo, MetricReachable, MetricVerdict, MetricHTTPStatus, MetricFailure,
		MetricPhase, MetricRayInfo, MetricEdgeInfo, MetricStatusIndicator, MetricStatusProduct,
		MetricFindings, MetricProbeErrors, MetricRunDuration, MetricRuns, MetricOutcome, MetricResults,
		MetricLastRun, MetricNextRun, MetricRateLimited, MetricLogErrors}
}

// Phases are the request phases the phase histogram labels.
var phases = []string{"dns", "connect", "tls", "first_byte", "total"}

// phaseBuckets span a LAN-fast DNS answer to a request that used the whole
// default budget.
var phaseBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// runBuckets span a lab run (tens of ms) to the five-minute --timeout cap.
var runBuckets = []float64{.1, .25, .5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300}

// Exporter turns diagnosed runs into metrics on its own registry (never the
// global one, so nothing a library registers leaks into the exposition).
//
// The gauges describe the latest run only and are produced from one
// snapshot at scrape time, so a scrape never sees half of one run and half
// of the next, and a cell that disappears takes its series with it. The
// histograms and counters accumulate across runs; a disappeared cell's
// histogram series are deleted.
type Exporter struct {
	reg *prometheus.Registry

	phase       *prometheus.HistogramVec
	runDuration prometheus.Histogram
	runs        *prometheus.CounterVec
	probeErrors *prometheus.CounterVec
	logErrors   prometheus.Counter

	mu    sync.Mutex
	st    state
	cells map[[2]string]bool // target and cell of the previous run's endpoint series
}

// state is the latest run as the gauges export it.
type state struct {
	ran         bool
	cells       []cellState
	edges       []edgeState
	indicator   string            // status page indicator, or unknown
	products    map[string]string // chatgpt, api -> component status, or unknown
	findings    map[[2]string]int // cause, confidence -> count
	outcome     string
	results     map[string]int // probe status -> count
	lastRun     time.Time
	next        time.Duration
	rateLimited bool
}

// cellState is one matrix cell's answer.
type cellState struct {
	target, cell string
	reachable    bool
	kind, code   string
	status       int
	failure      string
	ray          string
}

// edgeState is what one /cdn-cgi/trace said about this client.
type edgeState struct {
	target, route, country, colo, warp string
}

// NewExporter makes an exporter whose build info says version.
func NewExporter(version string) *Exporter {
	e := &Exporter{
		reg: prometheus.NewRegistry(),
		phase: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    MetricPhase,
			Help:    "Duration of each request phase (dns, connect, tls, first_byte, total) per target and matrix cell; a phase that did not happen is not observed.",
			Buckets: phaseBuckets,
		}, []string{"target", "cell", "phase"}),
		runDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    MetricRunDuration,
			Help:    "How long one diagnosis run took, from start to diagnosis.",
			Buckets: runBuckets,
		}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricRuns,
			Help: "Diagnosis runs finished, by outcome (reachable, problem, incomplete).",
		}, []string{"outcome"}),
		probeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricProbeErrors,
			Help: "Probes that could not complete their measurement, by probe family and the step that broke.",
		}, []string{"probe", "step"}),
		logErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: MetricLogErrors,
			Help: "Runs whose JSON line could not be written to the --log file.",
		}),
		cells: map[[2]string]bool{},
	}
	e.st = state{indicator: unknownValue}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: MetricBuildInfo,
		Help: "Always 1; the labels name the gptdoctor build.",
		ConstLabels: prometheus.Labels{"version": cleanLabel(version), "goversion": runtime.Version(),
			"goos": runtime.GOOS, "goarch": runtime.GOARCH},
	})
	build.Set(1)
	e.reg.MustRegister(build, e.phase, e.runDuration, e.runs, e.probeErrors, e.logErrors,
		gauges{e}, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, o := range outcomeStatuses {
		e.runs.WithLabelValues(o) // every outcome from zero, so rate() sees the first run
	}
	return e
}

// Registry is the exporter's registry, for the /metrics handler and tests.
func (e *Exporter) Registry() *prometheus.Registry { return e.reg }

// LogError counts a run whose log line could not be written.
func (e *Exporter) LogError() { e.logErrors.Inc() }

// Schedule records when the next run starts and whether the loop is
// backing off because the last answers were rate limits.
func (e *Exporter) Schedule(next time.Duration, rateLimited bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.next, e.st.rateLimited = next, rateLimited
}

// Observe exports one diagnosed run.
func (e *Exporter) Observe(d session.Diagnosis) {
	snap := d.Snapshot
	st := state{ran: true, indicator: unknownValue, products: map[string]string{"chatgpt": unknownValue, "api": unknownValue},
		findings: map[[2]string]int{}, outcome: oneOf(d.Outcome.Status, outcomeStatuses), results: map[string]int{},
		lastRun: snap.Finished}
	seen := map[[2]string]bool{}
	for _, r := range snap.Results {
		st.results[oneOf(string(r.Status), []string{"pass", "warn", "fail", "skipped", "unknown"})]++
		if r.Error != nil {
			step := oneOf(r.Error.Step, steps)
			if step == "" {
				step = other
			}
			e.probeErrors.WithLabelValues(oneOf(r.Kind, probeKinds), step).Inc()
		}
		switch det := r.Details.(type) {
		case *probes.EndpointDetails:
			if r.Status == probes.StatusSkipped {
				continue // a family this machine lacks: no cell to report
			}
			c := cellOf(det.Variant)
			key := [2]string{targetOf(r), c}
			if seen[key] {
				continue
			}
			seen[key] = true
			st.cells = append(st.cells, e.cell(key, det))
		case *probes.TraceDetails:
			if det.Verdict.Kind != classify.VerdictOK && !det.FromBlockPage {
				continue
			}
			st.edges = append(st.edges, edgeState{target: cleanLabel(det.Host),
				route:   oneOf(det.Route, []string{probes.RouteDirect, probes.RouteProxy}),
				country: upperCode(det.Loc, 2), colo: upperCode(det.Colo, 3), warp: oneOf(det.Warp, []string{"off", "on", "plus"})})
		case *probes.StatusPageDetails:
			if r.Status == probes.StatusUnknown || det.Indicator == "" {
				continue
			}
			st.indicator = oneOf(det.Indicator, indicators)
			for product, s := range map[string]string{"chatgpt": det.ChatGPT, "api": det.API} {
				if s != "" {
					st.products[product] = oneOf(s, componentStatus)
				}
			}
		}
	}
	for _, f := range d.Findings {
		st.findings[[2]string{causeLabel(f.Cause), oneOf(f.Confidence, confidenceLevels)}]++
	}
	if !snap.Started.IsZero() && !snap.Finished.IsZero() {
		e.runDuration.Observe(snap.Finished.Sub(snap.Started).Seconds())
	}
	if st.outcome != "" {
		e.runs.WithLabelValues(st.outcome).Inc()
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	for key := range e.cells {
		if !seen[key] {
			e.phase.DeletePartialMatch(prometheus.Labels{"target": key[0], "cell": key[1]})
		}
	}
	e.cells = seen
	st.next, st.rateLimited = e.st.next, e.st.rateLimited
	e.st = st
}

// cell reads one endpoint answer and observes its phases.
func (e *Exporter) cell(key [2]string, d *probes.EndpointDetails) cellState {
	kind, code := verdictLabels(d.Verdict)
	c := cellState{target: key[0], cell: key[1], reachable: d.Expected, kind: kind, code: code,
		failure: oneOf(d.Failure, failureCodes)}
	if d.StatusCode >= 100 && d.StatusCode <= 999 {
		c.status = d.StatusCode
	}
	if isRay(d.Verdict.RayID) {
		c.ray = d.Verdict.RayID
	}
	t := d.Timings
	for i, m := range []probes.Millis{t.DNS, t.Connect, t.TLS, t.FirstByte, t.Total} {
		if m > 0 {
			e.phase.WithLabelValues(key[0], key[1], phases[i]).Observe(m.D().Seconds())
		}
	}
	return c
}

// causeLabel is a cause ID from the catalogue, or "other".
func causeLabel(id string) string {
	for _, c := range remedies.Causes() {
		if c.ID == id {
			return id
		}
	}
	return other
}

// gauges produces the latest run's gauges at scrape time.
type gauges struct{ e *Exporter }

var (
	descReachable = prometheus.NewDesc(MetricReachable,
		"1 when the target answered this matrix cell the way it answers a healthy machine, else 0.",
		[]string{"target", "cell"}, nil)
	descVerdict = prometheus.NewDesc(MetricVerdict,
		"Always 1; kind is the classifier's verdict of the cell's answer (none: no answer) and code the Cloudflare 1xxx/5xx or OpenAI API error code.",
		[]string{"target", "cell", "kind", "code"}, nil)
	descStatus = prometheus.NewDesc(MetricHTTPStatus,
		"HTTP status of the cell's final response; 0 when none arrived.",
		[]string{"target", "cell"}, nil)
	descFailure = prometheus.NewDesc(MetricFailure,
		"Always 1; present when the cell got no usable answer, failure naming why (nxdomain, refused, tls_untrusted, connect_timeout …).",
		[]string{"target", "cell", "failure"}, nil)
	descRay = prometheus.NewDesc(MetricRayInfo,
		"Always 1; the Cloudflare Ray ID of the cell's latest answer, the number Cloudflare and OpenAI support ask for.",
		[]string{"target", "cell", "ray_id"}, nil)
	descEdge = prometheus.NewDesc(MetricEdgeInfo,
		"Always 1; the country Cloudflare places this client in and the data centre (colo) that answered, from /cdn-cgi/trace.",
		[]string{"target", "route", "country", "colo", "warp"}, nil)
	descIndicator = prometheus.NewDesc(MetricStatusIndicator,
		"1 for OpenAI's status page indicator (none, minor, major, critical; unknown when the page could not be read), 0 for the others.",
		[]string{"indicator"}, nil)
	descProduct = prometheus.NewDesc(MetricStatusProduct,
		"1 for the worst component status the status page reports for the product (chatgpt, api), 0 for the others.",
		[]string{"product", "status"}, nil)
	descFindings = prometheus.NewDesc(MetricFindings,
		"Findings of the latest run by cause and confidence (confirmed, likely, possible).",
		[]string{"cause", "confidence"}, nil)
	descOutcome = prometheus.NewDesc(MetricOutcome,
		"1 for the latest run's outcome (reachable, problem, incomplete), 0 for the others.",
		[]string{"status"}, nil)
	descResults = prometheus.NewDesc(MetricResults,
		"Probe results of the latest run by status (pass, warn, fail, skipped, unknown).",
		[]string{"status"}, nil)
	descLastRun = prometheus.NewDesc(MetricLastRun,
		"Unix time the latest run finished.", nil, nil)
	descNext = prometheus.NewDesc(MetricNextRun,
		"Seconds the loop waits before the next run, jitter and back-off included.", nil, nil)
	descRateLimited = prometheus.NewDesc(MetricRateLimited,
		"1 while the loop backs off because the latest answers were rate limits (Cloudflare 1015, HTTP 429).", nil, nil)
	gaugeDescs = []*prometheus.Desc{descReachable, descVerdict, descStatus, descFailure, descRay, descEdge,
		descIndicator, descProduct, descFindings, descOutcome, descResults, descLastRun, descNext, descRateLimited}
)

func (g gauges) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range gaugeDescs {
		ch <- d
	}
}

func (g gauges) Collect(ch chan<- prometheus.Metric) {
	g.e.mu.Lock()
	st := g.e.st
	g.e.mu.Unlock()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	flag := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	gauge(descNext, st.next.Seconds())
	gauge(descRateLimited, flag(st.rateLimited))
	if !st.ran {
		return // nothing measured yet: no series rather than made-up zeros
	}
	for _, c := range st.cells {
		gauge(descReachable, flag(c.reachable), c.target, c.cell)
		gauge(descVerdict, 1, c.target, c.cell, c.kind, c.code)
		gauge(descStatus, float64(c.status), c.target, c.cell)
		if c.failure != "" {
			gauge(descFailure, 1, c.target, c.cell, c.failure)
		}
		if c.ray != "" {
			gauge(descRay, 1, c.target, c.cell, c.ray)
		}
	}
	for _, ed := range st.edges {
		gauge(descEdge, 1, ed.target, ed.route, ed.country, ed.colo, ed.warp)
	}
	for _, v := range enum(indicators, st.indicator) {
		gauge(descIndicator, flag(v == st.indicator), v)
	}
	for _, product := range []string{"chatgpt", "api"} {
		for _, v := range enum(componentStatus, st.products[product]) {
			gauge(descProduct, flag(st.products[product] == v), product, v)
		}
	}
	for k, n := range st.findings {
		gauge(descFindings, float64(n), k[0], k[1])
	}
	for _, o := range outcomeStatuses {
		gauge(descOutcome, flag(o == st.outcome), o)
	}
	for s, n := range st.results {
		gauge(descResults, float64(n), s)
	}
	if !st.lastRun.IsZero() {
		gauge(descLastRun, float64(st.lastRun.UnixNano())/1e9)
	}
}

// enum is the values an enum gauge exports: the closed list, unknown, and
// "other" when that is the current value, so exactly one series is 1.
func enum(list []string, current string) []string {
	vals := append(slices.Clone(list), unknownValue)
	if current == other {
		vals = append(vals, other)
	}
	return vals
}
