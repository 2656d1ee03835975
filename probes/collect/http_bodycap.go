package collect

import (
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// maxBody is how much of a response body is read and classified. Every
// Cloudflare block, challenge and API error page seen in captures fits in
// 64 KiB, and ChatGPT's app shell shows its markers (or their absence) in
// its first part. 256 KiB bounds memory per cell and the time spent on a
// slow link, and is the prefix the classifier is promised.
const maxBody = 256 << 10

// bodyRead is what was read of one response body.
type bodyRead struct {
	Data []byte
	// Truncated is true when the cap, the deadline or a broken connection
	// stopped the read before the body ended.
	Truncated bool
	// Note says why the read stopped early or could not be decoded.
	Note string
}

// readBody reads at most limit bytes of the body, decoding gzip and deflate
// itself when decode is set (the caller sent its own Accept-Encoding, which
// turns off Go's transparent decompression). At deadline the body is
// closed, which unblocks a read stuck on a server that drips bytes or
// never ends; whatever arrived until then is returned.
func readBody(resp *http.Response, limit int64, deadline time.Time, decode bool) bodyRead {
	var expired atomic.Bool
	stop := time.AfterFunc(time.Until(deadline), func() {
		expired.Store(true)
		resp.Body.Close()
	})
	defer stop.Stop()

	var r io.Reader = resp.Body
	var out bodyRead
	if decode {
		enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
		switch enc {
		case "", "identity":
		case "gzip", "x-gzip":
			zr, err := gzip.NewReader(resp.Body)
			if errors.Is(err, io.EOF) {
				return out // an empty body that still declares gzip
			}
			if err != nil {
				return readStopped(out, err, expired.Load(), "gzip")
			}
			r = zr
		case "deflate":
			zr, err := zlib.NewReader(resp.Body)
			if errors.Is(err, io.EOF) {
				return out // an empty body that still declares deflate
			}
			if err != nil {
				return readStopped(out, err, expired.Load(), "deflate")
			}
			r = zr
		default:
			// The server ignored what we offered; keep the raw bytes so
			// the headers can still be classified.
			out.Note = fmt.Sprintf("body is %s-encoded, which this client does not decode", enc)
		}
	}

	data, capped, err := readCapped(r, limit)
	out.Data = data
	if capped {
		out.Truncated = true
		out.Note = fmt.Sprintf("body cut at %d KiB", limit>>10)
		return out
	}
	if err != nil {
		return readStopped(out, err, expired.Load(), "")
	}
	return out
}

// cutShort reports that an endpoint's body stopped before its end for a
// reason other than the cap: the read deadline (a server that drips or
// stalls), a broken connection or a corrupt encoding.
func cutShort(d *probes.EndpointDetails) bool {
	return d.BodyTruncated && d.BodyBytes < maxBody
}

// readStopped records why a read ended before the body did.
func readStopped(out bodyRead, err error, expired bool, encoding string) bodyRead {
	out.Truncated = true
	switch {
	case expired:
		out.Note = fmt.Sprintf("stopped reading after %d bytes: the body was still arriving when time ran out", len(out.Data))
	case encoding != "":
		out.Note = fmt.Sprintf("%s body could not be decoded: %v", encoding, err)
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.Is(err, zlib.ErrChecksum):
		out.Note = fmt.Sprintf("compressed body is corrupt after %d bytes: %v", len(out.Data), err)
	default:
		out.Note = fmt.Sprintf("body read failed after %d bytes: %v", len(out.Data), err)
	}
	return out
}

// readCapped reads up to limit bytes; capped reports that more followed.
// A read error comes back with the bytes that arrived before it.
func readCapped(r io.Reader, limit int64) (data []byte, capped bool, err error) {
	data, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(data)) > limit {
		return data[:limit], true, nil
	}
	return data, false, err
}
