package probes

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
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
// whether a captive portal sits in the way. Interface and process lists
// are read once and shared between the probes of one plan.
func IdentityProbes(cfg Config, w World) []Probe {
	hc := &hostCache{w: w}
	ps := []Probe{
		{ID: "identity:host", Kind: KindIdentity, Title: "This machine", Timeout: hostProbeTimeout,
			Run: func(ctx context.Context) Result { return runHostProbe(ctx, w, hc) }},
		{ID: "identity:egress", Kind: KindIdentity, Title: "Route to the internet", Timeout: egressProbeTimeout,
			Run: func(ctx context.Context) Result { return runEgressProbe(ctx, cfg, w, hc) }},
		{ID: "identity:vpn", Kind: KindIdentity, Title: "VPN and tunnels", Timeout: vpnProbeTimeout,
			Run: func(ctx context.Context) Result { return runVPNProbe(ctx, cfg, w, hc) }},
		{ID: "identity:tor", Kind: KindIdentity, Title: "Tor", Timeout: torProbeTimeout,
			Run: func(ctx context.Context) Result { return runTorProbe(ctx, w, hc) }},
	}
	captive := Probe{ID: "identity:captive", Kind: KindIdentity, Target: cfg.CaptiveURL,
		Title: "Captive portal", Timeout: captiveProbeTimeout,
		Run: func(ctx context.Context) Result { return runCaptiveProbe(ctx, cfg, w) }}
	if cfg.CaptiveURL == "" {
		captive.Run = func(context.Context) Result {
			return Result{Status: StatusSkipped, Reason: "no captive-portal check URL configured"}
		}
	}
	return append(ps, captive)
}

// hostCache shares the interface and process lists between the identity
// probes of one plan, so the machine is listed once per run.
type hostCache struct {
	w      World
	ifaces onceFetch[[]Interface]
	procs  onceFetch[[]Process]
}

func (c *hostCache) interfaces(ctx context.Context) ([]Interface, error) {
	if c.w.Host == nil {
		return nil, errNoHostInfo
	}
	return c.ifaces.get(ctx, func(ctx context.Context) ([]Interface, error) {
		ifcs, err := c.w.Host.Interfaces(ctx)
		return sanitizeInterfaces(ifcs), err
	})
}

func (c *hostCache) processes(ctx context.Context) ([]Process, error) {
	if c.w.Host == nil {
		return nil, errNoHostInfo
	}
	return c.procs.get(ctx, func(ctx context.Context) ([]Process, error) {
		ps, err := c.w.Host.Processes(ctx)
		for i := range ps {
			ps[i].Name = sanitize.LineN(ps[i].Name, 128)
			ps[i].Exe = sanitize.LineN(ps[i].Exe, 512)
		}
		return ps, err
	})
}

var errNoHostInfo = errors.New("no host information source configured")

// onceFetch runs a fetch once and hands its result to every caller. The
// fetch runs detached from the first caller's context (bounded by
// hostFetchTimeout instead), so one probe's cancellation does not poison
// the result for the others; each caller still stops waiting when its own
// context ends.
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
	return sanitize.Line(sanitize.Secrets(err.Error()))
}
