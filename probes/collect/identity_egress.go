package collect

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// egressShare measures the egress path once per plan: identity:egress
// reports it and identity:vpn builds on it, so the route lookups and macOS's
// scutil --nwi run once per run.
type egressShare struct {
	cfg  probes.Config
	w    probes.World
	once onceFetch[egressRead]
}

// egressRead is one egress measurement with what it was judged from.
type egressRead struct {
	d probes.EgressDetails
	// ifcErr is why the interfaces could not be listed (the egress
	// interface is then unnamed).
	ifcErr error
	// nwi is macOS's interface table, nil when not read; nwiErr says why
	// reading it failed.
	nwi    *scutilNWI
	nwiErr error
	// timedOut is true when the measurement ran out of time, so missing
	// routes are not evidence of no route.
	timedOut bool
}

func (s *egressShare) get(ctx context.Context) (egressRead, error) {
	return s.once.get(ctx, func(ctx context.Context) (egressRead, error) {
		var r egressRead
		ifcs, err := hostInterfaces(ctx, s.w)
		r.ifcErr = err
		if s.w.GOOS == "darwin" {
			if n, err := readScutilNWI(ctx, s.w); err != nil {
				r.nwiErr = err
			} else {
				r.nwi = &n
			}
		}
		r.d = measureEgress(ctx, s.cfg, s.w, ifcs, r.nwi)
		r.timedOut = ctx.Err() != nil
		return r, nil
	})
}

// measureEgress asks the kernel, with a UDP connect per configured probe
// address, which source address and therefore which interface it would use
// to reach the internet. A UDP connect sends no packet, and it goes through
// the full routing decision (policy rules, wg-quick's fwmark table,
// OpenVPN's def1 half-routes) that a naive look at the default route
// misses. The first probe that connects decides each family.
func measureEgress(ctx context.Context, cfg probes.Config, w probes.World, ifcs []probes.Interface, nwi *scutilNWI) probes.EgressDetails {
	var d probes.EgressDetails
	var probed4, probed6 bool
	var why4, why6 []string
	// IPv4 and IPv6 usually leave through the same interface; judge it
	// once (on Linux that reads sysfs).
	tunnels := map[string]*probes.TunnelInfo{}
	classify := func(ifc probes.Interface) *probes.TunnelInfo {
		t, ok := tunnels[ifc.Name]
		if !ok {
			t = classifyTunnel(ifc, tunnelContext{goos: w.GOOS, fsys: w.FS, nwi: nwi, defaultRoute: true})
			tunnels[ifc.Name] = t
		}
		return t
	}
	for _, probe := range cfg.EgressProbes {
		ap, err := netip.ParseAddrPort(strings.TrimSpace(probe))
		if err != nil {
			continue
		}
		v6 := ap.Addr().Is6() && !ap.Addr().Is4In6()
		if (v6 && d.IPv6 != nil) || (!v6 && d.IPv4 != nil) {
			continue
		}
		if v6 {
			probed6 = true
		} else {
			probed4 = true
		}
		path, err := egressPath(ctx, w.Dialer, ap.String(), ifcs, classify)
		if err != nil {
			msg := "no route: " + errLine(err)
			if v6 {
				why6 = append(why6, msg)
			} else {
				why4 = append(why4, msg)
			}
			continue
		}
		if v6 {
			d.IPv6, d.IPv6Available = path, true
		} else {
			d.IPv4, d.IPv4Available = path, true
		}
	}
	if !d.IPv4Available {
		d.IPv4Reason = familyReason(probed4, why4, "IPv4")
	}
	if !d.IPv6Available {
		d.IPv6Reason = familyReason(probed6, why6, "IPv6")
	}
	return d
}

func familyReason(probed bool, why []string, fam string) string {
	if !probed {
		return "not probed: no " + fam + " egress probe address configured"
	}
	return strings.Join(why, "; ")
}

// egressPath connects a UDP socket to addr and reads back the source
// address and the interface that owns it, which classify judges.
func egressPath(ctx context.Context, dialer probes.Dialer, addr string, ifcs []probes.Interface, classify func(probes.Interface) *probes.TunnelInfo) (*probes.EgressPath, error) {
	if dialer == nil {
		return nil, fmt.Errorf("udp connect %s: no dialer configured", addr)
	}
	c, err := dialer.DialContext(ctx, "udp", addr)
	if err != nil {
		return nil, err
	}
	local := c.LocalAddr()
	_ = c.Close()
	p := &probes.EgressPath{Probe: addr}
	src, ok := addrOf(local)
	if !ok {
		return p, nil
	}
	p.Source = src.String()
	if ifc, ok := interfaceOwning(ifcs, src); ok {
		p.Interface = ifc.Name
		p.Description = ifc.Description
		p.Tunnel = classify(ifc)
	}
	return p, nil
}

// addrOf extracts the IP of a socket address without its zone or port.
func addrOf(a net.Addr) (netip.Addr, bool) {
	if a == nil {
		return netip.Addr{}, false
	}
	if ua, ok := a.(*net.UDPAddr); ok {
		ip, ok := netip.AddrFromSlice(ua.IP)
		return ip.Unmap().WithZone(""), ok
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap().WithZone(""), true
}

// interfaceOwning finds the interface that has ip among its addresses.
func interfaceOwning(ifcs []probes.Interface, ip netip.Addr) (probes.Interface, bool) {
	for _, ifc := range ifcs {
		for _, a := range ifc.Addrs {
			var got netip.Addr
			if p, err := netip.ParsePrefix(a); err == nil {
				got = p.Addr()
			} else if ad, err := netip.ParseAddr(a); err == nil {
				got = ad
			} else {
				continue
			}
			if got.Unmap().WithZone("") == ip {
				return ifc, true
			}
		}
	}
	return probes.Interface{}, false
}

// runEgressProbe reports the egress path per family.
func runEgressProbe(ctx context.Context, eg *egressShare) probes.Result {
	if len(eg.cfg.EgressProbes) == 0 {
		return probes.Result{Status: probes.StatusSkipped, Reason: "no egress probe addresses configured"}
	}
	r, err := eg.get(ctx)
	if err != nil {
		return probes.Result{Status: probes.StatusUnknown, Reason: "the route lookup did not finish: " + errLine(err)}
	}
	d := &r.d
	var ev []string
	if r.nwiErr != nil {
		ev = append(ev, "scutil --nwi: "+commandProblem("scutil", r.nwiErr))
	}
	if r.ifcErr != nil {
		ev = append(ev, "interfaces could not be listed, so the egress interface is unnamed: "+errLine(r.ifcErr))
	}
	ev = append(ev, egressEvidence("IPv4", d.IPv4, d.IPv4Reason)...)
	ev = append(ev, egressEvidence("IPv6", d.IPv6, d.IPv6Reason)...)
	res := probes.Result{Details: d, Evidence: ev}
	tunnel := tunnelOf(d)
	switch {
	case r.timedOut && !d.IPv4Available && !d.IPv6Available:
		res.Status, res.Reason = probes.StatusUnknown, "timed out before the route lookup finished"
	case !d.IPv4Available && !d.IPv6Available:
		res.Status = probes.StatusFail
		res.Reason = "no route to the internet over IPv4 or IPv6"
		res.Error = &probes.StepError{Step: "route", Message: "route: " + strings.Join([]string{d.IPv4Reason, d.IPv6Reason}, "; ")}
	case tunnel != nil:
		res.Status = probes.StatusWarn
		res.Reason = fmt.Sprintf("traffic to the internet leaves through %s, %s: sites see the tunnel's exit address, not yours",
			tunnel.Interface, describeTunnel(tunnel.Tunnel))
	default:
		res.Status = probes.StatusPass
		res.Reason = egressSummary(d)
	}
	return res
}

// tunnelOf returns the first egress path that is a tunnel, IPv4 first.
func tunnelOf(d *probes.EgressDetails) *probes.EgressPath {
	for _, p := range []*probes.EgressPath{d.IPv4, d.IPv6} {
		if p != nil && p.Tunnel != nil {
			return p
		}
	}
	return nil
}

func describeTunnel(t *probes.TunnelInfo) string {
	s := "a " + t.Type + " tunnel"
	if t.Product != "" {
		s += " (" + t.Product + ")"
	}
	return s
}

func egressSummary(d *probes.EgressDetails) string {
	var parts []string
	for _, f := range []struct {
		name string
		p    *probes.EgressPath
	}{{"IPv4", d.IPv4}, {"IPv6", d.IPv6}} {
		if f.p == nil {
			parts = append(parts, f.name+" unavailable")
			continue
		}
		s := f.name + " leaves"
		if f.p.Interface != "" {
			s += " via " + f.p.Interface
		}
		if f.p.Source != "" {
			s += " from " + f.p.Source
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func egressEvidence(fam string, p *probes.EgressPath, reason string) []string {
	if p == nil {
		return []string{fam + ": " + reason}
	}
	s := fmt.Sprintf("%s: route to %s uses source %s", fam, p.Probe, orDash(p.Source))
	if p.Interface != "" {
		s += " on " + p.Interface
		if p.Description != "" {
			s += " (" + p.Description + ")"
		}
	} else {
		s += " (no listed interface owns it)"
	}
	out := []string{s}
	if p.Tunnel != nil {
		out = append(out, fmt.Sprintf("%s: %s is %s: %s", fam, p.Interface, describeTunnel(p.Tunnel), strings.Join(p.Tunnel.Evidence, "; ")))
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// readScutilNWI runs and parses `scutil --nwi`.
func readScutilNWI(ctx context.Context, w probes.World) (scutilNWI, error) {
	out, err := runCommand(ctx, w, "scutil", "--nwi")
	if err != nil {
		return scutilNWI{}, err
	}
	return parseScutilNWI(string(out))
}
