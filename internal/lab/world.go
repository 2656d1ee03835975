package lab

import (
	"maps"
	"slices"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/collect"
)

// World returns base with the network, trust and environment replaced by
// the lab's: a dialer that reaches the lab's listeners and nothing else,
// and a system resolver that asks the lab's DNS and nothing else (no
// /etc/hosts). Everything else (clock, commands, files, host facts) stays
// base's: the lab fakes the internet, not the machine.
func (l *Lab) World(base probes.World) probes.World {
	w := base
	// The lab's own listeners are the only addresses anything may dial:
	// where the rules lead, the system resolver and the proxy.
	allowed := allowDialer{l.systemDNS: true}
	for _, to := range l.rules {
		allowed[to] = true
	}
	if l.proxyAddr != "" {
		allowed[l.proxyAddr] = true
	}
	w.Dialer = collect.ConnectTo{Base: allowed, Rules: maps.Clone(l.rules)}
	w.Resolver = stubResolver{dialer: allowed, server: l.systemDNS}
	w.Trust = probes.Trust{System: l.pki.machine, User: base.Trust.User, Public: l.pki.public,
		PublicSource: "gptdoctor lab public root (stands in for Mozilla's)"}
	env := l.envMap()
	baseEnv := base.LookupEnv
	w.LookupEnv = func(key string) (string, bool) {
		if v, ok := env[key]; ok {
			return v, v != ""
		}
		if baseEnv == nil {
			return "", false
		}
		return baseEnv(key)
	}
	return w
}

// Config is the default configuration, with a larger budget when the
// scenario is slow.
func (l *Lab) Config() probes.Config {
	c := probes.DefaultConfig()
	if l.spec.slow {
		// Four delayed round trips may run back to back within one probe
		// (a redirect, its target, a trace, a retry).
		c.Budget = probes.DefaultBudget + 4*l.latency
	}
	return c
}

// Args are the flags that point the real binary at the lab: the system
// resolver, one --connect-to per rule (sorted), and the public root file.
// The first call of Args or Env writes the CA files (see Env).
func (l *Lab) Args() []string {
	args := []string{"--resolver", l.systemDNS}
	for _, r := range (collect.ConnectTo{Rules: l.rules}).Summary() {
		args = append(args, "--connect-to", r)
	}
	return append(args, "--public-ca-file", l.caFiles().public)
}

// Env is the environment for the real binary, KEY=VALUE, sorted.
// SSL_CERT_FILE holds the machine's roots; SSL_CERT_DIR names an empty
// directory because Go on Linux reads the default certificate directories
// even when SSL_CERT_FILE is set. Proxy variables and OPENAI_API_KEY the
// scenario does not set are present but empty, so a developer's own proxy
// or key never leaks into a demo (empty means unset to Go and curl).
// Go on macOS and Windows ignores SSL_CERT_FILE: run the binary against
// the lab on Linux.
//
// The first call of Args or Env writes the CA files to a temporary
// directory Close removes; in-process use (World) needs none. Like
// httptest.NewServer when it cannot listen, it panics if they cannot be
// written: the caller is a test harness, and a binary started without
// them would only fail later and less clearly.
func (l *Lab) Env() []string {
	m := l.envMap()
	f := l.caFiles()
	m["SSL_CERT_FILE"] = f.machine
	m["SSL_CERT_DIR"] = f.emptyDir
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// maskedEnv are the variables a scenario controls: unset unless it sets
// them. The proxy names must match the list the proxy:env probe reads
// (probes/proxyvars.go), or a developer's own variable would leak in.
var maskedEnv = []string{
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy",
	"ALL_PROXY", "all_proxy", "REQUEST_METHOD", "OPENAI_API_KEY",
}

// envMap is the scenario's environment: the masked variables, the
// scenario's own, and the proxy.
func (l *Lab) envMap() map[string]string {
	m := map[string]string{}
	for _, k := range maskedEnv {
		m[k] = ""
	}
	maps.Copy(m, l.spec.env)
	if l.proxyAddr != "" {
		m["HTTPS_PROXY"] = "http://" + l.proxyAddr
	}
	return m
}
