package report

import (
	"cmp"
	"net/netip"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/session"
)

// Share is the record with what identifies the person masked (see
// Options.Share) and every secret removed: what the dashboard's export
// dialog previews with its share toggle on. Rendering with Options.Share
// applies the same transform.
func Share(rec session.Record, private Private, secrets []string) session.Record {
	return Prepare(rec, Options{Share: true, Private: private, Secrets: secrets})
}

// Masks put in place of what --share hides.
const (
	maskHost  = "[host]"
	maskUser  = "[user]"
	maskHome  = "~"
	maskLocal = "[local address]"
)

// masker hides one record's identifying strings.
type masker struct {
	homes   []string          // longest first, so /home/al/x is not cut at /home/a
	names   *regexp.Regexp    // host and user names as whole words; nil when none
	repl    map[string]string // lower-cased name -> its mask
	public  map[netip.Addr]bool
	ipv4    *regexp.Regexp
	ipv6ish *regexp.Regexp
}

// minName is the shortest user or host name masked: shorter ones ("a",
// "pi") occur inside ordinary words and would shred the report.
const minName = 3

func newMasker(rec session.Record, p Private) *masker {
	m := &masker{repl: map[string]string{}, public: map[netip.Addr]bool{},
		ipv4:    regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b(?:/\d{1,2}\b)?`),
		ipv6ish: regexp.MustCompile(`[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:/\d{1,3}\b)?`)}
	hosts := slices.Clone(p.Hosts)
	users := slices.Clone(p.Users)
	for _, h := range p.HomeDirs {
		if h = strings.TrimRight(h, `/\`); len(h) > 1 {
			m.homes = append(m.homes, h)
			users = append(users, filepath.Base(strings.ReplaceAll(h, `\`, "/")))
		}
	}
	slices.SortFunc(m.homes, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, run := range rec.Runs {
		for _, r := range run.Results {
			m.collect(r, &hosts)
		}
	}
	var alts []string
	add := func(name, mask string) {
		name = strings.ToLower(strings.TrimSpace(name))
		if len(name) < minName || m.repl[name] != "" {
			return
		}
		m.repl[name] = mask
		alts = append(alts, regexp.QuoteMeta(name))
	}
	for _, h := range hosts {
		add(h, maskHost)
		if short, _, ok := strings.Cut(h, "."); ok {
			add(short, maskHost)
		}
	}
	for _, u := range users {
		add(u, maskUser)
	}
	if len(alts) > 0 {
		slices.SortFunc(alts, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
		// Names are bounded by anything but a name character, so
		// "demo-laptop" is masked in "demo-laptop.local" but "al" is not
		// in "also".
		m.names = regexp.MustCompile(`(?i)(^|[^\pL\pN_-])(` + strings.Join(alts, "|") + `)($|[^\pL\pN_-])`)
	}
	return m
}

// collect finds the host name and the addresses that are this person's:
// what Cloudflare and the whoami saw, and the interfaces' global addresses.
func (m *masker) collect(r probes.Result, hosts *[]string) {
	addIP := func(s string) {
		s, _, _ = strings.Cut(s, "/")
		if a, err := netip.ParseAddr(s); err == nil {
			m.public[a.Unmap()] = true
		}
	}
	switch d := r.Details.(type) {
	case *probes.HostDetails:
		if d.Facts.Hostname != "" {
			*hosts = append(*hosts, d.Facts.Hostname)
		}
		for _, ifc := range d.Interfaces {
			for _, a := range ifc.Addrs {
				if p, err := netip.ParsePrefix(a); err == nil && p.Addr().IsGlobalUnicast() && !p.Addr().IsPrivate() {
					addIP(a)
				}
			}
		}
	case *probes.TraceDetails:
		addIP(d.IP)
	case *probes.PublicIPDetails:
		addIP(d.TraceIP)
		addIP(d.WhoamiIP)
	case *probes.EndpointDetails:
		addIP(d.Verdict.ClientIP)
	}
}

func (m *masker) mask(s string) string {
	for _, h := range m.homes {
		s = replaceFold(s, h, maskHome)
	}
	if m.names != nil && m.mayName(s) {
		// Matches share their bounding characters, so adjacent names need
		// a second pass.
		for range 2 {
			s = m.names.ReplaceAllStringFunc(s, func(w string) string {
				sub := m.names.FindStringSubmatch(w)
				return sub[1] + m.repl[strings.ToLower(sub[2])] + sub[3]
			})
		}
	}
	if strings.Count(s, ":") >= 2 {
		s = m.ipv6ish.ReplaceAllStringFunc(s, m.maskAddr)
	}
	if strings.Count(s, ".") >= 3 {
		s = m.ipv4.ReplaceAllStringFunc(s, m.maskAddr)
	}
	return s
}

// mayName is a cheap test before the names' expression runs: whether any
// name occurs in s at all.
func (m *masker) mayName(s string) bool {
	lower := strings.ToLower(s)
	for name := range m.repl {
		if strings.Contains(lower, name) {
			return true
		}
	}
	return false
}

// maskAddr hides a private or link-local address and shortens this
// person's public address to its network; other addresses (OpenAI's,
// public resolvers) stay, since they say where requests went.
func (m *masker) maskAddr(s string) string {
	var a netip.Addr
	core := ""
	for _, c := range []string{s, strings.TrimRight(s, "."), strings.Trim(s, ":.")} {
		addr, _, _ := strings.Cut(c, "/")
		if p, err := netip.ParseAddr(addr); err == nil {
			a, core = p, c
			break
		}
	}
	if core == "" {
		return s
	}
	a = a.Unmap()
	var out string
	switch {
	case a.IsPrivate() || a.IsLinkLocalUnicast() || cgnat.Contains(a):
		out = maskLocal
	case m.public[a] && a.Is4():
		out = netip.PrefixFrom(a, 24).Masked().String()
	case m.public[a]:
		out = netip.PrefixFrom(a, 48).Masked().String()
	default:
		return s
	}
	i := strings.Index(s, core)
	return s[:i] + out + s[i+len(core):]
}

// cgnat is the shared address space carriers put customers in (RFC 6598):
// local to the carrier, so it identifies as much as a private address.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// replaceFold replaces old in s ignoring case (Windows paths and macOS
// volumes are case-insensitive).
func replaceFold(s, old, repl string) string {
	if old == "" {
		return s
	}
	lower, lold := strings.ToLower(s), strings.ToLower(old)
	if len(lower) != len(s) || len(lold) != len(old) {
		return strings.ReplaceAll(s, old, repl) // case mapping changed lengths: exact match only
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lold)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(old):]
	}
}
