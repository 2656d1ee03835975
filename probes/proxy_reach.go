package probes

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"
)

// proxyEndpoint is one configured proxy: where to connect, how to show it,
// and which settings name it.
type proxyEndpoint struct {
	addr    string // host:port
	display string // redacted URL
	sources []string
}

// runProxyReachProbe opens (and at once closes) a TCP connection to a
// configured proxy. Status: pass when it accepts, fail when it refuses,
// does not answer or its name does not resolve, since every request sent
// through it will then fail.
func runProxyReachProbe(ctx context.Context, w World, ep proxyEndpoint) Result {
	d := &ProxyReachDetails{Proxy: ep.display, Addr: ep.addr, Sources: ep.sources}
	used := "used by " + strings.Join(ep.sources, ", ")
	start := time.Now()
	c, err := dialViaWorld(ctx, w, "tcp", ep.addr)
	if err == nil {
		d.Connect = Millis(time.Since(start))
		d.Reachable = true
		_ = c.Close()
		return Result{Status: StatusPass, Details: d,
			Reason:   fmt.Sprintf("proxy %s accepts connections (%s)", ep.addr, d.Connect),
			Evidence: []string{used}}
	}
	var re *resolveError
	res := Result{Details: d, Evidence: []string{used, errLine(err)}}
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		res.Status, res.Reason = StatusUnknown, "cancelled before the connection finished"
		return res
	case errors.As(err, &re):
		res.Status = StatusFail
		h, _, _ := net.SplitHostPort(ep.addr)
		res.Reason = fmt.Sprintf("proxy host %s does not resolve: every proxied request will fail", h)
		res.Error = &StepError{Step: "dns", Message: "proxy: " + errLine(err)}
	case errors.Is(err, syscall.ECONNREFUSED):
		res.Status = StatusFail
		res.Reason = fmt.Sprintf("proxy %s refused the connection: every proxied request will fail", ep.addr)
		res.Error = &StepError{Step: "connect", Message: fmt.Sprintf("proxy: connect %s: connection refused", ep.addr)}
	case isTimeout(err):
		res.Status = StatusFail
		res.Reason = fmt.Sprintf("proxy %s did not answer within %s: every proxied request will fail", ep.addr, proxyReachTimeout)
		res.Error = &StepError{Step: "connect", Message: fmt.Sprintf("proxy: connect %s: timed out", ep.addr), Timeout: true}
	default:
		res.Status = StatusFail
		res.Reason = fmt.Sprintf("proxy %s cannot be reached (%s): every proxied request will fail", ep.addr, errLine(err))
		res.Error = &StepError{Step: "connect", Message: fmt.Sprintf("proxy: connect %s: %s", ep.addr, errLine(err))}
	}
	return res
}
