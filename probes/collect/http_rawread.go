package collect

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// rawReadCap bounds what a re-read keeps of a broken answer: the status
// line, the headers and the start of the body, which is where a block
// page's code ("error code: 1020") sits.
const rawReadCap = 64 << 10

// rawAnswer is a response Go's parser rejected, read the way curl would:
// the status line and whatever headers and body bytes arrived, with what
// broke HTTP named.
type rawAnswer struct {
	Status int
	Proto  string
	Header http.Header
	Body   []byte
	// Violations name what breaks the protocol, one short phrase each
	// ("a header line without a colon", "a control byte (ESC) in a header
	// line", "the body stops at 12 of 40 bytes").
	Violations []string
}

// parseRaw reads a response the lenient way: a status line that starts
// with HTTP/1.x and a three-digit code, header lines up to the first empty
// line (a line without a colon or with control bytes is noted and
// skipped, as curl shows it and moves on), then the body. Header values
// lose their control bytes here: they are remote text. complete says the
// connection ended (rather than the cap or a deadline cutting the read),
// so a body shorter than Content-Length is a truncation.
func parseRaw(b []byte, complete bool) (rawAnswer, bool) {
	var a rawAnswer
	line, rest, ok := cutLine(b)
	if !ok {
		line, rest = b, nil
	}
	fields := strings.Fields(string(line))
	if len(fields) < 2 || !strings.HasPrefix(fields[0], "HTTP/1.") || len(fields[1]) != 3 {
		return a, false
	}
	code, err := strconv.Atoi(fields[1])
	if err != nil || code < 100 {
		return a, false
	}
	a.Status, a.Proto, a.Header = code, sanitize.Line(fields[0]), http.Header{}
	noColon, controls, ended := false, false, false
	for len(rest) > 0 {
		line, rest, ok = cutLine(rest)
		if !ok { // the headers never ended
			a.Violations = append(a.Violations, "the headers never end")
			rest = nil
			break
		}
		if len(line) == 0 {
			ended = true
			break
		}
		if hasControl(line) {
			controls = true
		}
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found {
			noColon = true
			continue
		}
		n := strings.TrimSpace(string(name))
		// A name must be plain text: no control byte, and nothing
		// sanitising would remove (a bidi override, invalid UTF-8).
		if n == "" || hasControl(name) || strings.ContainsAny(n, " \t") || sanitize.Line(n) != n {
			continue
		}
		a.Header.Add(n, strings.TrimSpace(sanitize.Line(string(value))))
	}
	if controls {
		a.Violations = append(a.Violations, "a control byte (such as ESC) in a header line")
	}
	if noColon {
		a.Violations = append(a.Violations, "a header line without a colon")
	}
	if !ended {
		rest = nil
	}
	a.Body = rest
	if cl, err := strconv.Atoi(a.Header.Get("Content-Length")); err == nil && complete && len(a.Body) < cl {
		a.Violations = append(a.Violations, fmt.Sprintf("the body stops at %d of the %d bytes it announced", len(a.Body), cl))
	}
	return a, true
}

// cutLine splits at the first line end (CRLF, or a bare LF as lenient
// readers accept).
func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil, false
	}
	return bytes.TrimSuffix(b[:i], []byte("\r")), b[i+1:], true
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return true
		}
	}
	return false
}

// reread asks the host of the failed hop again over a connection of its
// own and reads the answer's bytes itself, for a response Go's parser
// rejected: what the answer says (a 403 with "error code: 1020") is
// evidence the parser's complaint alone loses. Only direct requests are
// re-read; the chain was judged on the first connection, so this one only
// reads. It reports false when the bytes hold no status line either.
func (f *fetcher) reread(ctx context.Context, u *url.URL) (rawAnswer, bool) {
	f.mu.Lock()
	host, proxied := f.host, f.usedProxy != ""
	f.mu.Unlock()
	if proxied || host == "" {
		return rawAnswer{}, false
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[u.Scheme]
	}
	path := u.RequestURI()
	if host != u.Hostname() {
		path = "/" // a later hop of a redirect chain
	}
	g := &fetcher{w: f.w, spec: f.spec, clean: f.clean, clock: f.clock, start: time.Now(), own: f.own, host: host, tlsByHost: map[string]*probes.TLSDetails{}}
	conn, err := g.dial(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return rawAnswer{}, false
	}
	defer conn.Close()
	deadline := time.Now().Add(f.spec.Timeouts.Header + f.spec.Timeouts.BodyReserve)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetDeadline(deadline)
	if u.Scheme == "https" {
		tc := tls.Client(conn, &tls.Config{ServerName: host, InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
		if err := tc.HandshakeContext(ctx); err != nil {
			return rawAnswer{}, false
		}
		conn = tc
	}
	var req strings.Builder
	fmt.Fprintf(&req, "GET %s HTTP/1.1\r\nHost: %s\r\n", path, host)
	for k, vs := range f.spec.Header {
		for _, v := range vs {
			fmt.Fprintf(&req, "%s: %s\r\n", k, v)
		}
	}
	if f.spec.Header.Get("User-Agent") == "" {
		req.WriteString("User-Agent: Go-http-client/1.1\r\n")
	}
	req.WriteString("Accept-Encoding: identity\r\nConnection: close\r\n\r\n")
	if _, err := io.WriteString(conn, req.String()); err != nil {
		return rawAnswer{}, false
	}
	b, err := io.ReadAll(io.LimitReader(conn, rawReadCap))
	complete := err == nil && len(b) < rawReadCap
	return parseRaw(b, complete)
}

// brokenAnswer is the cut reason for a re-read answer: what it says, then
// what broke HTTP.
func brokenAnswer(a rawAnswer, parserSaid string) string {
	why := a.Violations
	if len(why) == 0 && parserSaid != "" {
		why = []string{parserSaid}
	}
	if len(why) == 0 {
		why = []string{"a framing error"}
	}
	return fmt.Sprintf("a broken HTTP answer (%s); read the way curl reads it, it says HTTP %d", strings.Join(why, ", "), a.Status)
}
