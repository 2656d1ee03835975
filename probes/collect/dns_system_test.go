package collect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

func TestSystemRCodeFromErrors(t *testing.T) {
	cases := []struct {
		err   error
		rcode string
		msg   string
	}{
		{nil, rcodeNoError, ""},
		{&net.DNSError{Err: "no such host", Name: "chatgpt.com", IsNotFound: true}, rcodeNXDomain, "no such host"},
		{&net.DNSError{Err: "i/o timeout", IsTimeout: true, IsTemporary: true}, rcodeTimeout, "timeout"},
		{&net.DNSError{Err: "server misbehaving", IsTemporary: true}, rcodeServFail, "SERVFAIL"},
		{&net.DNSError{Err: "server misbehaving"}, rcodeRefused, "REFUSED"},
		{&net.DNSError{Err: "Temporary failure in name resolution", IsTemporary: true}, rcodeServFail, "temporary failure"},
		{&net.DNSError{Err: "This is usually a temporary error during hostname resolution and means that the local server did not receive a response from an authoritative server."}, rcodeServFail, "temporary failure"},
		{&net.DNSError{Err: "read udp 127.0.0.1:1->127.0.0.53:53: read: connection refused", IsTemporary: true}, rcodeError, "connection refused"},
		{&net.DNSError{Err: "lame referral"}, rcodeError, "lame referral"},
		{fmt.Errorf("lookup: %w", context.DeadlineExceeded), rcodeTimeout, "timeout"},
		{context.Canceled, rcodeError, "cancelled"},
		{errors.New("resolver exploded \x1b[2J"), rcodeError, "resolver exploded"},
	}
	for _, c := range cases {
		rcode, msg := systemRCode(c.err)
		if rcode != c.rcode || !strings.Contains(msg, c.msg) || strings.ContainsRune(msg, 0x1b) {
			t.Errorf("systemRCode(%v) = %s %q; want %s containing %q", c.err, rcode, msg, c.rcode, c.msg)
		}
	}
}

// TestSystemAnswerRealErrors runs Go's own resolver against servers on
// loopback, so the mapping is checked against the real *net.DNSError
// shapes, not hand-made ones.
func TestSystemAnswerRealErrors(t *testing.T) {
	t.Parallel()
	closed := func() string {
		// A port closed on 127.0.0.2 stays closed: the package's other
		// parallel tests listen on 127.0.0.1, where the kernel could hand
		// a just-closed port straight to one of their servers.
		pc, err := net.ListenPacket("udp", "127.0.0.2:0")
		if err != nil {
			pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		}
		if err != nil {
			t.Fatal(err)
		}
		addr := pc.LocalAddr().String()
		pc.Close()
		return addr
	}()
	silentA := honest()
	silentA.SilentA = true
	cases := []struct {
		name   string
		host   string
		addr   string
		rcode  string
		rcodeA string
		rcode6 string
		addrs  int
		errHas string
	}{
		{"answers", "chatgpt.com", startDNS(t, honest()), rcodeNoError, rcodeNoError, rcodeNoError, 3, ""},
		{"IPv4 only host", "example.org", startDNS(t, honest()), rcodeNoError, rcodeNoError, rcodeNoError, 1, ""},
		{"NXDOMAIN", "chatgpt.com", startDNS(t, dnsBehavior{A: map[string][]string{}}), rcodeNXDomain, rcodeNXDomain, rcodeNXDomain, 0, "no such host"},
		{"SERVFAIL", "chatgpt.com", startDNS(t, dnsBehavior{Rcode: dns.RcodeServerFailure}), rcodeServFail, rcodeServFail, rcodeServFail, 0, "SERVFAIL"},
		{"REFUSED", "chatgpt.com", startDNS(t, dnsBehavior{Rcode: dns.RcodeRefused}), rcodeRefused, rcodeRefused, rcodeRefused, 0, "REFUSED"},
		{"nothing listening", "chatgpt.com", closed, rcodeError, rcodeError, rcodeError, 0, "connection refused"},
		{"silent", "chatgpt.com", startDNS(t, dnsBehavior{Silent: true}), rcodeTimeout, rcodeTimeout, rcodeTimeout, 0, "timeout"},
		// Go says "no such host" for a name without AAAA records: beside
		// an A query that timed out, that is no proof the name is missing.
		{"A dropped, no AAAA records", "example.org", startDNS(t, silentA), rcodeTimeout, rcodeTimeout, rcodeNXDomain, 0, "A: timeout; AAAA: no such host"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			host := c.host
			a := systemAnswer(context.Background(), goResolver(c.addr), host, fastLimits().DNS)
			if a.RCode != c.rcode || a.RCodeA != c.rcodeA || a.RCodeAAAA != c.rcode6 || len(a.Addrs) != c.addrs {
				t.Errorf("got %s (A %s, AAAA %s) %d addrs %q; want %s (%s, %s) %d", a.RCode, a.RCodeA, a.RCodeAAAA, len(a.Addrs), a.Error, c.rcode, c.rcodeA, c.rcode6, c.addrs)
			}
			if !strings.Contains(a.Error, c.errHas) {
				t.Errorf("error %q lacks %q", a.Error, c.errHas)
			}
			if c.rcode != rcodeNoError && !strings.Contains(a.Error, "dns: resolve "+host+" via the system resolver") {
				t.Errorf("error does not name host and resolver: %q", a.Error)
			}
			if a.Transport != "system" || a.Resolver != "system" {
				t.Errorf("labels %q %q", a.Resolver, a.Transport)
			}
		})
	}
}
