package probes

import (
	"errors"
	"regexp"
	"strings"
)

// ScutilNWI is macOS's network-interface table as `scutil --nwi` prints it:
// per address family, the interfaces in routing order (the first is the
// primary, which carries the default route), with the VPN server a tunnel
// was brought up for.
type ScutilNWI struct {
	IPv4 []NWIInterface
	IPv6 []NWIInterface
	// Interfaces is the "Network interfaces:" line, every interface the
	// table knows.
	Interfaces []string
	// IPv4Reach and IPv6Reach are the per-family REACH flags text
	// ("0x00000002 (Reachable)").
	IPv4Reach string
	IPv6Reach string
}

// NWIInterface is one interface entry of the table.
type NWIInterface struct {
	Name      string
	Flags     string
	Address   string
	VPNServer string
	Reach     string
}

// Primary returns the first interface listed for a family ("ipv4" or
// "ipv6"), which is the one the default route uses, or "".
func (n ScutilNWI) Primary(family string) string {
	list := n.IPv4
	if family == FamilyIPv6 {
		list = n.IPv6
	}
	if len(list) == 0 {
		return ""
	}
	return list[0].Name
}

// VPNServer returns the VPN server listed for an interface in either
// family, or "" when the table lists none: macOS prints "VPN server" only
// for interfaces a VPN configuration brought up, which is what separates a
// real VPN's utun from the utun devices macOS creates for itself.
func (n ScutilNWI) VPNServer(ifname string) string {
	for _, list := range [][]NWIInterface{n.IPv4, n.IPv6} {
		for _, e := range list {
			if e.Name == ifname && e.VPNServer != "" {
				return e.VPNServer
			}
		}
	}
	return ""
}

var (
	nwiEntry = regexp.MustCompile(`^\s*(\S+)\s*:\s*flags\s*:\s*(.*)$`)
	nwiField = regexp.MustCompile(`^\s+(address|VPN server|reach)\s*:\s*(.*)$`)
	nwiReach = regexp.MustCompile(`^\s*REACH\s*:\s*flags\s+(.*)$`)
)

// ParseScutilNWI reads `scutil --nwi` output. The format comes from
// configd's network_state_information_logging.h: a "Network information"
// header, per-family sections whose entries are " %7s : flags : …" followed
// by indented "address", optional "VPN server" and "reach" lines, a
// "REACH : flags" summary per family, and a closing "Network interfaces:"
// line. Unknown lines are ignored so newer macOS fields do not break it.
func ParseScutilNWI(out string) (ScutilNWI, error) {
	var n ScutilNWI
	if strings.TrimSpace(out) == "" {
		return n, errors.New("scutil --nwi: empty output")
	}
	section := ""
	var cur *NWIInterface
	seen := false
	for _, raw := range strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n") {
		line := strings.TrimRight(raw, " \t")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "Network information" || strings.HasPrefix(trimmed, "Network information ("):
			seen = true
			continue
		case trimmed == "IPv4 network interface information":
			section, cur, seen = FamilyIPv4, nil, true
			continue
		case trimmed == "IPv6 network interface information":
			section, cur, seen = FamilyIPv6, nil, true
			continue
		case strings.HasPrefix(trimmed, "Network interfaces:"):
			n.Interfaces = strings.Fields(strings.TrimPrefix(trimmed, "Network interfaces:"))
			cur, seen = nil, true
			continue
		}
		if m := nwiReach.FindStringSubmatch(line); m != nil {
			if section == FamilyIPv6 {
				n.IPv6Reach = m[1]
			} else {
				n.IPv4Reach = m[1]
			}
			cur = nil
			continue
		}
		if m := nwiEntry.FindStringSubmatch(line); m != nil && section != "" {
			e := NWIInterface{Name: m[1], Flags: strings.TrimSpace(m[2])}
			if section == FamilyIPv6 {
				n.IPv6 = append(n.IPv6, e)
				cur = &n.IPv6[len(n.IPv6)-1]
			} else {
				n.IPv4 = append(n.IPv4, e)
				cur = &n.IPv4[len(n.IPv4)-1]
			}
			continue
		}
		if m := nwiField.FindStringSubmatch(line); m != nil && cur != nil {
			v := strings.TrimSpace(m[2])
			switch m[1] {
			case "address":
				cur.Address = v
			case "VPN server":
				cur.VPNServer = v
			case "reach":
				cur.Reach = v
			}
		}
	}
	if !seen {
		return n, errors.New("scutil --nwi: output is not a network information table")
	}
	return n, nil
}
