package lab

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/gptdoctor/gptdoctor/probes"
)

// exchange asks one lab resolver a question with miekg/dns through
// World.Dialer, as a probe would. server "system" is the system resolver
// (the address World.Resolver asks); anything else is an IP:port.
func exchange(w probes.World, l *Lab, server, network, name string, qtype, qclass uint16, timeout time.Duration) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if server == "system" {
		server = l.systemDNS
	}
	conn, err := w.Dialer.DialContext(ctx, network, server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	co := &dns.Conn{Conn: conn}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.Question[0].Qclass = qclass
	if err := co.WriteMsg(m); err != nil {
		return nil, err
	}
	return co.ReadMsg()
}

func answerIPs(m *dns.Msg) []string {
	var out []string
	for _, rr := range m.Answer {
		if a, ok := rrAddr(rr); ok {
			out = append(out, a.String())
		}
	}
	return out
}

func TestDNSHonest(t *testing.T) {
	t.Parallel()
	l := startLab(t, "healthy", Options{})
	w := l.World(probes.World{})
	for _, server := range []string{"system", "1.1.1.1:53", "8.8.8.8:53", "[2606:4700:4700::1111]:53"} {
		for _, network := range []string{"udp", "tcp"} {
			ask := func(name string, qt, qc uint16) *dns.Msg {
				t.Helper()
				m, err := exchange(w, l, server, network, name, qt, qc, 5*time.Second)
				if err != nil {
					t.Fatalf("%s/%s %s: %v", server, network, name, err)
				}
				return m
			}
			where := server + "/" + network
			if got := answerIPs(ask("chatgpt.com", dns.TypeA, dns.ClassINET)); !slices.Equal(got, []string{"104.18.32.47"}) {
				t.Errorf("%s: chatgpt.com A %v", where, got)
			}
			if got := answerIPs(ask("ChatGPT.com", dns.TypeAAAA, dns.ClassINET)); !slices.Equal(got, []string{"2606:4700::6812:202f"}) {
				t.Errorf("%s: chatgpt.com AAAA %v", where, got)
			}
			m := ask("does-not-exist.example", dns.TypeA, dns.ClassINET)
			if m.Rcode != dns.RcodeNameError || len(m.Ns) != 1 {
				t.Errorf("%s: unknown name rcode %s, %d authority", where, dns.RcodeToString[m.Rcode], len(m.Ns))
			}
			m = ask("chatgpt.com", dns.TypeMX, dns.ClassINET)
			if m.Rcode != dns.RcodeSuccess || len(m.Answer) != 0 {
				t.Errorf("%s: chatgpt.com MX should be NODATA: %v", where, m)
			}
			m = ask(hostWhoamiAka, dns.TypeTXT, dns.ClassINET)
			if len(m.Answer) != 1 || !slices.Equal(m.Answer[0].(*dns.TXT).Txt, []string{"ns", wantEgress(server)}) {
				t.Errorf("%s: akahelp TXT %v", where, m.Answer)
			}
			m = ask(hostWhoamiCF, dns.TypeTXT, dns.ClassCHAOS)
			if len(m.Answer) != 1 || m.Answer[0].Header().Class != dns.ClassCHAOS ||
				!slices.Equal(m.Answer[0].(*dns.TXT).Txt, []string{"203.0.113.10"}) {
				t.Errorf("%s: whoami.cloudflare CH TXT %v", where, m.Answer)
			}
		}
	}

	// World.Resolver is the system resolver and satisfies probes.Resolver.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ips, err := w.Resolver.LookupNetIP(ctx, "ip", "api.openai.com")
	if err != nil || len(ips) != 2 {
		t.Fatalf("LookupNetIP api.openai.com: %v %v", ips, err)
	}
	txt, err := w.Resolver.LookupTXT(ctx, hostWhoamiAka)
	// Go joins the strings of one TXT record: "ns" "192.0.2.53" reads as
	// "ns192.0.2.53". Probes must ask with a DNS client to keep them apart.
	if err != nil || !slices.Equal(txt, []string{"ns" + ispResolverEgress}) {
		t.Errorf("LookupTXT akahelp: %q %v", txt, err)
	}
	if _, err := w.Resolver.LookupNetIP(ctx, "ip", "nope.invalid"); !isNotFound(err) {
		t.Errorf("unknown name: %v", err)
	}
}

func wantEgress(server string) string {
	switch {
	case server == "system":
		return ispResolverEgress
	case strings.HasPrefix(server, "8."):
		return googleResolverEgress
	}
	return cloudflareResolverEgress
}

func isNotFound(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}

// TestDNSExpectations checks each scenario's DNS expectation against its
// resolvers.
func TestDNSExpectations(t *testing.T) {
	t.Parallel()
	for _, sc := range Scenarios() {
		l := startLab(t, sc.Name, Options{})
		w := l.World(probes.World{})
		want := sc.Expect.DNS
		var got []string
		rcode := ""
		for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
			m, err := exchange(w, l, "system", "udp", hostChatGPT, qt, dns.ClassINET, 5*time.Second)
			if err != nil {
				t.Fatalf("%s: %v", sc.Name, err)
			}
			rcode = dns.RcodeToString[m.Rcode]
			got = append(got, answerIPs(m)...)
		}
		if rcode != want.SystemRCode || !slices.Equal(got, want.SystemChatGPT) {
			t.Errorf("%s: system says %s %v, want %s %v", sc.Name, rcode, got, want.SystemRCode, want.SystemChatGPT)
		}
		egress := ""
		if m, err := exchange(w, l, "system", "udp", hostWhoamiAka, dns.TypeTXT, dns.ClassINET, 5*time.Second); err == nil && len(m.Answer) == 1 {
			egress = m.Answer[0].(*dns.TXT).Txt[1]
		}
		if sc.Name == "escapes" {
			// miekg/dns shows control bytes as \027; Go's resolver hands
			// them over raw, which is what a probe must sanitise.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			raw, err := w.Resolver.LookupTXT(ctx, hostWhoamiAka)
			cancel()
			if err != nil || len(raw) != 1 || !strings.Contains(raw[0], "\x1b]0;pwned\x07") {
				t.Errorf("escapes: TXT carries no raw escape sequence: %q %v", raw, err)
			}
			egress = egress[strings.LastIndex(egress, "[2J")+3:]
		}
		if egress != want.ResolverEgress {
			t.Errorf("%s: resolver egress %q, want %q", sc.Name, egress, want.ResolverEgress)
		}
		public := ""
		if m, err := exchange(w, l, "1.1.1.1:53", "udp", hostWhoamiCF, dns.TypeTXT, dns.ClassCHAOS, 300*time.Millisecond); err == nil && len(m.Answer) == 1 {
			public = m.Answer[0].(*dns.TXT).Txt[0]
		}
		if public != want.PublicIP {
			t.Errorf("%s: public IP %q, want %q", sc.Name, public, want.PublicIP)
		}
	}
}

func TestDNSBroken(t *testing.T) {
	t.Parallel()
	hijack := startLab(t, "dns-hijack", Options{})
	w := hijack.World(probes.World{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for host, want := range map[string][]netip.Addr{
		hostChatGPT: {ispBlockAddr}, hostChat: {ispBlockAddr}, hostStatus: {ispBlockAddr},
		hostAPI: {unspecified4, unspecified6}, hostDoH: {mustAddr("104.16.248.249"), mustAddr("2606:4700::6810:f8f9")},
	} {
		got, err := w.Resolver.LookupNetIP(ctx, "ip", host)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("hijack: system says %s is %v (%v), want %v", host, got, err, want)
		}
		m, err := exchange(w, hijack, "1.1.1.1:53", "udp", host, dns.TypeA, dns.ClassINET, 5*time.Second)
		rec, _ := lookupRecord(honestZone, host)
		if err != nil || !slices.Equal(answerIPs(m), []string{rec.a.String()}) {
			t.Errorf("hijack: 1.1.1.1 must stay honest for %s: %v %v", host, m, err)
		}
	}

	nx := startLab(t, "nxdomain", Options{})
	w = nx.World(probes.World{})
	if _, err := w.Resolver.LookupNetIP(ctx, "ip", hostChatGPT); !isNotFound(err) {
		t.Errorf("nxdomain: chatgpt.com: %v", err)
	}
	if _, err := w.Resolver.LookupNetIP(ctx, "ip", hostDoH); err != nil {
		t.Errorf("nxdomain: DoH host must resolve: %v", err)
	}

	sf := startLab(t, "servfail", Options{})
	m, err := exchange(sf.World(probes.World{}), sf, "system", "tcp", hostDoH, dns.TypeA, dns.ClassINET, 5*time.Second)
	if err != nil || m.Rcode != dns.RcodeServerFailure {
		t.Errorf("servfail: %v %v", m, err)
	}

	off := startLab(t, "offline", Options{})
	w = off.World(probes.World{})
	for server, want := range map[string]int{"system": dns.RcodeServerFailure, "8.8.8.8:53": dns.RcodeRefused} {
		m, err := exchange(w, off, server, "udp", hostChatGPT, dns.TypeA, dns.ClassINET, 5*time.Second)
		if err != nil || m.Rcode != want {
			t.Errorf("offline %s: %v %v", server, m, err)
		}
	}
	for _, network := range []string{"udp", "tcp"} {
		start := time.Now()
		_, err := exchange(w, off, "1.1.1.1:53", network, hostChatGPT, dns.TypeA, dns.ClassINET, 300*time.Millisecond)
		if !isTimeout(err) || time.Since(start) < 250*time.Millisecond {
			t.Errorf("offline 1.1.1.1 over %s must stay silent: %v", network, err)
		}
	}
}

func TestDoH(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"healthy", "dns-hijack"} {
		l := startLab(t, name, Options{})
		w := l.World(probes.World{})
		v := variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain)
		q := new(dns.Msg)
		q.SetQuestion("chatgpt.com.", dns.TypeA)
		q.Id = 0
		wire, _ := q.Pack()
		for _, base := range []string{"https://cloudflare-dns.com/dns-query", "https://1.1.1.1/dns-query"} {
			get := fetch(t, w, base+"?dns="+base64.RawURLEncoding.EncodeToString(wire), fetchOpts{variant: v,
				header: http.Header{"Accept": {"application/dns-message"}}})
			post := fetch(t, w, base, fetchOpts{variant: v, method: http.MethodPost, body: bytes.NewReader(wire),
				header: http.Header{"Content-Type": {"application/dns-message"}, "Accept": {"application/dns-message"}}})
			for _, res := range []fetchResult{get, post} {
				if res.err != nil || res.status != 200 || res.header.Get("Content-Type") != "application/dns-message" {
					t.Fatalf("%s %s: %d %v %q", name, base, res.status, res.err, res.body)
				}
				m := new(dns.Msg)
				if err := m.Unpack(res.body); err != nil {
					t.Fatal(err)
				}
				// DoH is honest even where the system resolver lies.
				if !slices.Equal(answerIPs(m), []string{"104.18.32.47"}) || m.Id != 0 {
					t.Errorf("%s %s: DoH says %v id %d", name, base, answerIPs(m), m.Id)
				}
			}
		}
		bad := []struct {
			method, url, ctype string
			want               int
		}{
			{http.MethodGet, "https://cloudflare-dns.com/dns-query", "", 400},
			{http.MethodGet, "https://cloudflare-dns.com/dns-query?dns=%%%", "", 400},
			{http.MethodGet, "https://cloudflare-dns.com/dns-query?dns=AAAA", "", 400},
			{http.MethodPost, "https://cloudflare-dns.com/dns-query", "text/plain", 415},
			{http.MethodPut, "https://cloudflare-dns.com/dns-query", "application/dns-message", 405},
		}
		for _, b := range bad {
			res := fetch(t, w, b.url, fetchOpts{variant: v, method: b.method, body: strings.NewReader("x"),
				header: http.Header{"Content-Type": {b.ctype}}})
			if res.status != b.want {
				t.Errorf("%s %s %s: %d, want %d", name, b.method, b.url, res.status, b.want)
			}
		}
	}
}

// TestSystemResolverIsTheLabs: World.Resolver asks the lab's system DNS
// and nothing else: names the host's /etc/hosts knows (localhost, the
// host's own name) do not exist in the lab, and failures carry Go's
// *net.DNSError flags, which probes read the outcome from.
func TestSystemResolverIsTheLabs(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	l := startLab(t, "healthy", Options{})
	w := l.World(probes.World{})
	hostname, _ := os.Hostname()
	for _, name := range []string{"localhost", "ip6-localhost", hostname, "nope.invalid"} {
		if name == "" {
			continue
		}
		if got, err := w.Resolver.LookupNetIP(ctx, "ip", name); !isNotFound(err) {
			t.Errorf("%s: %v %v, want no such host", name, got, err)
		}
	}
	// A name with records of one family only: the other is "no such host".
	if _, err := w.Resolver.LookupNetIP(ctx, "ip6", hostWhoamiAka); !isNotFound(err) {
		t.Errorf("AAAA of a TXT-only name: %v", err)
	}
	if got, err := w.Resolver.LookupNetIP(ctx, "ip", "1.1.1.1"); err != nil || !slices.Equal(got, []netip.Addr{mustAddr("1.1.1.1")}) {
		t.Errorf("an IP literal: %v %v", got, err)
	}

	var de *net.DNSError
	sf := startLab(t, "servfail", Options{})
	_, err := sf.World(probes.World{}).Resolver.LookupNetIP(ctx, "ip4", hostChatGPT)
	if !errors.As(err, &de) || de.Err != "server misbehaving" || !de.IsTemporary || de.IsNotFound || de.IsTimeout {
		t.Errorf("SERVFAIL: %#v", err)
	}
	nx := startLab(t, "nxdomain", Options{})
	_, err = nx.World(probes.World{}).Resolver.LookupTXT(ctx, hostAPI)
	if !errors.As(err, &de) || !de.IsNotFound || de.Name != hostAPI {
		t.Errorf("NXDOMAIN: %#v", err)
	}

	// A server that never answers: a timeout, and the caller's deadline
	// shows through.
	silent, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	r := stubResolver{dialer: allowDialer{silent.LocalAddr().String(): true}, server: silent.LocalAddr().String()}
	sctx, scancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer scancel()
	_, err = r.LookupNetIP(sctx, "ip4", hostChatGPT)
	if !errors.As(err, &de) || !de.IsTimeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("silent server: %#v", err)
	}
}

func TestUnescapeTXT(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", `\027]0;pwned\007`: "\x1b]0;pwned\x07", `a\"b\\c`: `a"b\c`, `\255x`: "\xffx", `end\`: `end\`,
	} {
		if got := unescapeTXT(in); got != want {
			t.Errorf("unescapeTXT(%q) = %q, want %q", in, got, want)
		}
	}
}
