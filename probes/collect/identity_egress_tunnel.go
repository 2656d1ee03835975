package collect

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// Tunnel types reported in TunnelInfo.Type.
const (
	tunnelWireGuard = "wireguard"
	tunnelTUN       = "tun"
	tunnelTAP       = "tap"
	tunnelPPP       = "ppp"
	tunnelIPsec     = "ipsec"
	tunnelUTUN      = "utun"
)

// tunnelName is one row of the interface-name table: a case-insensitive
// prefix and what it implies. Names are only labels: on Linux sysfs
// decides whether an interface is a tunnel at all, and the name adds the
// product.
type tunnelName struct {
	prefix  string
	typ     string
	product string
}

// tunnelNames is ordered most specific first ("wg0-mullvad" before "wg").
// Sources: os-facts §3.2 (tailscale DefaultTunName, WARP, NordLynx, Proton,
// Mullvad, wg-quick, OpenVPN dev tun/tap, ZeroTier), plus the Linux
// interface names of Cisco AnyConnect (cscotun0), GlobalProtect (gpd0) and
// Private Internet Access (wgpia0).
var tunnelNames = []tunnelName{
	{"tailscale", tunnelTUN, "Tailscale"},
	{"cloudflarewarp", tunnelTUN, "Cloudflare WARP"},
	{"nordlynx", tunnelWireGuard, "NordVPN"},
	{"nordtun", tunnelTUN, "NordVPN"},
	{"proton", tunnelWireGuard, "Proton VPN"},
	{"wg0-mullvad", tunnelWireGuard, "Mullvad"},
	{"wg-mullvad", tunnelWireGuard, "Mullvad"},
	{"wgpia", tunnelWireGuard, "Private Internet Access"},
	{"wg", tunnelWireGuard, "WireGuard"},
	{"cscotun", tunnelTUN, "Cisco AnyConnect"},
	{"gpd", tunnelTUN, "GlobalProtect"},
	{"zt", tunnelTAP, "ZeroTier"},
	{"utun", tunnelUTUN, ""},
	{"tun", tunnelTUN, ""},
	{"tap", tunnelTAP, ""},
	{"ppp", tunnelPPP, ""},
	{"ipsec", tunnelIPsec, ""},
	{"vti", tunnelIPsec, ""},
}

// notTunnelNames start like a tunnel name but are kernel fallback devices
// that exist whenever a module is loaded (tunl0 for ipip).
var notTunnelNames = []string{"tunl"}

// lookupTunnelName returns the table row an interface name matches.
func lookupTunnelName(name string) (tunnelName, bool) {
	l := strings.ToLower(name)
	for _, p := range notTunnelNames {
		if strings.HasPrefix(l, p) {
			return tunnelName{}, false
		}
	}
	for _, t := range tunnelNames {
		if strings.HasPrefix(l, t.prefix) {
			return t, true
		}
	}
	return tunnelName{}, false
}

// adapterDescription is one Windows adapter description pattern
// (case-insensitive substring).
type adapterDescription struct {
	contains string
	typ      string
	product  string
}

// adapterDescriptions: product-specific patterns first; generic driver
// names (Wintun, TAP-Windows) and the bare word "VPN" last. Descriptions change between versions
// (os-facts §9), so matching is by substring. Teredo, ISATAP and 6to4
// adapters call themselves "Tunneling Adapter" and are IPv6 transition
// mechanisms, not VPNs: no pattern here matches them.
var adapterDescriptions = []adapterDescription{
	{"tailscale tunnel", tunnelTUN, "Tailscale"},
	{"wintun userspace tunnel", tunnelTUN, "Tailscale"},
	{"cloudflare warp", tunnelTUN, "Cloudflare WARP"},
	{"cloudflarewarp", tunnelTUN, "Cloudflare WARP"},
	{"nordlynx", tunnelWireGuard, "NordVPN"},
	{"nordvpn", tunnelTUN, "NordVPN"},
	{"protonvpn", tunnelTUN, "Proton VPN"},
	{"proton vpn", tunnelTUN, "Proton VPN"},
	{"mullvad", tunnelWireGuard, "Mullvad"},
	{"expressvpn", tunnelTUN, "ExpressVPN"},
	{"surfshark", tunnelTUN, "Surfshark"},
	{"zerotier virtual port", tunnelTAP, "ZeroTier"},
	{"cisco anyconnect", tunnelTUN, "Cisco AnyConnect"},
	{"cisco secure client", tunnelTUN, "Cisco AnyConnect"},
	{"pangp", tunnelTUN, "GlobalProtect"},
	{"fortinet ssl vpn", tunnelPPP, "FortiClient"},
	{"openvpn data channel offload", tunnelTUN, "OpenVPN"},
	{"wireguard tunnel", tunnelWireGuard, "WireGuard"},
	{"wan miniport (ikev2)", tunnelIPsec, "Windows VPN (IKEv2)"},
	{"wan miniport (l2tp)", tunnelPPP, "Windows VPN (L2TP)"},
	{"wan miniport (pptp)", tunnelPPP, "Windows VPN (PPTP)"},
	{"wan miniport (sstp)", tunnelPPP, "Windows VPN (SSTP)"},
	{"juniper networks virtual adapter", tunnelTUN, "Juniper Secure Connect"},
	{"pulse secure", tunnelTUN, "Ivanti Secure Access"},
	{"ivanti", tunnelTUN, "Ivanti Secure Access"},
	{"sonicwall", tunnelTUN, "SonicWall VPN"},
	{"check point virtual network adapter", tunnelTUN, "Check Point Endpoint VPN"},
	{"windscribe", tunnelTUN, "Windscribe"},
	{"private internet access", tunnelTUN, "Private Internet Access"},
	{"tap-windows", tunnelTAP, "OpenVPN"},
	{"wintun", tunnelTUN, ""},
	// Last: a vendor this table does not know, whose adapter still says
	// what it is ("Acme VPN Virtual Adapter").
	{"vpn", tunnelTUN, ""},
}

func lookupAdapterDescription(desc string) (adapterDescription, bool) {
	l := strings.ToLower(desc)
	if l == "" {
		return adapterDescription{}, false
	}
	for _, a := range adapterDescriptions {
		if strings.Contains(l, a.contains) {
			return a, true
		}
	}
	return adapterDescription{}, false
}

// tunnelContext is what classifyTunnel may consult besides the interface.
type tunnelContext struct {
	goos string
	// fsys is the world's file system (for Linux sysfs); nil skips sysfs.
	fsys fs.FS
	// nwi is macOS's scutil --nwi table, nil when not read.
	nwi *scutilNWI
	// defaultRoute is true when this interface carries the default route
	// (the UDP-connect trick found it), which makes a macOS utun a VPN.
	defaultRoute bool
}

// Linux interface facts from sysfs (include/uapi/linux/if_tun.h,
// include/uapi/linux/if_arp.h).
const (
	iffTAP       = 0x0002 // IFF_TAP in tun_flags
	arphrdPPP    = 512    // ARPHRD_PPP
	arphrdTunnel = 768    // ARPHRD_TUNNEL (ipip, vti)
	arphrdNone   = 65534  // ARPHRD_NONE: tun and WireGuard devices
)

// classifyTunnel says whether an interface is a VPN tunnel and why, or nil.
// Linux asks sysfs first (tun_flags exists for TUN/TAP, uevent
// DEVTYPE=wireguard, type 65534 or 512) and uses the name only for the
// product; macOS accepts utun only with scutil's "VPN server" or the
// default route, because macOS creates utun devices for itself; Windows
// reads the adapter description; everything else falls back to names.
func classifyTunnel(ifc probes.Interface, tc tunnelContext) *probes.TunnelInfo {
	named, nameOK := lookupTunnelName(ifc.Name)
	switch tc.goos {
	case "linux":
		if t, known := linuxSysfsTunnel(ifc.Name, tc.fsys); known {
			if t == nil {
				return nil
			}
			if nameOK {
				t.Product = named.product
				if named.product != "" {
					t.Evidence = append(t.Evidence, fmt.Sprintf("name %s points at %s", ifc.Name, named.product))
				}
			}
			return t
		}
	case "darwin":
		if nameOK && named.typ == tunnelUTUN {
			t := &probes.TunnelInfo{Type: tunnelUTUN}
			if tc.nwi != nil {
				if srv := tc.nwi.VPNServers[ifc.Name]; srv != "" {
					t.Evidence = append(t.Evidence, "scutil --nwi lists VPN server "+srv)
				}
			}
			if tc.defaultRoute {
				t.Evidence = append(t.Evidence, ifc.Name+" carries the default route")
			}
			if len(t.Evidence) == 0 {
				return nil // a utun macOS made for itself
			}
			return t
		}
	case "windows":
		if a, ok := lookupAdapterDescription(ifc.Description); ok {
			return &probes.TunnelInfo{Type: a.typ, Product: a.product,
				Evidence: []string{fmt.Sprintf("adapter description %q", ifc.Description)}}
		}
	}
	if !nameOK || named.typ == tunnelUTUN {
		return nil
	}
	return &probes.TunnelInfo{Type: named.typ, Product: named.product,
		Evidence: []string{fmt.Sprintf("interface name %s matches %s*", ifc.Name, named.prefix)}}
}

// linuxSysfsTunnel reads /sys/class/net/<name>. known is false when sysfs
// could not be read for this interface (no FS, a foreign namespace), so the
// caller falls back to the name table; known with a nil TunnelInfo means
// sysfs says it is not a tunnel.
func linuxSysfsTunnel(name string, fsys fs.FS) (t *probes.TunnelInfo, known bool) {
	if fsys == nil || name == "" || strings.ContainsAny(name, "/\\") || name == "." || name == ".." {
		return nil, false
	}
	dir := path.Join("sys/class/net", name)
	uevent, uerr := fs.ReadFile(fsys, dir+"/uevent")
	typ, terr := fs.ReadFile(fsys, dir+"/type")
	if uerr != nil && terr != nil {
		return nil, false
	}
	if devtype := ueventValue(string(uevent), "DEVTYPE"); strings.EqualFold(devtype, "wireguard") {
		return &probes.TunnelInfo{Type: tunnelWireGuard, Evidence: []string{"sysfs uevent DEVTYPE=wireguard"}}, true
	}
	if flags, err := fs.ReadFile(fsys, dir+"/tun_flags"); err == nil {
		v := strings.TrimSpace(string(flags))
		n, perr := strconv.ParseUint(strings.TrimPrefix(v, "0x"), 16, 32)
		if perr == nil && n&iffTAP != 0 {
			return &probes.TunnelInfo{Type: tunnelTAP, Evidence: []string{"sysfs tun_flags=" + v + " (TAP)"}}, true
		}
		return &probes.TunnelInfo{Type: tunnelTUN, Evidence: []string{"sysfs tun_flags=" + v + " (TUN)"}}, true
	}
	arp, _ := strconv.Atoi(strings.TrimSpace(string(typ)))
	switch {
	case arp == arphrdPPP:
		return &probes.TunnelInfo{Type: tunnelPPP, Evidence: []string{"sysfs type 512 (PPP)"}}, true
	case arp == arphrdNone:
		return &probes.TunnelInfo{Type: tunnelTUN, Evidence: []string{"sysfs type 65534 (no link layer: a layer-3 tunnel)"}}, true
	case arp == arphrdTunnel && (strings.HasPrefix(name, "vti") || strings.HasPrefix(name, "ipsec")):
		return &probes.TunnelInfo{Type: tunnelIPsec, Evidence: []string{"sysfs type 768 (IP tunnel) named " + name}}, true
	}
	return nil, true
}

func ueventValue(uevent, key string) string {
	for _, line := range strings.Split(uevent, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && k == key {
			return v
		}
	}
	return ""
}
