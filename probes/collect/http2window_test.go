package collect

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

// TestHTTP2ServerCannotPushMoreThanTheWindow: over HTTP/2 a server may send
// only the flow-control window before the client reads. The probe reads
// 256 KiB of a 1 GiB page; the server gets to write at most about the
// probe's window (twice the cap) before the stream is reset, not Go's
// default 4 MiB per stream that used to fill client memory for nothing.
func TestHTTP2ServerCannotPushMoreThanTheWindow(t *testing.T) {
	var accepted atomic.Int64
	var proto atomic.Value
	tw := newTestWorld(t)
	chunk := []byte(strings.Repeat("<p>filler</p>", 1024))
	srv := tw.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto.Store(r.Proto)
		cfHeaders(w)
		w.Header().Set("Content-Type", "text/html")
		for sent := 0; sent < 1<<30; sent += len(chunk) {
			n, err := w.Write(chunk)
			accepted.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	tw.host("chatgpt.com", cgV4, "", addr(srv))
	w := tw.World()
	w.Limits = fastLimits()
	cfg := configFor(probes.WebTarget("https://chatgpt.com/"))
	p := probeByID(t, targetProbes(cfg.Targets[0], cfg, w), "endpoint:chatgpt.com:direct-ipv4-plain")
	r := runProbe(t, p)
	d, ok := r.Details.(*probes.EndpointDetails)
	if !ok || !d.BodyTruncated || d.BodyBytes != maxBody {
		t.Fatalf("the probe did not read the capped body: %+v", r.Details)
	}
	srv.Close() // waits for the handler: accepted is final
	if got := proto.Load(); got != "HTTP/2.0" {
		t.Fatalf("served over %v: the test needs HTTP/2", got)
	}
	// The window, plus what the server's own write buffers take before
	// flow control blocks them.
	const slack = 256 << 10
	if n := accepted.Load(); n > h2ReceiveWindow+slack {
		t.Errorf("the server wrote %d KiB before the probe stopped it; the window is %d KiB", n>>10, h2ReceiveWindow>>10)
	}
}
