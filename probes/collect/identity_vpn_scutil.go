package collect

import (
	"errors"
	"regexp"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// scutilNWI is what gptdoctor takes from macOS's network-interface table
// (`scutil --nwi`): the VPN server each interface was brought up for.
// macOS prints "VPN server" only for interfaces a VPN configuration brought
// up, which is what separates a real VPN's utun from the utun devices
// macOS creates for itself.
type scutilNWI struct {
	// VPNServers maps an interface name to the VPN server listed for it
	// in either address family.
	VPNServers map[string]string
}

var (
	// nwiEntry finds an entry line ("   utun3 : flags : 0x5 …") whatever
	// its name; nwiName then says whether the name is an interface name
	// (en0, utun3, bridge100, XHC20: letters, digits, '_', '.', '-', at
	// most 15, IFNAMSIZ less its NUL). RE2's \S would take a vertical tab
	// or a raw byte into a name, which cleans to a name with a blank.
	nwiEntry     = regexp.MustCompile(`^\s*(\S+)\s*:\s*flags\s*:`)
	nwiName      = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,15}$`)
	nwiVPNServer = regexp.MustCompile(`^\s+VPN server\s*:\s*(.*)$`)
)

// parseScutilNWI reads `scutil --nwi` output. The format comes from
// configd's network_state_information_logging.h: a "Network information"
// header, per-family sections whose entries are " %7s : flags : …" followed
// by indented "address", optional "VPN server" and "reach" lines, a
// "REACH : flags" summary per family, and a closing "Network interfaces:"
// line. Only the entries' names and VPN servers are read; unknown lines are
// ignored so newer macOS fields do not break it.
func parseScutilNWI(out string) (scutilNWI, error) {
	n := scutilNWI{VPNServers: map[string]string{}}
	if strings.TrimSpace(out) == "" {
		return n, errors.New("scutil --nwi: empty output")
	}
	seen := false
	entry := ""
	for _, line := range strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "Network information") || strings.HasSuffix(trimmed, "network interface information") ||
			strings.HasPrefix(trimmed, "Network interfaces:") {
			seen, entry = true, ""
			continue
		}
		if m := nwiEntry.FindStringSubmatch(line); m != nil && seen {
			// A name that is not an interface's ends the previous entry
			// too, so its VPN server is not credited to that one.
			entry = ""
			if nwiName.MatchString(m[1]) {
				entry = m[1]
			}
		} else if m := nwiVPNServer.FindStringSubmatch(line); m != nil && entry != "" {
			if v := sanitize.LineN(strings.TrimSpace(m[1]), 128); v != "" {
				n.VPNServers[entry] = v
			}
		}
	}
	if !seen {
		return n, errors.New("scutil --nwi: output is not a network information table")
	}
	return n, nil
}
