package lab

import (
	"crypto/sha256"
	"encoding/hex"
)

// Path keys: how a request reaches the edge. They double as the keys of
// Expectation.Trace and TargetExpectation.RayIDs.
const (
	pathDirect4 = "direct-ipv4"
	pathDirect6 = "direct-ipv6"
	pathProxy   = "proxy-any"
)

// identity is the client as Cloudflare sees it on one path: the public IP
// and what the edge derives from it.
type identity struct {
	path string
	ip   string
	loc  string
	colo string
	warp string
	// fl is the trace's front-line id; it only has to look real.
	fl string
}

// identities are the three paths of a scenario.
type identities struct {
	v4, v6, proxy identity
}

func (ids identities) all() []identity { return []identity{ids.v4, ids.v6, ids.proxy} }

// Default client identities: a home connection in the US (documentation
// addresses, so nothing real is named) and a proxy egressing in Germany.
func defaultIdentities() identities {
	return identities{
		v4:    identity{path: pathDirect4, ip: "203.0.113.10", loc: "US", colo: "SJC", warp: "off", fl: "29f104"},
		v6:    identity{path: pathDirect6, ip: "2001:db8::10", loc: "US", colo: "SJC", warp: "off", fl: "29f106"},
		proxy: identity{path: pathProxy, ip: "198.51.100.80", loc: "DE", colo: "FRA", warp: "off", fl: "57f212"},
	}
}

// rayID is the 16-hex Ray ID the edge gives a request. Real Ray IDs change
// per request; the lab's depend only on scenario, path, host and URL path
// so tests can predict them, and they still differ between hosts, paths
// and identities as a support engineer would expect.
func rayID(scenario, path, host, urlPath string) string {
	h := sha256.Sum256([]byte("gptdoctor-lab\x00" + scenario + "\x00" + path + "\x00" + host + "\x00" + urlPath))
	return hex.EncodeToString(h[:8])
}
