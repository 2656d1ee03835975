package collect

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/miekg/dns"
)

// systemAnswer asks the system resolver for the host's IPv4 and IPv6
// addresses at once, each within limit: the run's DNS limit
// (timeoutsFor(cfg.Budget, w.Limits).DNS), the same the endpoint probes resolve
// under, so a resolver too slow for them is too slow here.
func systemAnswer(ctx context.Context, r probes.Resolver, host string, limit time.Duration) probes.ResolverAnswer {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	fams := bothFamilies(func(qtype uint16) familyAnswer {
		network := "ip4"
		if qtype == dns.TypeAAAA {
			network = "ip6"
		}
		start := time.Now()
		addrs, err := r.LookupNetIP(ctx, network, host)
		fa := familyAnswer{elapsed: time.Since(start)}
		fa.rcode, fa.err = systemRCode(err)
		if err == nil {
			for _, a := range addrs {
				fa.addrs = append(fa.addrs, a.Unmap())
			}
		}
		return fa
	})
	return combineFamilies(host, "system", "system", fams[0], fams[1], true)
}

// systemRCode maps what the system resolver returned onto the DNS outcome
// codes. The standard library hides the response code, so this reads the
// *net.DNSError with care:
//   - IsNotFound: "no such host": NXDOMAIN (or, for one family, no records
//     of that type; combineFamilies sorts that out).
//   - IsTimeout or a context deadline: TIMEOUT.
//   - "server misbehaving" with IsTemporary: Go's resolver got SERVFAIL;
//     without IsTemporary it got REFUSED (or another error code).
//   - "temporary failure" (glibc's EAI_AGAIN, Windows' WSATRY_AGAIN): the
//     server failed or timed out and the C library does not say which:
//     SERVFAIL, with the library's words kept in the message.
//   - anything else (connection refused, no network): ERROR.
func systemRCode(err error) (rcode, msg string) {
	if err == nil {
		return rcodeNoError, ""
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return rcodeTimeout, "timeout"
	}
	if errors.Is(err, context.Canceled) {
		return rcodeError, "cancelled"
	}
	var de *net.DNSError
	if !errors.As(err, &de) {
		return rcodeError, errLine(err)
	}
	text := strings.ToLower(de.Err)
	switch {
	case de.IsNotFound:
		return rcodeNXDomain, "no such host"
	case de.IsTimeout:
		return rcodeTimeout, "timeout"
	case strings.Contains(text, "server misbehaving") && de.IsTemporary:
		return rcodeServFail, "server failure (SERVFAIL)"
	case strings.Contains(text, "server misbehaving"):
		return rcodeRefused, "the server refused the query (REFUSED or another error code)"
	case errors.Is(err, syscall.ECONNREFUSED) || strings.Contains(text, "connection refused"):
		return rcodeError, "no DNS server answers (connection refused): " + defaultClean(de.Err)
	case strings.Contains(text, "temporary failure") || strings.Contains(text, "temporary error"):
		return rcodeServFail, "temporary failure in name resolution (the server failed or did not answer)"
	}
	return rcodeError, defaultClean(de.Err)
}
