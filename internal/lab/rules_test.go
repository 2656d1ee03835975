package lab

import (
	"testing"
)

// TestRoutes checks the routing plan apart from any I/O.
func TestRoutes(t *testing.T) {
	ls := listeners{
		edgeTLS:       map[string]string{pathDirect4: "tls4", pathDirect6: "tls6", pathProxy: "tlsP"},
		edgeHTTP:      map[string]string{pathDirect4: "http4", pathDirect6: "http6", pathProxy: "httpP"},
		cloudflareDNS: "cf", googleDNS: "google", refused: "refused", hold: "hold",
		portal: "portal", ispHTTP: "ispHTTP", ispTLS: "ispTLS",
	}
	plan := func(name string) map[string]string {
		s, _ := specByName(name)
		return routes(s, s.zone(), ls)
	}
	cases := []struct {
		scenario string
		want     map[string]string
	}{
		{"healthy", map[string]string{
			"104.18.32.47:443": "tls4", "[2606:4700::6812:202f]:443": "tls6", "104.18.32.47:80": "http4",
			"104.16.248.249:443": "tls4", "1.1.1.1:443": "tls4", "1.0.0.1:443": "tls4",
			"1.1.1.1:53": "cf", "[2606:4700:4700::1111]:53": "cf", "8.8.8.8:53": "google",
		}},
		{"blackhole", map[string]string{
			"104.18.32.47:443": "hold", "104.18.32.47:80": "hold", "[2606:4700::a29f:8cf5]:443": "hold",
			"104.16.133.229:80": "http4", "104.16.248.249:443": "tls4",
		}},
		{"tls-stall", map[string]string{"104.18.32.47:443": "hold", "104.18.32.47:80": "http4"}},
		{"captive-portal", map[string]string{
			"104.18.32.47:443": "refused", "104.16.133.229:80": "portal", "10.64.0.1:80": "portal",
			"10.64.0.1:443": "refused", "1.1.1.1:53": "cf",
		}},
		{"offline", map[string]string{"104.16.248.249:443": "refused", "[2606:4700::6812:202f]:80": "refused", "8.8.8.8:53": "google"}},
		{"dns-hijack", map[string]string{
			"198.51.100.7:80": "ispHTTP", "198.51.100.7:443": "ispTLS", "0.0.0.0:443": "refused", "[::]:443": "refused",
			"104.18.32.47:443": "tls4",
		}},
	}
	for _, c := range cases {
		got := plan(c.scenario)
		for from, to := range c.want {
			if got[from] != to {
				t.Errorf("%s: %s -> %q, want %q", c.scenario, from, got[from], to)
			}
		}
	}
	if _, ok := plan("healthy")["198.51.100.7:443"]; ok {
		t.Error("healthy routes the hijack address")
	}
	if _, ok := plan("healthy")["10.64.0.1:80"]; ok {
		t.Error("healthy routes the portal address")
	}
	// The Tor and WARP ports lead nowhere, in every scenario.
	for _, s := range allSpecs() {
		for _, from := range []string{"127.0.0.1:9050", "127.0.0.1:9150", "127.0.0.1:40000"} {
			if to := plan(s.name)[from]; to != "refused" {
				t.Errorf("%s: %s -> %q, want refused", s.name, from, to)
			}
		}
	}
}
