package collect

import (
	"context"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

// countingDialer counts the connections opened to one address.
type countingDialer struct {
	probes.Dialer
	addr string
	n    *atomic.Int32
}

func (c countingDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if address == c.addr {
		c.n.Add(1)
	}
	return c.Dialer.DialContext(ctx, network, address)
}

// TestDoHConnectionSharedByTheRun: the dns:lookup probes of one run, each
// asking for A and AAAA, share one DoH client and so one connection: the
// DoH server's name is resolved and dialled once, not per probe and query.
func TestDoHConnectionSharedByTheRun(t *testing.T) {
	t.Parallel()
	doh := honest()
	doh.HoldUntil = 6 // A and AAAA for each of the three hosts
	lab := newDNSLab(t, honest(), honest(), honest(), doh)
	var dials atomic.Int32
	lab.world.Dialer = countingDialer{Dialer: lab.world.Dialer, addr: dohLogical, n: &dials}
	var lookups []probes.Probe
	for _, p := range dnsProbes(lab.cfg, lab.world) {
		if strings.HasPrefix(p.ID, "dns:lookup:") {
			lookups = append(lookups, p)
		}
	}
	if len(lookups) != 3 {
		t.Fatalf("want three lookups (HoldUntil counts their queries), got %d", len(lookups))
	}
	var wg sync.WaitGroup
	for _, p := range lookups {
		wg.Go(func() {
			r := runProbe(t, p)
			d := r.Details.(*probes.DNSLookupDetails)
			if a := findAnswer(t, d, probes.DefaultDoHURL); a.RCode == rcodeError || a.RCode == rcodeTimeout {
				t.Errorf("%s: DoH answer %+v", p.ID, a)
			}
		})
	}
	wg.Wait()
	if n := dials.Load(); n != 1 {
		t.Errorf("%d connections to the DoH server for %d lookups, want 1", n, len(lookups))
	}
}
