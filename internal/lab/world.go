package lab

import (
	"context"
	"net"
	"sort"

	"github.com/gptdoctor/gptdoctor/probes"
)

// World returns base with the network, trust and environment replaced by
// the lab's. Everything else (clock, commands, files, host facts) stays
// base's: the lab fakes the internet, not the machine.
func (l *Lab) World(base probes.World) probes.World {
	w := base
	ld := loopbackDialer{}
	w.Dialer = probes.ConnectTo{Base: ld, Rules: l.rulesCopy()}
	sys := l.systemDNS
	w.Resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return ld.DialContext(ctx, network, sys)
	}}
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

// rulesCopy returns a copy of the connect-to rules (logical IP:port to
// loopback IP:port).
func (l *Lab) rulesCopy() map[string]string {
	out := make(map[string]string, len(l.rules))
	for k, v := range l.rules {
		out[k] = v
	}
	return out
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
func (l *Lab) Args() []string {
	args := []string{"--resolver", l.systemDNS}
	keys := make([]string, 0, len(l.rules))
	for k := range l.rules {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "--connect-to", k+"="+l.rules[k])
	}
	return append(args, "--public-ca-file", l.publicCA)
}

// Env is the environment for the real binary, KEY=VALUE, sorted.
// SSL_CERT_FILE holds the machine's roots; SSL_CERT_DIR names an empty
// directory because Go on Linux reads the default certificate directories
// even when SSL_CERT_FILE is set. Proxy variables and OPENAI_API_KEY the
// scenario does not set are present but empty, so a developer's own proxy
// or key never leaks into a demo (empty means unset to Go and curl).
// Go on macOS and Windows ignores SSL_CERT_FILE: run the binary against
// the lab on Linux.
func (l *Lab) Env() []string {
	m := l.envMap()
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// maskedEnv are the variables a scenario controls: unset unless it sets
// them.
var maskedEnv = []string{
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy",
	"ALL_PROXY", "all_proxy", "REQUEST_METHOD", "OPENAI_API_KEY",
}

func (l *Lab) envMap() map[string]string {
	m := map[string]string{}
	for _, k := range maskedEnv {
		m[k] = ""
	}
	for k, v := range l.spec.env {
		m[k] = v
	}
	if l.proxyURL != "" {
		m["HTTPS_PROXY"] = l.proxyURL
	}
	m["SSL_CERT_FILE"] = l.machineCA
	m["SSL_CERT_DIR"] = l.emptyDir
	return m
}
