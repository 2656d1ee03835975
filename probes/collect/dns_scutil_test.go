package collect

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/probes"
)

func TestParseScutilDNS(t *testing.T) {
	type want struct {
		count      int
		first      scutilResolver // compared field by field below
		scoped     int
		withDomain int
	}
	cases := []struct {
		file string
		want want
	}{
		{"single.txt", want{count: 5, first: scutilResolver{Number: 1, Search: []string{"lan"}, Nameservers: []string{"192.168.1.1"}, Interface: "en0", Reach: "Reachable,Directly Reachable Address"}, scoped: 1, withDomain: 3}},
		{"vpn-split.txt", want{count: 6, first: scutilResolver{Number: 1, Search: []string{"home.arpa"}, Nameservers: []string{"192.168.178.1", "fe80::3a10:d5ff:fe00:1%en0"}, Interface: "en0", Reach: "Reachable,Directly Reachable Address"}, scoped: 2, withDomain: 3}},
		{"vpn-full.txt", want{count: 4, first: scutilResolver{Number: 1, Nameservers: []string{"10.2.0.1"}, Interface: "utun3", Reach: "Reachable,Transient Connection"}, scoped: 2, withDomain: 1}},
		{"ipv6-only.txt", want{count: 2, first: scutilResolver{Number: 1, Nameservers: []string{"2001:db8:64::53", "fe80::1%en0"}, Interface: "en0", Reach: "Reachable,Directly Reachable Address"}, scoped: 1}},
		{"many.txt", want{count: 13, first: scutilResolver{Number: 1, Search: []string{"office.example", "example"}, Nameservers: []string{"192.0.2.10", "192.0.2.11", "2001:db8::10"}, Interface: "en1", Reach: "Reachable"}, scoped: 2, withDomain: 10}},
		{"localized.txt", want{count: 2, first: scutilResolver{Number: 1, Search: []string{"bücher.example"}, Nameservers: []string{"192.168.50.1"}, Interface: "en0", Reach: "Reachable,Directly Reachable Address"}, withDomain: 1}},
		{"empty.txt", want{}},
		{"noconfig.txt", want{}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			got := parseScutilDNS(readTestdata(t, "scutil", c.file))
			if len(got) != c.want.count {
				t.Fatalf("%d resolvers, want %d: %+v", len(got), c.want.count, got)
			}
			if c.want.count == 0 {
				return
			}
			f, w := got[0], c.want.first
			if f.Number != w.Number || f.Scoped || !slices.Equal(f.Search, w.Search) || !slices.Equal(f.Nameservers, w.Nameservers) ||
				f.Interface != w.Interface || f.Reach != w.Reach || f.Domain != "" {
				t.Errorf("first resolver\n got %+v\nwant %+v", f, w)
			}
			var scoped, dom int
			for _, r := range got {
				if r.Scoped {
					scoped++
				}
				if r.Domain != "" {
					dom++
				}
			}
			if scoped != c.want.scoped || dom != c.want.withDomain {
				t.Errorf("scoped %d with domain %d; want %d and %d", scoped, dom, c.want.scoped, c.want.withDomain)
			}
		})
	}
}

func TestParseScutilDNSFields(t *testing.T) {
	got := parseScutilDNS(readTestdata(t, "scutil", "vpn-split.txt"))
	r := got[1]
	if r.Domain != "corp.example" || r.Interface != "utun4" || len(r.Nameservers) != 2 {
		t.Fatalf("split resolver: %+v", r)
	}
	mdns := got[3]
	if mdns.Domain != "local" || len(mdns.Nameservers) != 0 {
		t.Fatalf("mdns resolver: %+v", mdns)
	}
	if !got[4].Scoped {
		t.Fatalf("scoped resolver: %+v", got[4])
	}
}

func TestScutilDNSConfigResult(t *testing.T) {
	cases := []struct {
		file    string
		status  probes.Status
		servers []string
		scopes  int
		reason  string
		note    string
	}{
		{"single.txt", probes.StatusPass, []string{"192.168.1.1"}, 1, "macOS default resolver 192.168.1.1 on en0", ""},
		{"vpn-split.txt", probes.StatusPass, []string{"192.168.178.1", "fe80::3a10:d5ff:fe00:1%en0"}, 4, "2 split resolver", "split DNS: corp.example, 44.10.in-addr.arpa"},
		{"vpn-full.txt", probes.StatusPass, []string{"10.2.0.1"}, 2, "on utun3", "utun3, a tunnel"},
		{"ipv6-only.txt", probes.StatusPass, []string{"2001:db8:64::53", "fe80::1%en0"}, 1, "2001:db8:64::53", ""},
		{"many.txt", probes.StatusPass, []string{"192.0.2.10", "192.0.2.11", "2001:db8::10"}, 12, "10 split resolver", ""},
		{"localized.txt", probes.StatusPass, []string{"192.168.50.1"}, 1, "192.168.50.1", ""},
		{"unreachable.txt", probes.StatusWarn, []string{"192.168.1.1"}, 1, "not reachable", ""},
		{"empty.txt", probes.StatusUnknown, nil, 0, "unknown: scutil --dns printed no resolver", ""},
		{"noconfig.txt", probes.StatusWarn, nil, 0, "no DNS configuration", ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			res := scutilDNSConfigResult(scutilDNSInputs{Out: readTestdata(t, "scutil", c.file), Processes: []probes.Process{{Name: "mDNSResponder"}, {Name: "launchd"}}})
			d := res.Details.(*probes.DNSConfigDetails)
			if res.Status != c.status || !strings.Contains(res.Reason, c.reason) {
				t.Errorf("status %s %q; want %s containing %q", res.Status, res.Reason, c.status, c.reason)
			}
			if !slices.Equal(d.Servers, c.servers) && !(len(d.Servers) == 0 && len(c.servers) == 0) {
				t.Errorf("servers %v, want %v", d.Servers, c.servers)
			}
			if len(d.Scopes) != c.scopes {
				t.Errorf("%d scopes, want %d: %+v", len(d.Scopes), c.scopes, d.Scopes)
			}
			if c.note != "" && !strings.Contains(strings.Join(d.Notes, "\n"), c.note) {
				t.Errorf("notes %q lack %q", d.Notes, c.note)
			}
			if d.Stack != probes.DNSStackMacOS || !slices.Equal(d.Caches, []string{"mDNSResponder"}) {
				t.Errorf("stack %q caches %v", d.Stack, d.Caches)
			}
		})
	}
}

// fakeRunner answers commands from a table; missing ones are "not found".
type fakeRunner struct {
	noTools
	out   map[string][]byte
	err   map[string]error
	calls []string
}

func (r *fakeRunner) Run(ctx context.Context, argv []string, _ []byte) (command.Output, error) {
	cmd := strings.Join(argv, " ")
	r.calls = append(r.calls, cmd)
	if _, ok := ctx.Deadline(); !ok {
		return command.Output{}, errors.New("command run without a timeout")
	}
	if err, ok := r.err[cmd]; ok {
		return command.Output{}, err
	}
	if out, ok := r.out[cmd]; ok {
		return command.Output{Stdout: string(out)}, nil
	}
	return command.Output{}, command.NotFound(argv[0])
}

func TestGatherScutilDNSMissingCommand(t *testing.T) {
	w := probes.World{Runner: &fakeRunner{}, FS: mapFSFrom(map[string]string{"etc/resolv.conf": "# macOS copy\nnameserver 192.168.1.1\n"}), Host: fixedHost{}}
	res := scutilDNSConfigResult(gatherScutilDNS(context.Background(), w))
	if res.Status != probes.StatusUnknown || !strings.HasPrefix(res.Reason, "unknown: scutil not found") || !strings.Contains(res.Reason, "192.168.1.1") {
		t.Fatalf("missing scutil: %s %q", res.Status, res.Reason)
	}
	if res.Error != nil {
		t.Fatalf("a missing tool is not an error: %+v", res.Error)
	}
}

func TestGatherScutilDNSRunsScutil(t *testing.T) {
	r := &fakeRunner{out: map[string][]byte{"scutil --dns": readTestdata(t, "scutil", "vpn-split.txt")}}
	res := scutilDNSConfigResult(gatherScutilDNS(context.Background(), probes.World{Runner: r, Host: fixedHost{}}))
	if res.Status != probes.StatusPass || !slices.Equal(r.calls, []string{"scutil --dns"}) {
		t.Fatalf("status %s calls %v", res.Status, r.calls)
	}
}

func TestGatherScutilDNSTimeout(t *testing.T) {
	r := &fakeRunner{err: map[string]error{"scutil --dns": context.DeadlineExceeded}}
	res := scutilDNSConfigResult(gatherScutilDNS(context.Background(), probes.World{Runner: r}))
	if res.Status != probes.StatusUnknown || !strings.Contains(res.Reason, "did not answer") {
		t.Fatalf("%s %q", res.Status, res.Reason)
	}
}
