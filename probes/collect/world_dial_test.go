package collect

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// TestDialViaWorldSplitsTheConnectLimit: the first address of a name is
// blackholed; it gets only part of the connect limit, so the second is
// still tried and the helper connects instead of waiting out its context.
func TestDialViaWorldSplitsTheConnectLimit(t *testing.T) {
	t.Parallel()
	open := identListen(t, func(c net.Conn) { c.Close() })
	w := probes.World{
		Resolver: identResolver{"wpad.corp.example": {netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("10.1.2.4")}},
		Dialer:   hangDialer{Dialer: identMapped(map[string]string{"10.1.2.4:80": open}), addr: "10.1.2.3:80"},
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tm := timeoutsFor(0, probes.Limits{})
	// The hung first address waits out its half; the second, on loopback,
	// has the other half, 1 s: 150 ms (a 300 ms limit) was once not enough
	// in CI with every package's tests running at once.
	tm.Connect = 2 * time.Second
	c, nf := dialViaWorld(ctx, w, "wpad.corp.example:80", false, tm)
	if nf != nil {
		t.Fatalf("dial: %+v", nf)
	}
	c.Close()

	// Both blackholed: a connect timeout naming the first address, well
	// before the context ends.
	w.Resolver = identResolver{"wpad.corp.example": {netip.MustParseAddr("10.1.2.3")}}
	_, nf = dialViaWorld(ctx, w, "wpad.corp.example:80", true, tm)
	if nf == nil || nf.Code != "proxy_timeout" || nf.Step != "proxy" || ctx.Err() != nil {
		t.Errorf("blackholed proxy: %+v", nf)
	}
}

// slowFamilyResolver answers an IPv6 lookup slowly with no records and an
// any-family lookup after a short wait, like a slow resolver for a name
// with only IPv4 addresses.
type slowFamilyResolver struct{ v6, any time.Duration }

func (r slowFamilyResolver) LookupNetIP(ctx context.Context, network, _ string) ([]netip.Addr, error) {
	wait := r.any
	if network == "ip6" {
		wait = r.v6
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(wait):
	}
	if network == "ip6" {
		return nil, nil
	}
	return []netip.Addr{netip.MustParseAddr("104.18.32.47")}, nil
}

func (slowFamilyResolver) LookupTXT(context.Context, string) ([]string, error) { return nil, nil }

// TestResolveAddrsMissingFamilyOwnLimit: the first lookup uses most of the
// DNS limit; the lookup that tells "no IPv6 address" from "no such name"
// gets a limit of its own, so a slow resolver does not turn a missing
// family into NXDOMAIN.
func TestResolveAddrsMissingFamilyOwnLimit(t *testing.T) {
	t.Parallel()
	r := slowFamilyResolver{v6: 300 * time.Millisecond, any: 150 * time.Millisecond}
	_, nf := resolveAddrs(context.Background(), r, "dns", "chatgpt.com", probes.FamilyIPv6, 400*time.Millisecond)
	if nf == nil || nf.Code != "no_address" || nf.status() != probes.StatusSkipped {
		t.Errorf("got %+v, want no_address (skipped)", nf)
	}
}
