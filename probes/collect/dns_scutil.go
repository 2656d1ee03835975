package collect

import (
	"strconv"
	"strings"
)

// scutilResolver is one "resolver #N" block of macOS `scutil --dns`. The
// first unscoped resolver without a domain is the default; resolvers with a
// domain are split DNS (a VPN's corporate zone); resolvers in the "for
// scoped queries" section answer only queries bound to their interface.
type scutilResolver struct {
	// Number is N in "resolver #N", counted per section.
	Number int
	// Scoped is true for resolvers listed under "DNS configuration (for
	// scoped queries)".
	Scoped bool
	// Domain is the zone a split resolver answers for ("corp.example",
	// "local").
	Domain string
	Search []string
	// Nameservers are as printed; IPv6 link-local servers keep their
	// zone ("fe80::1%en0"). mDNS pseudo resolvers (".local") have none.
	Nameservers []string
	// Interface is the name after if_index ("en0", "utun3").
	Interface string
	// Reach is the reachability text ("Reachable,Directly Reachable
	// Address").
	Reach string
}

// parseScutilDNS reads the text `scutil --dns` prints. The format is not
// documented, so the parser is lenient: it keys on "resolver #", splits
// each "key : value" line at its first colon, ignores keys it does not
// know, and accepts CRLF line ends, tabs and extra blank lines. Output with
// no resolver blocks ("No DNS configuration available") yields nil.
func parseScutilDNS(out []byte) []scutilResolver {
	var (
		res    []scutilResolver
		cur    *scutilResolver
		scoped bool
	)
	sc := configLines(out)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		lower := strings.ToLower(line)
		if strings.HasPrefix(lower, "dns configuration") {
			scoped = strings.Contains(lower, "scoped")
			cur = nil
			continue
		}
		if rest, ok := strings.CutPrefix(lower, "resolver #"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(rest))
			res = append(res, scutilResolver{Number: n, Scoped: scoped})
			cur = &res[len(res)-1]
			continue
		}
		if cur == nil {
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		// Indexed keys: "nameserver[0]", "search domain[1]".
		if i := strings.IndexByte(key, '['); i >= 0 {
			key = strings.TrimSpace(key[:i])
		}
		switch key {
		case "nameserver":
			// macOS prints addresses only; anything else is not a
			// server to report or compare ("fe80::1%en0" keeps its zone).
			if _, err := parseConfigAddr(val); err == nil {
				cur.Nameservers = append(cur.Nameservers, val)
			}
		case "search domain":
			if val != "" {
				cur.Search = append(cur.Search, val)
			}
		case "domain":
			cur.Domain = strings.TrimSuffix(val, ".")
		case "if_index":
			// "14 (en0)"
			_, name, _ := strings.Cut(val, " ")
			cur.Interface = strings.Trim(strings.TrimSpace(name), "()")
		case "reach":
			// "0x00020002 (Reachable,Directly Reachable Address)"
			if i := strings.IndexByte(val, '('); i >= 0 {
				cur.Reach = strings.TrimSuffix(strings.TrimSpace(val[i+1:]), ")")
			} else {
				cur.Reach = val
			}
		}
	}
	return res
}
