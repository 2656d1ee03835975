package lab

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// The test client stands in for the probes (written elsewhere): it
// resolves through World.Resolver, dials through World.Dialer and trusts
// World.Trust.System, exactly as a probe must.

const (
	browserUA     = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/145.0.0.0 Safari/537.36"
	browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
	// bodyCap is what the endpoint probe reads at most.
	bodyCap = 256 << 10
	// okWait bounds a request expected to succeed; only a broken lab
	// reaches it.
	okWait = 20 * time.Second
	// timeoutWait is how long a request expected to time out is given:
	// long enough that a lab that does answer is seen answering (it
	// answers on loopback within milliseconds, tens under -race on a
	// loaded machine).
	timeoutWait  = 300 * time.Millisecond
	maxRedirects = 10
)

type fetchOpts struct {
	variant probes.Variant
	// header adds or replaces request headers.
	header http.Header
	method string
	body   io.Reader
	// wait bounds the request up to the response headers.
	wait time.Duration
	// bodyWait bounds reading the body after the headers (drip-body).
	bodyWait time.Duration
	roots    *x509.CertPool
}

type fetchResult struct {
	status    int
	header    http.Header
	body      []byte
	truncated bool
	err       error
	failure   string
	elapsed   time.Duration
	tls       *tls.ConnectionState
	redirects []string
}

var errTooManyRedirects = errors.New("stopped after too many redirects")

func variant(route, family, headers string) probes.Variant {
	return probes.Variant{Route: route, Family: family, Headers: headers}
}

// clientFor builds an http.Client on the World for one variant.
func clientFor(t testing.TB, w probes.World, o fetchOpts, redirects *[]string) *http.Client {
	t.Helper()
	network := "ip4"
	if o.variant.Family == probes.FamilyIPv6 {
		network = "ip6"
	}
	roots := o.roots
	if roots == nil {
		roots = w.Trust.System
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, nw, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if ip, err := netip.ParseAddr(host); err == nil {
				return w.Dialer.DialContext(ctx, nw, netip.AddrPortFrom(ip, mustPort(port)).String())
			}
			ips, err := w.Resolver.LookupNetIP(ctx, network, host)
			if err != nil {
				return nil, err
			}
			return w.Dialer.DialContext(ctx, "tcp", netip.AddrPortFrom(ips[0], mustPort(port)).String())
		},
		TLSClientConfig:   &tls.Config{RootCAs: roots},
		ForceAttemptHTTP2: true,
		DisableKeepAlives: true,
	}
	if o.variant.Route == probes.RouteProxy {
		raw, ok := w.LookupEnv("HTTPS_PROXY")
		if !ok {
			t.Fatal("proxy variant but no HTTPS_PROXY in the lab environment")
		}
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("HTTPS_PROXY %q: %v", raw, err)
		}
		tr.Proxy = http.ProxyURL(u)
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			*redirects = append(*redirects, req.URL.String())
			if len(via) >= maxRedirects {
				return errTooManyRedirects
			}
			return nil
		},
	}
}

func mustPort(p string) uint16 {
	n, _ := strconv.Atoi(p)
	return uint16(n)
}

// fetch performs one request the way a probe would and classifies any
// transport failure.
func fetch(t testing.TB, w probes.World, rawURL string, o fetchOpts) fetchResult {
	t.Helper()
	if o.wait == 0 {
		o.wait = okWait
	}
	if o.bodyWait == 0 {
		o.bodyWait = okWait
	}
	if o.method == "" {
		o.method = http.MethodGet
	}
	var res fetchResult
	c := clientFor(t, w, o, &res.redirects)
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	headerTimer := time.AfterFunc(o.wait, cancel)
	req, err := http.NewRequestWithContext(ctx, o.method, rawURL, o.body)
	if err != nil {
		t.Fatal(err)
	}
	if o.variant.Headers == probes.HeadersBrowser {
		req.Header.Set("User-Agent", browserUA)
		req.Header.Set("Accept", browserAccept)
		req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	}
	for k, v := range o.header {
		req.Header[k] = v
	}
	start := time.Now()
	resp, err := c.Do(req)
	headerTimer.Stop()
	res.elapsed = time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
		}
		res.err, res.failure = err, classifyFailure(err)
		return res
	}
	defer resp.Body.Close()
	res.status, res.header, res.tls = resp.StatusCode, resp.Header, resp.TLS
	bodyTimer := time.AfterFunc(o.bodyWait, cancel)
	defer bodyTimer.Stop()
	res.body, err = io.ReadAll(io.LimitReader(resp.Body, bodyCap+1))
	if len(res.body) > bodyCap {
		res.body, res.truncated = res.body[:bodyCap], true
	}
	if err != nil {
		res.truncated = true
	}
	return res
}

// classifyFailure maps a client error to a Failure* class.
func classifyFailure(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.Is(err, errTooManyRedirects):
		return FailureRedirects
	case errors.As(err, &dnsErr):
		return FailureDNS
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr):
		return FailureTLS
	// The message checks cover Windows, whose socket errors do not match
	// the syscall constants.
	case errors.Is(err, syscall.ECONNREFUSED), strings.Contains(err.Error(), "actively refused"):
		return FailureRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		strings.Contains(err.Error(), "forcibly closed"), strings.Contains(err.Error(), "connection reset"):
		return FailureReset
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return FailureTimeout
	case strings.Contains(err.Error(), "malformed"):
		return FailureProtocol
	}
	return "other: " + err.Error()
}

var (
	reCodePlain  = regexp.MustCompile(`^\s*error code:\s*(\d{3,5})\s*$`)
	reCodeLabel  = regexp.MustCompile(`code-label">\s*Error code\s*<span>(\d{3,5})</span>`)
	reCodeHeader = regexp.MustCompile(`cf-error-code">(\d{3,5})<`)
	reCodeJSON   = regexp.MustCompile(`"error_code":\s*(\d{3,5})`)
	reCodeMD     = regexp.MustCompile(`(?m)^error_code:\s*(\d{3,5})$`)
)

// bodyCode finds the Cloudflare code a page states, 0 if none.
func bodyCode(body []byte) int {
	for _, re := range []*regexp.Regexp{reCodePlain, reCodeLabel, reCodeHeader, reCodeJSON, reCodeMD} {
		if m := re.FindSubmatch(body); m != nil {
			n, _ := strconv.Atoi(string(m[1]))
			return n
		}
	}
	return 0
}

// startLab starts a scenario and closes it when the test ends.
func startLab(t testing.TB, name string, opts Options) *Lab {
	t.Helper()
	l, err := Start(name, opts)
	if err != nil {
		t.Fatalf("Start(%q): %v", name, err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l
}
