package remedies

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// flushMethod is how one resolver cache is flushed. The table is data so
// that docs/causes.md lists exactly what runs.
type flushMethod struct {
	// Cache names the cache as DNSConfigDetails.Stack and .Caches do.
	Cache string
	OS    string
	// Commands run in order. Fallback replaces them when Commands' tool is
	// missing (systemd before 239 named resolvectl systemd-resolve).
	Commands  [][]string
	Fallback  [][]string
	Privilege Privilege
	// Alternative tells a person what to do without the tool.
	Alternative string
}

// flushMethods are tried in this order; every cache found running is
// flushed, so a machine with systemd-resolved and nscd gets both.
var flushMethods = []flushMethod{
	{
		Cache: "systemd-resolved", OS: osLinux,
		Commands: [][]string{{"resolvectl", "flush-caches"}},
		Fallback: [][]string{{"systemd-resolve", "--flush-caches"}},
		// Non-root callers get a polkit prompt or a refusal depending on
		// the distribution; root always works.
		Privilege:   PrivilegeAdmin,
		Alternative: "send SIGUSR2 to systemd-resolved as root (kill -USR2 followed by its process ID)",
	},
	{
		Cache: "nscd", OS: osLinux,
		Commands:    [][]string{{"nscd", "-i", "hosts"}},
		Privilege:   PrivilegeAdmin,
		Alternative: "restart the nscd service as root",
	},
	{
		Cache: "NetworkManager-dnsmasq", OS: osLinux,
		// Restarts NetworkManager's dnsmasq plugin, which drops its cache.
		Commands:    [][]string{{"nmcli", "general", "reload", "dns-full"}},
		Privilege:   PrivilegeAdmin,
		Alternative: "restart NetworkManager as root",
	},
	{
		Cache: "dnsmasq", OS: osLinux,
		// dnsmasq clears its cache on SIGHUP. -x matches the process name
		// exactly, so nothing else named like it is signalled.
		Commands:    [][]string{{"pkill", "-HUP", "-x", "dnsmasq"}},
		Privilege:   PrivilegeAdmin,
		Alternative: "restart the dnsmasq service as root",
	},
	{
		Cache: "unbound", OS: osLinux,
		// flush_zone . drops every cached name without re-reading the
		// configuration (reload would do both).
		Commands:    [][]string{{"unbound-control", "flush_zone", "."}},
		Privilege:   PrivilegeAdmin,
		Alternative: "restart the unbound service as root",
	},
	{
		Cache: "wsl", OS: osLinux,
		// WSL forwards DNS to Windows; its interop puts ipconfig.exe on
		// the PATH, and flushing needs no elevation.
		Commands:    [][]string{{"ipconfig.exe", "/flushdns"}},
		Privilege:   PrivilegeNone,
		Alternative: "run ipconfig /flushdns in a Windows terminal",
	},
	{
		Cache: "macos", OS: osDarwin,
		Commands:    [][]string{{"dscacheutil", "-flushcache"}, {"killall", "-HUP", "mDNSResponder"}},
		Privilege:   PrivilegeAdmin,
		Alternative: "restart the Mac",
	},
	{
		Cache: "windows", OS: osWindows,
		// Microsoft documents /flushdns as not needing administrative
		// credentials.
		Commands:    [][]string{{"ipconfig", "/flushdns"}},
		Privilege:   PrivilegeNone,
		Alternative: "PowerShell: Clear-DnsClientCache",
	},
}

// linuxCaches reads which caches run from the DNS configuration probe: the
// stack in use plus any caching daemons it found.
func linuxCaches(d *probes.DNSConfigDetails) []string {
	var out []string
	stack := strings.ToLower(d.Stack)
	switch {
	case strings.HasPrefix(stack, "systemd-resolved"):
		// In uplink and foreign modes clients bypass resolved's cache but
		// flushing it is harmless; resolved still caches for nss-resolve.
		out = append(out, "systemd-resolved")
	case strings.HasPrefix(stack, "networkmanager-dnsmasq"):
		out = append(out, "NetworkManager-dnsmasq")
	case stack == "dnsmasq", stack == "unbound", stack == "wsl":
		out = append(out, stack)
	}
	for _, c := range d.Caches {
		c = strings.ToLower(c)
		if c == "networkmanager-dnsmasq" {
			c = "NetworkManager-dnsmasq"
		}
		out = append(out, c)
	}
	out = uniq(out)
	// NetworkManager's dnsmasq is flushed through NetworkManager.
	if slices.Contains(out, "NetworkManager-dnsmasq") {
		out = slices.DeleteFunc(out, func(c string) bool { return c == "dnsmasq" })
	}
	return out
}

func planFlushDNS(s probes.Snapshot, env ActionEnv) Action {
	a := Action{
		Title:       "Flush the DNS cache",
		Description: "Clears cached name answers so the next lookup asks the resolver again.",
		Kind:        KindCommand,
		Risk:        RiskReversible,
		Scope:       "this machine's DNS cache (it refills on the next lookups)",
		Recheck:     true,
		Instructions: []string{
			"Browsers keep their own DNS cache: in Chrome, Edge or Brave open chrome://net-internals/#dns (edge://, brave://) and Clear host cache; in Firefox open about:networking#dns and Clear DNS Cache.",
		},
	}
	var caches []string
	cfg, haveCfg := anyOf[probes.DNSConfigDetails](s)
	switch env.GOOS {
	case osDarwin:
		caches = []string{"macos"}
	case osWindows:
		caches = []string{"windows"}
	case osLinux:
		if haveCfg {
			caches = linuxCaches(cfg)
		} else if _, ok := env.has("resolvectl"); ok {
			// Without the DNS probe's view, resolved is the common case and
			// flushing it is harmless.
			caches = []string{"systemd-resolved"}
		}
	default:
		a.Unavailable = fmt.Sprintf("gptdoctor does not know how to flush DNS on %s", env.GOOS)
		return a
	}
	if len(caches) == 0 {
		switch {
		case haveCfg && len(cfg.Servers) > 0:
			a.Unavailable = fmt.Sprintf("no local DNS cache runs here: this machine asks %s directly, so there is nothing to flush on it", strings.Join(cfg.Servers, ", "))
		case haveCfg:
			a.Unavailable = "no local DNS cache was found on this machine, so there is nothing to flush on it"
		default:
			a.Unavailable = "gptdoctor could not tell which resolver this machine uses (the DNS configuration probe did not run), and resolvectl is not installed"
		}
		return a
	}
	var missing, missingAlts []string
	for _, m := range flushMethods {
		if m.OS != env.GOOS || !slices.Contains(caches, m.Cache) {
			continue
		}
		alt := fmt.Sprintf("%s: %s", m.Cache, m.Alternative)
		a.Alternatives = append(a.Alternatives, alt)
		cmds := m.Commands
		if !toolsPresent(env, cmds) && m.Fallback != nil && toolsPresent(env, m.Fallback) {
			cmds = m.Fallback
		}
		if !toolsPresent(env, cmds) {
			missing = append(missing, cmds[0][0])
			missingAlts = append(missingAlts, alt)
			continue
		}
		a.Commands = append(a.Commands, cmds...)
		if m.Privilege == PrivilegeAdmin {
			a.Privilege = PrivilegeAdmin
		}
	}
	if len(a.Commands) == 0 {
		a.Unavailable = fmt.Sprintf("%s not installed (the tool for the %s cache); instead: %s",
			joinWords(missing), joinWords(caches), strings.Join(missingAlts, "; "))
		return a
	}
	a.Description = fmt.Sprintf("Clears the %s cache so the next lookup asks the resolver again.", joinWords(caches))
	if len(missing) > 0 {
		a.Warning = fmt.Sprintf("%s not installed, so that cache is not flushed", joinWords(missing))
	}
	return a
}

// toolsPresent reports whether every command's tool is installed.
func toolsPresent(env ActionEnv, cmds [][]string) bool {
	for _, c := range cmds {
		if _, ok := env.has(c[0]); !ok {
			return false
		}
	}
	return len(cmds) > 0
}
