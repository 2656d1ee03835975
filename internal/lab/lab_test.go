package lab

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/collect"
)

// TestCloseLeavesNothing starts the scenarios with the most moving parts,
// leaves requests in flight (a drip, a held blackhole connection, a proxy
// tunnel, a stalled handshake, a slow response), closes the labs and
// checks that every goroutine ends and every temp file goes.
func TestCloseLeavesNothing(t *testing.T) {
	before := runtime.NumGoroutine()
	var dirs []string
	for _, name := range []string{"proxy", "drip-body", "blackhole", "tls-stall", "slow", "dns-hijack", "captive-portal", "offline", "escapes", "huge-body"} {
		l, err := Start(name, Options{Latency: MaxLatency})
		if err != nil {
			t.Fatal(err)
		}
		_ = l.Args() // writes the CA files
		dirs = append(dirs, l.files.dir)
		w := l.World(probes.World{})
		v := variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersBrowser)
		if name == "proxy" {
			v = variant(probes.RouteProxy, probes.FamilyAny, probes.HeadersBrowser)
		}
		// Fire requests that stay in flight when Close runs.
		started := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			close(started)
			_ = fetch(t, w, "https://chatgpt.com/", fetchOpts{variant: v, wait: 8 * time.Second, bodyWait: 8 * time.Second})
		}()
		<-started
		// Let the request get past DNS: a UDP query the resolver is
		// shutting down on is lost, and the resolver waits 5 s for it.
		// Requests that do not finish by then are held by the server,
		// which is the point.
		select {
		case <-done:
		case <-time.After(200 * time.Millisecond):
		}
		if name == "proxy" || name == "drip-body" || name == "huge-body" {
			// Let the tunnel or the body stream get going.
			res := fetch(t, w, "https://chatgpt.com/cdn-cgi/trace", fetchOpts{variant: v})
			if res.err != nil {
				t.Fatalf("%s: %v", name, res.err)
			}
		}
		closed := make(chan error, 1)
		go func() { closed <- l.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				t.Errorf("%s: Close: %v", name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Close hung", name)
		}
		if err := l.Close(); err != nil {
			t.Errorf("%s: second Close: %v", name, err)
		}
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Fatalf("%s: a request outlived Close by 15 s", name)
		}
	}
	for _, d := range dirs {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("temp dir %s still exists (%v)", d, err)
		}
	}
	// Goroutines of closed connections finish asynchronously; give them
	// time, then compare.
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("%d goroutines before, %d after Close:\n%s", before, n, buf)
	}
}

// TestTwoLabsAtOnce: labs share nothing, so two scenarios answer
// differently side by side.
func TestTwoLabsAtOnce(t *testing.T) {
	t.Parallel()
	a := startLab(t, "healthy", Options{})
	b := startLab(t, "block-1020", Options{})
	v := variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersBrowser)
	ra := fetch(t, a.World(probes.World{}), "https://chatgpt.com/", fetchOpts{variant: v})
	rb := fetch(t, b.World(probes.World{}), "https://chatgpt.com/", fetchOpts{variant: v})
	if ra.status != 200 || rb.status != 403 {
		t.Fatalf("healthy %d (%v), block-1020 %d (%v)", ra.status, ra.err, rb.status, rb.err)
	}
	_, _ = a.Env(), b.Env()
	if a.systemDNS == b.systemDNS || a.files.dir == b.files.dir {
		t.Error("two labs share a resolver or a temp dir")
	}
	// Each lab's certificates are its own.
	if fetch(t, a.World(probes.World{}), "https://chatgpt.com/", fetchOpts{variant: v, roots: b.pki.machine}).failure != FailureTLS {
		t.Error("lab a's certificate verified against lab b's roots")
	}
}

func TestArgsAndEnv(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"healthy", "proxy", "api-401", "tls-intercepted"} {
		l := startLab(t, name, Options{})
		args := l.Args()
		if args[0] != "--resolver" || args[1] != l.systemDNS {
			t.Errorf("%s: args start %q", name, args[:2])
		}
		rules := 0
		for i := 0; i < len(args); i++ {
			switch args[i] {
			case "--resolver":
				i++
			case "--connect-to":
				i++
				from, to, err := collect.ParseConnectTo(args[i])
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if ap := netip.MustParseAddrPort(to); !ap.Addr().IsLoopback() {
					t.Errorf("%s: rule %s leads off loopback", name, args[i])
				}
				if l.rules[from] != to {
					t.Errorf("%s: rule %s does not match the World's", name, args[i])
				}
				rules++
			case "--public-ca-file":
				i++
				roots := readPEM(t, args[i])
				if len(roots) != 1 || roots[0].Subject.CommonName != "GTS Root R4" {
					t.Errorf("%s: public CA file holds %d certs", name, len(roots))
				}
			default:
				t.Errorf("%s: unexpected arg %q", name, args[i])
			}
		}
		if rules != len(l.rules) || rules < 40 {
			t.Errorf("%s: %d --connect-to flags for %d rules", name, rules, len(l.rules))
		}

		env := map[string]string{}
		for _, kv := range l.Env() {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		machine := readPEM(t, env["SSL_CERT_FILE"])
		wantRoots := 1
		if name == "tls-intercepted" {
			wantRoots = 2
		}
		if len(machine) != wantRoots {
			t.Errorf("%s: SSL_CERT_FILE holds %d roots, want %d", name, len(machine), wantRoots)
		}
		if entries, err := os.ReadDir(env["SSL_CERT_DIR"]); err != nil || len(entries) != 0 {
			t.Errorf("%s: SSL_CERT_DIR %q must be an empty directory (%v)", name, env["SSL_CERT_DIR"], err)
		}
		if (env["HTTPS_PROXY"] != "") != (name == "proxy") {
			t.Errorf("%s: HTTPS_PROXY=%q", name, env["HTTPS_PROXY"])
		}
		for _, k := range []string{"HTTP_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "ALL_PROXY"} {
			if v, ok := env[k]; !ok || v != "" {
				t.Errorf("%s: %s must be present and empty, got %q %v", name, k, v, ok)
			}
		}
		switch name {
		case "api-401":
			if env["OPENAI_API_KEY"] != labInvalidKey {
				t.Errorf("api-401: OPENAI_API_KEY=%q", env["OPENAI_API_KEY"])
			}
		case "proxy", "tls-intercepted":
			if env["OPENAI_API_KEY"] != "" {
				t.Errorf("%s: a key leaked into the environment", name)
			}
		}
	}
}

func readPEM(t *testing.T, path string) []*x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []*x509.Certificate
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// TestEveryAddressIsMapped: whatever any lab resolver, DoH or the default
// configuration hands out has a connect-to rule, so the real binary never
// dials off loopback.
func TestEveryAddressIsMapped(t *testing.T) {
	t.Parallel()
	names := []string{hostChatGPT, hostChat, hostAPI, hostStatus, hostDoH, hostOneOneOne, hostCloudflare, hostCaptive, hostPortal}
	for _, sc := range Scenarios() {
		l := startLab(t, sc.Name, Options{})
		w := l.World(probes.World{})
		cfg := l.Config()
		var servers []string
		servers = append(servers, cfg.Resolvers...)
		servers = append(servers, cfg.EgressProbes...)
		for _, s := range servers {
			if _, ok := l.rules[netip.MustParseAddrPort(s).String()]; !ok {
				t.Errorf("%s: configured resolver %s has no rule", sc.Name, s)
			}
		}
	servers:
		for _, server := range append([]string{"system"}, cfg.Resolvers...) {
			for _, name := range names {
				for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
					m, err := exchange(w, l, server, "udp", name, qt, dns.ClassINET, 300*time.Millisecond)
					if err != nil {
						continue servers // offline: a silent resolver hands out nothing
					}
					for _, rr := range m.Answer {
						a, _ := rrAddr(rr)
						for _, port := range []uint16{80, 443} {
							if _, ok := l.rules[netip.AddrPortFrom(a, port).String()]; !ok {
								t.Errorf("%s: %s says %s is %s, but %s:%d has no rule", sc.Name, server, name, a, a, port)
							}
						}
					}
				}
			}
		}
		for _, u := range []string{cfg.StatusURL, cfg.DoHURL, cfg.CaptiveURL} {
			if u == "" {
				t.Errorf("%s: Config dropped a default URL", sc.Name)
			}
		}
		if v, ok := w.LookupEnv("HTTPS_PROXY"); ok {
			host, _, _ := net.SplitHostPort(strings.TrimPrefix(v, "http://"))
			if !netip.MustParseAddr(host).IsLoopback() {
				t.Errorf("%s: proxy %s is not on loopback", sc.Name, v)
			}
		}
	}
}

// TestWorldReachesOnlyTheLab: the World dials the lab's listeners and
// nothing else, not even a service of the developer's on loopback, and the
// local Tor and WARP ports are refused rather than the host's.
func TestWorldReachesOnlyTheLab(t *testing.T) {
	t.Parallel()
	host := hostService(t)
	l := startLab(t, "healthy", Options{})
	w := l.World(probes.World{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, addr := range []string{"198.51.100.9:443", "[2001:db8::1]:443", "example.com:443", "10.0.0.1:53", host} {
		c, err := w.Dialer.DialContext(ctx, "tcp", addr)
		if err == nil {
			c.Close()
			t.Fatalf("dialled %s", addr)
		}
		if !strings.Contains(err.Error(), "lab: no route to "+addr) {
			t.Errorf("dial %s: %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:9050", "127.0.0.1:9150", "127.0.0.1:40000"} {
		c, err := w.Dialer.DialContext(ctx, "tcp", addr)
		if err == nil {
			c.Close()
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("dial %s: %v, want connection refused", addr, err)
		}
	}
	// Mapped addresses dial, and report the logical address.
	c, err := w.Dialer.DialContext(ctx, "tcp", "104.18.32.47:443")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.RemoteAddr().String() != "104.18.32.47:443" {
		t.Errorf("remote %s", c.RemoteAddr())
	}
}

// hostService stands in for a developer's own service on loopback (a web
// server, a SOCKS proxy): it accepts and closes connections until the test
// ends. It returns its address.
func hostService(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// TestCAFilesOnDemand: only the real binary reads CA files, so a lab used
// in process writes none and its World names none; Args and Env write them
// once, and Close removes them.
func TestCAFilesOnDemand(t *testing.T) {
	t.Parallel()
	l, err := Start("healthy", Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := l.World(probes.World{})
	for _, k := range []string{"SSL_CERT_FILE", "SSL_CERT_DIR"} {
		if v, ok := w.LookupEnv(k); ok {
			t.Errorf("World sets %s=%s", k, v)
		}
	}
	if l.files.dir != "" {
		t.Errorf("Start wrote %s", l.files.dir)
	}
	args, env := l.Args(), l.Env()
	dir := l.files.dir
	if dir == "" || !slices.Contains(args, l.files.public) || !slices.Contains(env, "SSL_CERT_FILE="+l.files.machine) {
		t.Fatalf("Args %q and Env %q do not name the files in %q", args, env, dir)
	}
	if _, err := os.Stat(l.files.public); err != nil {
		t.Error(err)
	}
	if _ = l.Args(); l.files.dir != dir {
		t.Error("a second call wrote the files again")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("Close left %s (%v)", dir, err)
	}
}

func TestWorldKeepsTheMachine(t *testing.T) {
	t.Parallel()
	base := probes.World{
		GOOS:    "plan9",
		HomeDir: "/home/u",
		Clock:   probes.SystemClock{},
		LookupEnv: func(k string) (string, bool) {
			v, ok := map[string]string{"HOME": "/home/u", "HTTPS_PROXY": "http://corp.example:3128",
				"OPENAI_API_KEY": "sk-real-user-key", "no_proxy": "*"}[k]
			return v, ok
		},
	}
	for _, name := range []string{"healthy", "proxy", "block-1020"} {
		l := startLab(t, name, Options{})
		w := l.World(base)
		if w.GOOS != "plan9" || w.HomeDir != "/home/u" || w.Clock == nil {
			t.Errorf("%s: World replaced machine facts", name)
		}
		if v, _ := w.LookupEnv("HOME"); v != "/home/u" {
			t.Errorf("%s: HOME=%q", name, v)
		}
		if v, ok := w.LookupEnv("no_proxy"); ok {
			t.Errorf("%s: the user's no_proxy leaked: %q", name, v)
		}
		proxy, ok := w.LookupEnv("HTTPS_PROXY")
		if name == "proxy" != ok || strings.Contains(proxy, "corp") {
			t.Errorf("%s: HTTPS_PROXY=%q %v", name, proxy, ok)
		}
		key, ok := w.LookupEnv("OPENAI_API_KEY")
		if strings.Contains(key, "real") || (name == "healthy") != ok {
			t.Errorf("%s: OPENAI_API_KEY=%q %v", name, key, ok)
		}
		if w.Trust.System == nil || w.Trust.Public == nil || w.Trust.PublicSource == "" {
			t.Errorf("%s: trust not set", name)
		}
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	l := startLab(t, "healthy", Options{})
	c, d := l.Config(), probes.DefaultConfig()
	if c.Budget != d.Budget || c.StatusURL != d.StatusURL || len(c.Targets) != len(d.Targets) {
		t.Errorf("healthy config differs from the default: %+v", c)
	}
	s := startLab(t, "slow", Options{Latency: MaxLatency})
	if got := s.Config().Budget; got != probes.DefaultBudget+4*MaxLatency {
		t.Errorf("slow budget %v", got)
	}
	if !bytes.Contains(s.pki.publicPEM, []byte("BEGIN CERTIFICATE")) {
		t.Error("public PEM empty")
	}
}
