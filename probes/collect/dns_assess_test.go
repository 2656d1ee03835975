package collect

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// ans builds a ResolverAnswer the way the queries do.
func ans(resolver, transport, rcode string, ips ...string) probes.ResolverAnswer {
	a := probes.ResolverAnswer{Resolver: resolver, Transport: transport, RCode: rcode}
	for _, ip := range ips {
		a.Addrs = append(a.Addrs, describeAddr(netip.MustParseAddr(ip)))
	}
	if rcode != rcodeNoError {
		a.Error = "dns: resolve chatgpt.com via " + resolver + ": " + strings.ToLower(rcode)
	}
	return a
}

func sysAns(rcode string, ips ...string) probes.ResolverAnswer {
	return ans("system", "system", rcode, ips...)
}
func cfAns(rcode string, ips ...string) probes.ResolverAnswer {
	return ans("1.1.1.1:53", "udp", rcode, ips...)
}
func ggAns(rcode string, ips ...string) probes.ResolverAnswer {
	return ans("8.8.8.8:53", "udp", rcode, ips...)
}
func dohAns(rcode string, ips ...string) probes.ResolverAnswer {
	return ans("https://cloudflare-dns.com/dns-query", "doh", rcode, ips...)
}

func unreachable(a probes.ResolverAnswer) probes.ResolverAnswer {
	a.Error = "dns: resolve chatgpt.com via " + a.Resolver + ": dial udp " + a.Resolver + ": connect: network is unreachable"
	return a
}

func TestAssessLookup(t *testing.T) {
	const ok, nx, sf, ref, to, er = rcodeNoError, rcodeNXDomain, rcodeServFail, rcodeRefused, rcodeTimeout, rcodeError
	cases := []struct {
		name       string
		expectCF   bool
		answers    []probes.ResolverAnswer
		status     probes.Status
		hijacked   bool
		consistent bool
		reason     []string
	}{
		{"all agree on Cloudflare", true,
			[]probes.ResolverAnswer{sysAns(ok, cfIPv4, cfIPv6), cfAns(ok, cfIPv4, cfIPv6), ggAns(ok, cfIPv4), dohAns(ok, cfIPv4)},
			probes.StatusPass, false, true, []string{"104.18.32.47, 2606:4700::6812:202f (Cloudflare); 1.1.1.1:53, 8.8.8.8:53, https://cloudflare-dns.com/dns-query agree"}},
		{"different Cloudflare addresses are anycast, not a problem", true,
			[]probes.ResolverAnswer{sysAns(ok, cfIPv4b), cfAns(ok, cfIPv4), ggAns(ok, "104.18.33.47"), dohAns(ok, "162.159.136.232")},
			probes.StatusPass, false, true, []string{"(Cloudflare)"}},
		{"sinkholed to 0.0.0.0", true,
			[]probes.ResolverAnswer{sysAns(ok, "0.0.0.0"), cfAns(ok, cfIPv4), ggAns(ok, cfIPv4), dohAns(ok, cfIPv4)},
			probes.StatusFail, true, false, []string{"DNS hijack", "0.0.0.0", "unspecified address"}},
		{"loopback", true,
			[]probes.ResolverAnswer{sysAns(ok, "127.0.0.1"), cfAns(ok, cfIPv4)},
			probes.StatusFail, true, false, []string{"127.0.0.1", "loopback"}},
		{"ISP block page on a private address", true,
			[]probes.ResolverAnswer{sysAns(ok, "10.10.34.35"), cfAns(ok, cfIPv4), ggAns(ok, cfIPv4)},
			probes.StatusFail, true, false, []string{"10.10.34.35", "private address"}},
		{"CGNAT", false,
			[]probes.ResolverAnswer{sysAns(ok, "100.64.1.1"), cfAns(ok, "93.184.215.14")},
			probes.StatusFail, true, false, []string{"carrier-grade NAT"}},
		{"documentation address", true,
			[]probes.ResolverAnswer{sysAns(ok, "198.51.100.7"), cfAns(ok, cfIPv4)},
			probes.StatusFail, true, false, []string{"198.51.100.7", "documentation address"}},
		{"non-Cloudflare public address while independents say Cloudflare", true,
			[]probes.ResolverAnswer{sysAns(ok, "93.184.215.14"), cfAns(ok, cfIPv4), ggAns(ok, cfIPv4b), dohAns(ok, cfIPv4)},
			probes.StatusFail, true, false, []string{"93.184.215.14, outside Cloudflare's ranges (as of " + cloudflareRangesDate + "), while 1.1.1.1:53 returns 104.18.32.47"}},
		{"sinkhole mixed into real answers", true,
			[]probes.ResolverAnswer{sysAns(ok, cfIPv4, "0.0.0.0"), cfAns(ok, cfIPv4)},
			probes.StatusFail, true, false, []string{"0.0.0.0"}},
		{"non-Cloudflare answer, nobody to compare with", true,
			[]probes.ResolverAnswer{sysAns(ok, "93.184.215.14"), cfAns(to), ggAns(to), dohAns(er)},
			probes.StatusWarn, false, true, []string{"cannot compare"}},
		{"NXDOMAIN while others answer", true,
			[]probes.ResolverAnswer{sysAns(nx), cfAns(ok, cfIPv4), ggAns(ok, cfIPv4)},
			probes.StatusFail, false, true, []string{"does not exist (NXDOMAIN)", "1.1.1.1:53 returns 104.18.32.47", "local resolver or a filter"}},
		{"NXDOMAIN everywhere", true,
			[]probes.ResolverAnswer{sysAns(nx), cfAns(nx), ggAns(nx), dohAns(nx)},
			probes.StatusFail, false, true, []string{"NXDOMAIN", "check the host name"}},
		{"SERVFAIL", true,
			[]probes.ResolverAnswer{sysAns(sf), cfAns(ok, cfIPv4)},
			probes.StatusFail, false, true, []string{"failed to resolve chatgpt.com (SERVFAIL)"}},
		{"REFUSED", true,
			[]probes.ResolverAnswer{sysAns(ref), cfAns(ok, cfIPv4)},
			probes.StatusFail, false, true, []string{"refused to resolve chatgpt.com (REFUSED)"}},
		{"system timeout and nothing else answers either", true,
			[]probes.ResolverAnswer{sysAns(to), cfAns(to), ggAns(to), dohAns(er)},
			probes.StatusFail, false, true, []string{"gave no answer for chatgpt.com within 750ms", "no working DNS path"}},
		{"system error", true,
			[]probes.ResolverAnswer{sysAns(er), cfAns(ok, cfIPv4)},
			probes.StatusFail, false, true, []string{"dns: resolve chatgpt.com via system: error"}},
		{"no address", true,
			[]probes.ResolverAnswer{sysAns(ok), cfAns(ok, cfIPv4)},
			probes.StatusFail, false, true, []string{"returns no address"}},
		{"outside DNS blocked: only the local resolver works", true,
			[]probes.ResolverAnswer{sysAns(ok, cfIPv4), cfAns(to), ggAns(to), dohAns(er)},
			probes.StatusWarn, false, true, []string{"port 53 to 1.1.1.1:53, 8.8.8.8:53 blocked (timeout); DNS-over-HTTPS https://cloudflare-dns.com/dns-query failed (error): only the local resolver works"}},
		{"port 53 blocked, DoH agrees", true,
			[]probes.ResolverAnswer{sysAns(ok, cfIPv4), cfAns(to), ggAns(to), dohAns(ok, cfIPv4)},
			probes.StatusWarn, false, true, []string{"port 53 to 1.1.1.1:53, 8.8.8.8:53 blocked (timeout); the others agree"}},
		{"IPv6-only network cannot reach IPv4 resolvers", true,
			[]probes.ResolverAnswer{sysAns(ok, "64:ff9b::6812:202f"), unreachable(cfAns(er)), unreachable(ggAns(er)), dohAns(ok, cfIPv4)},
			probes.StatusWarn, false, true, []string{"no route to 1.1.1.1:53, 8.8.8.8:53 (network is unreachable)"}},
		{"one resolver silent", true,
			[]probes.ResolverAnswer{sysAns(ok, cfIPv4), cfAns(ok, cfIPv4), ggAns(to), dohAns(ok, cfIPv4)},
			probes.StatusWarn, false, true, []string{"8.8.8.8:53 did not answer (timeout); the others agree"}},
		{"independent resolver refuses", true,
			[]probes.ResolverAnswer{sysAns(ok, cfIPv4), cfAns(ref)},
			probes.StatusWarn, false, true, []string{"1.1.1.1:53 answered REFUSED"}},
		{"queries to 8.8.8.8 intercepted", true,
			[]probes.ResolverAnswer{sysAns(ok, cfIPv4), cfAns(ok, cfIPv4), ggAns(ok, "10.10.34.35"), dohAns(ok, cfIPv4)},
			probes.StatusWarn, false, false, []string{"8.8.8.8:53 answers 10.10.34.35 (private)", "intercepts"}},
		{"independent disagrees on Cloudflare-ness", false,
			[]probes.ResolverAnswer{sysAns(ok, cfIPv4), cfAns(ok, "93.184.215.14")},
			probes.StatusWarn, false, false, []string{"disagree"}},
		{"host not on Cloudflare, all agree", false,
			[]probes.ResolverAnswer{sysAns(ok, "93.184.215.14"), cfAns(ok, "93.184.215.14"), ggAns(ok, "93.184.215.15")},
			probes.StatusPass, false, true, []string{"(not on Cloudflare)"}},
		{"expected Cloudflare but nobody says so", true,
			[]probes.ResolverAnswer{sysAns(ok, "93.184.215.14"), cfAns(ok, "93.184.215.14")},
			probes.StatusWarn, false, true, []string{"no resolver returns a Cloudflare address"}},
		{"zone publishes a private address", false,
			[]probes.ResolverAnswer{sysAns(ok, "10.1.2.3"), cfAns(ok, "10.1.2.3")},
			probes.StatusPass, false, true, []string{"10.1.2.3"}},
		{"DNS64 synthesised answer is fine", true,
			[]probes.ResolverAnswer{sysAns(ok, "64:ff9b::6812:202f"), cfAns(ok, cfIPv4)},
			probes.StatusPass, false, true, []string{"(Cloudflare)"}},
		{"no independent resolver configured", true,
			[]probes.ResolverAnswer{sysAns(ok, cfIPv4)},
			probes.StatusPass, false, true, []string{"no independent resolver is configured"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := assessLookup("chatgpt.com", c.expectCF, c.answers, 750*time.Millisecond) // the limit a 3s budget gives
			t.Logf("%s: %s", res.Status, res.Reason)
			d := res.Details.(*probes.DNSLookupDetails)
			if res.Status != c.status {
				t.Errorf("status %s, want %s: %q", res.Status, c.status, res.Reason)
			}
			if d.Hijacked != c.hijacked || d.Consistent != c.consistent {
				t.Errorf("hijacked %v consistent %v, want %v %v (%q)", d.Hijacked, d.Consistent, c.hijacked, c.consistent, d.HijackReason)
			}
			for _, want := range c.reason {
				if !strings.Contains(res.Reason, want) {
					t.Errorf("reason %q lacks %q", res.Reason, want)
				}
			}
			if d.Hijacked && d.HijackReason == "" {
				t.Error("hijack without a reason")
			}
			if d.RangesDate != cloudflareRangesDate || d.Host != "chatgpt.com" || len(res.Evidence) != len(c.answers) && !strings.Contains(strings.Join(res.Evidence, "|"), "publishes") && res.Status != probes.StatusWarn {
				t.Errorf("details/evidence: %+v %q", d, res.Evidence)
			}
		})
	}
}

func TestAssessLookupWithoutSystemAnswer(t *testing.T) {
	if res := assessLookup("chatgpt.com", true, nil, dnsTimeout); res.Status != probes.StatusUnknown {
		t.Fatalf("%s", res.Status)
	}
}

func TestCombineFamilies(t *testing.T) {
	v4 := familyAnswer{rcode: rcodeNoError, addrs: []netip.Addr{netip.MustParseAddr(cfIPv4)}}
	nx := familyAnswer{rcode: rcodeNXDomain, err: "no such host"}
	to := familyAnswer{rcode: rcodeTimeout, err: "timeout"}
	empty := familyAnswer{rcode: rcodeNoError}

	// Go cannot tell NODATA from NXDOMAIN per family: a name with an A
	// record is not NXDOMAIN for AAAA.
	a := combineFamilies("chatgpt.com", "system", "system", v4, nx, true)
	if a.RCode != rcodeNoError || a.RCodeAAAA != rcodeNoError || a.Error != "" || len(a.Addrs) != 1 {
		t.Errorf("system v4 + NX: %+v", a)
	}
	// An independent resolver's NXDOMAIN is exact and kept.
	b := combineFamilies("chatgpt.com", "1.1.1.1:53", "udp", v4, nx, false)
	if b.RCode != rcodeNoError || b.RCodeAAAA != rcodeNXDomain || !strings.Contains(b.Error, "AAAA via 1.1.1.1:53: no such host") {
		t.Errorf("udp v4 + NX: %+v", b)
	}
	c := combineFamilies("chatgpt.com", "system", "system", nx, nx, true)
	if c.RCode != rcodeNXDomain || c.Error != "dns: resolve chatgpt.com via the system resolver: no such host" {
		t.Errorf("NX + NX: %+v", c)
	}
	d := combineFamilies("chatgpt.com", "8.8.8.8:53", "udp", to, empty, false)
	if d.RCode != rcodeTimeout {
		t.Errorf("timeout + NODATA: %+v", d)
	}
	e := combineFamilies("chatgpt.com", "8.8.8.8:53", "udp", empty, empty, false)
	if e.RCode != rcodeNoError || len(e.Addrs) != 0 {
		t.Errorf("NODATA + NODATA: %+v", e)
	}
	f := combineFamilies("chatgpt.com", "8.8.8.8:53", "udp", to, nx, false)
	if f.RCode != rcodeNXDomain || !strings.Contains(f.Error, "A: timeout; AAAA: no such host") {
		t.Errorf("timeout + NX: %+v", f)
	}
	// The system resolver's "no such host" may be NODATA: beside another
	// failure of the other family, that failure is the outcome.
	g := combineFamilies("chatgpt.com", "system", "system", to, nx, true)
	if g.RCode != rcodeTimeout || g.RCodeA != rcodeTimeout || g.RCodeAAAA != rcodeNXDomain || !strings.Contains(g.Error, "A: timeout; AAAA: no such host") {
		t.Errorf("system timeout + NX: %+v", g)
	}
	sf := familyAnswer{rcode: rcodeServFail, err: "SERVFAIL"}
	if h := combineFamilies("chatgpt.com", "system", "system", nx, sf, true); h.RCode != rcodeServFail {
		t.Errorf("system NX + SERVFAIL: %+v", h)
	}
}

func TestAssessLookupStepError(t *testing.T) {
	res := assessLookup("chatgpt.com", true, []probes.ResolverAnswer{sysAns(rcodeTimeout), cfAns(rcodeNoError, cfIPv4)}, dnsTimeout)
	if res.Error == nil || res.Error.Step != "dns" || !res.Error.Timeout || !strings.Contains(res.Error.Message, "chatgpt.com") {
		t.Fatalf("%+v", res.Error)
	}
	if res := assessLookup("chatgpt.com", true, []probes.ResolverAnswer{sysAns(rcodeNoError, cfIPv4)}, dnsTimeout); res.Error != nil {
		t.Fatalf("error on success: %+v", res.Error)
	}
}

func TestDNSServerAddr(t *testing.T) {
	good := map[string]string{"1.1.1.1:53": "1.1.1.1:53", "9.9.9.9": "9.9.9.9:53", "[2606:4700:4700::1111]:53": "[2606:4700:4700::1111]:53", "2001:db8::53": "[2001:db8::53]:53", "[2001:db8::53]": "[2001:db8::53]:53"}
	for in, want := range good {
		if got, err := DNSServerAddr(in); err != nil || got.String() != want {
			t.Errorf("DNSServerAddr(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"dns.google:53", "", "1.1.1.1:http", "1.1.1.1\x1b[2J"} {
		_, err := DNSServerAddr(bad)
		if err == nil {
			t.Errorf("DNSServerAddr(%q) accepted", bad)
		} else if strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("DNSServerAddr(%q): escape in %q", bad, err)
		}
	}
}
