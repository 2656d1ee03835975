package collect

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// Identity probe timeouts. Everything here is local to the machine except
// the captive-portal request.
const (
	// hostProbeTimeout: gopsutil reads /proc and /etc/os-release on Linux,
	// sysctl on macOS and the registry on Windows. All local, but a loaded
	// Windows machine can take a second or two to answer; three seconds
	// bounds that without holding up the run.
	hostProbeTimeout = 3 * time.Second
	// egressProbeTimeout: a UDP connect is a routing lookup in the kernel
	// and sends nothing; listing interfaces is a netlink dump. Two seconds
	// only bounds a wedged system call or a slow scutil on macOS.
	egressProbeTimeout = 2 * time.Second
	// vpnProbeTimeout covers the slowest local step: listing every process
	// (a few hundred milliseconds on a machine with thousands of them) plus
	// scutil --nwi and a loopback SOCKS greeting.
	vpnProbeTimeout = 4 * time.Second
	// torProbeTimeout covers the process list and two loopback SOCKS
	// greetings.
	torProbeTimeout = 3 * time.Second
	// loopbackSOCKSTimeout bounds connect plus greeting to a loopback port.
	// A listener answers in microseconds; half a second tolerates a machine
	// under load, while a firewall that silently drops loopback SYNs cannot
	// stall the probe.
	loopbackSOCKSTimeout = 500 * time.Millisecond
	// captiveProbeTimeout is one plain-HTTP round trip (DNS, connect, a
	// small response) over a slow link, with room for one lost SYN (the
	// initial retransmission timeout is 1 s).
	captiveProbeTimeout = 5 * time.Second
	// hostFetchTimeout bounds the shared interface and process listings
	// that several identity probes wait on.
	hostFetchTimeout = 3 * time.Second
)

// IdentityProbes plans the probes that say who this machine is on the
// network: host facts, the egress path per family, VPN and Tor signs, and
// whether a captive portal sits in the way. identity:egress and
// identity:vpn share one egress measurement; the interface and process
// lists are shared through the plan's host cache (see BuildPlan).
func IdentityProbes(cfg probes.Config, w probes.World) []probes.Probe {
	eg := &egressShare{cfg: cfg, w: w}
	ps := []probes.Probe{
		{ID: "identity:host", Kind: probes.KindIdentity, Title: "This machine", Timeout: hostProbeTimeout,
			Run: func(ctx context.Context) probes.Result { return runHostProbe(ctx, w) }},
		{ID: "identity:egress", Kind: probes.KindIdentity, Title: "Route to the internet", Timeout: egressProbeTimeout,
			Run: func(ctx context.Context) probes.Result { return runEgressProbe(ctx, eg) }},
		{ID: "identity:vpn", Kind: probes.KindIdentity, Title: "VPN and tunnels", Timeout: vpnProbeTimeout,
			Run: func(ctx context.Context) probes.Result { return runVPNProbe(ctx, w, eg) }},
		{ID: "identity:tor", Kind: probes.KindIdentity, Title: "Tor", Timeout: torProbeTimeout,
			Run: func(ctx context.Context) probes.Result { return runTorProbe(ctx, w) }},
	}
	captive := probes.Probe{ID: "identity:captive", Kind: probes.KindIdentity, Target: sanitize.URL(cfg.CaptiveURL),
		Title: "Captive portal", Timeout: scaleLimit(cfg.Budget, captiveProbeTimeout),
		Run: func(ctx context.Context) probes.Result { return runCaptiveProbe(ctx, cfg, w) }}
	if cfg.CaptiveURL == "" {
		captive.Run = func(context.Context) probes.Result {
			return probes.Result{Status: probes.StatusSkipped, Reason: "no captive-portal check URL configured"}
		}
	}
	return append(ps, captive)
}

// hostCache wraps the world's HostInfo for one plan: each listing is read
// once, when a probe first asks, sanitised (a Windows adapter's friendly
// name is user-editable, and results go to a terminal), and handed to every
// probe that asks after it: identity:host, egress, VPN and Tor, and
// dns:config's resolver daemons. BuildPlan installs a fresh one per plan,
// so a re-probe sees the machine as it is then. Callers share the returned
// slices and must not modify them.
type hostCache struct {
	h      probes.HostInfo
	info   onceFetch[probes.HostFacts]
	ifaces onceFetch[[]probes.Interface]
	procs  onceFetch[[]probes.Process]
}

// cachedHost returns h behind a fresh hostCache (nil stays nil, so probes
// still say no host information is configured).
func cachedHost(h probes.HostInfo) probes.HostInfo {
	if h == nil {
		return nil
	}
	return &hostCache{h: h}
}

func (c *hostCache) Info(ctx context.Context) (probes.HostFacts, error) {
	return c.info.get(ctx, func(ctx context.Context) (probes.HostFacts, error) {
		f, err := c.h.Info(ctx)
		return sanitizeFacts(f), err
	})
}

func (c *hostCache) Interfaces(ctx context.Context) ([]probes.Interface, error) {
	return c.ifaces.get(ctx, func(ctx context.Context) ([]probes.Interface, error) {
		ifcs, err := c.h.Interfaces(ctx)
		return sanitizeInterfaces(ifcs), err
	})
}

func (c *hostCache) Processes(ctx context.Context) ([]probes.Process, error) {
	return c.procs.get(ctx, func(ctx context.Context) ([]probes.Process, error) {
		ps, err := c.h.Processes(ctx)
		for i := range ps {
			ps[i].Name = sanitize.LineN(ps[i].Name, 128)
			ps[i].Exe = sanitize.LineN(ps[i].Exe, 512)
		}
		return ps, err
	})
}

// hostInterfaces and hostProcesses read the world's host, or say there is
// none.
func hostInterfaces(ctx context.Context, w probes.World) ([]probes.Interface, error) {
	if w.Host == nil {
		return nil, errNoHostInfo
	}
	return w.Host.Interfaces(ctx)
}

func hostProcesses(ctx context.Context, w probes.World) ([]probes.Process, error) {
	if w.Host == nil {
		return nil, errNoHostInfo
	}
	return w.Host.Processes(ctx)
}

var errNoHostInfo = errors.New("no host information source configured")

// onceFetch runs a fetch once and hands its result to every caller. The
// fetch runs detached from the first caller's context (bounded by
// hostFetchTimeout instead), so one probe's cancellation does not poison
// the result for the others; each caller still stops waiting when its own
// context ends. A fetch that panics (it runs outside the engine's
// recovery) yields the panic as its error.
type onceFetch[T any] struct {
	once sync.Once
	done chan struct{}
	val  T
	err  error
}

func (o *onceFetch[T]) get(ctx context.Context, fetch func(context.Context) (T, error)) (T, error) {
	o.once.Do(func() {
		o.done = make(chan struct{})
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hostFetchTimeout)
		go func() {
			defer close(o.done)
			defer cancel()
			defer func() {
				if v := recover(); v != nil {
					o.err = fmt.Errorf("panic: %v", v)
				}
			}()
			o.val, o.err = fetch(fctx)
		}()
	})
	select {
	case <-o.done:
		return o.val, o.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// errLine turns an error into one safe line for a result: control
// sequences stripped, secrets masked, bounded length.
func errLine(err error) string {
	if err == nil {
		return ""
	}
	return defaultClean(err.Error())
}
