package collect

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
	"golang.org/x/net/http/httpproxy"
)

// proxyEnvNames are the environment variables that decide which proxy a
// program uses (or, for REQUEST_METHOD, make Go ignore HTTP_PROXY), in the
// order the proxy:env probe lists them. The lab masks exactly these so the
// host's own proxy never leaks into a demo.
var proxyEnvNames = []string{
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
	"NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "REQUEST_METHOD",
}

// isProxyURLVar reports a variable of proxyEnvNames whose value is a proxy
// URL (not a bypass list or the CGI marker).
func isProxyURLVar(name string) bool {
	switch strings.ToUpper(name) {
	case "NO_PROXY", "REQUEST_METHOD":
		return false
	}
	return true
}

// goProxySchemes are the proxy URL schemes net/http's Transport supports.
var goProxySchemes = map[string]bool{"http": true, "https": true, "socks5": true, "socks5h": true}

// envValue returns a variable's value and whether it is set non-empty
// (Go, like curl, treats an empty variable as unset).
func envValue(w probes.World, name string) (string, bool) {
	v, ok := lookup(w, name)
	return v, ok && v != ""
}

// runProxyEnvProbe reports the proxy variables with Go's precedence made
// explicit, where curl and newer x/net disagree, and the proxy each target
// gets. Status: fail when a variable Go would use is invalid (every
// request through it fails), warn on conflicts, pass otherwise.
func runProxyEnvProbe(cfg probes.Config, w probes.World) probes.Result {
	d := &probes.ProxyEnvDetails{Bypassed: cfg.BypassProxy}
	_, d.CGI = lookup(w, "REQUEST_METHOD")
	for _, n := range proxyEnvNames {
		v, ok := lookup(w, n)
		if !ok {
			continue
		}
		val := sanitize.URL(v)
		if !isProxyURLVar(n) {
			val = sanitize.LineN(v, 512)
		}
		d.Vars = append(d.Vars, probes.EnvVar{Name: n, Value: val})
	}
	conflicts, broken := proxyEnvConflicts(cfg, w)
	d.Conflicts = conflicts
	for _, t := range cfg.Targets {
		d.Effective = append(d.Effective, effectiveProxy(cfg, w, t.URL))
	}
	res := probes.Result{Details: d}
	for _, v := range d.Vars {
		res.Evidence = append(res.Evidence, v.Name+"="+v.Value)
	}
	for _, e := range d.Effective {
		res.Evidence = append(res.Evidence, fmt.Sprintf("%s: %s (%s)", e.URL, viaText(e.Proxy), e.Why))
	}
	switch {
	case len(broken) > 0:
		res.Status = probes.StatusFail
		res.Reason = strings.Join(broken, "; ")
		res.Error = &probes.StepError{Step: "proxy", Message: "proxy: " + res.Reason}
	case len(conflicts) > 0:
		res.Status = probes.StatusWarn
		res.Reason = conflicts[0]
		if len(conflicts) > 1 {
			res.Reason += fmt.Sprintf(" (and %d more)", len(conflicts)-1)
		}
	case !anyProxyVar(w):
		res.Status, res.Reason = probes.StatusPass, "no proxy variables: Go programs connect directly"
	default:
		res.Status, res.Reason = probes.StatusPass, summarizeEffective(d.Effective)
	}
	return res
}

func anyProxyVar(w probes.World) bool {
	for _, n := range proxyEnvNames {
		if _, ok := envValue(w, n); ok && isProxyURLVar(n) {
			return true
		}
	}
	return false
}

// summarizeEffective says how Go programs reach each target, the hosts
// that share a route named together ("chatgpt.com and api.openai.com
// through http://proxy:3128").
func summarizeEffective(es []probes.EffectiveProxy) string {
	var routes []string
	hosts := map[string][]string{}
	for _, e := range es {
		via := viaText(e.Proxy)
		if _, seen := hosts[via]; !seen {
			routes = append(routes, via)
		}
		hosts[via] = append(hosts[via], hostOnly(e.URL))
	}
	if len(routes) == 0 {
		return "proxy variables are set and consistent"
	}
	var parts []string
	for _, via := range routes {
		hs := hosts[via]
		names := strings.Join(hs, ", ")
		if n := len(hs); n > 1 {
			names = strings.Join(hs[:n-1], ", ") + " and " + hs[n-1]
		}
		parts = append(parts, names+" "+via)
	}
	return "Go programs reach " + strings.Join(parts, ", ")
}

// proxyEnvConflicts lists where the variables mislead: cases that disagree
// between Go, curl and newer x/net, variables Go ignores, https targets
// without an HTTPS proxy, values without scheme. broken lists variables Go
// would use that cannot work.
func proxyEnvConflicts(cfg probes.Config, w probes.World) (conflicts, broken []string) {
	pairs := []struct{ upper, lower, curl string }{
		{"HTTP_PROXY", "http_proxy", "curl reads only http_proxy"},
		{"HTTPS_PROXY", "https_proxy", "curl and golang.org/x/net/http/httpproxy (v0.5x and later) read https_proxy first"},
		{"NO_PROXY", "no_proxy", "curl and golang.org/x/net/http/httpproxy (v0.5x and later) read no_proxy first"},
	}
	for _, p := range pairs {
		u, uok := envValue(w, p.upper)
		l, lok := envValue(w, p.lower)
		if uok && lok && u != l {
			conflicts = append(conflicts, fmt.Sprintf("%s and %s differ: Go's net/http uses %s (%s); %s (%s)",
				p.upper, p.lower, p.upper, redactEnv(p.upper, u), p.curl, redactEnv(p.lower, l)))
		}
	}
	if u, ok := envValue(w, "HTTP_PROXY"); ok {
		if _, lok := envValue(w, "http_proxy"); !lok {
			conflicts = append(conflicts, fmt.Sprintf("HTTP_PROXY is set (%s) but http_proxy is not: curl ignores upper-case HTTP_PROXY and goes direct for http:// URLs", sanitize.URL(u)))
		}
	}
	for _, n := range []string{"ALL_PROXY", "all_proxy"} {
		if v, ok := envValue(w, n); ok {
			conflicts = append(conflicts, fmt.Sprintf("%s is set (%s): Go ignores it, curl uses it for every URL without a scheme-specific proxy", n, sanitize.URL(v)))
			break
		}
	}
	_, httpSet := firstEnv(w, "HTTP_PROXY", "http_proxy")
	_, httpsSet := firstEnv(w, "HTTPS_PROXY", "https_proxy")
	if httpSet != "" && httpsSet == "" && hasHTTPSTarget(cfg) {
		conflicts = append(conflicts, fmt.Sprintf("%s is set but HTTPS_PROXY is not: Go and curl connect directly to https:// URLs such as %s", httpSet, hostOnly(webTargetURL(cfg))))
	}
	if _, cgi := lookup(w, "REQUEST_METHOD"); cgi && httpSet != "" {
		conflicts = append(conflicts, "REQUEST_METHOD is set (CGI), so Go ignores HTTP_PROXY for http:// URLs")
	}
	for _, n := range proxyEnvNames {
		v, ok := envValue(w, n)
		if !ok || !isProxyURLVar(n) {
			continue
		}
		used := goUsesVar(w, n)
		u, err := parseProxyLikeGo(v)
		switch {
		case err != nil:
			msg := fmt.Sprintf("%s is not a valid proxy URL (%s)", n, sanitize.URL(v))
			if used {
				broken = append(broken, msg+": every Go request that uses it fails")
			} else {
				conflicts = append(conflicts, msg)
			}
		case !strings.Contains(v, "://"):
			conflicts = append(conflicts, fmt.Sprintf("%s has no scheme (%s): Go reads it as http://%s", n, sanitize.URL(v), sanitize.LineN(u.Host, 255)))
		case used && !goProxySchemes[strings.ToLower(u.Scheme)]:
			broken = append(broken, fmt.Sprintf("%s uses the scheme %s, which Go's net/http does not support (http, https, socks5, socks5h): every request through it fails", n, sanitize.LineN(u.Scheme, 16)))
		}
	}
	return conflicts, broken
}

// goUsesVar reports whether net/http reads this variable (it is the first
// non-empty of its case pair, and not ALL_PROXY).
func goUsesVar(w probes.World, name string) bool {
	switch name {
	case "HTTP_PROXY", "http_proxy":
		_, n := firstEnv(w, "HTTP_PROXY", "http_proxy")
		return n == name
	case "HTTPS_PROXY", "https_proxy":
		_, n := firstEnv(w, "HTTPS_PROXY", "https_proxy")
		return n == name
	}
	return false
}

// firstEnv returns the value and name of the first non-empty variable.
func firstEnv(w probes.World, names ...string) (val, name string) {
	for _, n := range names {
		if v, ok := envValue(w, n); ok {
			return v, n
		}
	}
	return "", ""
}

func redactEnv(name, v string) string {
	if strings.Contains(strings.ToLower(name), "no_proxy") {
		return sanitize.LineN(v, 200)
	}
	return sanitize.URL(v)
}

func hasHTTPSTarget(cfg probes.Config) bool {
	for _, t := range cfg.Targets {
		if strings.HasPrefix(strings.ToLower(t.URL), "https://") {
			return true
		}
	}
	return len(cfg.Targets) == 0
}

// parseProxyLikeGo parses a proxy variable as httpproxy does (as a URL,
// and when that has no scheme or host, as http://value), then insists on
// what a working proxy URL looks like: a host, a numeric port if any, no
// path. httpproxy accepts "http://http://user:pw@host" as host "http:" with
// the credentials in the path; such a value fails every request, and its
// secrets would escape redaction if it were printed parsed.
func parseProxyLikeGo(v string) (*url.URL, error) {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		u, err = url.Parse("http://" + v)
		if err != nil {
			return nil, errors.New("not a URL")
		}
	}
	switch {
	case u.Hostname() == "":
		return nil, errors.New("no host")
	case u.Path != "" && u.Path != "/":
		return nil, errors.New("unexpected path")
	case u.Port() != "" && strings.Trim(u.Port(), "0123456789") != "":
		return nil, errors.New("bad port")
	}
	return u, nil
}

// displayProxy shows a proxy variable's value as Go reads it, with the
// password redacted; an invalid value is masked whole.
func displayProxy(v string) string {
	u, err := parseProxyLikeGo(v)
	if err != nil {
		return sanitize.Redacted
	}
	return sanitize.URL(u.String())
}

// effectiveProxy is the proxy Go uses for one URL and why, naming the
// variable or the NO_PROXY entry that decided it.
func effectiveProxy(cfg probes.Config, w probes.World, raw string) probes.EffectiveProxy {
	e := probes.EffectiveProxy{URL: sanitize.URL(raw)}
	u, err := url.Parse(raw)
	if err != nil {
		e.Why = "unparsable URL"
		return e
	}
	scheme := strings.ToLower(u.Scheme)
	var val, name string
	switch scheme {
	case "https":
		val, name = firstEnv(w, "HTTPS_PROXY", "https_proxy")
	case "http":
		val, name = firstEnv(w, "HTTP_PROXY", "http_proxy")
		if _, cgi := lookup(w, "REQUEST_METHOD"); cgi && val != "" {
			e.Why = "HTTP_PROXY ignored under CGI (REQUEST_METHOD is set)"
			return e
		}
	}
	if val == "" {
		e.Why = "no proxy variable for " + scheme
		return e
	}
	p, err := proxyFor(w, u)
	if _, perr := parseProxyLikeGo(val); err != nil || perr != nil {
		e.Why = name + " is not a valid proxy URL"
		e.Var = name
		return e
	}
	if p == nil {
		e.Why = noProxyReason(w, u)
		return e
	}
	e.Var = name
	if cfg.BypassProxy {
		e.Why = fmt.Sprintf("bypassed for this run (%s would send it through %s)", name, displayProxy(val))
		return e
	}
	e.Proxy = displayProxy(val)
	e.Why = name
	return e
}

// noProxyReason names why a URL with a proxy variable set still goes
// direct: loopback, or the NO_PROXY entry that matches (found by asking
// httpproxy about each entry alone, so the matching rules are Go's own).
func noProxyReason(w probes.World, u *url.URL) string {
	noProxy, name := firstEnv(w, "NO_PROXY", "no_proxy")
	probe := &httpproxy.Config{HTTPProxy: "http://p.invalid:1", HTTPSProxy: "http://p.invalid:1"}
	if p, _ := probe.ProxyFunc()(u); p == nil {
		return "localhost and loopback addresses are never proxied"
	}
	for _, entry := range strings.Split(noProxy, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		c := *probe
		c.NoProxy = entry
		if p, _ := c.ProxyFunc()(u); p == nil {
			return fmt.Sprintf("%s entry %s matches", name, sanitize.LineN(entry, 128))
		}
	}
	return name + " matches"
}
