package collect

import (
	"sync"

	"github.com/gptdoctor/gptdoctor/probes"
)

// dnsProbes plans the DNS family: dns:config (how this machine resolves),
// one dns:lookup:<host> per distinct target host (the system resolver's
// answer beside 1.1.1.1, 8.8.8.8 and DNS-over-HTTPS, checked against
// Cloudflare's ranges) and dns:whoami (which resolver really talks to the
// internet). Planning does no I/O; the probes touch the world only when
// run.
func dnsProbes(cfg probes.Config, w probes.World) []probes.Probe {
	probes := []probes.Probe{dnsConfigProbe(w)}
	hosts := sync.OnceValue(func() hostsFile { return readHostsFile(w) })
	doh := newDoHLookup(w, cfg.DoHURL) // one DoH connection for every lookup
	for _, h := range dnsLookupHosts(cfg.Targets) {
		probes = append(probes, dnsLookupProbe(cfg, w, h, hosts, doh))
	}
	return append(probes, dnsWhoamiProbe(cfg, w))
}
