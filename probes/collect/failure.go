package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// netFailure is a transport failure, classified: the step it happened in, a
// stable code rules can match, a technical message naming target and step,
// and a reason in words a user understands.
type netFailure struct {
	// Step is dns, connect, proxy, tls, request or read.
	Step string
	// Code is a stable class: nxdomain, servfail, dns_refused, dns_error,
	// dns_timeout, no_address,
	// refused, reset, connect_timeout, unreachable, host_unreachable,
	// tls_stall, tls_reset, tls_untrusted, tls_hostname, tls_expired,
	// tls_alert, proxy_config, proxy_refused, header_timeout, closed,
	// bad_response, cancelled, budget …
	Code    string
	Message string
	Reason  string
	Timeout bool
	// Limit is the limit that ran out and During the step it stopped, in
	// words ("the TLS handshake with chatgpt.com"), for a timeout; Limit
	// is zero when the limit is not known.
	Limit  time.Duration
	During string
	// NotApplicable says the cell cannot be measured here (the host has
	// no address in this family, or this machine no route for it): the
	// result is skipped rather than failed.
	NotApplicable bool
	// Cancelled says the run, not the network, ended the probe: the result
	// is unknown.
	Cancelled bool
	err       error
}

func (e *netFailure) Error() string { return e.Message }
func (e *netFailure) Unwrap() error { return e.err }

// status is the result status this failure gives.
func (e *netFailure) status() probes.Status {
	switch {
	case e.Cancelled:
		return probes.StatusUnknown
	case e.NotApplicable:
		return probes.StatusSkipped
	}
	return probes.StatusFail
}

// stepError is the failure as a StepError.
func (e *netFailure) stepError() *probes.StepError {
	return &probes.StepError{Step: e.Step, Message: e.Message, Timeout: e.Timeout}
}

// dnsFailure classifies a failed lookup of host. NXDOMAIN (the name does
// not exist), SERVFAIL (the resolver could not answer), REFUSED (it would
// not), a timeout (no answer at all) and other errors (no resolver to ask)
// point at different culprits, so they are kept apart; systemRCode reads
// them from the error as it does for the dns:lookup probe.
func dnsFailure(step, host, family string, err error, limit time.Duration) *netFailure {
	what := "resolve " + host
	if step == "proxy" {
		what = "resolve proxy host " + host
	}
	if family == probes.FamilyIPv4 || family == probes.FamilyIPv6 {
		what += " (" + probes.FamilyLabel(family) + ")"
	}
	f := &netFailure{Step: step, err: err}
	rcode, words := systemRCode(err)
	if isTimeout(err) {
		rcode = rcodeTimeout
	}
	f.Message = fmt.Sprintf("%s: %s via the system resolver: %s", step, what, words)
	switch rcode {
	case rcodeNXDomain:
		f.Code = "nxdomain"
		f.Reason = fmt.Sprintf("DNS: %s does not exist according to this machine's resolver (NXDOMAIN)", host)
		f.Message = fmt.Sprintf("%s: %s via the system resolver: NXDOMAIN", step, what)
	case rcodeTimeout:
		f.Code, f.Timeout, f.Limit, f.During = timeoutCode(step), true, limit, "the DNS lookup of "+strings.TrimPrefix(what, "resolve ")
		f.Reason = fmt.Sprintf("DNS: no answer for %s within %s (the resolver is unreachable or silent)", host, roundDur(limit))
		f.Message = fmt.Sprintf("%s: %s via the system resolver: timeout after %s", step, what, roundDur(limit))
	case rcodeServFail:
		f.Code = "servfail"
		f.Reason = fmt.Sprintf("DNS: the resolver failed to answer for %s: %s", host, words)
	case rcodeRefused:
		f.Code = "dns_refused"
		f.Reason = fmt.Sprintf("DNS: the resolver would not answer for %s: %s", host, words)
	default:
		f.Code = "dns_error"
		f.Reason = fmt.Sprintf("DNS: could not resolve %s: %s", host, words)
	}
	if step == "proxy" {
		if !f.Timeout { // a timeout's code already names its step
			f.Code = "proxy_" + f.Code
		}
		f.Reason = "proxy " + f.Reason
	}
	return f
}

// connectFailure classifies a failed TCP connect to addr. Refused (an
// answer: nothing listens, or a firewall rejects), reset, timeout (packets
// silently dropped) and unreachable (no route) are kept apart. ipv6Cell
// says the request was asked to use IPv6 only, so a machine without an
// IPv6 route makes it not applicable rather than failed.
func connectFailure(step, addr string, ipv6Cell bool, err error, limit time.Duration) *netFailure {
	f := &netFailure{Step: step, err: err}
	who := addr
	if step == "proxy" {
		who = "the proxy at " + addr
	}
	kind := errKind(err)
	switch kind {
	case "refused":
		f.Code = "refused"
		f.Reason = fmt.Sprintf("connection to %s refused (nothing listens there, or a firewall rejects it)", who)
	case "reset":
		f.Code = probes.FailureReset
		f.Reason = fmt.Sprintf("connection to %s was reset while connecting", who)
	case "timeout":
		f.Code, f.Timeout, f.Limit, f.During = timeoutCode(step), true, limit, "the TCP connect to "+who
		f.Reason = fmt.Sprintf("no answer when connecting to %s within %s (packets are being dropped)", who, roundDur(limit))
	case "unreachable":
		f.Code = "unreachable"
		f.Reason = fmt.Sprintf("this machine has no route to %s", who)
		if ipv6Cell && step == "connect" {
			f.NotApplicable = true
			f.Reason = fmt.Sprintf("this machine has no IPv6 route (connecting to %s: network is unreachable)", addr)
		}
	case "host_unreachable":
		f.Code = "host_unreachable"
		f.Reason = fmt.Sprintf("%s is unreachable from this machine (host unreachable)", who)
	default:
		f.Code = "connect_error"
		f.Reason = fmt.Sprintf("could not connect to %s: %v", who, rootErr(err))
	}
	f.Message = fmt.Sprintf("%s: connect to %s: %s", step, addr, errText(kind, err))
	if step == "proxy" && !f.Timeout { // a timeout's code already names its step
		f.Code = "proxy_" + f.Code
	}
	return f
}

// errKind names the socket-level cause of err, from the errno where the
// platform gives one and from the error text otherwise.
func errKind(err error) string {
	if err == nil {
		return ""
	}
	if k := sysErrKind(err); k != "" {
		return k
	}
	if isTimeout(err) {
		return "timeout"
	}
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "actively refused"):
		return "refused"
	case strings.Contains(msg, "connection reset"), strings.Contains(msg, "forcibly closed"), strings.Contains(msg, "broken pipe"):
		return "reset"
	case strings.Contains(msg, "network is unreachable"):
		return "unreachable"
	case strings.Contains(msg, "no route to host"):
		return "host_unreachable"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), strings.HasSuffix(msg, "eof"):
		return "eof"
	}
	return ""
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// errText is the short technical text for an error of the given kind.
func errText(kind string, err error) string {
	switch kind {
	case "refused":
		return "connection refused"
	case "reset":
		return "connection reset"
	case "timeout":
		return "timeout"
	case "unreachable":
		return "network is unreachable"
	case "host_unreachable":
		return "no route to host"
	}
	return rootErr(err)
}

// rootErr strips the wrappers url.Error, net.OpError and os.SyscallError
// add ("Get \"https://…\": dial tcp …: connect:") so a message states the
// cause once; the caller names target and step itself.
func rootErr(err error) string {
	for {
		switch e := err.(type) {
		case *url.Error:
			err = e.Err
			continue
		case *net.OpError:
			if e.Err != nil {
				err = e.Err
				continue
			}
		case *os.SyscallError:
			if e.Err != nil {
				err = e.Err
				continue
			}
		}
		return err.Error()
	}
}

// ctxFailure explains a probe context that ended during step: cancelled
// by the run, cut by the run budget (both unknown: the network was not at
// fault), or the probe's own limit, which ends at own after limit (a
// timeout in the step that was running).
func ctxFailure(ctx context.Context, step, what string, own time.Time, limit time.Duration) *netFailure {
	if step == "" || step == "read" {
		step = "request"
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return &netFailure{Step: step, Code: "cancelled", Cancelled: true,
			Message: fmt.Sprintf("%s: %s: cancelled", step, what), Reason: "cancelled before it finished"}
	}
	// The engine starts the probe's clock a moment before Run starts its
	// own; a deadline more than a tenth of the probe's limit early came
	// from the run budget, not from this probe's limit.
	if dl, ok := ctx.Deadline(); ok && dl.Before(own.Add(-limit/10)) {
		return &netFailure{Step: step, Code: "budget", Cancelled: true, Timeout: true,
			Message: fmt.Sprintf("%s: %s: the run budget ran out", step, what),
			Reason:  fmt.Sprintf("the run budget ran out during %s", stepWords(step))}
	}
	return &netFailure{Step: step, Code: timeoutCode(step), Timeout: true, Limit: limit, During: stepWords(step) + " (" + what + ")",
		Message: fmt.Sprintf("%s: %s: no progress within the probe's %s limit", step, what, roundDur(limit)),
		Reason:  fmt.Sprintf("timed out during %s (%s)", stepWords(step), what)}
}

// underShortLimit is f as it reads when the run budget had shrunk the
// limits below their defaults (tm.ShortBudget): a stall under a shortened
// limit proves nothing about the network, so it is unknown with code
// budget, and the reason says how to get an answer. A stall under a full
// limit is left a failure: a blackhole is a finding.
func (f *netFailure) underShortLimit(tm timeouts) *netFailure {
	if !f.Timeout || f.Cancelled || tm.ShortBudget <= 0 {
		return f
	}
	within, during := "in time", f.During
	if f.Limit > 0 {
		within = "within " + roundDur(f.Limit)
	}
	if during == "" {
		during = stepWords(f.Step)
	}
	budget := roundDur(tm.ShortBudget)
	c := *f
	c.Code, c.Cancelled = "budget", true
	c.Message = fmt.Sprintf("%s (a limit shortened by --timeout %s)", f.Message, budget)
	c.Reason = fmt.Sprintf("too short to tell: no answer %s during %s, a limit shortened by --timeout %s; try a longer --timeout", within, during, budget)
	return &c
}

// roundDur prints a limit the way people read it ("3s", "750ms"). A limit
// under a millisecond (--timeout 1ms leaves a phase a fraction of it) is
// "under 1ms": rounded, it would read "within 0s".
func roundDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d > 0 && d < time.Millisecond:
		return "under 1ms"
	}
	return d.Round(time.Millisecond).String()
}

// cleanFailure passes every string of a failure through clean, the
// sanitiser and secret masker of the request that failed.
func cleanFailure(f *netFailure, clean func(string) string) *netFailure {
	c := *f
	c.Message = clean(c.Message)
	c.Reason = clean(c.Reason)
	return &c
}

// defaultClean is the sanitiser for strings that carry no known secret.
func defaultClean(s string) string { return sanitize.SecretsLine(s) }

// cleanerFor is the sanitiser for strings of a request that holds secret
// (the API key): defaultClean, then the secret masked as sent and as a URL
// would carry it.
func cleanerFor(secret string) func(string) string {
	if secret == "" {
		return defaultClean
	}
	return func(s string) string { return maskSecret(defaultClean(s), secret) }
}

// maskSecret masks a known secret as sent and as a URL would carry it.
func maskSecret(s, secret string) string {
	if secret == "" {
		return s
	}
	s = sanitize.Exact(s, secret)
	if q := url.QueryEscape(secret); q != secret {
		s = sanitize.Exact(s, q)
	}
	return s
}
