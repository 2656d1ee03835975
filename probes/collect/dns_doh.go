package collect

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/miekg/dns"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// dohTimeout bounds one DNS-over-HTTPS query: resolving the DoH server's
// own name, a TCP and TLS handshake and one HTTP exchange. Four seconds
// covers that on a slow link; the UDP resolvers answer in parallel.
const dohTimeout = 4 * time.Second

// dohIdleTimeout closes the DoH connection once a run is done with it. The
// lookups of one run start together and each ends within dohTimeout, so a
// connection idle that long will not be used again; nothing else closes
// the client, which every lookup of the run shares.
const dohIdleTimeout = dohTimeout

// maxDoHResponse caps a DoH response body: a DNS message is at most 64 KiB
// by its own length field, and an A or AAAA answer is a few hundred bytes.
const maxDoHResponse = 64 << 10

// dohClient sends RFC 8484 wire-format queries to one DoH endpoint. It
// connects directly (no proxy: this is a comparison of what the network
// itself lets through), finds the endpoint's address with the system
// resolver, dials through the world's dialer and verifies the certificate
// against the system store and the user's declared roots.
type dohClient struct {
	url    string
	client *http.Client
}

// dohLookup asks the DoH endpoint for a host's A and AAAA records.
type dohLookup func(ctx context.Context, host string) probes.ResolverAnswer

// newDoHLookup builds a run's DoH lookup, which every dns:lookup probe of
// the run shares (with its connection); nil when no DoH URL is configured.
// A URL that cannot be used gives every host an answer saying why.
func newDoHLookup(w probes.World, raw string) dohLookup {
	if raw == "" {
		return nil
	}
	c, err := newDoHClient(w, raw)
	if err != nil {
		bad := probes.ResolverAnswer{Resolver: sanitize.URL(raw), Transport: "doh", RCode: rcodeError, Error: err.Error()}
		return func(context.Context, string) probes.ResolverAnswer { return bad }
	}
	return func(ctx context.Context, host string) probes.ResolverAnswer { return dohAnswer(ctx, c, host) }
}

// newDoHClient checks the endpoint URL and builds its client.
func newDoHClient(w probes.World, raw string) (*dohClient, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		return nil, fmt.Errorf("doh: %q is not an https URL", sanitize.URL(raw))
	}
	if u.User != nil {
		return nil, fmt.Errorf("doh: %q carries credentials; not used", sanitize.URL(raw))
	}
	host := u.Hostname()
	clock := w.Clock
	if clock == nil {
		clock = probes.SystemClock{}
	}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, nf := dialViaWorld(ctx, w, addr, false, timeoutsFor(0, w.Limits))
			if nf != nil {
				return nil, nf
			}
			return c, nil
		},
		TLSClientConfig: &tls.Config{
			MinVersion: tls.VersionTLS12,
			// Verification happens in VerifyConnection, by the policy
			// every probe request follows (judgeChain).
			InsecureSkipVerify: true,
			VerifyConnection:   verifyOwnTrust(host, w.Trust, clock),
		},
		ForceAttemptHTTP2: true,
		// One connection carries every query of the run (HTTP/2 shares
		// it): the DoH server's name is resolved and dialled once.
		MaxConnsPerHost:        1,
		IdleConnTimeout:        dohIdleTimeout,
		TLSHandshakeTimeout:    dohTimeout,
		ResponseHeaderTimeout:  dohTimeout,
		MaxResponseHeaderBytes: 64 << 10,
		DisableCompression:     true,
	}
	return &dohClient{
		url: u.String(),
		client: &http.Client{
			Transport: tr,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return errors.New("doh: redirect refused")
			},
		},
	}, nil
}

// exchange sends one query as POST application/dns-message (RFC 8484
// section 4.1) with ID 0, as the RFC recommends for caching.
func (c *dohClient) exchange(ctx context.Context, m *dns.Msg) (*dns.Msg, error) {
	m.Id = 0
	wire, err := m.Pack()
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(wire))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/dns-message")
	req.Header.Set("Accept", "application/dns-message")
	resp, err := c.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is already named by the caller
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDoHResponse))
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/dns-message" {
		return nil, fmt.Errorf("answer is %q, not application/dns-message", sanitize.LineN(resp.Header.Get("Content-Type"), 64))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDoHResponse+1))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if len(body) > maxDoHResponse {
		return nil, fmt.Errorf("answer larger than %d bytes", maxDoHResponse)
	}
	r := new(dns.Msg)
	if err := r.Unpack(body); err != nil {
		return nil, fmt.Errorf("answer is not a DNS message: %v", err)
	}
	if len(r.Question) != 1 || !equalFoldName(r.Question[0].Name, m.Question[0].Name) || r.Question[0].Qtype != m.Question[0].Qtype {
		return nil, errors.New("answer is for a different question")
	}
	return r, nil
}

func equalFoldName(a, b string) bool { return dns.CanonicalName(a) == dns.CanonicalName(b) }

// dohAnswer asks the DoH endpoint for A and AAAA at once.
func dohAnswer(ctx context.Context, c *dohClient, host string) probes.ResolverAnswer {
	ctx, cancel := context.WithTimeout(ctx, dohTimeout)
	defer cancel()
	fams := bothFamilies(func(qtype uint16) familyAnswer {
		return queryFamily(qtype, func() (*dns.Msg, bool, error) {
			r, err := c.exchange(ctx, newQuery(host, qtype, dns.ClassINET))
			if err != nil && ctx.Err() == context.DeadlineExceeded {
				err = context.DeadlineExceeded
			}
			return r, false, err
		})
	})
	return combineFamilies(host, c.url, "doh", fams[0], fams[1], false)
}
