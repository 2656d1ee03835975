package collect

import (
	"context"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// Proxy probe timeouts.
const (
	// desktopReadTimeout bounds reading the desktop proxy settings before
	// the plan is built (gsettings or scutil, plus netsh on Windows): each
	// answers from local state in tens of milliseconds, but gsettings can
	// wait on a D-Bus activation.
	desktopReadTimeout = 3 * time.Second
	// proxyLocalTimeout bounds the probes that only format what was read
	// (environment, desktop settings).
	proxyLocalTimeout = time.Second
	// pacFetchTimeout is one HTTP fetch of a small script from an intranet
	// server, with room for a lost SYN.
	pacFetchTimeout = 5 * time.Second
	// proxyReachTimeout is a TCP connect to a proxy, normally on the LAN
	// or one hop into the corporate network: three seconds allows one SYN
	// retransmission (1 s initial RTO) and a slow link.
	proxyReachTimeout = 3 * time.Second
)

// proxyProbes plans the proxy probes: the environment, the desktop
// settings, the PAC script when one is configured, and one reachability
// probe per distinct configured proxy (environment and desktop). The
// environment comes from w, the desktop settings from desk, read before
// planning by ReadDesktopProxy because they decide which PAC and proxies
// there are to probe.
func proxyProbes(cfg probes.Config, w probes.World, desk DesktopProxy) []probes.Probe {
	ps := []probes.Probe{
		{ID: "proxy:env", Kind: probes.KindProxy, Title: "Proxy environment variables", Timeout: proxyLocalTimeout,
			Run: func(context.Context) probes.Result { return runProxyEnvProbe(cfg, w) }},
		{ID: "proxy:desktop", Kind: probes.KindProxy, Title: "Desktop proxy settings", Timeout: proxyLocalTimeout,
			Run: func(context.Context) probes.Result { return runDesktopProxyProbe(cfg, w, desk) }},
	}
	if pac := firstPACURL(desk); pac != "" {
		ps = append(ps, probes.Probe{ID: "proxy:pac", Kind: probes.KindProxy, Target: sanitize.URL(pac), Title: "Proxy auto-config script",
			Timeout: pacFetchTimeout, Run: func(ctx context.Context) probes.Result { return runPACProbe(ctx, w, pac) }})
	}
	for _, ep := range proxyEndpoints(w, desk) {
		ps = append(ps, probes.Probe{ID: "proxy:reach:" + ep.addr, Kind: probes.KindProxy, Target: ep.addr, Title: "Proxy " + ep.addr,
			Timeout: proxyReachTimeout, Run: func(ctx context.Context) probes.Result { return runProxyReachProbe(ctx, w, ep) }})
	}
	return ps
}

// firstPACURL is the PAC URL of the first configured source that has one.
// It is the unredacted URL: a PAC URL with credentials must still be
// fetchable; results show it redacted.
func firstPACURL(desk DesktopProxy) string {
	for _, s := range desk.settings {
		if s.Mode == "auto" && s.PACSource() != "" {
			return s.PACSource()
		}
	}
	return ""
}

// proxyEndpoints lists every distinct proxy host:port the environment and
// the desktop settings configure, environment first.
func proxyEndpoints(w probes.World, desk DesktopProxy) []proxyEndpoint {
	var out []proxyEndpoint
	index := map[string]int{}
	add := func(addr, display, source string) {
		if addr == "" {
			return
		}
		key := strings.ToLower(addr)
		if i, ok := index[key]; ok {
			out[i].sources = append(out[i].sources, source)
			return
		}
		index[key] = len(out)
		out = append(out, proxyEndpoint{addr: addr, display: display, sources: []string{source}})
	}
	for _, n := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"} {
		v, ok := envValue(w, n)
		if !ok {
			continue
		}
		u, err := parseProxyLikeGo(v)
		if err != nil || u.Hostname() == "" {
			continue
		}
		add(proxyURLHostPort(u), sanitize.URL(v), n)
	}
	for _, s := range desk.settings {
		for _, f := range []struct{ scheme, hp string }{{"http", s.HTTP}, {"https", s.HTTPS}, {"socks", s.SOCKS}} {
			if f.hp == "" {
				continue
			}
			add(f.hp, f.scheme+"://"+f.hp, s.Source+" "+f.scheme)
		}
	}
	return out
}
