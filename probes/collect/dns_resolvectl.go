package collect

import (
	"net/netip"
	"strconv"
	"strings"
)

// resolvectlLink is one section of `resolvectl status`: the Global section
// (Index 0) or one link. systemd-resolved routes a query to the links whose
// Domains match it, or to DefaultRoute links when none does, so a VPN link
// with "~." or DefaultRoute takes the queries a browser makes.
type resolvectlLink struct {
	Index int
	// Name is "Global" or the interface name.
	Name string
	// ResolvConfMode is resolved's own view of /etc/resolv.conf (stub,
	// uplink, static, foreign, missing); Global section only.
	ResolvConfMode string
	CurrentServer  string
	Servers        []string
	Domains        []string
	// DefaultRoute is true when the link may answer names outside its
	// domains ("+DefaultRoute" or "DefaultRoute setting: yes").
	DefaultRoute bool
}

// parseResolvectlStatus reads `resolvectl status` text from systemd 239 on:
// sections start with "Global" or "Link N (name)", settings are "Key:
// value" lines, and long lists continue on indented lines without a key
// (IPv6 addresses there are told apart from keys because a key is followed
// by ": " and contains no colon itself). Keys it does not know are skipped.
func parseResolvectlStatus(out []byte) []resolvectlLink {
	var (
		links   []resolvectlLink
		cur     *resolvectlLink
		lastKey string
	)
	sc := configLines(out)
	for sc.Scan() {
		raw := strings.TrimRight(sc.Text(), "\r")
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if line == "Global" {
			links = append(links, resolvectlLink{Name: "Global"})
			cur, lastKey = &links[len(links)-1], ""
			continue
		}
		if rest, ok := strings.CutPrefix(line, "Link "); ok && raw[0] != ' ' {
			num, name, _ := strings.Cut(rest, " ")
			idx, _ := strconv.Atoi(num)
			links = append(links, resolvectlLink{Index: idx, Name: strings.Trim(name, "()")})
			cur, lastKey = &links[len(links)-1], ""
			continue
		}
		if cur == nil {
			continue
		}
		key, val, isKey := resolvectlKey(line)
		if !isKey {
			// Continuation of the previous list.
			key, val = lastKey, line
		}
		lastKey = key
		switch key {
		case "resolv.conf mode":
			cur.ResolvConfMode = val
		case "Current DNS Server":
			if isResolvectlServer(val) {
				cur.CurrentServer = val
			}
		case "DNS Servers", "DNS Server":
			for _, f := range strings.Fields(val) {
				if isResolvectlServer(f) {
					cur.Servers = append(cur.Servers, f)
				}
			}
		case "DNS Domain", "DNS Domains":
			cur.Domains = append(cur.Domains, strings.Fields(val)...)
		case "DefaultRoute setting":
			cur.DefaultRoute = val == "yes"
		case "Protocols":
			for _, p := range strings.Fields(val) {
				if p == "+DefaultRoute" {
					cur.DefaultRoute = true
				}
			}
		}
	}
	return links
}

// resolvectlKey splits "Key: value" when line starts with a key: letters,
// digits, spaces, dots and dashes up to the first colon that is followed
// by a space or ends the line.
func resolvectlKey(line string) (key, val string, ok bool) {
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ':':
			if i == 0 || (i+1 < len(line) && line[i+1] != ' ') {
				return "", "", false
			}
			first := line[0]
			if !(first >= 'A' && first <= 'Z' || first >= 'a' && first <= 'z') {
				return "", "", false
			}
			return strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:]), true
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == ' ', c == '.', c == '-', c == '/':
		default:
			return "", "", false
		}
	}
	return "", "", false
}

// serverAddr strips what resolvectl appends to a server address: the
// DNS-over-TLS name ("1.1.1.1#cloudflare-dns.com").
func serverAddr(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	return s
}

// isResolvectlServer reports whether s is a server as resolvectl prints
// one (an address, with a port, zone or "#name" suffix); other text in a
// server list is not reported or compared.
func isResolvectlServer(s string) bool {
	a := serverAddr(s)
	if _, err := parseConfigAddr(a); err == nil {
		return true
	}
	ap, err := netip.ParseAddrPort(a)
	if err != nil {
		return false
	}
	_, err = parseConfigAddr(ap.Addr().String())
	return err == nil
}
