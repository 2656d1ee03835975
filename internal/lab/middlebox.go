package lab

import (
	"net/http"
	"net/url"
)

// ispBlockPage is what the hijacking resolver's address serves, over plain
// HTTP and (with a self-signed certificate for block.isp.example) over
// HTTPS: a page that is neither Cloudflare nor OpenAI.
func ispBlockPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Server", "nginx")
	w.Header().Set("Cache-Control", "no-store")
	page(w, http.StatusOK, "text/html; charset=utf-8", `<!DOCTYPE html>
<html><head><title>Website blocked</title></head>
<body><h1>This website has been blocked</h1>
<p>Access to this website has been restricted by your internet service provider in accordance with applicable regulations.</p>
<p>Reference: EXAMPLE-ISP-BLK-2207</p>
</body></html>
`)
}

// portal is the hotspot's captive portal: every plain-HTTP request is
// redirected to its login page, which it serves.
func portal(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Server", "hotspot")
	w.Header().Set("Cache-Control", "no-store")
	if requestHost(r) == hostPortal {
		page(w, http.StatusOK, "text/html; charset=utf-8", `<!DOCTYPE html>
<html><head><title>Hotspot login</title></head>
<body><h1>Welcome to Example Hotel Wi-Fi</h1>
<form method="post" action="/login"><label>Room number <input name="room"></label>
<label>Last name <input name="name"></label><label><input type="checkbox" name="tos"> I accept the terms of use</label>
<button>Connect</button></form></body></html>
`)
		return
	}
	orig := "http://" + r.Host + r.URL.RequestURI()
	redirect(w, "http://"+hostPortal+"/login?orig="+url.QueryEscape(orig), http.StatusFound)
}
