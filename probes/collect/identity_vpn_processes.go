package collect

import (
	"path/filepath"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// vpnProcess is one row of the VPN-client process table: a
// case-insensitive substring of the process name and the product it means.
type vpnProcess struct {
	contains string
	product  string
}

// vpnProcesses lists VPN clients by process name (os-facts §3.4). Exact
// binary names change between versions, so matching is by substring,
// which also catches the ".exe" forms and helpers ("nordvpnd",
// "nordvpn-service"). The list avoids substrings short enough to hit
// unrelated programs.
var vpnProcesses = []vpnProcess{
	{"openvpn", "OpenVPN"},
	{"wireguard", "WireGuard"},
	{"wg-quick", "WireGuard"},
	{"tailscale", "Tailscale"},
	{"warp-svc", "Cloudflare WARP"},
	{"cloudflare warp", "Cloudflare WARP"},
	{"nordvpn", "NordVPN"},
	{"expressvpn", "ExpressVPN"},
	{"protonvpn", "Proton VPN"},
	{"mullvad", "Mullvad"},
	{"zerotier", "ZeroTier"},
	{"vpnagent", "Cisco AnyConnect"},
	{"pangp", "GlobalProtect"},
	{"zsatunnel", "Zscaler"},
	{"stagentsvc", "Netskope"},
	{"forticlient", "FortiClient"},
	{"openconnect", "OpenConnect"},
	{"surfshark", "Surfshark"},
	{"windscribe", "Windscribe"},
}

// matchVPNProcess returns the product a process name points at.
func matchVPNProcess(name string) (string, bool) {
	l := strings.ToLower(name)
	for _, v := range vpnProcesses {
		if strings.Contains(l, v.contains) {
			return v.product, true
		}
	}
	return "", false
}

// isTorProcess reports a Tor daemon: the process is named exactly tor
// (tor.exe on Windows; tor.real in older Tor Browser bundles for macOS).
// Substrings are not enough: "monitor" and "vector" contain "tor".
func isTorProcess(p probes.Process) bool {
	n := strings.ToLower(p.Name)
	if n == "tor" || n == "tor.exe" || n == "tor.real" {
		return true
	}
	base := strings.ToLower(filepath.Base(strings.ReplaceAll(p.Exe, `\`, "/")))
	return p.Exe != "" && (base == "tor" || base == "tor.exe" || base == "tor.real")
}

// isTorBrowser reports the Tor Browser itself: a Firefox whose executable
// lives in a "Tor Browser" directory.
func isTorBrowser(p probes.Process) bool {
	n := strings.ToLower(p.Name)
	return strings.Contains(n, "firefox") && strings.Contains(strings.ToLower(p.Exe), "tor browser")
}
