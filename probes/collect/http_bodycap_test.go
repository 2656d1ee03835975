package collect

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func fakeResponse(body io.Reader, encoding string) *http.Response {
	h := http.Header{}
	if encoding != "" {
		h.Set("Content-Encoding", encoding)
	}
	return &http.Response{Header: h, Body: io.NopCloser(body)}
}

func gzipped(s string) *bytes.Buffer {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = io.WriteString(zw, s)
	_ = zw.Close()
	return &b
}

// endless is a body that never ends, like a 1 GiB download.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// stalled returns some bytes, then blocks until closed.
type stalled struct {
	sent   bool
	closed chan struct{}
}

func (s *stalled) Read(p []byte) (int, error) {
	if !s.sent {
		s.sent = true
		return copy(p, "<html>"), nil
	}
	<-s.closed
	return 0, io.ErrClosedPipe
}

func (s *stalled) Close() error { close(s.closed); return nil }

func TestReadBody(t *testing.T) {
	far := time.Now().Add(time.Minute)

	b := readBody(fakeResponse(strings.NewReader("error code: 1020"), ""), maxBody, far, false)
	if string(b.Data) != "error code: 1020" || b.Truncated || b.Note != "" {
		t.Errorf("plain: %+v", b)
	}

	b = readBody(fakeResponse(endless{}, ""), 1024, far, false)
	if len(b.Data) != 1024 || !b.Truncated || b.Note != "body cut at 1 KiB" {
		t.Errorf("endless: %d bytes %+v", len(b.Data), b.Note)
	}

	b = readBody(fakeResponse(gzipped("error code: 1015"), "gzip"), maxBody, far, true)
	if string(b.Data) != "error code: 1015" || b.Truncated {
		t.Errorf("gzip: %q %+v", b.Data, b)
	}

	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = io.WriteString(zw, "deflated")
	_ = zw.Close()
	if b = readBody(fakeResponse(&z, "deflate"), maxBody, far, true); string(b.Data) != "deflated" {
		t.Errorf("deflate: %q %+v", b.Data, b)
	}

	// A gzip bomb stops at the cap of decoded bytes.
	if b = readBody(fakeResponse(gzipped(strings.Repeat("a", 4<<20)), "gzip"), 1024, far, true); len(b.Data) != 1024 || !b.Truncated {
		t.Errorf("bomb: %d bytes", len(b.Data))
	}

	if b = readBody(fakeResponse(strings.NewReader("not gzip at all"), "gzip"), maxBody, far, true); !b.Truncated || !strings.Contains(b.Note, "gzip body could not be decoded") {
		t.Errorf("corrupt gzip: %+v", b)
	}
	if b = readBody(fakeResponse(strings.NewReader(""), "gzip"), maxBody, far, true); b.Truncated || len(b.Data) != 0 {
		t.Errorf("empty gzip body: %+v", b)
	}
	if b = readBody(fakeResponse(strings.NewReader("\x8b\x00raw"), "br"), maxBody, far, true); string(b.Data) != "\x8b\x00raw" || !strings.Contains(b.Note, "br-encoded") {
		t.Errorf("brotli kept raw: %+v", b)
	}

	s := &stalled{closed: make(chan struct{})}
	r := &http.Response{Header: http.Header{}, Body: s}
	start := time.Now()
	b = readBody(r, maxBody, time.Now().Add(50*time.Millisecond), false)
	if string(b.Data) != "<html>" || !b.Truncated || !strings.HasPrefix(b.Note, "stopped reading after 6 bytes") {
		t.Errorf("stalled: %q %+v", b.Data, b)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("stalled body held the read past its deadline")
	}
}
