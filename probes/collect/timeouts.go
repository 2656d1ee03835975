package collect

import (
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// Network probe timeouts. A request chain must come back classified well
// inside the default 8 s run budget, and a stall in any one phase must be
// reported as that phase's stall ("TLS handshake stalled") before the probe's
// own limit ends, not as a bare "timed out". They are the limits under the
// default budget; timeoutsFor scales them to the run's.
const (
	// endpointTimeout bounds one request chain, redirects included. Six
	// seconds leaves two of the default eight for cells that start late on
	// a busy machine and for the derivations that read every cell.
	endpointTimeout = 6 * time.Second
	// dnsTimeout bounds one name lookup. A healthy resolver answers in well
	// under 200 ms even from across an ocean; after 2 s the answer is not
	// coming (Go's resolver would wait 5 s per try), and saying "DNS timed
	// out" is worth more than waiting. A long budget stretches it no
	// further than dnsQueryTimeout, the wait the other resolvers get: the
	// DNS probes' own limits are set around those two.
	dnsTimeout = 2 * time.Second
	// connectTimeout bounds the TCP connect over all addresses tried. Three
	// seconds covers one lost SYN (Linux retransmits after 1 s) but not a
	// blackhole, which is then reported as a connect timeout.
	connectTimeout = 3 * time.Second
	// tlsHandshakeTimeout bounds the TLS handshake: one or two round trips.
	// A ClientHello that gets no answer for 3 s is being dropped on purpose
	// (SNI filtering), which is the "tls-stall" this limit exists to name.
	tlsHandshakeTimeout = 3 * time.Second
	// responseHeaderTimeout bounds the wait for response headers after the
	// request is written. Cloudflare answers blocks and challenges from the
	// edge within a round trip; 4 s leaves room for a slow origin yet still
	// reports a request that vanished before the probe limit ends.
	responseHeaderTimeout = 4 * time.Second
	// bodyReadReserve is kept back from the probe's limit when reading a
	// body, so a body that drips or never ends is cut off, classified from
	// what arrived, and handed back before the engine stops waiting.
	bodyReadReserve = 300 * time.Millisecond
)

// maxLimitScale caps how far a long run budget stretches the limits above:
// four times the defaults (TLS 12 s, headers 16 s, the probe 24 s, reached
// at a 32 s budget). The slowest links people use (geostationary
// satellite at ~600 ms a round trip, a congested mobile link with seconds
// of queueing) finish each phase well inside that; a phase still silent
// after it is stalled, and waiting longer only delays the diagnosis.
const maxLimitScale = 4

// withDefaults is l with each zero field set to its constant.
func withDefaults(l probes.Limits) probes.Limits {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.Probe, endpointTimeout)
	def(&l.DNS, dnsTimeout)
	def(&l.Connect, connectTimeout)
	def(&l.TLS, tlsHandshakeTimeout)
	def(&l.Header, responseHeaderTimeout)
	def(&l.BodyReserve, bodyReadReserve)
	def(&l.DNSQuery, dnsQueryTimeout)
	def(&l.DNSRetransmit, dnsRetransmitAfter)
	def(&l.Command, commandTimeout)
	return l
}

// timeouts is the set of limits one probe runs under. The defaults are the
// constants above, scaled by the run budget against DefaultBudget: a
// shorter budget shrinks them so that probes still report their own phase
// before the budget cuts them off, and a longer one (--timeout 30s on a
// slow link) lengthens them, up to maxLimitScale.
type timeouts struct {
	Probe       time.Duration
	DNS         time.Duration
	Connect     time.Duration
	TLS         time.Duration
	Header      time.Duration
	BodyReserve time.Duration
	// ShortBudget is the run budget that shrank these limits below their
	// defaults, zero when it did not. A stall under a shrunk limit proves
	// nothing about the network: the result is unknown, not failed.
	ShortBudget time.Duration
}

// scaleLimit is a default limit d as a run with the given budget has it:
// in proportion to the budget, at most maxLimitScale times d.
func scaleLimit(budget, d time.Duration) time.Duration {
	if budget <= 0 {
		budget = probes.DefaultBudget
	}
	return time.Duration(float64(d) * min(float64(budget)/float64(probes.DefaultBudget), maxLimitScale))
}

// timeoutsFor returns the limits for a run with the given budget (zero
// means DefaultBudget), starting from lim (zero fields: the constants).
func timeoutsFor(budget time.Duration, lim probes.Limits) timeouts {
	if budget <= 0 {
		budget = probes.DefaultBudget
	}
	lim = withDefaults(lim)
	by := func(d time.Duration) time.Duration { return scaleLimit(budget, d) }
	t := timeouts{
		Probe:       by(lim.Probe),
		DNS:         min(by(lim.DNS), lim.DNSQuery),
		Connect:     by(lim.Connect),
		TLS:         by(lim.TLS),
		Header:      by(lim.Header),
		BodyReserve: by(lim.BodyReserve),
	}
	if budget < probes.DefaultBudget {
		t.ShortBudget = budget
	}
	return t
}
