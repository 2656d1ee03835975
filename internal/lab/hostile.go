package lab

import (
	"errors"
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

// drip sends headers at once and then one body byte per second, forever
// (well, an hour), until the client or the lab gives up.
func (e *edge) drip(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	const body = "<!DOCTYPE html><html><head><title>ChatGPT</title></head><body>"
	t := time.NewTicker(dripInterval)
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

// holdMode is what a hostile listener does with a connection.
type holdMode int

const (
	holdBlackhole holdMode = iota // accept, never read or write
	holdTLSStall                  // read the ClientHello, send half a record, stall
	holdReset                     // RST at once (SO_LINGER 0, then close)
)

// serveHold accepts on ln until it closes and treats each connection per
// mode. Held connections live until the lab closes.
func serveHold(ln net.Listener, mode holdMode, g *group) {
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		switch mode {
		case holdReset:
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = c.Close()
		case holdBlackhole:
			if !g.hold(c) {
				_ = c.Close()
			}
		case holdTLSStall:
			if !g.hold(c) {
				_ = c.Close()
				continue
			}
			g.goFunc(func() { stallTLS(c) })
		}
	}
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
	// Drain until the client or the lab closes the connection.
	_, _ = io.Copy(io.Discard, c)
}
