package collect

import (
	"context"
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/sanitize/fuzzcheck"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/miekg/dns"
)

// checkDNSConfig asserts a DNS configuration result: clean strings, a
// known status, and every server it names an address (with an optional
// port or zone) or empty.
func checkDNSConfig(t *testing.T, res probes.Result) {
	t.Helper()
	checkFuzzResult(t, res, nil)
	d, ok := res.Details.(*probes.DNSConfigDetails)
	if !ok {
		t.Fatalf("details %T", res.Details)
	}
	servers := append(append([]string(nil), d.Servers...), d.Upstreams...)
	for _, sc := range d.Scopes {
		servers = append(append(servers, sc.Servers...), sc.Current)
	}
	for _, s := range servers {
		if s != "" && !validServer(s) {
			t.Fatalf("server %q is not an address: %+v", s, d)
		}
	}
}

// validServer: an address, with an optional zone, port ([v6]:53) or
// resolved's "#server-name" suffix.
func validServer(s string) bool {
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	s, _, _ = strings.Cut(s, "#")
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	_, err := netip.ParseAddrPort(s)
	return err == nil
}

// FuzzUnixDNSConfig feeds the Linux resolver stack's inputs: resolv.conf,
// resolved's uplink list, nsswitch.conf and `resolvectl status` output
// (each capped at maxConfigFile, as read), through their parsers and the
// judgement of the stack.
func FuzzUnixDNSConfig(f *testing.F) {
	var confs, ctls [][]byte
	seedFiles(f, "dns/resolvconf", func(b []byte) { confs = append(confs, b) })
	seedFiles(f, "dns/resolvectl", func(b []byte) { ctls = append(ctls, b) })
	nss := []byte("passwd: files\nhosts: files mdns4_minimal [NOTFOUND=return] resolve [!UNAVAIL=return] dns myhostname\n")
	for i, c := range confs {
		f.Add(c, ctls[i%len(ctls)], nss, []byte("nameserver 192.0.2.1\n"))
	}
	f.Add([]byte("nameserver 127.0.0.53\nnameserver \x1b[2Jfe80::1%eth0\nsearch a\u202eb\n"), []byte("Link 2 (\x1b]0;x\x07wg0)\nCurrent DNS Server: 10.0.0.1#dns.example\nDNS Servers: fe80::1%2 10.0.0.2:5353\nDNS Domain: ~.\n"), []byte("hosts:\tdns files\n"), []byte(nil))
	f.Fuzz(func(t *testing.T, resolvConf, resolvectl, nsswitch, uplink []byte) {
		in := unixDNSInputs{
			ResolvConf:      parseResolvConf(capBytes(resolvConf, maxConfigFile)),
			Uplink:          capBytes(uplink, maxConfigFile),
			NSSwitch:        capBytes(nsswitch, maxConfigFile),
			ResolvectlRan:   true,
			ResolvectlLinks: parseResolvectlStatus(capBytes(resolvectl, maxConfigFile)),
			Link:            "/run/systemd/resolve/stub-resolv.conf",
			Caches:          []string{"systemd-resolved"},
		}
		for _, l := range in.ResolvectlLinks {
			if l.Index < 0 {
				t.Fatalf("link index %d", l.Index)
			}
		}
		var res probes.Result
		fuzzcheck.Within(t, func() { res = unixDNSConfigResult(in) })
		checkDNSConfig(t, res)
		var entries []hostsEntry
		fuzzcheck.Within(t, func() { entries = parseHostsFile(capBytes(resolvConf, maxConfigFile), "chatgpt.com") })
		for _, e := range entries {
			if !e.IP.IsValid() || e.Line < 1 {
				t.Fatalf("hosts entry %+v", e)
			}
		}
		fuzzcheck.Strings(t, entries, fuzzcheck.Options{})
	})
}

// FuzzScutilDNS feeds macOS `scutil --dns` output through its parser and
// the judgement of the macOS resolver configuration.
func FuzzScutilDNS(f *testing.F) {
	seedFiles(f, "dns/scutil", func(b []byte) { f.Add(b) })
	f.Add([]byte("DNS configuration\n\nresolver #1\n  search domain[0] : a\x1b[31m\n  nameserver[0] : 300.1.1.1\n  nameserver[1] : fe80::1%utun3\n  if_index : 99999999999999999999 (\u202eutun3)\n  reach : 0x00000002 (Reachable)\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		out = capBytes(out, maxCommandOutput)
		var rs []scutilResolver
		fuzzcheck.Within(t, func() { rs = parseScutilDNS(out) })
		for _, r := range rs {
			if r.Number < 0 {
				t.Fatalf("resolver number %d", r.Number)
			}
		}
		var res probes.Result
		fuzzcheck.Within(t, func() { res = scutilDNSConfigResult(scutilDNSInputs{Out: out}) })
		checkDNSConfig(t, res)
	})
}

// FuzzScutilNWI feeds macOS `scutil --nwi` output; interface names and VPN
// servers must come out clean.
func FuzzScutilNWI(f *testing.F) {
	seedFiles(f, "identity/scutil-nwi", func(b []byte) { f.Add(string(b)) })
	f.Fuzz(func(t *testing.T, out string) {
		out = capString(out, maxCommandOutput)
		var n scutilNWI
		var err error
		fuzzcheck.Within(t, func() { n, err = parseScutilNWI(out) })
		if err != nil {
			fuzzcheck.Strings(t, err.Error(), fuzzcheck.Options{})
			return
		}
		fuzzcheck.Strings(t, n, fuzzcheck.Options{})
		for k := range n.VPNServers {
			if k == "" || strings.ContainsAny(k, " \t") {
				t.Fatalf("interface name %q", k)
			}
		}
	})
}

// FuzzDNSWhoami feeds the two whoami answers: Cloudflare's CH TXT
// whoami.cloudflare as wire bytes (through the UDP exchange), and the TXT
// strings of whoami.ds.akahelp.net as the system resolver returns them.
// The addresses read must be valid or absent, the messages clean.
func FuzzDNSWhoami(f *testing.F) {
	chaos := func(rrs ...string) []byte {
		return packedClassAnswer(f, cloudflareWhoamiName, dns.TypeTXT, dns.ClassCHAOS, dns.RcodeSuccess, false, rrs...)
	}
	name := dns.Fqdn(cloudflareWhoamiName)
	f.Add(chaos(name+` 0 CH TXT "203.0.113.7"`), "ns192.0.2.1\necs198.51.100.0/24/0\nip203.0.113.7")
	f.Add(chaos(name+` 0 CH TXT "\027]0;x\007not an ip"`), `"ns" "2001:db8::53"`+"\n\x1b[2Jip 10.0.0.1\necs ::/0/0")
	f.Add(chaos(), "")
	f.Fuzz(func(t *testing.T, wire []byte, txts string) {
		d := wireDialer{replies: map[uint16][]byte{dns.TypeTXT: capBytes(wire, dns.MaxMsgSize)}}
		var ip, msg string
		fuzzcheck.Within(t, func() {
			ip, msg = chaosWhoami(context.Background(), d, netip.MustParseAddrPort("1.1.1.1:53"), fastLimits())
		})
		if ip != "" {
			if _, err := netip.ParseAddr(ip); err != nil || msg != "" {
				t.Fatalf("whoami ip %q msg %q", ip, msg)
			}
		}
		fuzzcheck.Strings(t, []string{ip, msg}, fuzzcheck.Options{})
		var w AkahelpWhoami
		fuzzcheck.Within(t, func() { w = parseAkahelpWhoami(strings.Split(capString(txts, 64<<10), "\n")) })
		fuzzcheck.Strings(t, w, fuzzcheck.Options{})
		if w.ECS.IsValid() && w.ECS != w.ECS.Masked() {
			t.Fatalf("ecs %v not masked", w.ECS)
		}
	})
}

// FuzzWindowsDNSConfig feeds adapter records (the GetAdaptersAddresses
// fields DNS needs, as the JSON samples hold them): friendly names and
// descriptions are whatever a VPN driver or user set, so they are
// untrusted text like any command output.
func FuzzWindowsDNSConfig(f *testing.F) {
	seedFiles(f, "dns/windows", func(b []byte) { f.Add(b) })
	f.Add([]byte(`[{"friendly_name":"\u001b]0;x\u0007Wi-Fi","description":"\u202eNIV","up":true,"if_type":131,"dns_servers":["fec0:0:0:ffff::1","10.0.0.1"],"dns_suffix":"corp\u0000.example"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var adapters []windowsAdapter
		if json.Unmarshal(capBytes(data, maxConfigFile), &adapters) != nil {
			return
		}
		// The Windows collector appends only addresses AddrFromSlice
		// accepted; JSON's "" decodes to the zero Addr, which it never
		// produces.
		for i := range adapters {
			adapters[i].DNSServers = slices.DeleteFunc(adapters[i].DNSServers, func(a netip.Addr) bool { return !a.IsValid() })
		}
		var res probes.Result
		fuzzcheck.Within(t, func() { res = windowsDNSConfigResult(adapters, nil) })
		checkDNSConfig(t, res)
	})
}
