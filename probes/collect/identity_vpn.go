package collect

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// warpProxyAddrs is where Cloudflare WARP listens in proxy mode (SOCKS5 on
// 127.0.0.1:40000, os-facts §3.4). A variable so tests can point the probe
// elsewhere.
var warpProxyAddrs = []string{"127.0.0.1:40000"}

// runVPNProbe gathers every sign of a VPN: the egress interface being a
// tunnel (the strongest: it changes the address Cloudflare sees), other
// tunnel interfaces up, VPN client processes, macOS's VPN server entries
// and WARP's local proxy. Active follows identity.go: a tunnel carries the
// default route, or a VPN process runs while a tunnel interface is up.
func runVPNProbe(ctx context.Context, w probes.World, eg *egressShare) probes.Result {
	d := &probes.VPNDetails{}
	ifcs, ierr := hostInterfaces(ctx, w)
	if ierr != nil {
		d.Limits = append(d.Limits, "could not list interfaces: "+errLine(ierr))
	}
	r, err := eg.get(ctx)
	if err != nil {
		d.Limits = append(d.Limits, "the route lookup did not finish, so the default route is not judged: "+errLine(err))
	}
	if r.nwiErr != nil {
		d.Limits = append(d.Limits, "could not read scutil --nwi, so utun interfaces off the default route are not judged: "+commandProblem("scutil", r.nwiErr))
	}

	tunnelUp := false
	onEgress := map[string]bool{}
	for _, f := range []struct {
		name string
		p    *probes.EgressPath
	}{{"IPv4", r.d.IPv4}, {"IPv6", r.d.IPv6}} {
		if f.p == nil {
			continue
		}
		onEgress[f.p.Interface] = true
		if f.p.Tunnel == nil {
			continue
		}
		d.OnEgress, tunnelUp = true, true
		d.Signals = append(d.Signals, probes.VPNSignal{Source: "route", Product: f.p.Tunnel.Product,
			Evidence: fmt.Sprintf("%s default route leaves through %s, %s: %s", f.name, f.p.Interface,
				describeTunnel(f.p.Tunnel), strings.Join(f.p.Tunnel.Evidence, "; "))})
	}

	for _, ifc := range ifcs {
		if onEgress[ifc.Name] || hasFlag(ifc, "loopback") || !hasFlag(ifc, "up") {
			continue
		}
		t := classifyTunnel(ifc, tunnelContext{goos: w.GOOS, fsys: w.FS, nwi: r.nwi})
		if t == nil {
			continue
		}
		tunnelUp = true
		src := "interface"
		if w.GOOS == "windows" && ifc.Description != "" {
			src = "adapter"
		} else if w.GOOS == "darwin" && t.Type == tunnelUTUN {
			src = "scutil"
		}
		d.Signals = append(d.Signals, probes.VPNSignal{Source: src, Product: t.Product,
			Evidence: fmt.Sprintf("%s is up, %s: %s", ifc.Name, describeTunnel(t), strings.Join(t.Evidence, "; "))})
	}

	procs, perr := hostProcesses(ctx, w)
	if perr != nil {
		d.Limits = append(d.Limits, "could not list processes, so VPN clients are not seen: "+errLine(perr))
	}
	vpnProc := false
	seenProc := map[string]bool{}
	for _, p := range procs {
		product, ok := matchVPNProcess(p.Name)
		if !ok || seenProc[p.Name] {
			continue
		}
		seenProc[p.Name] = true
		vpnProc = true
		d.Signals = append(d.Signals, probes.VPNSignal{Source: "process", Product: product,
			Evidence: fmt.Sprintf("process %s running (pid %d)", p.Name, p.PID)})
	}

	for _, addr := range warpProxyAddrs {
		if st, _ := probeSOCKS5(ctx, w.Dialer, addr); st == socksSpeaks {
			d.Signals = append(d.Signals, probes.VPNSignal{Source: "listener", Product: "Cloudflare WARP",
				Evidence: "SOCKS5 proxy answers on " + addr + " (WARP proxy mode): programs set to use it leave through WARP"})
		}
	}

	d.Active = d.OnEgress || (vpnProc && tunnelUp)
	d.Products = vpnProducts(d.Signals)
	return vpnResult(ctx, d)
}

func vpnProducts(sigs []probes.VPNSignal) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range sigs {
		if s.Product != "" && !seen[s.Product] {
			seen[s.Product] = true
			out = append(out, s.Product)
		}
	}
	sort.Strings(out)
	return out
}

// vpnResult maps the findings to a status: warn when a VPN is active (it
// changes, or may change, the address and reputation Cloudflare judges),
// unknown when a source could not be read and nothing active was found,
// pass otherwise.
func vpnResult(ctx context.Context, d *probes.VPNDetails) probes.Result {
	res := probes.Result{Details: d}
	for _, s := range d.Signals {
		res.Evidence = append(res.Evidence, s.Source+": "+s.Evidence)
	}
	for _, l := range d.Limits {
		res.Evidence = append(res.Evidence, "not seen: "+l)
	}
	name := "a VPN"
	if len(d.Products) > 0 {
		name = strings.Join(d.Products, ", ")
	}
	switch {
	case d.OnEgress:
		res.Status = probes.StatusWarn
		res.Reason = name + " carries your internet traffic: Cloudflare sees the VPN's exit address and judges its reputation, not yours"
	case d.Active:
		res.Status = probes.StatusWarn
		res.Reason = name + " is connected but the default route does not use it: traffic to some destinations may still leave through it"
	case ctx.Err() != nil:
		res.Status, res.Reason = probes.StatusUnknown, "timed out before the VPN checks finished"
	case len(d.Limits) > 0:
		res.Status = probes.StatusUnknown
		res.Reason = "no VPN on the default route, but the look was incomplete: " + d.Limits[0]
	case len(d.Signals) > 0:
		res.Status = probes.StatusPass
		res.Reason = "no active VPN (the default route is not a tunnel); installed or idle: " + name
	default:
		res.Status = probes.StatusPass
		res.Reason = "no VPN: the default route is not a tunnel and no VPN client runs"
	}
	return res
}
