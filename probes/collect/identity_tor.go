package collect

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// torSOCKSAddrs are where Tor listens for SOCKS: 9050 for the tor daemon,
// 9150 for Tor Browser's own tor (os-facts §3.5). A variable so tests can
// point the probe elsewhere; the dialer decides what is really reached.
var torSOCKSAddrs = []string{"127.0.0.1:9050", "127.0.0.1:9150"}

// socksGreeting is the SOCKS5 method negotiation offering "no
// authentication" (RFC 1928 §3); a SOCKS5 server that accepts it answers
// 05 00.
var socksGreeting = []byte{0x05, 0x01, 0x00}

// socksState is what a loopback port turned out to be.
type socksState int

const (
	socksClosed socksState = iota // nothing accepted the connection
	socksOther                    // something accepted but does not speak SOCKS5 without auth
	socksSpeaks                   // answered 05 00
)

// probeSOCKS5 connects to a loopback addr and sends the SOCKS5 greeting,
// so that an unrelated program listening on a Tor port is not called Tor.
// It sends nothing else and closes at once, within loopbackSOCKSTimeout.
func probeSOCKS5(ctx context.Context, d probes.Dialer, addr string) (socksState, string) {
	if d == nil {
		return socksClosed, "no dialer configured"
	}
	ctx, cancel := context.WithTimeout(ctx, loopbackSOCKSTimeout)
	defer cancel()
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return socksClosed, errLine(err)
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	if _, err := c.Write(socksGreeting); err != nil {
		return socksOther, "accepted the connection but the greeting failed: " + errLine(err)
	}
	reply := make([]byte, 2)
	if _, err := io.ReadFull(c, reply); err != nil {
		return socksOther, "accepted the connection but did not answer the SOCKS5 greeting: " + errLine(err)
	}
	if !bytes.Equal(reply, []byte{0x05, 0x00}) {
		return socksOther, fmt.Sprintf("answered % x, not a SOCKS5 server accepting no-auth (05 00)", reply)
	}
	return socksSpeaks, "answered the SOCKS5 greeting"
}

// runTorProbe looks for a Tor daemon or Tor Browser and for Tor's SOCKS
// listeners. Tor itself is not a problem for a ChatGPT user, but traffic
// sent through it leaves from a Tor exit, which Cloudflare sites often
// block; a warning lets the rules connect a 1020 with it. The listeners
// are asked first: they answer in milliseconds, while the shared process
// list may take as long as this probe's whole timeout.
func runTorProbe(ctx context.Context, w probes.World) probes.Result {
	d := &probes.TorDetails{}
	var ev []string
	for _, addr := range torSOCKSAddrs {
		st, note := probeSOCKS5(ctx, w.Dialer, addr)
		switch st {
		case socksSpeaks:
			d.Listeners = append(d.Listeners, addr)
			ev = append(ev, addr+": "+note)
		case socksOther:
			ev = append(ev, addr+": "+note+" (not counted as Tor)")
		}
	}
	procs, perr := hostProcesses(ctx, w)
	if perr != nil {
		ev = append(ev, "process list unavailable, judged by listeners only: "+errLine(perr))
	}
	for _, p := range procs {
		switch {
		case isTorProcess(p):
			d.Processes = append(d.Processes, fmt.Sprintf("%s (pid %d)", p.Name, p.PID))
		case isTorBrowser(p):
			d.Processes = append(d.Processes, fmt.Sprintf("Tor Browser %s (pid %d)", p.Name, p.PID))
		}
	}
	d.Running = len(d.Processes) > 0 || len(d.Listeners) > 0
	for _, p := range d.Processes {
		ev = append(ev, "process "+p)
	}
	res := probes.Result{Details: d, Evidence: ev}
	switch {
	case d.Running:
		what := []string{}
		if len(d.Processes) > 0 {
			what = append(what, strings.Join(d.Processes, ", "))
		}
		if len(d.Listeners) > 0 {
			what = append(what, "SOCKS on "+strings.Join(d.Listeners, ", "))
		}
		res.Status = probes.StatusWarn
		res.Reason = "Tor is running (" + strings.Join(what, "; ") + "): traffic sent through it leaves from a Tor exit, which Cloudflare sites often block"
	case perr != nil:
		res.Status = probes.StatusUnknown
		res.Reason = "no Tor SOCKS listener on " + strings.Join(torSOCKSAddrs, " or ") + ", but the process list could not be read: " + errLine(perr)
	case ctx.Err() != nil:
		res.Status, res.Reason = probes.StatusUnknown, "timed out before the Tor checks finished"
	default:
		res.Status = probes.StatusPass
		res.Reason = "no Tor process and no SOCKS listener on " + strings.Join(torSOCKSAddrs, " or ")
	}
	return res
}
