package collect

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"

	"github.com/gptdoctor/gptdoctor/internal/command"
)

// DesktopProxy is the desktop proxy settings of this machine as read once
// for a run: every source read successfully, the main one first (the one
// browsers on this desktop follow), plus the sources that are absent and
// the ones that failed. They decide which PAC script and proxies the plan
// probes, so they are read before planning (ReadDesktopProxy) and handed
// to BuildPlan, which stays free of I/O. The zero value means "not read":
// proxy:desktop then reports skipped and only the environment's proxies
// are probed.
type DesktopProxy struct {
	read      bool
	goos      string
	supported bool
	settings  []probes.ProxySettingsDetails
	absent    []string
	problems  []string
}

// ReadDesktopProxy runs the desktop-settings collectors for w.GOOS
// (gsettings and kioslaverc, scutil --proxy, the WinINET registry values and
// netsh), bounded by desktopReadTimeout and by ctx, so Ctrl-C stops it. They
// go through the world's runner and file system only, so every OS's path
// runs in tests on any OS; only reading the Windows registry needs Windows.
func ReadDesktopProxy(ctx context.Context, w probes.World) DesktopProxy {
	ctx, cancel := context.WithTimeout(ctx, desktopReadTimeout)
	defer cancel()
	r := DesktopProxy{read: true, goos: w.GOOS}
	switch w.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		r.supported = true
		readLinuxDesktopProxy(ctx, w, &r)
	case "darwin":
		r.supported = true
		out, err := runCommand(ctx, w, "scutil", "--proxy")
		if err != nil {
			r.problems = append(r.problems, "scutil --proxy: "+commandProblem("scutil", err))
			break
		}
		d, err := parseScutilProxy(string(out))
		if err != nil {
			r.problems = append(r.problems, errLine(err))
			break
		}
		r.settings = append(r.settings, d)
	case "windows":
		r.supported = true
		if v, err := readWinINETValues(); err != nil {
			r.problems = append(r.problems, "WinINET: "+errLine(err))
		} else {
			r.settings = append(r.settings, parseWinINETValues(v))
		}
		out, err := runCommand(ctx, w, "netsh", "winhttp", "show", "proxy")
		if err != nil {
			r.problems = append(r.problems, "netsh winhttp show proxy: "+commandProblem("netsh", err))
		} else if d, err := parseNetshWinHTTP(string(out)); err != nil {
			r.problems = append(r.problems, errLine(err))
		} else {
			r.settings = append(r.settings, d)
		}
	}
	return r
}

// readLinuxDesktopProxy reads GNOME's gsettings and KDE's kioslaverc. The
// desktop named in XDG_CURRENT_DESKTOP goes first; both are kept when both
// are configured, since a user may run apps from either.
func readLinuxDesktopProxy(ctx context.Context, w probes.World, r *DesktopProxy) {
	var gnome, kde *probes.ProxySettingsDetails
	out, err := runCommand(ctx, w, "gsettings", "list-recursively", "org.gnome.system.proxy")
	switch {
	case errors.Is(err, command.ErrNotFound):
		r.absent = append(r.absent, "gsettings is not installed")
	case err != nil && strings.Contains(err.Error(), "No such schema"):
		r.absent = append(r.absent, "the GNOME proxy schema is not installed")
	case err != nil:
		r.problems = append(r.problems, "gsettings: "+errLine(err))
	default:
		if d, perr := parseGSettingsProxy(string(out)); perr != nil {
			r.problems = append(r.problems, errLine(perr))
		} else {
			gnome = &d
		}
	}
	if p := kioslavercPath(w); p == "" || w.FS == nil {
		r.absent = append(r.absent, "no home directory to look for kioslaverc in")
	} else if b, err := fs.ReadFile(w.FS, p); errors.Is(err, fs.ErrNotExist) {
		r.absent = append(r.absent, "there is no kioslaverc")
	} else if err != nil {
		r.problems = append(r.problems, "kioslaverc: "+errLine(err))
	} else if d, ok := parseKioslaverc(string(b)); ok {
		kde = &d
	} else {
		r.absent = append(r.absent, "kioslaverc has no [Proxy Settings]")
	}
	desktop, _ := lookup(w, "XDG_CURRENT_DESKTOP")
	first, second := gnome, kde
	if strings.Contains(strings.ToUpper(desktop), "KDE") {
		first, second = kde, gnome
	}
	for _, d := range []*probes.ProxySettingsDetails{first, second} {
		if d != nil {
			r.settings = append(r.settings, *d)
		}
	}
}

// kioslavercPath is the FS path (no leading slash) of KDE's kioslaverc:
// $XDG_CONFIG_HOME/kioslaverc, else ~/.config/kioslaverc.
func kioslavercPath(w probes.World) string {
	dir, _ := lookup(w, "XDG_CONFIG_HOME")
	if dir == "" {
		if w.HomeDir == "" {
			return ""
		}
		dir = path.Join(w.HomeDir, ".config")
	}
	p := strings.TrimPrefix(path.Clean(path.Join(dir, "kioslaverc")), "/")
	if !fs.ValidPath(p) {
		return ""
	}
	return p
}

// settingsConfigured reports settings that send traffic somewhere other than
// direct.
func settingsConfigured(d probes.ProxySettingsDetails) bool {
	return d.Mode != "" && d.Mode != "none"
}

// desktopHTTPSProxy is the proxy the settings give an https:// URL to
// host, or "" for direct, and whether that could be decided (PAC and WPAD
// cannot be without running the script). GNOME and WinINET fall back to
// the HTTP proxy for HTTPS when none is set for HTTPS; SOCKS serves every
// scheme without its own proxy.
func desktopHTTPSProxy(d probes.ProxySettingsDetails, host string) (proxy string, decided bool) {
	switch d.Mode {
	case "none", "env":
		return "", true
	case "manual":
	default:
		return "", false
	}
	if bypassMatches(host, d.Bypass) {
		return "", true
	}
	switch {
	case d.HTTPS != "":
		return d.HTTPS, true
	case d.HTTP != "" && (d.Source == "gsettings" || d.Source == "wininet" || d.Source == "winhttp"):
		return d.HTTP, true
	case d.SOCKS != "":
		return "socks " + d.SOCKS, true
	}
	return "", true
}

// bypassMatches applies a desktop bypass list the way browsers read it:
// exact host, ".suffix", "*.suffix" and "*" patterns, "<local>" for names
// without dots. CIDR entries never match a name.
func bypassMatches(host string, list []string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, e := range list {
		e = strings.ToLower(strings.TrimSpace(e))
		switch {
		case e == "":
		case e == "*":
			return true
		case e == "<local>":
			if !strings.Contains(host, ".") {
				return true
			}
		case strings.HasPrefix(e, "*."):
			if strings.HasSuffix(host, e[1:]) {
				return true
			}
		case strings.HasPrefix(e, "."):
			if strings.HasSuffix(host, e) || host == e[1:] {
				return true
			}
		case host == e:
			return true
		}
	}
	return false
}

// runDesktopProxyProbe reports the desktop settings read for this run and
// compares them with what Go programs (and this check) use. Browsers follow
// the desktop; Go follows the environment. Status: pass when no desktop
// proxy is set, or when it agrees with the environment for the web target;
// warn when they differ, or when the desktop uses a PAC script or WPAD
// (browsers then pick a proxy this check cannot reproduce); skipped on a
// machine with no desktop settings at all; unknown when a source that
// exists could not be read.
func runDesktopProxyProbe(cfg probes.Config, w probes.World, r DesktopProxy) probes.Result {
	if !r.read {
		return probes.Result{Status: probes.StatusSkipped, Reason: "desktop proxy settings were not read for this run"}
	}
	if !r.supported {
		return probes.Result{Status: probes.StatusSkipped, Reason: fmt.Sprintf("desktop proxy settings are not read on %s", r.goos)}
	}
	var ev []string
	for _, s := range r.settings {
		ev = append(ev, describeSettings(s))
	}
	for _, a := range r.absent {
		ev = append(ev, "not present: "+a)
	}
	for _, p := range r.problems {
		ev = append(ev, "could not read: "+p)
	}
	if len(r.settings) == 0 {
		if len(r.problems) > 0 {
			return probes.Result{Status: probes.StatusUnknown, Reason: "could not read the desktop proxy settings: " + r.problems[0], Evidence: ev,
				Error: &probes.StepError{Step: "command", Message: "proxy: desktop settings: " + strings.Join(r.problems, "; ")}}
		}
		return probes.Result{Status: probes.StatusSkipped, Reason: "no desktop proxy settings on this machine (" + strings.Join(r.absent, "; ") + ")", Evidence: ev}
	}
	main := r.settings[0]
	for _, s := range r.settings[1:] {
		if settingsConfigured(s) || s.Source == "winhttp" {
			main.Also = append(main.Also, s)
		}
	}
	res := probes.Result{Details: &main, Evidence: ev}

	target := webTargetURL(cfg)
	tu, _ := url.Parse(target)
	host := ""
	if tu != nil {
		host = tu.Hostname()
	}
	goProxy, goWhy := goProxyFor(cfg, w, target)

	var warns []string
	for _, s := range append([]probes.ProxySettingsDetails{main}, main.Also...) {
		if s.Source == "winhttp" || !settingsConfigured(s) {
			continue
		}
		p, decided := desktopHTTPSProxy(s, host)
		switch {
		case !decided && s.Mode == "wpad":
			warns = append(warns, fmt.Sprintf("%s: browsers look for a proxy by WPAD discovery; Go programs and this check do not", s.Source))
		case !decided && s.Mode == "auto" && s.PACURL != "":
			warns = append(warns, fmt.Sprintf("%s: browsers choose their proxy with the PAC script %s; Go programs and this check ignore it", s.Source, s.PACURL))
		case !decided:
			warns = append(warns, fmt.Sprintf("%s: proxy mode %q cannot be judged, so browsers may take another path than Go programs and this check", s.Source, s.Mode))
		case !sameProxy(p, goProxy):
			warns = append(warns, fmt.Sprintf("%s: browsers reach %s %s, but Go programs and this check go %s (%s)", s.Source, host, viaText(p), viaText(goProxy), goWhy))
		}
	}
	switch {
	case len(warns) > 0:
		res.Status = probes.StatusWarn
		res.Reason = strings.Join(warns, "; ")
	case !anyConfigured(r.settings):
		res.Status = probes.StatusPass
		res.Reason = "no desktop proxy"
		if main.AutoDetect && main.Source == "wininet" {
			res.Reason += " (automatic detection is on, as by default)"
		}
	default:
		res.Status = probes.StatusPass
		res.Reason = fmt.Sprintf("browsers and Go programs take the same path to %s: %s", host, viaText(goProxy))
	}
	for _, s := range r.settings {
		if s.Source == "winhttp" && settingsConfigured(s) {
			res.Reason += fmt.Sprintf("; WinHTTP (services and some tools) uses %s", firstNonEmpty(s.HTTPS, s.HTTP))
		}
	}
	if len(r.problems) > 0 && res.Status == probes.StatusPass {
		res.Status = probes.StatusUnknown
		res.Reason += "; but " + r.problems[0]
	}
	return res
}

// anyConfigured reports a configured source browsers follow (WinHTTP is
// for services, so it does not count).
func anyConfigured(ss []probes.ProxySettingsDetails) bool {
	for _, s := range ss {
		if settingsConfigured(s) && s.Source != "winhttp" {
			return true
		}
	}
	return false
}

func describeSettings(s probes.ProxySettingsDetails) string {
	parts := []string{s.Source + ": mode " + s.Mode}
	for _, f := range []struct{ k, v string }{{"http", s.HTTP}, {"https", s.HTTPS}, {"socks", s.SOCKS}, {"pac", s.PACURL}} {
		if f.v != "" {
			parts = append(parts, f.k+" "+f.v)
		}
	}
	if len(s.Bypass) > 0 {
		parts = append(parts, "bypass "+strings.Join(s.Bypass, ","))
	}
	if s.AutoDetect {
		parts = append(parts, "auto-detect on")
	}
	out := strings.Join(parts, ", ")
	if len(s.Notes) > 0 {
		out += " (" + strings.Join(s.Notes, "; ") + ")"
	}
	return out
}

func viaText(p string) string {
	if p == "" {
		return "directly"
	}
	return "through " + p
}

// sameProxy compares a desktop proxy (host:port or "socks host:port") with
// Go's proxy (the same forms); both always carry a port.
func sameProxy(desktop, goProxy string) bool {
	return strings.EqualFold(strings.TrimPrefix(desktop, "socks "), strings.TrimPrefix(goProxy, "socks "))
}

// proxyHostPort turns a desktop proxy setting into host:port, the one form
// every source reports and Go's proxy is compared in. Users and tools fill
// host fields with URLs ("http://user:pw@proxy/"), so a scheme, credentials
// and a path are dropped. port is the source's separate port field, if it
// has one; without it a port in v counts, else the default browsers use
// for the field's scheme (1080 for socks, 80 otherwise). The host is lower
// case; "" means no host is set, or the host is neither an address nor a
// name, or the port is outside 1-65535 (no program can connect to such a
// proxy, so it names none).
func proxyHostPort(v, port, scheme string) string {
	h := strings.TrimSpace(v)
	if i := strings.Index(h, "://"); i >= 0 {
		h = h[i+3:]
	}
	if i := strings.LastIndex(h, "@"); i >= 0 {
		h = h[i+1:]
	}
	if i := strings.IndexAny(h, "/?#"); i >= 0 {
		h = h[:i]
	}
	if port == "" {
		if hh, p, err := net.SplitHostPort(h); err == nil {
			h, port = hh, p
		}
	}
	h = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"))
	if h == "" {
		return ""
	}
	if port == "" {
		port = "80"
		if scheme == "socks" {
			port = "1080"
		}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || !proxyHostName(h) {
		return ""
	}
	return net.JoinHostPort(sanitize.LineN(h, 255), port)
}

// proxyHostName reports whether h can name a proxy: an IP address (with
// a zone) or a host name of letters, digits, dots, hyphens and
// underscores.
func proxyHostName(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	for _, r := range h {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// webTargetURL picks the page a browser user cares about: the first web
// target, else the first target, else chatgpt.com.
func webTargetURL(cfg probes.Config) string {
	for _, t := range cfg.Targets {
		if t.Kind == probes.TargetWeb {
			return t.URL
		}
	}
	if len(cfg.Targets) > 0 {
		return cfg.Targets[0].URL
	}
	return "https://chatgpt.com/"
}

// goProxyFor is the proxy Go uses for raw as host:port ("socks host:port"
// for SOCKS), "" for direct, with the reason.
func goProxyFor(cfg probes.Config, w probes.World, raw string) (string, string) {
	if cfg.BypassProxy {
		return "", "proxies bypassed for this run"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", "unparsable target"
	}
	p, err := proxyFor(w, u)
	if err != nil || (p != nil && (p.Path != "" && p.Path != "/")) {
		return "", "the environment's proxy variable is invalid"
	}
	if p == nil {
		return "", "no proxy in the environment"
	}
	hp := proxyURLHostPort(p)
	if strings.HasPrefix(p.Scheme, "socks") {
		return "socks " + hp, "environment"
	}
	return hp, "environment"
}

// proxyURLHostPort is the host:port a proxy URL connects to, with Go's
// default ports (net/http transport's portMap).
func proxyURLHostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "socks5", "socks5h", "socks4", "socks4a", "socks":
			port = "1080"
		default:
			port = "80"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
