package collect

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// proxyEndpoint is one configured proxy: where to connect, how to show it,
// and which settings name it.
type proxyEndpoint struct {
	addr    string // host:port
	display string // redacted URL
	sources []string
}

// runProxyReachProbe opens (and at once closes) a TCP connection to a
// configured proxy. Status: pass when it accepts, fail when it refuses,
// does not answer or its name does not resolve, since every request sent
// through it will then fail; unknown when the run was cancelled or its
// budget ran out first.
func runProxyReachProbe(ctx context.Context, w probes.World, ep proxyEndpoint) probes.Result {
	d := &probes.ProxyReachDetails{Proxy: ep.display, Addr: ep.addr, Sources: ep.sources}
	used := "used by " + strings.Join(ep.sources, ", ")
	start := time.Now()
	c, nf := dialViaWorld(ctx, w, ep.addr, true, timeoutsFor(0, w.Limits))
	if nf == nil {
		d.Connect = probes.Millis(time.Since(start))
		d.Reachable = true
		_ = c.Close()
		return probes.Result{Status: probes.StatusPass, Details: d,
			Reason:   fmt.Sprintf("proxy %s accepts connections (%s)", ep.addr, d.Connect),
			Evidence: []string{used}}
	}
	if ctx.Err() != nil {
		nf = ctxFailure(ctx, "proxy", "connecting to "+ep.addr, start.Add(proxyReachTimeout), proxyReachTimeout)
	}
	res := probes.Result{Status: nf.status(), Details: d, Reason: nf.Reason, Error: nf.stepError(), Evidence: []string{used}}
	if res.Status == probes.StatusFail {
		res.Reason += ": every proxied request will fail"
	}
	return res
}
