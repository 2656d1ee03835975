package collect

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"path"
	"slices"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// The files the Linux (and generic Unix) resolver stack is read from,
// relative to World.FS's root.
const (
	resolvConfPath     = "etc/resolv.conf"
	resolvedUplinkPath = "run/systemd/resolve/resolv.conf"
	nmNoStubPath       = "run/NetworkManager/no-stub-resolv.conf"
	nsswitchPath       = "etc/nsswitch.conf"
)

// resolvedStubAddrs are systemd-resolved's stub listeners: 127.0.0.53 (full
// stub) and 127.0.0.54 (proxy stub, no DNSSEC or LLMNR).
var resolvedStubAddrs = []netip.Addr{netip.MustParseAddr("127.0.0.53"), netip.MustParseAddr("127.0.0.54")}

// nmDnsmasqAddr is where NetworkManager's dnsmasq plugin listened on older
// Ubuntu releases.
var nmDnsmasqAddr = netip.MustParseAddr("127.0.1.1")

// unixDNSInputs is everything a Unix resolver stack is judged from,
// gathered through World, and parsed once, so that judging it is a pure
// function.
type unixDNSInputs struct {
	// Link is the absolute, cleaned target of /etc/resolv.conf when it is
	// a symlink, "" otherwise.
	Link string
	// ResolvConf is /etc/resolv.conf parsed; ResolvConfErr says why it
	// could not be read.
	ResolvConf    resolvConf
	ResolvConfErr error
	// Uplink is systemd-resolved's list of real upstream servers.
	Uplink    []byte
	UplinkErr error
	// NMNoStub is NetworkManager's list of real servers behind its
	// dnsmasq or resolved stub.
	NMNoStub []byte
	NSSwitch []byte
	// Caches and Managers are the DNS daemons found running (dnsDaemons);
	// ProcessesErr says why the process list is missing. The list may
	// lack other users' processes (hidepid, a Flatpak sandbox).
	Caches, Managers []string
	ProcessesErr     error
	// ResolvectlRan says whether `resolvectl status` was asked;
	// ResolvectlLinks is its output parsed, ResolvectlErr its failure.
	ResolvectlRan   bool
	ResolvectlLinks []resolvectlLink
	ResolvectlErr   error
}

// gatherUnixDNS reads the resolver configuration through the world: the
// resolv.conf symlink and text, resolved's and NetworkManager's upstream
// lists, nsswitch.conf, running daemons and, where systemd-resolved is in
// play, `resolvectl status`. Nothing here needs root.
func gatherUnixDNS(ctx context.Context, w probes.World, linux bool) unixDNSInputs {
	var in unixDNSInputs
	if w.FS == nil {
		in.ResolvConfErr = errors.New("no file system in this environment")
		in.ProcessesErr = in.ResolvConfErr
		return in
	}
	read := func(name string) ([]byte, error) { return readFileCapped(w.FS, name, maxConfigFile) }
	if target, err := fs.ReadLink(w.FS, resolvConfPath); err == nil && target != "" {
		if !path.IsAbs(target) {
			target = path.Join("/etc", target)
		}
		in.Link = path.Clean(target)
	}
	rc, err := read(resolvConfPath)
	if err != nil && in.Link != "" && errors.Is(err, fs.ErrNotExist) {
		// An fs.FS may refuse to follow an absolute link (fstest.MapFS
		// does); World.FS is rooted at "/", so read the target itself.
		if b, lerr := read(strings.TrimPrefix(in.Link, "/")); lerr == nil {
			rc, err = b, nil
		}
	}
	in.ResolvConf, in.ResolvConfErr = parseResolvConf(rc), err
	if !linux {
		return in
	}
	in.Uplink, in.UplinkErr = read(resolvedUplinkPath)
	in.NMNoStub, _ = read(nmNoStubPath)
	in.NSSwitch, _ = read(nsswitchPath)
	if w.Host != nil {
		procs, err := w.Host.Processes(ctx)
		in.Caches, in.Managers = dnsDaemons(procs)
		in.ProcessesErr = err
	} else {
		in.ProcessesErr = errors.New("no process list in this environment")
	}
	if involvesResolved(in) {
		in.ResolvectlRan = true
		var out []byte
		out, in.ResolvectlErr = runCommand(ctx, w, "resolvectl", "status", "--no-pager")
		if in.ResolvectlErr == nil {
			in.ResolvectlLinks = parseResolvectlStatus(out)
		}
	}
	return in
}

// involvesResolved reports whether systemd-resolved plays any part, which
// is when `resolvectl status` is worth asking.
func involvesResolved(in unixDNSInputs) bool {
	if strings.HasPrefix(in.Link, "/run/systemd/") || strings.HasSuffix(in.Link, "/systemd/resolv.conf") {
		return true
	}
	if slices.Contains(in.Caches, "systemd-resolved") {
		return true
	}
	ns := in.ResolvConf.Nameservers
	return len(ns) > 0 && slices.Contains(resolvedStubAddrs, ns[0].WithZone(""))
}

// resolvedRunning reports whether systemd-resolved runs: it is in the
// process list, or `resolvectl status` answered with links (resolvectl
// asks the daemon over D-Bus, so an answer proves it runs even when the
// process list hides other users' processes).
func resolvedRunning(in unixDNSInputs) bool {
	return slices.Contains(in.Caches, "systemd-resolved") || len(in.ResolvectlLinks) > 0
}

// linkStack maps a resolv.conf symlink target to the stack and manager it
// implies (systemd-resolved.service(8), section "/etc/resolv.conf").
func linkStack(link string) (stack, manager string) {
	l := link
	if rest, ok := strings.CutPrefix(l, "/var/run/"); ok {
		l = "/run/" + rest
	}
	switch {
	case l == "":
		return "", ""
	case l == "/run/systemd/resolve/stub-resolv.conf", l == "/usr/lib/systemd/resolv.conf", l == "/lib/systemd/resolv.conf":
		return probes.DNSStackResolvedStub, "systemd-resolved"
	case l == "/run/systemd/resolve/resolv.conf":
		return probes.DNSStackResolvedUplink, "systemd-resolved"
	case l == "/mnt/wsl/resolv.conf":
		return probes.DNSStackWSL, "wsl"
	case strings.HasPrefix(l, "/run/NetworkManager/"):
		return "", "NetworkManager"
	case strings.HasPrefix(l, "/run/resolvconf/"), strings.HasPrefix(l, "/etc/resolvconf/"):
		return "", "resolvconf"
	case strings.HasPrefix(l, "/run/connman/"):
		return "", "connman"
	}
	return "", ""
}

// unixStack decides the resolver stack from the symlink, the file's
// header and nameservers, and the daemons running. The symlink is the
// strongest evidence, then a WSL header, then what the nameservers point at.
func unixStack(link string, rc resolvConf, caches []string) (stack, manager string) {
	stack, manager = linkStack(link)
	if manager == "" {
		manager = rc.Owner
	}
	if stack != "" {
		return stack, manager
	}
	if rc.Owner == "wsl" {
		return probes.DNSStackWSL, manager
	}
	if len(rc.Nameservers) > 0 {
		first := rc.Nameservers[0].WithZone("")
		switch {
		case slices.Contains(resolvedStubAddrs, first):
			if manager == "" {
				manager = "systemd-resolved"
			}
			return probes.DNSStackResolvedStub, manager
		case first == nmDnsmasqAddr:
			if manager == "" {
				manager = "NetworkManager"
			}
			return probes.DNSStackNMDnsmasq, manager
		case first.IsLoopback():
			for _, c := range []string{"dnsmasq", "unbound", "dnscrypt-proxy"} {
				if slices.Contains(caches, c) {
					return c, manager
				}
			}
			return probes.DNSStackLocalCache, manager
		}
	}
	if slices.Contains(caches, "systemd-resolved") {
		return probes.DNSStackResolvedForeign, manager
	}
	return probes.DNSStackPlain, manager
}

// unixDNSConfigResult judges a Unix resolver stack. It is pure: every
// input was gathered beforehand (gatherUnixDNS), so every branch is tested
// from sample files on any OS.
func unixDNSConfigResult(in unixDNSInputs) probes.Result {
	d := &probes.DNSConfigDetails{Source: "/" + resolvConfPath, ResolvConfLink: sanitize.Line(in.Link)}
	res := probes.Result{Details: d}
	var ev []string
	if in.Link != "" {
		ev = append(ev, "/"+resolvConfPath+" -> "+d.ResolvConfLink)
	}

	procsKnown := in.ProcessesErr == nil
	caches, managers := in.Caches, in.Managers
	d.Caches, d.Running = caches, managers
	if procsKnown {
		if len(caches)+len(managers) > 0 {
			ev = append(ev, "running: "+strings.Join(append(append([]string(nil), caches...), managers...), ", "))
		} else {
			ev = append(ev, "running: no local DNS daemon found")
		}
	} else {
		d.Notes = append(d.Notes, "running DNS daemons unknown: "+errLine(in.ProcessesErr))
	}

	if srcs, line := parseNSSwitchHosts(in.NSSwitch); line != "" {
		d.NSSwitchHosts = sanitize.Line(line)
		ev = append(ev, "/"+nsswitchPath+": "+d.NSSwitchHosts)
		if slices.Contains(srcs, "resolve") {
			d.Notes = append(d.Notes, "glibc programs ask systemd-resolved directly (nss-resolve in nsswitch.conf); programs with their own resolver read /etc/resolv.conf")
		}
	}

	if in.ResolvConfErr != nil {
		stack, manager := linkStack(in.Link)
		d.Manager = manager
		switch {
		case errors.Is(in.ResolvConfErr, fs.ErrNotExist) && in.Link != "":
			d.Stack = stack
			if d.Stack == "" {
				d.Stack = probes.DNSStackMissing
			}
			res.Status = probes.StatusFail
			res.Reason = fmt.Sprintf("/etc/resolv.conf points to %s, which does not exist: nothing tells programs where DNS is", d.ResolvConfLink)
			if stack == probes.DNSStackResolvedStub || stack == probes.DNSStackResolvedUplink {
				res.Reason = fmt.Sprintf("/etc/resolv.conf points to %s, which does not exist: systemd-resolved is not running or not writing it", d.ResolvConfLink)
			}
		case errors.Is(in.ResolvConfErr, fs.ErrNotExist):
			d.Stack = probes.DNSStackMissing
			res.Status = probes.StatusWarn
			res.Reason = "no /etc/resolv.conf: glibc and Go fall back to a DNS server on 127.0.0.1:53"
		default:
			d.Stack = stack
			res.Status = probes.StatusUnknown
			res.Reason = "unknown: " + fileProblem("/"+resolvConfPath, in.ResolvConfErr)
			step := "read"
			if errors.Is(in.ResolvConfErr, fs.ErrPermission) {
				step = "permission"
			}
			res.Error = &probes.StepError{Step: step, Message: "dns: " + fileProblem("/"+resolvConfPath, in.ResolvConfErr)}
		}
		addResolvectl(d, &ev, in)
		res.Evidence = ev
		return res
	}

	rc := in.ResolvConf
	d.Stack, d.Manager = unixStack(in.Link, rc, caches)
	d.Servers = addrStrings(rc.Nameservers)
	d.Search = cleanList(rc.Search, 253)
	d.Options = cleanList(rc.Options, 64)
	if len(rc.Header) > 0 {
		ev = append(ev, "header: "+sanitize.LineN(rc.Header[0], 160))
	}
	for _, s := range d.Servers {
		ev = append(ev, "nameserver "+s)
	}
	if len(d.Search) > 0 {
		ev = append(ev, "search "+strings.Join(d.Search, " "))
	}
	if len(d.Options) > 0 {
		ev = append(ev, "options "+strings.Join(d.Options, " "))
	}
	if len(rc.Nameservers) > glibcMaxNameservers {
		d.Notes = append(d.Notes, fmt.Sprintf("%d nameservers listed; glibc uses only the first %d", len(rc.Nameservers), glibcMaxNameservers))
	}

	// Real upstreams behind a local stub.
	switch d.Stack {
	case probes.DNSStackResolvedStub:
		if in.UplinkErr == nil {
			d.Upstreams = addrStrings(parseResolvConf(in.Uplink).Nameservers)
			ev = append(ev, "upstream (/"+resolvedUplinkPath+"): "+orNone(d.Upstreams))
		} else {
			d.Notes = append(d.Notes, "upstreams not read: "+fileProblem("/"+resolvedUplinkPath, in.UplinkErr))
		}
	case probes.DNSStackNMDnsmasq, probes.DNSStackLocalCache, probes.DNSStackDnsmasq, probes.DNSStackUnbound, probes.DNSStackDNSCrypt:
		if up := parseResolvConf(in.NMNoStub).Nameservers; len(up) > 0 {
			d.Upstreams = addrStrings(up)
			ev = append(ev, "upstream (/"+nmNoStubPath+"): "+strings.Join(d.Upstreams, ", "))
		} else {
			d.Notes = append(d.Notes, "the local resolver's upstream servers are in its own configuration, which is not read")
		}
	}
	addResolvectl(d, &ev, in)
	res.Evidence = ev

	// Judge.
	for _, bad := range rc.Invalid {
		d.Notes = append(d.Notes, fmt.Sprintf("nameserver %q is not an IP address; it is ignored", sanitize.LineN(bad, 64)))
	}
	servers := strings.Join(d.Servers, ", ")
	switch {
	case len(rc.Nameservers) == 0:
		res.Status = probes.StatusWarn
		res.Reason = "/etc/resolv.conf lists no nameserver: glibc and Go fall back to a DNS server on 127.0.0.1:53"
		if len(rc.Invalid) > 0 {
			res.Reason = "/etc/resolv.conf lists no valid nameserver: glibc and Go fall back to a DNS server on 127.0.0.1:53"
		}
	case d.Stack == probes.DNSStackResolvedStub && procsKnown && !resolvedRunning(in):
		res.Status = probes.StatusFail
		res.Reason = fmt.Sprintf("/etc/resolv.conf sends DNS to systemd-resolved's stub (%s), but systemd-resolved is not running", servers)
	case d.Stack == probes.DNSStackResolvedStub && in.UplinkErr == nil && len(d.Upstreams) == 0:
		res.Status = probes.StatusWarn
		res.Reason = "systemd-resolved's stub (" + servers + ") has no upstream DNS server: it can only answer from its cache"
	case len(rc.Invalid) > 0:
		res.Status = probes.StatusWarn
		res.Reason = fmt.Sprintf("/etc/resolv.conf has a nameserver line that is not an address (%s); using %s", sanitize.LineN(rc.Invalid[0], 64), servers)
	default:
		res.Status = probes.StatusPass
		res.Reason = unixStackReason(d)
	}
	return res
}

// unixStackReason says in one line how this machine resolves names.
func unixStackReason(d *probes.DNSConfigDetails) string {
	servers := strings.Join(d.Servers, ", ")
	up := ""
	if len(d.Upstreams) > 0 {
		up = ", upstream " + strings.Join(d.Upstreams, ", ")
	}
	by := ""
	if d.Manager != "" {
		by = " (written by " + d.Manager + ")"
	}
	switch d.Stack {
	case probes.DNSStackResolvedStub:
		return "systemd-resolved stub " + servers + up
	case probes.DNSStackResolvedUplink:
		return "systemd-resolved uplink mode: programs ask " + servers + " directly"
	case probes.DNSStackResolvedForeign:
		return "/etc/resolv.conf lists " + servers + by + "; systemd-resolved also runs"
	case probes.DNSStackNMDnsmasq:
		return "NetworkManager's dnsmasq at " + servers + up
	case probes.DNSStackDnsmasq, probes.DNSStackUnbound, probes.DNSStackDNSCrypt:
		return "local " + d.Stack + " at " + servers + up
	case probes.DNSStackLocalCache:
		return "a local resolver at " + servers + " (process not identified)" + up
	case probes.DNSStackWSL:
		return "WSL2: the Windows host answers DNS at " + servers
	}
	return "nameservers " + servers + by
}

// addResolvectl folds `resolvectl status` into the details: per-link
// servers and domains (a VPN's "~." shows here) and resolved's own view of
// resolv.conf.
func addResolvectl(d *probes.DNSConfigDetails, ev *[]string, in unixDNSInputs) {
	if !in.ResolvectlRan {
		return
	}
	if in.ResolvectlErr != nil {
		d.Notes = append(d.Notes, "per-link DNS not read: "+commandProblem("resolvectl", in.ResolvectlErr))
		return
	}
	var defaults []string
	for _, l := range in.ResolvectlLinks {
		name := sanitize.LineN(l.Name, 64)
		if l.Index == 0 && l.ResolvConfMode != "" {
			*ev = append(*ev, "resolvectl: resolv.conf mode "+sanitize.LineN(l.ResolvConfMode, 32))
		}
		if len(l.Servers) == 0 && len(l.Domains) == 0 {
			continue
		}
		sc := probes.DNSScope{
			Interface: name,
			Domains:   cleanList(l.Domains, 253),
			Default:   l.DefaultRoute || (l.Index == 0 && len(l.Servers) > 0),
			Current:   sanitize.LineN(serverAddr(l.CurrentServer), 64),
		}
		for _, s := range l.Servers {
			sc.Servers = appendUnique(sc.Servers, sanitize.LineN(serverAddr(s), 64))
		}
		d.Scopes = append(d.Scopes, sc)
		*ev = append(*ev, fmt.Sprintf("resolvectl %s: servers %s%s", name, orNone(sc.Servers), domainsSuffix(sc.Domains)))
		if slices.Contains(sc.Domains, "~.") {
			d.Notes = append(d.Notes, name+" takes every query (routing domain ~.): a VPN or its DNS set this")
		}
		if l.Index != 0 && l.DefaultRoute && len(l.Servers) > 0 {
			defaults = append(defaults, name)
		}
	}
	if len(defaults) > 1 {
		d.Notes = append(d.Notes, "several links may answer any name ("+strings.Join(defaults, ", ")+"); systemd-resolved asks them in parallel and takes the first answer")
	}
	// A stub whose upstream file could not be read still has upstreams.
	if d.Stack == probes.DNSStackResolvedStub && len(d.Upstreams) == 0 {
		for _, sc := range d.Scopes {
			d.Upstreams = appendUnique(d.Upstreams, sc.Servers...)
		}
	}
}

func domainsSuffix(domains []string) string {
	if len(domains) == 0 {
		return ""
	}
	return ", domains " + strings.Join(domains, " ")
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
