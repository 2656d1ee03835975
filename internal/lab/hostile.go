package lab

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// hugeSize is the huge-body page's length: large enough that reading it
// whole would hurt, streamed from one small buffer so the lab never holds
// it.
const hugeSize = 1 << 30

// hugeChunk is written over and over; it is the only body memory.
var hugeChunk = func() []byte {
	const line = "<!-- gptdoctor lab: this page is one GiB long; a client must stop reading early. -->\n"
	b := make([]byte, 0, 32<<10)
	for len(b)+len(line) <= cap(b) {
		b = append(b, line...)
	}
	return b
}()

// huge streams a 1 GiB HTML page lazily; it stops as soon as the client
// goes away or the lab closes.
func (e *edge) huge(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(hugeSize))
	w.WriteHeader(http.StatusOK)
	for sent := 0; sent < hugeSize; {
		select {
		case <-r.Context().Done():
			return
		case <-e.done:
			return
		default:
		}
		n := min(len(hugeChunk), hugeSize-sent)
		m, err := w.Write(hugeChunk[:n])
		sent += m
		e.hugeServed.Add(int64(m))
		if err != nil {
			return
		}
	}
}

// dripInterval is the drip-body page's pace: one byte per second, the
// classic slowloris read.
const dripInterval = time.Second

// drip sends headers at once and then one body byte per e.dripEvery (a second
// unless Options.Drip), 3600 of them, until the client or the lab gives up.
func (e *edge) drip(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	const body = "<!DOCTYPE html><html><head><title>ChatGPT</title></head><body>"
	t := time.NewTicker(e.dripEvery)
	defer t.Stop()
	for i := 0; i < 3600; i++ {
		if _, err := w.Write([]byte{body[i%len(body)]}); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-e.done:
			return
		}
	}
}

// holdHandler is what a hostile listener does with each connection in
// the scenario's transport mode: blackhole, tls-stall or reset.
func holdHandler(mode connMode) func(net.Conn) {
	switch mode {
	case connTLSStall:
		return stallTLS
	case connReset:
		return resetConn
	}
	return blackhole
}

// blackhole accepts and never answers: it reads and drops whatever comes
// until the client or the lab closes the connection.
func blackhole(c net.Conn) {
	_, _ = io.Copy(io.Discard, c)
}

// resetConn sends an RST at once: SO_LINGER 0, then close.
func resetConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

// stallTLS reads the client's first flight and answers with the header of
// a handshake record whose body never comes: the client is left waiting
// mid-handshake until its own deadline.
func stallTLS(c net.Conn) {
	buf := make([]byte, 4096)
	if _, err := c.Read(buf); err != nil {
		return
	}
	// Handshake record, TLS 1.2 framing, 122 bytes announced.
	if _, err := c.Write([]byte{0x16, 0x03, 0x03, 0x00, 0x7a, 0x02}); err != nil {
		return
	}
	// Then silence until the client or the lab closes the connection.
	blackhole(c)
}
