package lab

import (
	"encoding/base64"
	"io"
	"net/http"
	"strconv"

	"github.com/miekg/dns"
)

// maxDoHMessage bounds a POSTed query: a DNS message is at most 64 KiB.
const maxDoHMessage = 65535

// dohQuery answers RFC 8484 wire-format DNS-over-HTTPS: GET with ?dns=
// (base64url, no padding) or POST with application/dns-message, from the
// same zone data as the honest resolvers.
func (e *edge) dohQuery(w http.ResponseWriter, r *http.Request) {
	var wire []byte
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query().Get("dns")
		if q == "" {
			http.Error(w, "missing dns parameter", http.StatusBadRequest)
			return
		}
		b, err := base64.RawURLEncoding.DecodeString(q)
		if err != nil {
			http.Error(w, "dns parameter is not base64url", http.StatusBadRequest)
			return
		}
		wire = b
	case http.MethodPost:
		if ct := r.Header.Get("Content-Type"); ct != "application/dns-message" {
			http.Error(w, "content type must be application/dns-message", http.StatusUnsupportedMediaType)
			return
		}
		b, err := io.ReadAll(io.LimitReader(r.Body, maxDoHMessage+1))
		if err != nil || len(b) > maxDoHMessage {
			http.Error(w, "bad request body", http.StatusBadRequest)
			return
		}
		wire = b
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	req := new(dns.Msg)
	if err := req.Unpack(wire); err != nil {
		http.Error(w, "malformed DNS message", http.StatusBadRequest)
		return
	}
	// RFC 8484 §4.1: the ID is 0 in DoH; echo what was asked. The DoH
	// view is honest, so it always answers.
	out, err := e.doh.answer(req).Pack()
	if err != nil {
		http.Error(w, "cannot pack answer", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/dns-message")
	h.Set("Cache-Control", "max-age="+strconv.Itoa(ttl))
	h.Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}
