package collect

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// h2ReceiveWindow is how much of a response an HTTP/2 server may send
// before the probe reads it. Go's default lets it push 4 MiB per stream
// (1 GiB per connection) into client memory; the probe reads at most the
// 256 KiB body cap, so a huge or fast page only filled buffers nobody
// reads, one per endpoint cell: with the lab's 1 GiB page that was most of
// the demo's peak memory. Twice the cap keeps a fast page flowing.
const h2ReceiveWindow = 2 * maxBody

// maxRedirects is how many redirect hops a request chain follows.
// chat.openai.com needs one (308 to chatgpt.com); a locale or login bounce
// may add one or two. More than five is a loop or a captive portal bouncing
// the client, and every hop costs a connection inside the probe's limit.
const maxRedirects = 5

// maxHeaderBytes bounds the response headers read. Block pages carry a few
// KiB of headers; a server sending megabytes of them is cut off.
const maxHeaderBytes = 64 << 10

// fetchSpec says how to make one request chain: the machinery every network
// probe (endpoint cells, edge trace, status page, API key) shares.
type fetchSpec struct {
	URL     string
	Variant probes.Variant
	// Header holds extra request headers (the browser set, Authorization).
	Header http.Header
	// DecodeBody says Header carries its own Accept-Encoding, so the body
	// is decoded here instead of by Go's transport.
	DecodeBody   bool
	MaxRedirects int
	BodyLimit    int64
	// Secret is masked wherever it would otherwise be recorded.
	Secret string
	// ExpectCloudflare asks for a note when the certificate issuer is not
	// one of Cloudflare's CAs.
	ExpectCloudflare bool
	Timeouts         timeouts
}

// fetchResult is what one request chain produced. Details is filled as far
// as the chain got; Fail is set when no response arrived.
type fetchResult struct {
	Details probes.EndpointDetails
	// Header and Body are the final response, raw, for the classifier.
	Header http.Header
	Body   []byte
	Fail   *netFailure
	// Cut is set when the redirect chain was stopped (loop, too many hops
	// or not followed), and says so in words.
	Cut     string
	CutCode string
	// BodyNote says why the body read stopped early, if it did.
	BodyNote string
	// ReceivedAt is the World clock when the response began, for skew.
	ReceivedAt time.Time
}

// fetcher carries the state of one request chain: the phase it is in and
// what each hook saw, so a failure can be named by the step it happened in.
type fetcher struct {
	w    probes.World
	spec fetchSpec
	// clean sanitises remote or user text for a result and masks the
	// spec's secret.
	clean func(string) string
	clock probes.Clock
	start time.Time
	// own is this probe's own deadline; a context deadline well before it
	// came from the run budget.
	own time.Time

	mu        sync.Mutex
	phase     string
	host      string // host of the hop in progress
	hopStart  time.Time
	dnsDur    time.Duration
	connDur   time.Duration
	tlsStart  time.Time
	tlsDur    time.Duration
	firstByte time.Duration
	clockAt   time.Time // world clock when the response began
	remote    string
	tlsByHost map[string]*probes.TLSDetails
	lastTLS   *probes.TLSDetails
	viaProxy  bool       // the hop being dialled goes through the proxy
	conns     []net.Conn // every connection dialled, closed when the fetch ends
	done      bool       // the fetch has ended: a late dial is closed at once
	usedProxy string
	connectSt int
	connectTx string
	redirects []probes.Redirect
	cut       string
	cutCode   string
}

// fetch runs one request chain through a fresh transport: names resolved
// through the World's resolver, addresses dialled through its dialer, the
// chain judged against its trust stores, no connection reused.
func fetch(ctx context.Context, w probes.World, spec fetchSpec) fetchResult {
	f := &fetcher{w: w, spec: spec, clean: cleanerFor(spec.Secret), clock: w.Clock, start: time.Now(), tlsByHost: map[string]*probes.TLSDetails{}}
	if f.clock == nil {
		f.clock = probes.SystemClock{}
	}
	f.own = f.start.Add(spec.Timeouts.Probe)
	ctx, cancel := context.WithDeadline(ctx, f.own)
	defer cancel()

	res := fetchResult{Details: probes.EndpointDetails{Variant: spec.Variant}}
	u, err := url.Parse(spec.URL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		res.Details.URL = f.clean(spec.URL)
		res.Fail = &netFailure{Step: "request", Code: "bad_url",
			Message: f.clean(fmt.Sprintf("request: %q is not an http(s) URL", spec.URL)),
			Reason:  "the target is not an http(s) URL"}
		return res
	}
	res.Details.URL = f.cleanURL(u)
	if w.Dialer == nil || w.Resolver == nil {
		res.Fail = &netFailure{Step: "request", Code: "no_world", Message: "request: " + u.Host + ": no dialer or resolver configured", Reason: "internal: the probe has no network to use"}
		return res
	}
	f.host = u.Hostname()

	tr := &http.Transport{
		Proxy:       f.proxyFor,
		DialContext: f.dial,
		TLSClientConfig: &tls.Config{
			// Verification is done in VerifyConnection, against three
			// root sets, so the chain is recorded even when it fails.
			// ServerName stays empty: the transport sets it per host,
			// which keeps SNI right across redirects and proxies.
			InsecureSkipVerify: true,
			VerifyConnection:   f.verify,
		},
		TLSHandshakeTimeout:    spec.Timeouts.TLS,
		ResponseHeaderTimeout:  spec.Timeouts.Header,
		DisableKeepAlives:      true,
		ForceAttemptHTTP2:      true,
		MaxResponseHeaderBytes: maxHeaderBytes,
		OnProxyConnectResponse: f.onProxyConnect,
		HTTP2: &http.HTTP2Config{
			MaxReceiveBufferPerStream:     h2ReceiveWindow,
			MaxReceiveBufferPerConnection: h2ReceiveWindow,
		},
	}
	// After a cancelled request net/http may go on dialling in the
	// background, its hooks still calling into f; CloseIdleConnections
	// cancels such a detached dial too.
	defer tr.CloseIdleConnections()
	defer f.closeConns()
	client := &http.Client{Transport: tr, CheckRedirect: f.checkRedirect}

	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, f.trace()), http.MethodGet, u.String(), nil)
	if err != nil {
		res.Fail = &netFailure{Step: "request", Code: "bad_url", Message: f.clean("request: " + err.Error()), Reason: "the target URL cannot be requested"}
		return res
	}
	for k, vs := range spec.Header {
		req.Header[k] = append([]string(nil), vs...)
	}

	resp, err := client.Do(req)
	if err != nil {
		nf := f.explain(ctx, err)
		if nf.Code == probes.FailureBadResponse {
			// Read what the answer says anyway, as curl would show it: the
			// status line and body of a block page survive a broken header.
			if raw, ok := f.reread(ctx, u); ok {
				f.fill(&res, "")
				body := raw.Body
				if spec.BodyLimit > 0 && int64(len(body)) > spec.BodyLimit {
					body = body[:spec.BodyLimit]
				}
				f.setAnswer(&res, raw.Status, raw.Proto, raw.Header, body)
				res.Cut = f.clean(brokenAnswer(raw, malformedDetail(rootErr(err))))
				res.CutCode = probes.FailureBadResponse
				return res
			}
		}
		res.Fail = cleanFailure(nf.underShortLimit(spec.Timeouts), f.clean)
		f.fill(&res, "")
		return res
	}
	defer resp.Body.Close()

	deadline, _ := ctx.Deadline() // the earlier of the probe's limit and the caller's
	body := readBody(resp, spec.BodyLimit, deadline.Add(-spec.Timeouts.BodyReserve), spec.DecodeBody)
	f.setAnswer(&res, resp.StatusCode, resp.Proto, resp.Header, body.Data)
	res.BodyNote = f.clean(body.Note)
	res.Details.BodyTruncated = body.Truncated
	f.mu.Lock()
	res.ReceivedAt = f.clockAt
	f.mu.Unlock()
	if res.ReceivedAt.IsZero() {
		res.ReceivedAt = f.clock.Now()
	}
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		skew := probes.Millis(d.Sub(res.ReceivedAt))
		res.Details.ClockSkew = &skew
	}
	final := ""
	if resp.Request != nil && resp.Request.URL != nil {
		final = resp.Request.URL.Hostname()
	}
	f.fill(&res, final)
	return res
}

// setAnswer records what the server answered, the same way whether Go's
// HTTP client read it or the lenient re-read of a broken answer did.
func (f *fetcher) setAnswer(res *fetchResult, status int, proto string, h http.Header, body []byte) {
	res.Header, res.Body = h, body
	res.Details.StatusCode, res.Details.HTTPVersion = status, proto
	res.Details.Headers = keptHeaders(h, f.clean)
	res.Details.BodyBytes = int64(len(body))
	res.Details.BodyExcerpt = excerpt(body, f.spec.Secret)
}

// fill copies what the hooks saw into the result.
func (f *fetcher) fill(res *fetchResult, finalHost string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := &res.Details
	d.Timings = probes.PhaseTimings{
		DNS:       probes.Millis(f.dnsDur),
		Connect:   probes.Millis(f.connDur),
		TLS:       probes.Millis(f.tlsDur),
		FirstByte: probes.Millis(f.firstByte),
		Total:     probes.Millis(time.Since(f.start)),
	}
	d.RemoteAddr = f.remote
	d.Proxy = f.usedProxy
	d.Redirects = append([]probes.Redirect(nil), f.redirects...)
	if t, ok := f.tlsByHost[finalHost]; ok && finalHost != "" {
		d.TLS = t
	} else {
		d.TLS = f.lastTLS
	}
	res.Cut, res.CutCode = f.cut, f.cutCode
	if res.Fail != nil {
		d.Failure = res.Fail.Code
	}
}

// proxyFor is the transport's proxy function: the proxy Go would use for
// each hop on the proxy route, none on the direct route.
func (f *fetcher) proxyFor(req *http.Request) (*url.URL, error) {
	if f.spec.Variant.Route != probes.RouteProxy {
		return nil, nil
	}
	pu, err := proxyFor(f.w, req.URL)
	if err != nil {
		// The parse error quotes the variable's value, which may hold a
		// password, so it is not repeated here.
		return nil, &netFailure{Step: "proxy", Code: "proxy_config",
			Message: "proxy: the proxy variable for " + req.URL.Scheme + " is not a valid URL",
			Reason:  "the proxy setting (HTTPS_PROXY / HTTP_PROXY) is not a valid URL"}
	}
	f.mu.Lock()
	// The transport asks before it dials each hop, one hop at a time, so
	// dial can tell a connection to the proxy from one to the target.
	f.viaProxy = pu != nil
	if pu != nil {
		f.usedProxy = sanitize.URL(pu.String())
	}
	f.mu.Unlock()
	return pu, nil
}

// dial resolves the host through the World's resolver (in the cell's
// family; the proxy's host in any family) and connects through the World's
// dialer, so every address this probe touches is one it chose and recorded.
func (f *fetcher) dial(ctx context.Context, _, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &netFailure{Step: "connect", Code: "bad_address", Message: "connect: bad address " + addr, Reason: "bad address " + addr, err: err}
	}
	f.mu.Lock()
	isProxy := f.viaProxy
	f.phase = "dns"
	f.mu.Unlock()
	step, family := "dns", f.spec.Variant.Family
	if isProxy {
		step, family = "proxy", probes.FamilyAny
	}

	t0 := time.Now()
	ips, nf := resolveAddrs(ctx, f.w.Resolver, step, host, family, f.spec.Timeouts.DNS)
	f.mu.Lock()
	f.dnsDur = time.Since(t0)
	f.phase = "connect"
	f.mu.Unlock()
	if nf != nil {
		if ctx.Err() != nil {
			return nil, f.ctxFailure(ctx, step, "resolving "+host)
		}
		return nil, nf
	}
	if step == "dns" {
		step = "connect"
	}
	t0 = time.Now()
	conn, err := dialAddrs(ctx, f.w.Dialer, ips, port, f.spec.Timeouts.Connect)
	if err != nil {
		if ctx.Err() != nil {
			return nil, f.ctxFailure(ctx, step, "connecting to "+addr)
		}
		return nil, connectFailed(step, f.spec.Variant.Family == probes.FamilyIPv6, err)
	}
	f.mu.Lock()
	if f.done {
		f.mu.Unlock()
		conn.Close()
		return nil, &netFailure{Step: step, Code: "cancelled", Cancelled: true, Message: step + ": " + addr + ": the probe had ended", Reason: "cancelled before it finished"}
	}
	f.conns = append(f.conns, conn)
	f.connDur = time.Since(t0)
	f.remote = conn.RemoteAddr().String()
	if isProxy {
		f.phase = "proxy"
	}
	f.mu.Unlock()
	return conn, nil
}

// closeConns closes every connection the fetch dialled once it has read
// what it needs. DisableKeepAlives closes an HTTP/1 connection after its
// response, but an HTTP/2 connection whose body the probe stopped reading
// early (the 256 KiB cap, a redirect) is closed only once its stream is
// cleaned up, which can come after CloseIdleConnections has run; it then
// stayed open, both ends' goroutines with it, until the server's idle
// timeout.
func (f *fetcher) closeConns() {
	f.mu.Lock()
	f.done = true
	conns := f.conns
	f.conns = nil
	f.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}

// verify is the TLS VerifyConnection hook: it judges the chain and aborts
// the handshake when this machine's own trust rejects it.
func (f *fetcher) verify(cs tls.ConnectionState) error {
	host := cs.ServerName
	if host == "" { // an IP address: no SNI was sent
		f.mu.Lock()
		host = f.host
		f.mu.Unlock()
	}
	d, err := judgeChain(cs, host, f.w.Trust, f.clock.Now(), f.spec.ExpectCloudflare)
	for i := range d.Chain {
		d.Chain[i].Subject = f.clean(d.Chain[i].Subject)
	}
	f.mu.Lock()
	f.tlsByHost[cs.ServerName] = d
	f.lastTLS = d
	f.mu.Unlock()
	return err
}

func (f *fetcher) onProxyConnect(_ context.Context, _ *url.URL, _ *http.Request, resp *http.Response) error {
	f.mu.Lock()
	f.connectSt = resp.StatusCode
	f.connectTx = resp.Status
	f.mu.Unlock()
	return nil
}

// checkRedirect follows at most MaxRedirects hops (none when the spec says
// so) and stops at the first URL seen before, recording every hop.
func (f *fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	from := via[len(via)-1].URL
	hop := probes.Redirect{To: f.cleanURL(req.URL), From: f.cleanURL(from)}
	if req.Response != nil {
		hop.Status = req.Response.StatusCode
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	chain := func() string {
		parts := make([]string, 0, len(via)+1)
		for _, v := range via {
			parts = append(parts, shortURL(v.URL))
		}
		return strings.Join(append(parts, shortURL(req.URL)), " -> ")
	}
	switch {
	case f.spec.MaxRedirects == 0:
		f.cut, f.cutCode = fmt.Sprintf("redirected (%d) to %s instead of answering", hop.Status, hop.To), "redirect_not_followed"
		return http.ErrUseLastResponse
	case len(via) > f.spec.MaxRedirects:
		f.cut, f.cutCode = fmt.Sprintf("more than %d redirects: %s", f.spec.MaxRedirects, f.clean(chain())), "too_many_redirects"
		return http.ErrUseLastResponse
	}
	for _, v := range via {
		if sameURL(v.URL, req.URL) {
			f.cut, f.cutCode = "redirect loop: "+f.clean(chain()), "redirect_loop"
			return http.ErrUseLastResponse
		}
	}
	f.redirects = append(f.redirects, hop)
	f.host = req.URL.Hostname()
	return nil
}

func sameURL(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host) &&
		a.EscapedPath() == b.EscapedPath() && a.RawQuery == b.RawQuery
}

// shortURL is host plus path, for loop descriptions; the query is left
// out as cleanURL leaves it out.
func shortURL(u *url.URL) string { return u.Host + u.EscapedPath() }

// trace records the phases of each hop.
func (f *fetcher) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn: func(string) {
			f.mu.Lock()
			f.hopStart = time.Now()
			f.dnsDur, f.connDur, f.tlsDur, f.firstByte = 0, 0, 0, 0
			f.remote, f.connectSt, f.connectTx = "", 0, ""
			f.phase = "connect"
			f.mu.Unlock()
		},
		GotConn: func(info httptrace.GotConnInfo) {
			f.mu.Lock()
			if info.Conn != nil && info.Conn.RemoteAddr() != nil {
				f.remote = info.Conn.RemoteAddr().String()
			}
			f.phase = "request"
			f.mu.Unlock()
		},
		TLSHandshakeStart: func() {
			f.mu.Lock()
			f.tlsStart = time.Now()
			f.phase = "tls"
			f.mu.Unlock()
		},
		// Version and ALPN are not taken here: judgeChain read them from
		// the same state in VerifyConnection, and writing into its
		// TLSDetails here could race with a result already handed back.
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			f.mu.Lock()
			f.tlsDur = time.Since(f.tlsStart)
			if err == nil {
				f.phase = "request"
			}
			f.mu.Unlock()
		},
		GotFirstResponseByte: func() {
			f.mu.Lock()
			f.firstByte = time.Since(f.hopStart)
			f.clockAt = f.clock.Now()
			f.phase = "read"
			f.mu.Unlock()
		},
	}
}

// explain turns the error client.Do returned into a classified failure,
// using the phase the hooks last reported.
func (f *fetcher) explain(ctx context.Context, err error) *netFailure {
	var nf *netFailure
	if errors.As(err, &nf) {
		return nf
	}
	var ce *chainError
	if errors.As(err, &ce) {
		return &netFailure{Step: "tls", Code: ce.Code, Message: ce.Error(), Reason: "TLS: " + ce.Host + ": " + ce.Detail, err: err}
	}
	f.mu.Lock()
	phase, host, st, stText, proxy := f.phase, f.host, f.connectSt, f.connectTx, f.usedProxy
	f.mu.Unlock()
	if st != 0 && st != http.StatusOK {
		return &netFailure{Step: "proxy", Code: "proxy_refused",
			Message: fmt.Sprintf("proxy: CONNECT %s via %s: %s", host, proxy, stText),
			Reason:  fmt.Sprintf("the proxy %s refused to connect to %s (%s)", proxy, host, stText), err: err}
	}
	if ctx.Err() != nil {
		return f.ctxFailure(ctx, phase, host)
	}
	kind := errKind(err)
	detail := rootErr(err)
	switch phase {
	case "tls":
		switch kind {
		case "timeout":
			return &netFailure{Step: "tls", Code: "tls_stall", Timeout: true, err: err,
				Limit: f.spec.Timeouts.TLS, During: "the TLS handshake with " + host,
				Message: fmt.Sprintf("tls: handshake with %s: no answer within %s", host, roundDur(f.spec.Timeouts.TLS)),
				Reason:  fmt.Sprintf("the TLS handshake with %s stalled: no answer within %s (something on the path may be dropping it by server name)", host, roundDur(f.spec.Timeouts.TLS))}
		case "reset", "eof":
			return &netFailure{Step: "tls", Code: "tls_reset", err: err,
				Message: fmt.Sprintf("tls: handshake with %s: %s", host, detail),
				Reason:  fmt.Sprintf("the connection was cut during the TLS handshake with %s (a firewall may be filtering by server name)", host)}
		}
		code := "tls_error"
		if strings.Contains(detail, "remote error") {
			code = "tls_alert"
		}
		return &netFailure{Step: "tls", Code: code, err: err,
			Message: fmt.Sprintf("tls: handshake with %s: %s", host, detail),
			Reason:  fmt.Sprintf("the TLS handshake with %s failed: %s", host, detail)}
	case "proxy":
		code := "proxy_error"
		if kind == "timeout" {
			code = timeoutCode("proxy")
		}
		return &netFailure{Step: "proxy", Code: code, Timeout: kind == "timeout", err: err,
			Message: fmt.Sprintf("proxy: CONNECT %s via %s: %s", host, proxy, detail),
			Reason:  fmt.Sprintf("the proxy %s failed to connect to %s: %s", proxy, host, detail)}
	case "request", "connect", "read":
		switch kind {
		case "timeout":
			return &netFailure{Step: "request", Code: "header_timeout", Timeout: true, err: err,
				Limit: f.spec.Timeouts.Header, During: "the request to " + host,
				Message: fmt.Sprintf("request: %s: no response headers within %s", host, roundDur(f.spec.Timeouts.Header)),
				Reason:  fmt.Sprintf("%s accepted the request but sent no response within %s", host, roundDur(f.spec.Timeouts.Header))}
		case "reset":
			return &netFailure{Step: "request", Code: probes.FailureReset, err: err,
				Message: fmt.Sprintf("request: %s: connection reset before a response", host),
				Reason:  fmt.Sprintf("the connection to %s was reset after the request was sent", host)}
		case "eof":
			return &netFailure{Step: "request", Code: "closed", err: err,
				Message: fmt.Sprintf("request: %s: connection closed before a response", host),
				Reason:  fmt.Sprintf("%s closed the connection without answering", host)}
		}
		detail = malformedDetail(detail)
		return &netFailure{Step: "request", Code: probes.FailureBadResponse, err: err,
			Message: fmt.Sprintf("request: %s: %s", host, detail),
			Reason:  fmt.Sprintf("%s sent no usable HTTP response: %s", host, detail)}
	}
	return &netFailure{Step: "request", Code: "request_error", Timeout: kind == "timeout", err: err,
		Message: fmt.Sprintf("request: %s: %s", host, detail),
		Reason:  fmt.Sprintf("the request to %s failed: %s", host, detail)}
}

// malformedDetail shortens Go's complaint about a broken response and drops
// the quoted bytes it carries: they are the server's text, possibly crafted,
// and the complaint alone says what went wrong.
func malformedDetail(detail string) string {
	detail = strings.TrimPrefix(detail, "net/http: HTTP/1.x transport connection broken: ")
	if i := strings.IndexByte(detail, '"'); i > 0 {
		detail = strings.TrimRight(detail[:i], ": ")
	}
	return detail
}

// ctxFailure explains the probe context that ended during step.
func (f *fetcher) ctxFailure(ctx context.Context, step, what string) *netFailure {
	return ctxFailure(ctx, step, what, f.own, f.spec.Timeouts.Probe)
}

// timeoutCode is the failure code of a stall in a step, the same whichever
// limit (the phase's or the probe's) noticed it first. Everything on the
// way to a proxy (its name, its connect, its CONNECT) is the proxy step.
func timeoutCode(step string) string {
	switch step {
	case "dns":
		return "dns_timeout"
	case "connect":
		return "connect_timeout"
	case "tls":
		return "tls_stall"
	case "proxy":
		return "proxy_timeout"
	}
	return "header_timeout"
}

func stepWords(step string) string {
	switch step {
	case "dns":
		return "the DNS lookup"
	case "connect":
		return "the TCP connect"
	case "proxy":
		return "the proxy connection"
	case "tls":
		return "the TLS handshake"
	}
	return "the request"
}

// cleanURL prints a URL for a result: sanitised, without credentials,
// query or fragment (a portal's redirect carries session tokens and the
// machine's MAC address in its query).
func (f *fetcher) cleanURL(u *url.URL) string { return f.clean(bareURL(u)) }

// bareURL is u without credentials, query and fragment.
func bareURL(u *url.URL) string {
	c := *u
	c.User, c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = nil, "", false, "", ""
	return c.String()
}

// bareLocation is a Location header value as bareURL prints it, resolved
// against base when base is not nil. A value that does not parse is masked
// whole: it may still hold what bareURL would have dropped.
func bareLocation(base *url.URL, loc string) string {
	loc, _, _ = strings.Cut(loc, "#")
	loc, _, _ = strings.Cut(loc, "?")
	u, err := url.Parse(strings.TrimSpace(loc))
	if err != nil {
		return sanitize.Redacted
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	return bareURL(u)
}
