package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/miekg/dns"
)

func TestParseAkahelpWhoami(t *testing.T) {
	cases := []struct {
		name    string
		in      []string
		ns, ecs string
		ip      string
		ignored int
	}{
		{"Go joins the strings of a record", []string{"ns198.51.100.9", "ecs203.0.113.0/24/0"}, "198.51.100.9", "203.0.113.0/24", "", 0},
		{"quoted presentation form", []string{`"ns" "2001:db8::53"`, `"ecs" "2001:db8:1::/56/0"`, `"ip" "192.0.2.44"`}, "2001:db8::53", "2001:db8:1::/56", "192.0.2.44", 0},
		{"space separated", []string{"ns 192.0.2.1"}, "192.0.2.1", "", "", 0},
		{"key=value", []string{"ns=192.0.2.1"}, "192.0.2.1", "", "", 0},
		{"IPv6 starting with letters after a joined key", []string{"nsabcd::1"}, "abcd::1", "", "", 0},
		{"upper case key", []string{`"NS" "192.0.2.1"`}, "192.0.2.1", "", "", 0},
		{"escape sequences are stripped, then the value must parse",
			[]string{"ns\x1b]0;pwned\x07192.0.2.7", "ns 192.0.2.8\x1b[2J", "ecs\x1b[31m10.0.0.0/8"}, "192.0.2.7", "10.0.0.0/8", "", 1},
		{"garbage is ignored", []string{"ns not-an-ip", "hello world", "ecs 1.2.3.4", ""}, "", "", "", 3},
		{"empty", nil, "", "", "", 0},
		{"first ns wins", []string{"ns192.0.2.1", "ns192.0.2.2"}, "192.0.2.1", "", "", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := parseAkahelpWhoami(c.in)
			if text(got.NS) != c.ns || text(got.ECS) != c.ecs || text(got.IP) != c.ip || len(got.Ignored) != c.ignored {
				t.Errorf("got %+v; want ns %q ecs %q ip %q, %d ignored", got, c.ns, c.ecs, c.ip, c.ignored)
			}
			for _, ig := range got.Ignored {
				if strings.ContainsAny(ig, "\x1b\x07") {
					t.Errorf("unsanitised: %q", ig)
				}
			}
		})
	}
}

// text is the address or prefix as a string, "" for the zero value.
func text(v interface {
	IsValid() bool
	String() string
}) string {
	if !v.IsValid() {
		return ""
	}
	return v.String()
}

func runWhoami(t *testing.T, lab *dnsLab) (probes.Result, *probes.DNSWhoamiDetails) {
	t.Helper()
	res := whoami(context.Background(), lab.cfg, lab.world)
	d, ok := res.Details.(*probes.DNSWhoamiDetails)
	if !ok {
		t.Fatalf("details %T", res.Details)
	}
	b, _ := json.Marshal(res)
	if strings.Contains(string(b), `\u001b`) || strings.Contains(string(b), `\u0007`) {
		t.Fatalf("escape sequence in result: %s", b)
	}
	return res, d
}

func TestWhoami(t *testing.T) {
	t.Parallel()
	t.Run("both answer", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, honest(), honest(), honest(), honest())
		res, d := runWhoami(t, lab)
		if res.Status != probes.StatusPass || d.ResolverEgress != "198.51.100.9" || d.ECS != "203.0.113.0/24" ||
			d.PublicIP != "203.0.113.77" || d.PublicIPVia != "whoami.cloudflare CH TXT via 1.1.1.1:53" {
			t.Fatalf("%s %q %+v", res.Status, res.Reason, d)
		}
		assertNothingLeft(t, lab)
	})
	t.Run("resolver egress in Cloudflare's ranges", func(t *testing.T) {
		t.Parallel()
		sys := honest()
		sys.TXT = map[string][][]string{"whoami.ds.akahelp.net.": {{"ns", "162.158.1.2"}}}
		lab := newDNSLab(t, sys, honest(), honest(), honest())
		res, d := runWhoami(t, lab)
		if !d.ResolverEgressCloudflare || !strings.Contains(strings.Join(res.Evidence, "\n"), "Cloudflare's resolver") {
			t.Fatalf("%+v %q", d, res.Evidence)
		}
	})
	t.Run("hostile TXT", func(t *testing.T) {
		t.Parallel()
		sys := honest()
		sys.TXT = map[string][][]string{"whoami.ds.akahelp.net.": {{"ns", "\x1b]8;;http://evil/\x07198.51.100.9"}, {"note", "\x1b[2Jclick here"}}}
		cf := honest()
		cf.Chaos = "\x1b[31m203.0.113.77"
		lab := newDNSLab(t, sys, cf, honest(), honest())
		res, d := runWhoami(t, lab)
		if d.ResolverEgress != "198.51.100.9" || res.Status != probes.StatusPass {
			t.Fatalf("%s %+v", res.Status, d)
		}
	})
	t.Run("1.1.1.1 unreachable", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, honest(), dnsBehavior{Rcode: dns.RcodeRefused}, honest(), honest())
		res, d := runWhoami(t, lab)
		if res.Status != probes.StatusPass || d.PublicIP != "" || !strings.Contains(d.PublicIPError, "via 1.1.1.1:53: REFUSED") || d.ResolverEgress == "" {
			t.Fatalf("%s %q %+v", res.Status, res.Reason, d)
		}
	})
	t.Run("system resolver filters the whoami name", func(t *testing.T) {
		t.Parallel()
		sys := honest()
		sys.TXT = nil
		lab := newDNSLab(t, sys, honest(), honest(), honest())
		res, d := runWhoami(t, lab)
		if res.Status != probes.StatusPass || d.ResolverEgress != "" || !strings.Contains(d.ResolverError, "no such host (NXDOMAIN)") || d.PublicIP == "" {
			t.Fatalf("%s %q %+v", res.Status, res.Reason, d)
		}
	})
	t.Run("neither answers", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, dnsBehavior{Rcode: dns.RcodeServerFailure}, dnsBehavior{Rcode: dns.RcodeRefused}, honest(), honest())
		res, _ := runWhoami(t, lab)
		if res.Status != probes.StatusUnknown || !strings.HasPrefix(res.Reason, "unknown: neither whoami answered") {
			t.Fatalf("%s %q", res.Status, res.Reason)
		}
	})
	t.Run("no independent resolver configured", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, honest(), honest(), honest(), honest())
		lab.cfg.Resolvers = nil
		res, d := runWhoami(t, lab)
		if res.Status != probes.StatusPass || d.PublicIPError != "no Cloudflare resolver configured" {
			t.Fatalf("%s %+v", res.Status, d)
		}
		if slices.ContainsFunc(res.Evidence, func(s string) bool { return strings.Contains(s, "CH TXT") }) {
			t.Fatalf("evidence mentions a query not made: %q", res.Evidence)
		}
	})
}

func TestWhoamiAsksCloudflareOnly(t *testing.T) {
	t.Parallel()
	t.Run("first Cloudflare resolver in the list", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, honest(), honest(), honest(), honest())
		lab.cfg.Resolvers = []string{"8.8.8.8:53", "1.1.1.1"}
		res, d := runWhoami(t, lab)
		if res.Status != probes.StatusPass || d.PublicIP != "203.0.113.77" || d.PublicIPVia != "whoami.cloudflare CH TXT via 1.1.1.1:53" {
			t.Fatalf("%s %q %+v", res.Status, res.Reason, d)
		}
		assertNothingLeft(t, lab)
	})
	t.Run("no Cloudflare resolver", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, honest(), honest(), honest(), honest())
		lab.cfg.Resolvers = []string{"8.8.8.8:53"}
		res, d := runWhoami(t, lab)
		if d.PublicIP != "" || d.PublicIPError != "no Cloudflare resolver configured" || strings.Contains(strings.Join(res.Evidence, "\n"), "CH TXT") {
			t.Fatalf("%s %q %+v %q", res.Status, res.Reason, d, res.Evidence)
		}
	})
	t.Run("response code named as DNS names it", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, honest(), dnsBehavior{ChaosRcode: dns.RcodeNotImplemented}, honest(), honest())
		_, d := runWhoami(t, lab)
		if !strings.HasSuffix(d.PublicIPError, "via 1.1.1.1:53: NOTIMP") {
			t.Fatalf("%+v", d)
		}
	})
}

func TestWhoamiCapsIgnoredRecords(t *testing.T) {
	t.Parallel()
	sys := honest()
	recs := [][]string{{"ns", "198.51.100.9"}}
	for i := range 300 {
		recs = append(recs, []string{fmt.Sprintf("junk-%d", i)})
	}
	sys.TXT = map[string][][]string{"whoami.ds.akahelp.net.": recs}
	lab := newDNSLab(t, sys, honest(), honest(), honest())
	res, _ := runWhoami(t, lab)
	var ignored []string
	for _, e := range res.Evidence {
		if strings.HasPrefix(e, "ignored TXT: ") {
			ignored = append(ignored, e)
		}
	}
	if len(ignored) != maxIgnoredEvidence+1 || ignored[maxIgnoredEvidence] != "ignored TXT: and 296 more" {
		t.Logf("%s %q", res.Reason, res.Evidence)
		t.Fatalf("%d ignored lines: %q", len(ignored), ignored)
	}
}

// unreachableResolver fails the way Go's resolver does with no route to
// the DNS server.
type unreachableResolver struct{}

func (unreachableResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return nil, &net.DNSError{Err: "dial udp 10.255.255.53:53: connect: network is unreachable", Name: "x", Server: "10.255.255.53:53"}
}

func (unreachableResolver) LookupTXT(_ context.Context, name string) ([]string, error) {
	return nil, &net.DNSError{Err: "dial udp 10.255.255.53:53: connect: network is unreachable", Name: name, Server: "10.255.255.53:53"}
}

// TestAkahelpWhoamiWithoutAnAnswer: a failure that is not a DNS answer is
// told in the resolver's words, without a made-up response code.
func TestAkahelpWhoamiWithoutAnAnswer(t *testing.T) {
	_, why := akahelpWhoami(context.Background(), unreachableResolver{}, time.Second)
	if !strings.HasSuffix(why, "connect: network is unreachable") || strings.Contains(why, "ERROR") {
		t.Errorf("%q", why)
	}
	_, why = akahelpWhoami(context.Background(), servfailResolver{}, time.Second)
	if strings.Count(why, "SERVFAIL") != 1 {
		t.Errorf("%q", why)
	}
	_, why = akahelpWhoami(context.Background(), silentResolver{}, time.Millisecond)
	if !strings.HasSuffix(why, "via the system resolver: timeout") {
		t.Errorf("%q", why)
	}
}

// silentResolver never answers: the caller's deadline ends the lookup.
type silentResolver struct{}

func (silentResolver) LookupNetIP(ctx context.Context, _, host string) ([]netip.Addr, error) {
	<-ctx.Done()
	return nil, &net.DNSError{Err: "i/o timeout", Name: host, IsTimeout: true, UnwrapErr: ctx.Err()}
}

func (silentResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	<-ctx.Done()
	return nil, &net.DNSError{Err: "i/o timeout", Name: name, IsTimeout: true, UnwrapErr: ctx.Err()}
}

// servfailResolver answers SERVFAIL the way the system resolver reports it.
type servfailResolver struct{}

func (servfailResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return nil, &net.DNSError{Err: "server misbehaving", Name: "x", IsTemporary: true}
}

func (servfailResolver) LookupTXT(_ context.Context, name string) ([]string, error) {
	return nil, &net.DNSError{Err: "server misbehaving", Name: name, IsTemporary: true}
}
