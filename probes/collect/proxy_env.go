package collect

import (
	"net/url"

	"github.com/gptdoctor/gptdoctor/probes"
	"golang.org/x/net/http/httpproxy"
)

// envProxyConfig reads the proxy variables the way Go's net/http does:
// upper case first (HTTP_PROXY before http_proxy), ALL_PROXY ignored. Probes
// use it so the "proxy" route is the one Go programs on this machine take;
// the proxy probe reports where curl and browsers would differ.
func envProxyConfig(w probes.World) *httpproxy.Config {
	get := func(names ...string) string {
		v, _ := firstEnv(w, names...)
		return v
	}
	_, cgi := lookup(w, "REQUEST_METHOD")
	return &httpproxy.Config{
		HTTPProxy:  get("HTTP_PROXY", "http_proxy"),
		HTTPSProxy: get("HTTPS_PROXY", "https_proxy"),
		NoProxy:    get("NO_PROXY", "no_proxy"),
		CGI:        cgi,
	}
}

// proxyFor returns the proxy Go would use for u, or nil for a direct
// connection. An unparsable proxy variable is an error naming it.
func proxyFor(w probes.World, u *url.URL) (*url.URL, error) {
	return envProxyConfig(w).ProxyFunc()(u)
}

func lookup(w probes.World, key string) (string, bool) {
	if w.LookupEnv == nil {
		return "", false
	}
	return w.LookupEnv(key)
}
