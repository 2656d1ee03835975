package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

func TestErrKind(t *testing.T) {
	op := func(err error) error {
		return &url.Error{Op: "Get", URL: "https://chatgpt.com/", Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	cases := []struct {
		err  error
		want string
	}{
		{op(syscall.ECONNREFUSED), "refused"},
		{op(syscall.ECONNRESET), "reset"},
		{op(syscall.ENETUNREACH), "unreachable"},
		{op(syscall.EHOSTUNREACH), "host_unreachable"},
		{op(context.DeadlineExceeded), "timeout"},
		{errors.New("read tcp: connection reset by peer"), "reset"},
		{errors.New("No connection could be made because the target machine actively refused it."), "refused"},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), "eof"},
		{errors.New("something else"), ""},
		{nil, ""},
	}
	for _, tc := range cases {
		if got := errKind(tc.err); got != tc.want {
			t.Errorf("errKind(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestDNSFailure(t *testing.T) {
	cases := []struct {
		err        error
		code, msg  string
		step, fam  string
		timeoutSet bool
	}{
		{&net.DNSError{Err: "no such host", Name: "chatgpt.com", IsNotFound: true}, "nxdomain", "dns: resolve chatgpt.com (IPv6) via the system resolver: NXDOMAIN", "dns", probes.FamilyIPv6, false},
		{&net.DNSError{Err: "server misbehaving", Name: "chatgpt.com", IsTemporary: true}, "servfail", "dns: resolve chatgpt.com via the system resolver: server failure (SERVFAIL)", "dns", probes.FamilyAny, false},
		{&net.DNSError{Err: "server misbehaving", Name: "chatgpt.com"}, "dns_refused", "dns: resolve chatgpt.com via the system resolver: the server refused the query (REFUSED or another error code)", "dns", probes.FamilyAny, false},
		{&net.DNSError{Err: "read udp 127.0.0.1:53: connection refused", Name: "chatgpt.com"}, "dns_error", "dns: resolve chatgpt.com via the system resolver: no DNS server answers (connection refused): read udp 127.0.0.1:53: connection refused", "dns", probes.FamilyAny, false},
		{&net.DNSError{Err: "Temporary failure in name resolution", Name: "chatgpt.com", IsTemporary: true}, "servfail", "dns: resolve chatgpt.com via the system resolver: temporary failure in name resolution (the server failed or did not answer)", "dns", probes.FamilyAny, false},
		{&net.DNSError{Err: "i/o timeout", Name: "chatgpt.com", IsTimeout: true}, "dns_timeout", "dns: resolve chatgpt.com (IPv4) via the system resolver: timeout after 2s", "dns", probes.FamilyIPv4, true},
		{&net.DNSError{Err: "no such host", Name: "proxy.corp", IsNotFound: true}, "proxy_nxdomain", "proxy: resolve proxy host proxy.corp via the system resolver: NXDOMAIN", "proxy", probes.FamilyAny, false},
		// A stall on the way to the proxy has one code, whichever limit saw it.
		{&net.DNSError{Err: "i/o timeout", Name: "proxy.corp", IsTimeout: true}, "proxy_timeout", "proxy: resolve proxy host proxy.corp via the system resolver: timeout after 2s", "proxy", probes.FamilyAny, true},
	}
	for _, tc := range cases {
		host := "chatgpt.com"
		if tc.step == "proxy" {
			host = "proxy.corp"
		}
		f := dnsFailure(tc.step, host, tc.fam, tc.err, 2*time.Second)
		if f.Code != tc.code || f.Message != tc.msg || f.Timeout != tc.timeoutSet || f.status() != probes.StatusFail || f.Reason == "" {
			t.Errorf("%v: %+v", tc.err, f)
		}
	}
}

func TestConnectFailure(t *testing.T) {
	f := connectFailure("connect", "[2606:4700::1]:443", true, &net.OpError{Op: "dial", Err: syscall.ENETUNREACH}, time.Second)
	if f.status() != probes.StatusSkipped || f.Code != "unreachable" {
		t.Errorf("IPv6 without a route should skip: %+v", f)
	}
	f = connectFailure("connect", "104.18.32.47:443", false, &net.OpError{Op: "dial", Err: syscall.ENETUNREACH}, time.Second)
	if f.status() != probes.StatusFail {
		t.Errorf("IPv4 without a route should fail: %+v", f)
	}
	f = connectFailure("proxy", "10.0.0.8:3128", false, &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, time.Second)
	if f.Code != "proxy_refused" || f.Message != "proxy: connect to 10.0.0.8:3128: connection refused" {
		t.Errorf("proxy refused: %+v", f)
	}
	f = connectFailure("proxy", "10.0.0.8:3128", false, &net.OpError{Op: "dial", Err: context.DeadlineExceeded}, time.Second)
	if f.Code != "proxy_timeout" || f.Code != timeoutCode("proxy") || !f.Timeout {
		t.Errorf("proxy connect timeout: %+v", f)
	}
	f = connectFailure("connect", "104.18.32.47:443", false, &net.OpError{Op: "dial", Err: context.DeadlineExceeded}, time.Second)
	if f.Code != "connect_timeout" || f.Code != timeoutCode("connect") {
		t.Errorf("connect timeout: %+v", f)
	}
}

func TestTimeoutsFor(t *testing.T) {
	if got := timeoutsFor(0, probes.Limits{}); got != timeoutsFor(probes.DefaultBudget, probes.Limits{}) || got.Probe != endpointTimeout || got.TLS != tlsHandshakeTimeout || got.ShortBudget != 0 {
		t.Errorf("default: %+v", got)
	}
	half := timeoutsFor(probes.DefaultBudget/2, probes.Limits{})
	if half.Probe != endpointTimeout/2 || half.DNS != dnsTimeout/2 || half.BodyReserve != bodyReadReserve/2 || half.ShortBudget != probes.DefaultBudget/2 {
		t.Errorf("half budget: %+v", half)
	}
	// A long budget lengthens every limit in proportion, so --timeout
	// helps a slow link; the stretch stops at maxLimitScale.
	double := timeoutsFor(2*probes.DefaultBudget, probes.Limits{})
	if double.Probe != 2*endpointTimeout || double.TLS != 2*tlsHandshakeTimeout || double.Header != 2*responseHeaderTimeout ||
		double.DNS != dnsQueryTimeout || double.ShortBudget != 0 {
		t.Errorf("double budget: %+v", double)
	}
	capped := timeoutsFor(5*time.Minute, probes.Limits{})
	if capped != timeoutsFor(maxLimitScale*probes.DefaultBudget, probes.Limits{}) || capped.Connect != maxLimitScale*connectTimeout || capped.ShortBudget != 0 {
		t.Errorf("capped: %+v", capped)
	}
	// Each phase limit stays inside the probe limit, so a stall is named
	// by its phase before the probe gives up, and the probe limit inside
	// the budget.
	for _, budget := range []time.Duration{time.Second, probes.DefaultBudget / 2, probes.DefaultBudget, 2 * probes.DefaultBudget, maxLimitScale * probes.DefaultBudget, 5 * time.Minute} {
		tm := timeoutsFor(budget, probes.Limits{})
		for _, d := range []time.Duration{tm.DNS, tm.Connect, tm.TLS, tm.Header} {
			if d >= tm.Probe {
				t.Errorf("budget %s: phase limit %s not inside probe limit %s", budget, d, tm.Probe)
			}
		}
		if tm.Probe >= budget {
			t.Errorf("budget %s: probe limit %s not inside it", budget, tm.Probe)
		}
		// The DNS probes' fixed limits leave room for the system lookup.
		if tm.DNS > dnsQueryTimeout || tm.DNS >= dnsWhoamiTimeout || tm.DNS >= dnsLookupTimeout {
			t.Errorf("budget %s: DNS limit %s outgrows the DNS probes' limits", budget, tm.DNS)
		}
	}
}

// TestTimeoutsForLimits: a world's Limits replace the constants they set
// and scale with the budget as the constants do; fields left zero keep the
// constants, and the query limit still caps the system lookup's.
func TestTimeoutsForLimits(t *testing.T) {
	lim := probes.Limits{Probe: 800 * time.Millisecond, DNS: 200 * time.Millisecond, TLS: 300 * time.Millisecond, DNSQuery: 60 * time.Millisecond}
	got := timeoutsFor(probes.DefaultBudget/2, lim)
	want := timeouts{Probe: 400 * time.Millisecond, DNS: 60 * time.Millisecond, Connect: connectTimeout / 2, TLS: 150 * time.Millisecond,
		Header: responseHeaderTimeout / 2, BodyReserve: bodyReadReserve / 2, ShortBudget: probes.DefaultBudget / 2}
	if got != want {
		t.Errorf("half budget with limits:\n got %+v\nwant %+v", got, want)
	}
	if def := withDefaults(probes.Limits{}); def != (probes.Limits{Probe: endpointTimeout, DNS: dnsTimeout, Connect: connectTimeout, TLS: tlsHandshakeTimeout,
		Header: responseHeaderTimeout, BodyReserve: bodyReadReserve, DNSQuery: dnsQueryTimeout, DNSRetransmit: dnsRetransmitAfter, Command: commandTimeout}) {
		t.Errorf("zero Limits: %+v, want the constants", def)
	}
}

// TestUnderShortLimit: a timeout under limits a short budget shrank is
// unknown (code budget) and says to try a longer --timeout; a timeout under
// the full limits, and any failure that is not a timeout, is left as it
// was measured.
func TestUnderShortLimit(t *testing.T) {
	short, full := timeoutsFor(2*time.Second, probes.Limits{}), timeoutsFor(0, probes.Limits{})
	stall := &netFailure{Step: "tls", Code: "tls_stall", Timeout: true, Limit: short.TLS, During: "the TLS handshake with chatgpt.com",
		Message: "tls: handshake with chatgpt.com: no answer within 750ms", Reason: "the TLS handshake with chatgpt.com stalled"}

	got := stall.underShortLimit(short)
	if got.status() != probes.StatusUnknown || got.Code != "budget" || got.Step != "tls" || !got.Timeout ||
		got.Reason != "too short to tell: no answer within 750ms during the TLS handshake with chatgpt.com, a limit shortened by --timeout 2s; try a longer --timeout" ||
		got.Message != "tls: handshake with chatgpt.com: no answer within 750ms (a limit shortened by --timeout 2s)" {
		t.Errorf("short: %s %+v", got.status(), got)
	}
	if stall.Code != "tls_stall" {
		t.Error("underShortLimit changed its receiver")
	}
	if got := stall.underShortLimit(full); got != stall || got.status() != probes.StatusFail {
		t.Errorf("full limits: %+v", got)
	}
	refused := connectFailure("connect", "104.18.32.47:443", false, syscall.ECONNREFUSED, short.Connect)
	if got := refused.underShortLimit(short); got != refused || got.status() != probes.StatusFail {
		t.Errorf("refused: %+v", got)
	}
	cut := &netFailure{Step: "dns", Code: "budget", Cancelled: true, Timeout: true, Reason: "the run budget ran out during the DNS lookup"}
	if got := cut.underShortLimit(short); got != cut {
		t.Errorf("budget cut: %+v", got)
	}
	// Every timeout the classifiers build carries its limit and step.
	for _, f := range []*netFailure{
		dnsFailure("dns", "chatgpt.com", probes.FamilyIPv4, context.DeadlineExceeded, short.DNS),
		connectFailure("connect", "104.18.32.47:443", false, context.DeadlineExceeded, short.Connect),
		connectFailure("proxy", "10.0.0.1:3128", false, context.DeadlineExceeded, short.Connect),
		ctxFailure(expired(t), "request", "chatgpt.com", time.Now(), short.Probe),
	} {
		got := f.underShortLimit(short)
		if got.status() != probes.StatusUnknown || got.Limit == 0 || !strings.HasPrefix(got.Reason, "too short to tell: no answer within "+roundDur(got.Limit)+" during the ") {
			t.Errorf("%s %s: %s %q", f.Step, f.Code, got.status(), got.Reason)
		}
	}
}

// expired is a context that ended at its own deadline just now.
func expired(t *testing.T) context.Context {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now())
	t.Cleanup(cancel)
	<-ctx.Done()
	return ctx
}

func TestInterleaveFamilies(t *testing.T) {
	in := addrs("2606:4700::1", "2606:4700::2", "104.18.32.47", "104.18.33.47")
	got := interleaveFamilies(in)
	want := addrs("2606:4700::1", "104.18.32.47", "2606:4700::2", "104.18.33.47")
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("interleave = %v, want %v", got, want)
		}
	}
}

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}

// TestRoundDurNeverSaysZero: a limit shortened below a millisecond by
// --timeout reads "under 1ms", never "0s".
func TestRoundDurNeverSaysZero(t *testing.T) {
	for d, want := range map[time.Duration]string{
		400 * time.Microsecond:  "under 1ms",
		1 * time.Millisecond:    "1ms",
		750 * time.Millisecond:  "750ms",
		3040 * time.Millisecond: "3s",
	} {
		if got := roundDur(d); got != want {
			t.Errorf("roundDur(%v) = %q, want %q", d, got, want)
		}
	}
}
