package collect

import (
	"context"
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/miekg/dns"
)

func chatgpt() dnsLookupHost { return dnsLookupHost{Host: "chatgpt.com", ExpectCloudflare: true} }

func TestDNSLookupHostsPlan(t *testing.T) {
	targets := []probes.Target{
		probes.WebTarget("https://chatgpt.com/"),
		probes.WebTarget("https://ChatGPT.com./c/123"),
		probes.APITarget("https://api.openai.com/v1/models"),
		{URL: "https://intranet.example/", Kind: probes.TargetWeb},
		{URL: "https://intranet.example:8443/x", Kind: probes.TargetWeb, ExpectCloudflare: true},
		probes.WebTarget("https://104.18.32.47/"),
		probes.WebTarget("https://[2606:4700::1]/"),
		{URL: "::bad::"},
	}
	got := dnsLookupHosts(targets)
	want := []dnsLookupHost{{"chatgpt.com", true}, {"api.openai.com", true}, {"intranet.example", true}}
	if !slices.Equal(got, want) {
		t.Fatalf("dnsLookupHosts = %+v, want %+v", got, want)
	}
}

func TestDNSProbesPlan(t *testing.T) {
	cfg := probes.DefaultConfig()
	ps := dnsProbes(cfg, probes.World{})
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
		if p.Kind != probes.KindDNS || p.Timeout <= 0 || p.Timeout > probes.DefaultBudget || p.Run == nil || p.Title == "" {
			t.Errorf("probe %s: %+v", p.ID, p)
		}
	}
	want := []string{"dns:config", "dns:lookup:chatgpt.com", "dns:lookup:chat.openai.com", "dns:lookup:api.openai.com", "dns:whoami"}
	if !slices.Equal(ids, want) {
		t.Fatalf("ids %v, want %v", ids, want)
	}
}

func runLookup(t *testing.T, lab *dnsLab, h dnsLookupHost) (probes.Result, *probes.DNSLookupDetails) {
	t.Helper()
	res := lookupHost(context.Background(), lab.cfg, lab.world, h, readHostsFile(lab.world), newDoHLookup(lab.world, lab.cfg.DoHURL))
	d, ok := res.Details.(*probes.DNSLookupDetails)
	if !ok {
		t.Fatalf("details %T: %+v", res.Details, res)
	}
	return res, d
}

func assertNothingLeft(t *testing.T, lab *dnsLab) {
	t.Helper()
	if r := lab.dialer.Refused(); len(r) > 0 {
		t.Errorf("dials off loopback attempted: %v", r)
	}
}

func TestLookupHonest(t *testing.T) {
	t.Parallel()
	lab := newDNSLab(t, honest(), honest(), honest(), honest())
	start := time.Now()
	res, d := runLookup(t, lab, chatgpt())
	elapsed := time.Since(start)
	if res.Status != probes.StatusPass || !d.Consistent || d.Hijacked {
		t.Fatalf("%s %q\n%s", res.Status, res.Reason, strings.Join(res.Evidence, "\n"))
	}
	if len(d.Answers) != 4 {
		t.Fatalf("%d answers", len(d.Answers))
	}
	for _, a := range d.Answers {
		if a.RCode != rcodeNoError || len(a.Addrs) != 3 || a.Time <= 0 || a.RCodeA != rcodeNoError || a.RCodeAAAA != rcodeNoError {
			t.Errorf("answer %+v", a)
		}
		for _, ad := range a.Addrs {
			if !ad.Cloudflare || ad.Class != addrPublic {
				t.Errorf("address %+v", ad)
			}
		}
	}
	doh := findAnswer(t, d, probes.DefaultDoHURL)
	if doh.Transport != "doh" {
		t.Errorf("doh answer %+v", doh)
	}
	assertNothingLeft(t, lab)
	t.Logf("lookup against local servers: %v (system %v, 1.1.1.1 %v, 8.8.8.8 %v, DoH %v)", elapsed,
		d.Answers[0].Time, d.Answers[1].Time, d.Answers[2].Time, d.Answers[3].Time)
}

func TestLookupSystemHijacks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, ip, why string
	}{
		{"sinkhole", "0.0.0.0", "unspecified"},
		{"private block page", "10.10.34.35", "private"},
		{"forged public address", "198.51.100.7", "documentation"},
		{"non-Cloudflare public", "93.184.215.14", "outside Cloudflare's ranges"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sys := dnsBehavior{A: map[string][]string{"chatgpt.com.": {c.ip}}, AAAA: map[string][]string{"chatgpt.com.": {}}}
			lab := newDNSLab(t, sys, honest(), honest(), honest())
			res, d := runLookup(t, lab, chatgpt())
			if res.Status != probes.StatusFail || !d.Hijacked || d.Consistent || !strings.Contains(d.HijackReason, c.ip) || !strings.Contains(d.HijackReason, c.why) {
				t.Fatalf("%s hijacked=%v %q", res.Status, d.Hijacked, d.HijackReason)
			}
			assertNothingLeft(t, lab)
		})
	}
}

func TestLookupSystemFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		sys    dnsBehavior
		rcode  string
		reason string
	}{
		{"filter says NXDOMAIN", dnsBehavior{A: map[string][]string{}}, rcodeNXDomain, "does not exist (NXDOMAIN); 1.1.1.1:53 returns"},
		{"SERVFAIL", dnsBehavior{Rcode: dns.RcodeServerFailure}, rcodeServFail, "(SERVFAIL)"},
		{"REFUSED", dnsBehavior{Rcode: dns.RcodeRefused}, rcodeRefused, "(REFUSED)"},
		// Within the DNS limit of fastLimits.
		{"silent", dnsBehavior{Silent: true}, rcodeTimeout, "gave no answer for chatgpt.com within 200ms; 1.1.1.1:53 returns"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			lab := newDNSLab(t, c.sys, honest(), honest(), honest())
			lab.world.Limits = fastLimits()
			res, d := runLookup(t, lab, chatgpt())
			if res.Status != probes.StatusFail || d.Answers[0].RCode != c.rcode || !strings.Contains(res.Reason, c.reason) {
				t.Fatalf("%s %s %q", res.Status, d.Answers[0].RCode, res.Reason)
			}
			if got := findAnswer(t, d, "1.1.1.1:53"); got.RCode != rcodeNoError {
				t.Errorf("independent answer %+v", got)
			}
			assertNothingLeft(t, lab)
		})
	}
}

// TestLookupShortBudgetIsUnknown: a silent system resolver under a DNS limit
// a short --timeout shrank proves nothing: unknown, with the way out.
func TestLookupShortBudgetIsUnknown(t *testing.T) {
	t.Parallel()
	lab := newDNSLab(t, dnsBehavior{Silent: true}, honest(), honest(), honest())
	lab.world.Limits = fastLimits()
	lab.cfg.Budget = 2 * time.Second
	res, d := runLookup(t, lab, chatgpt())
	if res.Status != probes.StatusUnknown || d.Answers[0].RCode != rcodeTimeout ||
		!strings.Contains(res.Reason, "too short to tell") || !strings.Contains(res.Reason, "--timeout 2s") {
		t.Fatalf("%s %s %q", res.Status, d.Answers[0].RCode, res.Reason)
	}
}

func TestLookupIndependentResolvers(t *testing.T) {
	t.Parallel()
	t.Run("port 53 blocked, DoH answers", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, honest(), dnsBehavior{Silent: true}, dnsBehavior{Silent: true}, honest())
		lab.world.Limits = fastLimits()
		start := time.Now()
		res, d := runLookup(t, lab, chatgpt())
		if res.Status != probes.StatusWarn || !strings.Contains(res.Reason, "port 53 to 1.1.1.1:53, 8.8.8.8:53 blocked (timeout)") {
			t.Fatalf("%s %q", res.Status, res.Reason)
		}
		if a := findAnswer(t, d, "1.1.1.1:53"); a.RCode != rcodeTimeout || !strings.Contains(a.Error, "dns: resolve chatgpt.com via 1.1.1.1:53: timeout") {
			t.Errorf("1.1.1.1 answer %+v", a)
		}
		if el := time.Since(start); el >= dnsQueryTimeout {
			t.Errorf("took %v: the world's %s query limit was not the one that ran out", el, lab.world.Limits.DNSQuery)
		}
		assertNothingLeft(t, lab)
	})
	t.Run("refused, NXDOMAIN and interception", func(t *testing.T) {
		t.Parallel()
		lied := dnsBehavior{A: map[string][]string{"chatgpt.com.": {"10.10.34.35"}}, AAAA: map[string][]string{"chatgpt.com.": {}}}
		lab := newDNSLab(t, honest(), dnsBehavior{Rcode: dns.RcodeRefused}, lied, honest())
		res, d := runLookup(t, lab, chatgpt())
		if res.Status != probes.StatusWarn || !strings.Contains(res.Reason, "8.8.8.8:53 answers 10.10.34.35 (private)") || d.Hijacked {
			t.Fatalf("%s %q", res.Status, res.Reason)
		}
		if a := findAnswer(t, d, "1.1.1.1:53"); a.RCode != rcodeRefused {
			t.Errorf("1.1.1.1 %+v", a)
		}
	})
	t.Run("truncated UDP answer retried over TCP", func(t *testing.T) {
		t.Parallel()
		tc := honest()
		tc.TruncateUDP = true
		lab := newDNSLab(t, honest(), honest(), tc, honest())
		res, d := runLookup(t, lab, chatgpt())
		a := findAnswer(t, d, "8.8.8.8:53")
		if res.Status != probes.StatusPass || a.Transport != "tcp" || len(a.Addrs) != 3 {
			t.Fatalf("%s %q; 8.8.8.8 %+v", res.Status, res.Reason, a)
		}
	})
	t.Run("unmapped resolver is refused by the dialer", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, honest(), honest(), honest(), honest())
		lab.cfg.Resolvers = append(lab.cfg.Resolvers, "9.9.9.9:53")
		res, d := runLookup(t, lab, chatgpt())
		a := findAnswer(t, d, "9.9.9.9:53")
		if a.RCode != rcodeError || !strings.Contains(a.Error, "refusing") || res.Status != probes.StatusWarn {
			t.Fatalf("%s %q; %+v", res.Status, res.Reason, a)
		}
		if r := lab.dialer.Refused(); len(r) != 2 || !strings.HasSuffix(r[0], "9.9.9.9:53") {
			t.Fatalf("refused dials %v", r)
		}
	})
}

func TestLookupDoHTrust(t *testing.T) {
	t.Parallel()
	t.Run("untrusted certificate", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, honest(), honest(), honest(), honest())
		lab.world.Trust = probes.Trust{System: newDNSTestCA().pool()}
		res, d := runLookup(t, lab, chatgpt())
		a := findAnswer(t, d, probes.DefaultDoHURL)
		if a.RCode != rcodeError || !strings.Contains(a.Error, "certificate") || res.Status != probes.StatusWarn {
			t.Fatalf("%s %q; %+v", res.Status, res.Reason, a)
		}
	})
	t.Run("user-declared root", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, honest(), honest(), honest(), honest())
		user := lab.world.Trust.System
		lab.world.Trust = probes.Trust{System: newDNSTestCA().pool(), User: user}
		res, d := runLookup(t, lab, chatgpt())
		if a := findAnswer(t, d, probes.DefaultDoHURL); a.RCode != rcodeNoError || res.Status != probes.StatusPass {
			t.Fatalf("%s %q; %+v", res.Status, res.Reason, a)
		}
	})
	t.Run("bad DoH URL", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, honest(), honest(), honest(), honest())
		lab.cfg.DoHURL = "http://user:secret@cloudflare-dns.com/dns-query"
		_, d := runLookup(t, lab, chatgpt())
		a := d.Answers[len(d.Answers)-1]
		if a.RCode != rcodeError || strings.Contains(a.Error+a.Resolver, "secret") {
			t.Fatalf("%+v", a)
		}
	})
}

func TestLookupHostsFile(t *testing.T) {
	t.Parallel()
	t.Run("sinkhole from the hosts file", func(t *testing.T) {
		t.Parallel()
		sys := dnsBehavior{A: map[string][]string{"chatgpt.com.": {"0.0.0.0"}}, AAAA: map[string][]string{"chatgpt.com.": {}}}
		lab := newDNSLab(t, sys, honest(), honest(), honest())
		lab.world.FS = mapFSFrom(map[string]string{"etc/hosts": "127.0.0.1 localhost\n0.0.0.0 chatgpt.com\n"})
		res, d := runLookup(t, lab, chatgpt())
		if res.Status != probes.StatusFail || d.HostsFileEntry != "/etc/hosts line 2: 0.0.0.0 chatgpt.com" || !strings.Contains(res.Reason, "the hosts file names it") {
			t.Fatalf("%s %q entry %q", res.Status, res.Reason, d.HostsFileEntry)
		}
	})
	t.Run("pinned Cloudflare address", func(t *testing.T) {
		t.Parallel()
		lab := newDNSLab(t, honest(), honest(), honest(), honest())
		lab.world.FS = mapFSFrom(map[string]string{"etc/hosts": "104.18.32.47 chatgpt.com\n"})
		res, _ := runLookup(t, lab, chatgpt())
		if res.Status != probes.StatusWarn || !strings.Contains(res.Reason, "pins chatgpt.com to 104.18.32.47") {
			t.Fatalf("%s %q", res.Status, res.Reason)
		}
	})
}

func TestLookupHonoursCancellation(t *testing.T) {
	t.Parallel()
	silent := dnsBehavior{Silent: true}
	lab := newDNSLab(t, silent, silent, silent, silent)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	res := lookupHost(ctx, lab.cfg, lab.world, chatgpt(), hostsFile{}, newDoHLookup(lab.world, lab.cfg.DoHURL))
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("returned %v after cancellation", el)
	}
	if res.Status == probes.StatusPass {
		t.Fatalf("%s", res.Status)
	}
}

func TestLookupEscapesNothing(t *testing.T) {
	lab := newDNSLab(t, honest(), honest(), honest(), honest())
	res, _ := runLookup(t, lab, dnsLookupHost{Host: "bad\x1b[31m.example"})
	if res.Status != probes.StatusUnknown {
		t.Fatalf("%s %q", res.Status, res.Reason)
	}
	b, _ := json.Marshal(res)
	if strings.Contains(string(b), "\\u001b") {
		t.Fatalf("escape survived: %s", b)
	}
}

func TestDNSProbesThroughEngine(t *testing.T) {
	t.Parallel()
	lab := newDNSLab(t, honest(), honest(), honest(), honest())
	lab.cfg.Targets = []probes.Target{probes.WebTarget("https://chatgpt.com/")}
	lab.world.FS = mapFSFrom(map[string]string{"etc/resolv.conf": "nameserver 192.168.1.1\n"})
	lab.world.Host = procs()
	lab.world.Runner = &fakeRunner{}
	e := &probes.Engine{Budget: probes.DefaultBudget}
	start := time.Now()
	snap := e.Start(context.Background(), probes.Plan{Probes: dnsProbes(lab.cfg, lab.world)}).Wait()
	t.Logf("DNS family against local servers: %v", time.Since(start))
	for _, id := range []string{"dns:lookup:chatgpt.com", "dns:whoami"} {
		r, ok := snap.Get(id)
		if !ok || r.Status != probes.StatusPass {
			t.Errorf("%s: %+v", id, r)
		}
	}
	if r, ok := snap.Get("dns:config"); !ok || r.Status == "" {
		t.Errorf("dns:config: %+v", r)
	}
	assertNothingLeft(t, lab)
}

func TestLookupName(t *testing.T) {
	good := map[string]string{
		"chatgpt.com":    "chatgpt.com",
		"ChatGPT.com.":   "chatgpt.com",
		"bücher.example": "xn--bcher-kva.example",
		"api.openai.com": "api.openai.com",
	}
	for in, want := range good {
		if got, err := lookupName(in); err != nil || got != want {
			t.Errorf("lookupName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", ".", "a..b", "bad\x1b[31m.example", "has space.example", strings.Repeat("a", 64) + ".example", "x/y"} {
		if got, err := lookupName(bad); err == nil {
			t.Errorf("lookupName(%q) accepted as %q", bad, got)
		}
	}
}

func TestLookupRetransmitsLostDatagrams(t *testing.T) {
	t.Parallel()
	lossy := honest()
	lossy.DropUDP = new(atomic.Int32)
	lossy.DropUDP.Store(2) // the first A and AAAA queries are lost
	lab := newDNSLab(t, honest(), lossy, honest(), honest())
	lab.world.Limits = fastLimits()
	res, d := runLookup(t, lab, chatgpt())
	a := findAnswer(t, d, "1.1.1.1:53")
	// Sent again after the world's retransmit interval, not the default.
	if res.Status != probes.StatusPass || a.RCode != rcodeNoError || a.Transport != "udp" || a.Time.D() < lab.world.Limits.DNSRetransmit || a.Time.D() >= dnsRetransmitAfter {
		t.Fatalf("%s %q; 1.1.1.1 %+v", res.Status, res.Reason, a)
	}
}

func TestLookupDoHHTTPError(t *testing.T) {
	t.Parallel()
	lab := newDNSLab(t, honest(), honest(), honest(), dnsBehavior{HTTPStatus: 403})
	res, d := runLookup(t, lab, chatgpt())
	a := findAnswer(t, d, probes.DefaultDoHURL)
	if a.RCode != rcodeError || !strings.Contains(a.Error, "HTTP 403") || res.Status != probes.StatusWarn ||
		!strings.Contains(res.Reason, "DNS-over-HTTPS https://cloudflare-dns.com/dns-query failed (HTTP 403)") {
		t.Fatalf("%s %q; %+v", res.Status, res.Reason, a)
	}
}

// TestLookupSystemLimitFollowsBudget: the system lookup runs under the same
// limit as the endpoint probes' lookups (timeoutsFor), so a resolver too
// slow for them is not "pass" here, and the reason names that limit. The
// budget shrank the limit, so, as for the endpoints, it is unknown.
func TestLookupSystemLimitFollowsBudget(t *testing.T) {
	t.Parallel()
	slow := honest()
	slow.Delay = 200 * time.Millisecond
	lab := newDNSLab(t, slow, honest(), honest(), honest())
	lab.world.Limits = fastLimits()
	lab.cfg.Budget = 3 * time.Second
	limit := timeoutsFor(lab.cfg.Budget, lab.world.Limits).DNS
	res, d := runLookup(t, lab, chatgpt())
	if limit >= slow.Delay || d.Answers[0].RCode != rcodeTimeout || res.Status != probes.StatusUnknown ||
		!strings.Contains(res.Reason, "gave no answer for chatgpt.com within "+limit.String()) {
		t.Fatalf("limit %s: %s %s %q", limit, res.Status, d.Answers[0].RCode, res.Reason)
	}
}

// countingFS counts the opens of each file.
type countingFS struct {
	fs.FS
	mu     sync.Mutex
	opened map[string]int
}

func (c *countingFS) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.opened[name]++
	c.mu.Unlock()
	return c.FS.Open(name)
}

func TestDNSProbesReadTheHostsFileOnce(t *testing.T) {
	t.Parallel()
	lab := newDNSLab(t, honest(), honest(), honest(), honest())
	cfs := &countingFS{FS: mapFSFrom(map[string]string{"etc/hosts": "104.18.32.47 chatgpt.com\n"}), opened: map[string]int{}}
	lab.world.FS = cfs
	lab.world.Runner = &fakeRunner{}
	lab.cfg.Targets = []probes.Target{probes.WebTarget("https://chatgpt.com/"), probes.WebTarget("https://example.org/")}
	ps := dnsProbes(lab.cfg, lab.world)
	if n := cfs.opened["etc/hosts"]; n != 0 {
		t.Fatalf("planning read the hosts file %d times", n)
	}
	snap := (&probes.Engine{Budget: probes.DefaultBudget}).Start(context.Background(), probes.Plan{Probes: ps}).Wait()
	if n := cfs.opened["etc/hosts"]; n != 1 {
		t.Errorf("hosts file opened %d times for two lookups", n)
	}
	if r, _ := snap.Get("dns:lookup:chatgpt.com"); !strings.Contains(r.Reason, "pins chatgpt.com to 104.18.32.47") {
		t.Errorf("hosts entry not used: %s %q", r.Status, r.Reason)
	}
}

func TestLookupHostsFileTooLarge(t *testing.T) {
	t.Parallel()
	lab := newDNSLab(t, honest(), honest(), honest(), honest())
	big := "104.18.32.47 chatgpt.com\n" + strings.Repeat("0.0.0.0 ads.example\n", maxHostsFile/20+1)
	lab.world.FS = mapFSFrom(map[string]string{"etc/hosts": big})
	res, d := runLookup(t, lab, chatgpt())
	if d.HostsFileEntry == "" || !slices.ContainsFunc(res.Evidence, func(s string) bool {
		return strings.Contains(s, "hosts file: /etc/hosts is larger than 16 MiB; only the first 16 MiB were read")
	}) {
		t.Fatalf("entry %q evidence %q", d.HostsFileEntry, res.Evidence)
	}
}

func TestHostsFilePath(t *testing.T) {
	env := func(v string) func(string) (string, bool) {
		return func(k string) (string, bool) { return v, k == "SystemRoot" && v != "" }
	}
	cases := []struct {
		w    probes.World
		want string
	}{
		{probes.World{GOOS: "linux"}, "etc/hosts"},
		{probes.World{GOOS: "darwin", LookupEnv: env(`C:\Windows`)}, "etc/hosts"},
		{probes.World{GOOS: "windows"}, "Windows/System32/drivers/etc/hosts"},
		{probes.World{GOOS: "windows", LookupEnv: env("")}, "Windows/System32/drivers/etc/hosts"},
		{probes.World{GOOS: "windows", LookupEnv: env(`C:\WINNT`)}, "WINNT/System32/drivers/etc/hosts"},
		{probes.World{GOOS: "windows", LookupEnv: env(`D:\Win\`)}, "Win/System32/drivers/etc/hosts"},
	}
	for _, c := range cases {
		if got := hostsFilePath(c.w); got != c.want {
			t.Errorf("hostsFilePath(%s, %v) = %q, want %q", c.w.GOOS, c.w.LookupEnv != nil, got, c.want)
		}
	}
}
