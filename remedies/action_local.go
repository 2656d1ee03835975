package remedies

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// proxyConfigured says whether any proxy is configured for the targets:
// true or false when the proxy probes or endpoint routes tell, unknown
// (ok=false) when nothing was measured.
func proxyConfigured(s probes.Snapshot) (configured, known bool) {
	for _, r := range s.Results {
		switch d := r.Details.(type) {
		case *probes.ProxyEnvDetails:
			known = true
			for _, e := range d.Effective {
				if e.Proxy != "" {
					return true, true
				}
			}
		case *probes.ProxySettingsDetails:
			known = true
			if d.Mode != "" && d.Mode != "none" {
				return true, true
			}
		case *probes.EndpointDetails:
			if d.Variant.Route == probes.RouteProxy {
				return true, true
			}
		}
	}
	return false, known
}

func planBypassProxy(s probes.Snapshot, _ ActionEnv) Action {
	a := Action{
		Title:       "Re-check without the proxy",
		Description: "Runs the checks again ignoring every configured proxy, for that run only. If the targets answer directly, the proxy is the problem.",
		Kind:        KindReprobe,
		Risk:        RiskNoChange,
		Scope:       "this one check; no setting changes",
		Recheck:     true,
		Mutate:      func(c *probes.Config) { c.BypassProxy = true },
		Suspect:     "the proxy",
		Instructions: []string{
			"If it works without the proxy, turn the proxy off (see the bypass-proxy remedy's steps) or ask whoever runs it.",
		},
	}
	if configured, known := proxyConfigured(s); known && !configured {
		a.Unavailable = "no proxy is configured, so every check already goes direct"
	}
	return a
}

// quotaExhausted: the API said the quota is gone, which waiting does not
// fix (the quota-exhausted rule's evidence).
func quotaExhausted(s probes.Snapshot) bool {
	answers, keys := newFacts(s, DiagnoseContext{}).quotaSymptoms()
	return len(answers)+len(keys) > 0
}

func planRetry(s probes.Snapshot, _ ActionEnv) Action {
	hint := retryHint(s)
	sched := Backoff(hint, retryAttempts)
	a := Action{
		Title: "Wait and retry with back-off",
		Description: fmt.Sprintf("Re-checks up to %d times, waiting %s between tries (longer each time, honouring Retry-After), and stops as soon as the targets answer.",
			len(sched), scheduleWords(sched)),
		Kind:    KindRetry,
		Risk:    RiskNoChange,
		Scope:   "waits and re-checks; nothing on the machine changes",
		Recheck: true,
	}
	switch {
	case quotaExhausted(s):
		a.Unavailable = "the API quota is exhausted: retrying cannot succeed until credit is added"
	case hint > maxRetryHint:
		a.Unavailable = fmt.Sprintf("the server asks to wait %s; come back after that instead of waiting here", humanDuration(hint))
	}
	return a
}

// clipboardTools are tried in order per OS. wl-copy only under Wayland;
// clip.exe also serves WSL through interop.
var clipboardTools = map[string][][]string{
	osLinux:   {{"wl-copy"}, {"xclip", "-selection", "clipboard"}, {"xsel", "--clipboard", "--input"}, {"clip.exe"}},
	osDarwin:  {{"pbcopy"}},
	osWindows: {{"clip"}},
}

func planCopyTicket(_ probes.Snapshot, env ActionEnv) Action {
	a := Action{
		Title:       "Copy the support ticket to the clipboard",
		Description: "Puts a ready-to-send message for OpenAI support on the clipboard: Ray IDs, the IP and country Cloudflare saw, the time in UTC, the OS and what was tried. It holds no secrets.",
		Kind:        KindClipboard,
		Stdin:       env.Ticket,
		Risk:        RiskNoChange,
		Scope:       "replaces the clipboard's contents",
		Instructions: []string{
			"Send it through https://help.openai.com (the chat icon, then Send us a message).",
		},
	}
	var tried []string
	for _, argv := range clipboardTools[env.GOOS] {
		if argv[0] == "wl-copy" && env.getenv("WAYLAND_DISPLAY") == "" {
			continue
		}
		tried = append(tried, argv[0])
		if _, ok := env.has(argv[0]); ok {
			a.Commands = [][]string{slices.Clone(argv)}
			if argv[0] == "clip" || argv[0] == "clip.exe" {
				a.Stdin = asciiFold(a.Stdin)
			}
			return a
		}
	}
	a.Unavailable = "no clipboard tool found"
	if len(tried) > 0 {
		a.Unavailable += fmt.Sprintf(" (looked for %s; install wl-clipboard, xclip or xsel)", joinWords(tried))
	}
	a.Unavailable += "; the ticket is printed instead, copy it from the terminal"
	return a
}

// asciiFolder replaces the typographic characters gptdoctor's own text
// uses. Windows' clip reads its input in the console code page, not UTF-8,
// so these would arrive garbled; Ray IDs, IPs and codes are ASCII anyway.
var asciiFolder = strings.NewReplacer("…", "...", "→", "->", "–", "-", "—", "-", "‘", "'", "’", "'", "“", `"`, "”", `"`, "⌘", "Cmd+", "⇧", "Shift+")

func asciiFold(s string) string { return asciiFolder.Replace(s) }

// egressInterface is the interface that carries IPv4 (else IPv6) traffic,
// and whether it is a tunnel.
func egressInterface(s probes.Snapshot) (name string, tunnel bool) {
	d, ok := anyOf[probes.EgressDetails](s)
	if !ok {
		return "", false
	}
	for _, p := range []*probes.EgressPath{d.IPv4, d.IPv6} {
		if p != nil && p.Interface != "" {
			return p.Interface, p.Tunnel != nil
		}
	}
	return "", false
}

func planRenewDHCP(s probes.Snapshot, env ActionEnv) Action {
	a := Action{
		Title: "Renew this computer's DHCP lease",
		Description: "Releases and renews the local network address. It fixes a broken local lease; " +
			"it rarely changes the public IP Cloudflare sees (that is the router's, so power-cycle the router or use a hotspot for that).",
		Kind:      KindCommand,
		Risk:      RiskDisruptive,
		Privilege: PrivilegeAdmin,
		Scope:     "the network connection of one interface; it drops for a few seconds",
		Recheck:   true,
		Warning:   "The connection drops for a few seconds: SSH sessions, calls, downloads and VPNs on it are interrupted.",
	}
	iface, tunnel := egressInterface(s)
	switch {
	case iface == "":
		a.Unavailable = "gptdoctor could not tell which interface carries traffic (the egress probe did not run or found no route)"
		return a
	case tunnel:
		a.Unavailable = fmt.Sprintf("traffic leaves through %s, a VPN tunnel, which has no DHCP lease to renew: reconnect the VPN instead", iface)
		return a
	}
	a.Scope = fmt.Sprintf("the connection on %s; it drops for a few seconds", iface)
	switch env.GOOS {
	case osLinux:
		// NetworkManager manages most desktops: taking the device down and
		// up gets a fresh lease through its own DHCP client. systemd-networkd
		// renews in place. dhclient is the classic fallback.
		switch tool, _ := env.firstTool("nmcli", "networkctl", "dhclient"); tool {
		case "nmcli":
			a.Commands = [][]string{{"nmcli", "device", "down", iface}, {"nmcli", "device", "up", iface}}
		case "networkctl":
			a.Commands = [][]string{{"networkctl", "renew", iface}}
		case "dhclient":
			a.Commands = [][]string{{"dhclient", "-r", iface}, {"dhclient", iface}}
		default:
			a.Unavailable = "none of nmcli, networkctl or dhclient is installed; reconnect the network from the desktop's network menu instead"
		}
	case osDarwin:
		a.Commands = [][]string{{"ipconfig", "set", iface, "DHCP"}}
	case osWindows:
		a.Commands = [][]string{{"ipconfig", "/release", iface}, {"ipconfig", "/renew", iface}}
	default:
		a.Unavailable = fmt.Sprintf("gptdoctor does not know how to renew DHCP on %s", env.GOOS)
	}
	return a
}

// windowsOnly marks an instruction-only Windows action unavailable
// elsewhere.
func windowsOnly(a Action, env ActionEnv) Action {
	if env.GOOS != osWindows {
		a.Unavailable = "Windows only"
	}
	return a
}

func planWinsockReset(_ probes.Snapshot, env ActionEnv) Action {
	return windowsOnly(Action{
		Title: "Reset the Winsock catalogue (instructions only)",
		Description: "Rebuilds Windows' socket catalogue, removing layered service providers that VPNs, " +
			"antivirus and malware install. Too heavy for a keypress: gptdoctor shows the steps.",
		Kind:      KindInstructions,
		Risk:      RiskDisruptive,
		Privilege: PrivilegeAdmin,
		Scope:     "all of Windows networking; needs a restart",
		Warning:   "Needs a restart. Removes VPN and antivirus network components, which then need repairing or reinstalling.",
		Instructions: []string{
			"Right-click Start and choose Terminal (Admin).",
			"Run: netsh winsock reset",
			"Restart Windows, then run gptdoctor check again.",
		},
	}, env)
}

func planIPReset(_ probes.Snapshot, env ActionEnv) Action {
	return windowsOnly(Action{
		Title:       "Reset TCP/IP settings (instructions only)",
		Description: "Rewrites Windows' TCP/IP registry settings to their defaults. Too heavy for a keypress: gptdoctor shows the steps.",
		Kind:        KindInstructions,
		Risk:        RiskDisruptive,
		Privilege:   PrivilegeAdmin,
		Scope:       "all of Windows networking; needs a restart",
		Warning:     "Needs a restart. Static IP addresses and DNS servers are reset and must be entered again; some keys may report Access is denied even when elevated.",
		Instructions: []string{
			"Note any static IP and DNS settings first (ipconfig /all).",
			"Right-click Start and choose Terminal (Admin).",
			"Run: netsh int ip reset",
			"Restart Windows, then run gptdoctor check again.",
		},
	}, env)
}
