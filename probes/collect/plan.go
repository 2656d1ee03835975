package collect

import "github.com/gptdoctor/gptdoctor/probes"

// BuildPlan decides what one run measures: for every target its endpoint
// probes (a variant matrix for web pages), the edge traces, the status page,
// the API key, DNS, the machine's identity and its proxy settings, plus the
// cross-checks derived once everything has reported. It performs no I/O:
// the probes it returns do, when the engine runs them. The desktop proxy
// settings, which decide what proxy probes there are, come in as desk, read
// just before by ReadDesktopProxy (the zero value leaves them out).
//
// The plan reads the machine through a fresh host cache, so its probes
// share one interface and one process listing, read when a probe first
// asks, and the next plan sees the machine anew.
func BuildPlan(cfg probes.Config, w probes.World, desk DesktopProxy) probes.Plan {
	w.Host = cachedHost(w.Host)
	var p probes.Plan
	for _, t := range cfg.Targets {
		p.Probes = append(p.Probes, targetProbes(t, cfg, w)...)
	}
	p.Probes = append(p.Probes, traceProbes(cfg, w)...)
	p.Probes = append(p.Probes, statusPageProbe(cfg, w), apiKeyProbe(cfg, w))
	p.Probes = append(p.Probes, dnsProbes(cfg, w)...)
	p.Probes = append(p.Probes, IdentityProbes(cfg, w)...)
	p.Probes = append(p.Probes, proxyProbes(cfg, w, desk)...)
	p.Derive = append(p.Derive, matrixDerivation(cfg), publicIPDerivation())
	return p
}
