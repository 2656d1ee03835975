package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"

	"github.com/gptdoctor/gptdoctor/internal/command"
)

// scutilDNSInputs is what the macOS resolver configuration is judged from.
type scutilDNSInputs struct {
	Out []byte
	Err error
	// ResolvConf is macOS's compatibility copy of the default resolver,
	// read only when scutil gives nothing.
	ResolvConf    []byte
	ResolvConfErr error
	Processes     []probes.Process
	ProcessesErr  error
}

// gatherScutilDNS runs `scutil --dns` through the world's runner; no root
// is needed. When scutil is missing or fails, /etc/resolv.conf (which macOS
// keeps as a copy of the default resolver) is read instead.
func gatherScutilDNS(ctx context.Context, w probes.World) scutilDNSInputs {
	var in scutilDNSInputs
	in.Out, in.Err = runCommand(ctx, w, "scutil", "--dns")
	if in.Err != nil {
		if w.FS == nil {
			in.ResolvConfErr = errors.New("no file system in this environment")
		} else {
			in.ResolvConf, in.ResolvConfErr = readFileCapped(w.FS, resolvConfPath, maxConfigFile)
		}
	}
	if w.Host != nil {
		in.Processes, in.ProcessesErr = w.Host.Processes(ctx)
	} else {
		in.ProcessesErr = errors.New("no process list in this environment")
	}
	return in
}

// scutilDNSConfigResult judges the macOS resolver configuration. The
// default resolver is the first unscoped resolver without a domain;
// resolvers with a domain are split DNS; the scoped section lists what
// queries bound to one interface use.
func scutilDNSConfigResult(in scutilDNSInputs) probes.Result {
	d := &probes.DNSConfigDetails{Source: "scutil --dns", Stack: probes.DNSStackMacOS}
	res := probes.Result{Details: d}
	var ev []string
	if in.ProcessesErr == nil {
		d.Caches, d.Running = dnsDaemons(in.Processes)
	}

	if in.Err != nil {
		problem := commandProblem("scutil", in.Err)
		res.Status = probes.StatusUnknown
		res.Reason = "unknown: " + problem
		if !errors.Is(in.Err, command.ErrNotFound) {
			// A missing tool is not an error; a failing one is.
			res.Error = &probes.StepError{Step: "command", Message: "dns: scutil --dns: " + problem, Timeout: errors.Is(in.Err, context.DeadlineExceeded)}
		}
		if in.ResolvConfErr == nil {
			rc := parseResolvConf(in.ResolvConf)
			d.Source = "/etc/resolv.conf (scutil unavailable)"
			d.Servers = addrStrings(rc.Nameservers)
			d.Search = cleanList(rc.Search, 253)
			if len(d.Servers) > 0 {
				res.Reason += "; /etc/resolv.conf lists " + strings.Join(d.Servers, ", ")
			}
			d.Notes = append(d.Notes, "macOS keeps /etc/resolv.conf only as a copy of the default resolver; split and scoped resolvers are not in it")
		} else {
			d.Notes = append(d.Notes, fileProblem("/"+resolvConfPath, in.ResolvConfErr))
		}
		return res
	}

	resolvers := parseScutilDNS(in.Out)
	if len(resolvers) == 0 {
		if bytes.Contains(bytes.ToLower(in.Out), []byte("no dns configuration")) {
			res.Status = probes.StatusWarn
			res.Reason = "macOS has no DNS configuration: no network service is active"
		} else {
			res.Status = probes.StatusUnknown
			res.Reason = "unknown: scutil --dns printed no resolver this tool understands"
		}
		return res
	}

	def := -1
	for i, r := range resolvers {
		if !r.Scoped && r.Domain == "" && len(r.Nameservers) > 0 {
			def = i
			break
		}
	}
	if def >= 0 {
		r := resolvers[def]
		d.Servers = cleanList(r.Nameservers, 64)
		d.Search = cleanList(r.Search, 253)
		iface := sanitize.LineN(r.Interface, 32)
		d.Scopes = append(d.Scopes, probes.DNSScope{Interface: iface, Servers: d.Servers, Default: true})
		ev = append(ev, fmt.Sprintf("resolver #%d (default): %s%s", r.Number, strings.Join(d.Servers, ", "), onIface(iface)))
		if _, ok := lookupTunnelName(iface); ok {
			d.Notes = append(d.Notes, "the default resolver sits on "+iface+", a tunnel: every query goes through the VPN")
		}
	}
	var split []string
	for i, r := range resolvers {
		if i == def || len(r.Nameservers) == 0 {
			continue // the default, or an mDNS pseudo resolver (.local)
		}
		sc := probes.DNSScope{Interface: sanitize.LineN(r.Interface, 32), Servers: cleanList(r.Nameservers, 64)}
		if r.Domain != "" {
			sc.Domains = []string{sanitize.LineN(r.Domain, 253)}
		}
		if r.Scoped && r.Domain == "" && def >= 0 && sc.Interface == d.Scopes[0].Interface && slices.Equal(sc.Servers, d.Servers) {
			continue // the scoped twin of the default resolver
		}
		if containsScope(d.Scopes, sc) {
			continue
		}
		d.Scopes = append(d.Scopes, sc)
		kind := "scoped"
		if !r.Scoped && r.Domain != "" {
			kind = "split"
			split = append(split, sc.Domains[0])
		}
		ev = append(ev, fmt.Sprintf("resolver #%d (%s%s): %s%s", r.Number, kind, domainsSuffix(sc.Domains), strings.Join(sc.Servers, ", "), onIface(sc.Interface)))
	}
	if len(split) > 0 {
		d.Notes = append(d.Notes, "split DNS: "+strings.Join(split, ", ")+" go to their own resolvers (a VPN or profile set this)")
	}
	if len(d.Caches) > 0 {
		ev = append(ev, "running: "+strings.Join(d.Caches, ", "))
	}
	res.Evidence = ev

	if def < 0 {
		res.Status = probes.StatusWarn
		res.Reason = "macOS has no default resolver: only names under specific domains can be resolved"
		return res
	}
	if r := resolvers[def]; strings.Contains(strings.ToLower(r.Reach), "not reachable") {
		res.Status = probes.StatusWarn
		res.Reason = "macOS says the default resolver " + strings.Join(d.Servers, ", ") + " is not reachable"
		return res
	}
	res.Status = probes.StatusPass
	res.Reason = "macOS default resolver " + strings.Join(d.Servers, ", ") + onIface(d.Scopes[0].Interface)
	if len(split) > 0 {
		res.Reason += fmt.Sprintf(", %d split resolver(s)", len(split))
	}
	return res
}

func onIface(iface string) string {
	if iface == "" {
		return ""
	}
	return " on " + iface
}

func containsScope(list []probes.DNSScope, s probes.DNSScope) bool {
	for _, l := range list {
		if l.Interface == s.Interface && slices.Equal(l.Servers, s.Servers) && slices.Equal(l.Domains, s.Domains) {
			return true
		}
	}
	return false
}
