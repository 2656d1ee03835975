package lab

import (
	"net/netip"
	"strings"
	"sync/atomic"

	"github.com/miekg/dns"
)

// viewMode is how a resolver behaves as a whole.
type viewMode int

const (
	viewAnswer   viewMode = iota // answers from its zone
	viewServfail                 // SERVFAIL to everything
	viewRefused                  // REFUSED to everything
	viewSilent                   // never answers
)

// dnsView is one resolver's view of the world: the honest public DNS, or
// what a lying ISP resolver says.
type dnsView struct {
	mode viewMode
	zone []record
	// hijack rewrites OpenAI hosts (the ISP block-page resolver);
	// nxOpenAI denies they exist.
	hijack, nxOpenAI bool
	// egress is this resolver's public address (whoami.ds.akahelp.net);
	// client is the machine's public IP as seen by it (whoami.cloudflare).
	egress, client string
	escape         bool
	// stale, while set, answers chatgpt.com with its old addresses: the
	// staged machine's resolver cache, which the system resolver stands
	// for, until flush-dns clears it.
	stale *atomic.Bool
}

// ttl is what the lab's answers carry: Cloudflare's 300 s.
const ttl = 300

// answer builds the reply to one query; nil means stay silent.
func (v *dnsView) answer(req *dns.Msg) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = true
	if opt := req.IsEdns0(); opt != nil {
		m.SetEdns0(1232, false)
	}
	switch v.mode {
	case viewSilent:
		return nil
	case viewServfail:
		m.Rcode = dns.RcodeServerFailure
		return m
	case viewRefused:
		m.Rcode = dns.RcodeRefused
		return m
	}
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		return m
	}
	q := req.Question[0]
	name := strings.TrimSuffix(strings.ToLower(q.Name), ".")
	hdr := func(t uint16) dns.RR_Header {
		return dns.RR_Header{Name: q.Name, Rrtype: t, Class: q.Qclass, Ttl: ttl}
	}

	if q.Qclass == dns.ClassCHAOS {
		if name == hostWhoamiCF && q.Qtype == dns.TypeTXT {
			m.Answer = append(m.Answer, &dns.TXT{Hdr: hdr(dns.TypeTXT), Txt: []string{v.client}})
		} else {
			m.Rcode = dns.RcodeRefused
		}
		return m
	}
	if q.Qclass != dns.ClassINET {
		m.Rcode = dns.RcodeNotImplemented
		return m
	}
	if name == hostWhoamiAka {
		if q.Qtype == dns.TypeTXT {
			ns := v.egress
			if v.escape {
				ns = "\x1b]0;pwned\x07\x1b[2J" + ns
			}
			// One record, two strings, as Akamai answers: `"ns" "IP"`.
			m.Answer = append(m.Answer, &dns.TXT{Hdr: hdr(dns.TypeTXT), Txt: []string{"ns", ns}})
		}
		return m
	}
	rec, ok := lookupRecord(v.zone, name)
	if !ok || (v.nxOpenAI && rec.openai) {
		m.Rcode = dns.RcodeNameError
		m.Ns = append(m.Ns, soa(name))
		return m
	}
	a, aaaa := rec.a, rec.aaaa
	if v.stale != nil && v.stale.Load() && rec.name == hostChatGPT {
		a, aaaa = staleChatGPT4, staleChatGPT6
	}
	if v.hijack && rec.openai {
		a, aaaa = ispBlockAddr, netip.Addr{}
		if rec.name == hostAPI {
			a, aaaa = unspecified4, unspecified6
		}
	}
	switch {
	case q.Qtype == dns.TypeA && a.IsValid():
		m.Answer = append(m.Answer, &dns.A{Hdr: hdr(dns.TypeA), A: a.AsSlice()})
	case q.Qtype == dns.TypeAAAA && aaaa.IsValid():
		m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr(dns.TypeAAAA), AAAA: aaaa.AsSlice()})
	default:
		// The name exists but has no record of this type.
		m.Ns = append(m.Ns, soa(name))
	}
	return m
}

// soa is the authority record negative answers carry.
func soa(name string) dns.RR {
	zone := name
	if i := strings.LastIndexByte(strings.TrimSuffix(name, "."), '.'); i > 0 {
		if j := strings.LastIndexByte(name[:i], '.'); j >= 0 {
			zone = name[j+1:]
		}
	}
	zone = dns.Fqdn(zone)
	return &dns.SOA{Hdr: dns.RR_Header{Name: zone, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 1800},
		Ns: "ns1." + zone, Mbox: "dns." + zone, Serial: 2026110501, Refresh: 10000, Retry: 2400, Expire: 604800, Minttl: 1800}
}

// ServeDNS makes a view a miekg/dns handler.
func (v *dnsView) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	if m := v.answer(req); m != nil {
		_ = w.WriteMsg(m)
	}
}
