package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/config"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/collect"
)

// maxBudget caps --timeout: a diagnosis nobody waits for is no diagnosis.
const maxBudget = 5 * time.Minute

// options is everything the command line and the configuration file decide
// for one run. Defaults come first, then the file, then flags.
type options struct {
	cfg probes.Config
	// resolver replaces the system resolver (IP:port).
	resolver string
	// connectTo maps IP:port to IP:port for every connection.
	connectTo map[string]string
	// caFiles are the user's own trusted roots; publicCAFile replaces the
	// bundled public roots.
	caFiles      []string
	publicCAFile string

	json       bool
	noColor    bool
	configPath string
	// verbose prints every probe, not only the ones worth a look.
	verbose bool

	// interval and mouse are the dashboard's (dashboard.go).
	interval time.Duration
	mouse    bool
}

// errHelp is returned when the user asked for help; the caller prints usage
// and exits 0.
var errHelp = errors.New("help requested")

// usageError is a problem with the command line: exit 2, one line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parsedFlags holds the raw flag values before they are validated.
type parsedFlags struct {
	fs *flag.FlagSet

	json, noColor, verbose, noProxy bool
	timeout                         time.Duration
	configPath                      string
	targets, resolvers, egress      listFlag
	connectTo, caFiles              listFlag
	statusURL, resolver, dohURL     string
	captiveURL, publicCA, apiKeyEnv string
	// interval and mouse exist in the flag sets of the commands that open
	// the dashboard (addDashboardFlags).
	interval time.Duration
	mouse    bool
}

// checkFlagSet is check's flags; fix and demo add their own to theirs.
func checkFlagSet() *parsedFlags { return newFlagSet("check", true, nil) }

// newFlagSet declares the flags every command has (output, --timeout) and,
// with network, the ones that say what to probe and how (targets,
// resolvers, CA files …: check and fix; demo's lab decides those itself).
func newFlagSet(name string, network bool, extra func(*flag.FlagSet)) *parsedFlags {
	p := &parsedFlags{fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	fs := p.fs
	fs.SetOutput(io.Discard)
	fs.BoolVar(&p.json, "json", false, "print one JSON document instead of the readable summary")
	fs.BoolVar(&p.noColor, "no-color", false, "never colour the output (NO_COLOR is honoured too)")
	fs.BoolVar(&p.verbose, "verbose", false, "list every probe, not only those worth a look")
	fs.DurationVar(&p.timeout, "timeout", probes.DefaultBudget, "overall time budget for the run")
	if network {
		fs.StringVar(&p.configPath, "config", "", "configuration `FILE` (default: the per-user config.toml)")
		fs.Var(&p.targets, "target", "`URL` to probe instead of the defaults (repeatable)")
		fs.StringVar(&p.statusURL, "status-url", probes.DefaultStatusURL, "Statuspage-compatible summary `URL` (\"\" skips)")
		fs.StringVar(&p.resolver, "resolver", "", "DNS server `IP[:port]` to use instead of the system resolver")
		fs.Var(&p.resolvers, "compare-resolver", "independent DNS server `IP[:port]` to compare with (repeatable; \"\" for none)")
		fs.StringVar(&p.dohURL, "doh-url", probes.DefaultDoHURL, "DNS-over-HTTPS endpoint `URL` to compare with (\"\" skips)")
		fs.StringVar(&p.captiveURL, "captive-url", probes.DefaultCaptiveURL, "plain-HTTP `URL` answering 204, for the captive-portal check (\"\" skips)")
		fs.Var(&p.egress, "egress-probe", "`IP:port` whose route names the egress interface (repeatable; \"\" for none)")
		fs.Var(&p.connectTo, "connect-to", "connect to IP:port TO whenever IP:port FROM is dialled: `FROM=TO` (repeatable)")
		fs.Var(&p.caFiles, "ca-file", "PEM `FILE` of roots you trust as your own, e.g. a corporate inspection CA (repeatable)")
		fs.StringVar(&p.publicCA, "public-ca-file", "", "PEM `FILE` replacing the bundled public root set")
		fs.StringVar(&p.apiKeyEnv, "api-key-env", probes.DefaultAPIKeyEnv, "environment variable `NAME` holding the OpenAI API key")
		fs.BoolVar(&p.noProxy, "no-proxy", false, "ignore every configured proxy for this run")
	}
	if extra != nil {
		extra(fs)
	}
	return p
}

// parse reads flags and positional arguments in any order ("demo
// block-1020 --json" and "demo --json block-1020" both work).
func (p *parsedFlags) parse(args []string) ([]string, error) {
	var positional []string
	for {
		if err := p.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, usagef("%s: %s", p.fs.Name(), flagProblem(p.fs, err.Error()))
		}
		rest := p.fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if rest[0] == "--" {
			return append(positional, rest[1:]...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// badValue matches the flag package's "invalid value" and "invalid boolean
// value" messages.
var badValue = regexp.MustCompile(`^invalid (boolean )?value "(.*)" for (?:flag )?-([\w-]+): (.*)$`)

// flagProblem rewrites the flag package's messages in the words the docs
// use: two dashes, the flag first, and what a valid value looks like.
func flagProblem(fs *flag.FlagSet, msg string) string {
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return "unknown flag -" + name // the flag package prints one dash; the docs use two
	}
	m := badValue.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	value, name, why := m[2], m[3], m[4]
	switch {
	case m[1] != "":
		why = "want true or false"
	case why == "parse error" && isDuration(fs.Lookup(name)):
		why = "not a duration (write it like 8s, 500ms or 1m)"
	}
	return fmt.Sprintf("--%s %q: %s", name, value, why)
}

// isDuration reports a time.Duration flag.
func isDuration(f *flag.Flag) bool {
	if f == nil {
		return false
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	_, ok = g.Get().(time.Duration)
	return ok
}

// setFlags returns the names of the flags given on the command line.
func (p *parsedFlags) setFlags() map[string]bool {
	set := map[string]bool{}
	p.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// options merges defaults, the configuration file and the flags, and
// checks every value so a typo fails with a clear message before any probe
// runs.
func (p *parsedFlags) options(lookupEnv func(string) (string, bool)) (options, error) {
	o := options{cfg: probes.DefaultConfig(), json: p.json, noColor: p.noColor, verbose: p.verbose}
	if v, ok := lookupEnv("NO_COLOR"); ok && v != "" {
		o.noColor = true
	}
	set := p.setFlags()

	var file config.File
	if p.fs.Lookup("config") != nil {
		path, must := p.configPath, true
		if path == "" {
			var err error
			if path, err = config.DefaultPath(); err != nil {
				path = "" // no config directory: run on defaults
			}
			must = false
		}
		if path != "" {
			f, err := config.Load(path, must)
			if err != nil {
				return o, usageError{err.Error()}
			}
			file = f
			o.configPath = f.Path
		}
	}

	// Timeout: flag, else file, else default.
	budget := p.timeout
	if !set["timeout"] && file.Timeout != "" {
		d, err := time.ParseDuration(file.Timeout)
		if err != nil {
			return o, usagef("config: %s: timeout %q is not a duration like 8s", file.Path, file.Timeout)
		}
		budget = d
	}
	if budget <= 0 || budget > maxBudget {
		return o, usagef("--timeout %s: want a duration between 1ms and %s", budget, maxBudget)
	}
	o.cfg.Budget = budget
	if err := p.dashboardOptions(&o, file, set); err != nil {
		return o, err
	}

	if p.fs.Lookup("target") == nil {
		return o, nil
	}

	// Targets.
	rawTargets := []string(p.targets)
	if len(rawTargets) == 0 {
		rawTargets = file.Targets
	}
	if len(rawTargets) > 0 {
		o.cfg.Targets = nil
		seen := map[string]bool{}
		for _, raw := range rawTargets {
			t, err := probes.ParseTarget(raw)
			if err != nil {
				return o, usagef("--target: %v", err)
			}
			if !seen[t.URL] {
				seen[t.URL] = true
				o.cfg.Targets = append(o.cfg.Targets, t)
			}
		}
	}

	// pickURL takes the flag, else the file, else the default, and checks
	// it. DoH is HTTPS by definition (RFC 8484), so --doh-url wants https.
	pickURL := func(flagName string, flagVal string, fileVal *string, def string) (string, error) {
		v := def
		switch {
		case set[flagName]:
			v = flagVal
		case fileVal != nil:
			v = *fileVal
		}
		if v == "" {
			return "", nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", usagef("--%s %q: want an http or https URL", flagName, v)
		}
		if flagName == "doh-url" && u.Scheme != "https" {
			return "", usagef("--%s %q: want an https URL (DNS-over-HTTPS runs over TLS)", flagName, v)
		}
		if u.User != nil {
			return "", usagef("--%s: credentials in URLs are not accepted", flagName)
		}
		return v, nil
	}
	var err error
	if o.cfg.StatusURL, err = pickURL("status-url", p.statusURL, file.StatusURL, probes.DefaultStatusURL); err != nil {
		return o, err
	}
	if o.cfg.DoHURL, err = pickURL("doh-url", p.dohURL, file.DoHURL, probes.DefaultDoHURL); err != nil {
		return o, err
	}
	if o.cfg.CaptiveURL, err = pickURL("captive-url", p.captiveURL, file.CaptiveURL, probes.DefaultCaptiveURL); err != nil {
		return o, err
	}

	// Resolvers and addresses.
	resolver := p.resolver
	if !set["resolver"] {
		resolver = file.Resolver
	}
	if resolver != "" {
		if o.resolver, err = dnsServerAddr("--resolver", resolver); err != nil {
			return o, err
		}
	}
	if rs, ok := pickList(set["compare-resolver"], p.resolvers, file.Resolvers); ok {
		o.cfg.Resolvers = nil
		for _, r := range rs {
			a, err := dnsServerAddr("--compare-resolver", r)
			if err != nil {
				return o, err
			}
			o.cfg.Resolvers = append(o.cfg.Resolvers, a)
		}
	}
	if eps, ok := pickList(set["egress-probe"], p.egress, file.EgressProbes); ok {
		o.cfg.EgressProbes = nil
		for _, e := range eps {
			ap, err := netip.ParseAddrPort(e)
			if err != nil {
				return o, usagef("--egress-probe %q: want IP:port", e)
			}
			o.cfg.EgressProbes = append(o.cfg.EgressProbes, ap.String())
		}
	}
	if rules := append(append([]string(nil), file.ConnectTo...), p.connectTo...); len(rules) > 0 {
		o.connectTo = map[string]string{}
		for _, r := range rules {
			from, to, err := collect.ParseConnectTo(r)
			if err != nil {
				return o, usagef("--%v", err)
			}
			o.connectTo[from] = to
		}
	}

	// Trust.
	o.caFiles = append(append([]string(nil), file.CAFiles...), p.caFiles...)
	o.publicCAFile = p.publicCA
	if !set["public-ca-file"] {
		o.publicCAFile = file.PublicCAFile
	}
	for _, f := range append(append([]string(nil), o.caFiles...), o.publicCAFile) {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return o, usagef("CA file %s: %v", f, unwrapPath(err))
		}
	}

	// API key variable.
	o.cfg.APIKeyEnv = p.apiKeyEnv
	if !set["api-key-env"] && file.APIKeyEnv != "" {
		o.cfg.APIKeyEnv = file.APIKeyEnv
	}
	if !validEnvName(o.cfg.APIKeyEnv) {
		return o, usagef("--api-key-env %q: not a valid environment variable name", o.cfg.APIKeyEnv)
	}
	o.cfg.BypassProxy = p.noProxy
	return o, nil
}

// pickList takes a repeatable flag when given, else the file's list when
// the file has the key, with empty entries dropped; ok is false when
// neither says anything, so the default stands. An explicit empty value
// (--egress-probe "" or egress_probes = []) therefore means none: a
// network that forbids queries to public resolvers can turn them off.
func pickList(flagSet bool, flagVals listFlag, fileVals []string) (vals []string, ok bool) {
	src := fileVals
	switch {
	case flagSet:
		src = flagVals
	case fileVals == nil:
		return nil, false
	}
	for _, v := range src {
		if strings.TrimSpace(v) != "" {
			vals = append(vals, v)
		}
	}
	return vals, true
}

// dnsServerAddr checks a resolver flag with the probes' own rule
// (probes.DNSServerAddr) and returns IP:port, naming the flag on error.
func dnsServerAddr(flagName, v string) (string, error) {
	ap, err := collect.DNSServerAddr(v)
	if err != nil {
		return "", usagef("%s: %v", flagName, err)
	}
	return ap.String(), nil
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9' {
			continue
		}
		return false
	}
	return true
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
