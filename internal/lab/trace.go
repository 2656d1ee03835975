package lab

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// trace answers /cdn-cgi/trace the way every Cloudflare host does: one
// key=value per line, describing the client as the edge sees it.
func (e *edge) trace(w http.ResponseWriter, r *http.Request, id identity, host string) {
	now := e.now()
	scheme, tlsVersion, sni, kex := "http", "off", "off", ""
	if r.TLS != nil {
		scheme = "https"
		tlsVersion = tlsVersionName(r.TLS.Version)
		if r.TLS.ServerName != "" {
			sni = "plaintext"
		}
		kex = kexName(r.TLS.CurveID)
	}
	proto := "http/1.1"
	if r.ProtoMajor == 2 {
		proto = "http/2"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "fl=%s\nh=%s\nip=%s\nts=%d.%03d\nvisit_scheme=%s\nuag=%s\ncolo=%s\nsliver=none\nhttp=%s\nloc=%s\ntls=%s\nsni=%s\nwarp=%s\ngateway=off\nrbi=off\n",
		id.fl, host, id.ip, now.Unix(), now.Nanosecond()/int(time.Millisecond), scheme, r.UserAgent(), id.colo, proto, id.loc, tlsVersion, sni, id.warp)
	if kex != "" {
		fmt.Fprintf(&b, "kex=%s\n", kex)
	}
	if e.spec.escape {
		b.WriteString("x-lab=\x1b]0;pwned\x07\x1b[31mred\x1b[0m\n")
	}
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("Access-Control-Allow-Origin", "*")
	page(w, http.StatusOK, "text/plain", b.String())
}

func tlsVersionName(v uint16) string {
	switch v {
	case tls.VersionTLS13:
		return "TLSv1.3"
	case tls.VersionTLS12:
		return "TLSv1.2"
	}
	return tls.VersionName(v)
}

// kexName spells a key exchange the way the trace does ("P-256", not
// "CurveP256").
func kexName(c tls.CurveID) string {
	switch c {
	case tls.CurveP256:
		return "P-256"
	case tls.CurveP384:
		return "P-384"
	case tls.CurveP521:
		return "P-521"
	}
	return c.String()
}
