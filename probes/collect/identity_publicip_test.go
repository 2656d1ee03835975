package collect

import (
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

func traceResult(id, route, ip, loc string) probes.Result {
	return probes.Result{ID: id, Kind: probes.KindEdgeTrace, Status: probes.StatusPass, Details: &probes.TraceDetails{Route: route, IP: ip, Loc: loc, Warp: "off"}}
}

func whoamiResult(ip string) probes.Result {
	return probes.Result{ID: "dns:whoami", Kind: probes.KindDNS, Status: probes.StatusPass, Details: &probes.DNSWhoamiDetails{PublicIP: ip, PublicIPVia: "whoami.cloudflare CH TXT via 1.1.1.1:53"}}
}

func TestPublicIPDerivation(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		name      string
		in        []probes.Result
		status    probes.Status
		traceIP   string
		agree     *bool
		supported *bool
		tor       bool
		reason    string
	}{
		{name: "agree, supported", in: []probes.Result{traceResult("edge:chatgpt.com:direct", probes.RouteDirect, "203.0.113.7", "DE"), whoamiResult("203.0.113.7")},
			status: probes.StatusPass, traceIP: "203.0.113.7", agree: &yes, supported: &yes, reason: "the same address"},
		{name: "disagree", in: []probes.Result{traceResult("edge:chatgpt.com:direct", probes.RouteDirect, "198.51.100.9", "NL"), whoamiResult("203.0.113.7")},
			status: probes.StatusWarn, traceIP: "198.51.100.9", agree: &no, supported: &yes, reason: "different paths"},
		{name: "prefers direct over proxy", in: []probes.Result{traceResult("edge:chatgpt.com:proxy", probes.RouteProxy, "192.0.2.200", "US"),
			traceResult("edge:chatgpt.com:direct", probes.RouteDirect, "203.0.113.7", "DE"), whoamiResult("203.0.113.7")},
			status: probes.StatusPass, traceIP: "203.0.113.7", agree: &yes, supported: &yes},
		{name: "prefers whoami's family", in: []probes.Result{traceResult("edge:v6", probes.RouteDirect, "2001:db8::7", "DE"),
			traceResult("edge:v4", probes.RouteDirect, "203.0.113.7", "DE"), whoamiResult("203.0.113.7")},
			status: probes.StatusPass, traceIP: "203.0.113.7", agree: &yes, supported: &yes},
		{name: "families differ: not compared", in: []probes.Result{traceResult("edge:v6", probes.RouteDirect, "2001:db8::7", "DE"), whoamiResult("203.0.113.7")},
			status: probes.StatusPass, traceIP: "2001:db8::7", supported: &yes},
		{name: "unsupported country", in: []probes.Result{traceResult("edge:chatgpt.com:direct", probes.RouteDirect, "203.0.113.7", "RU")},
			status: probes.StatusWarn, traceIP: "203.0.113.7", supported: &no, reason: "geolocates to RU"},
		{name: "tor", in: []probes.Result{traceResult("edge:chatgpt.com:direct", probes.RouteDirect, "203.0.113.7", "T1")},
			status: probes.StatusWarn, traceIP: "203.0.113.7", tor: true, reason: "Tor exit"},
		{name: "unknown country", in: []probes.Result{traceResult("edge:chatgpt.com:direct", probes.RouteDirect, "203.0.113.7", "XX")},
			status: probes.StatusPass, traceIP: "203.0.113.7"},
		{name: "whoami only", in: []probes.Result{whoamiResult("203.0.113.7")}, status: probes.StatusPass, reason: "no edge trace"},
		{name: "nothing", in: []probes.Result{{ID: "edge:x", Kind: probes.KindEdgeTrace, Status: probes.StatusUnknown, Details: &probes.TraceDetails{}}}, status: probes.StatusSkipped},
		{name: "mapped v4 equals v4", in: []probes.Result{traceResult("edge", probes.RouteDirect, "::ffff:203.0.113.7", "US"), whoamiResult("203.0.113.7")},
			status: probes.StatusPass, traceIP: "203.0.113.7", agree: &yes, supported: &yes},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := publicIPDerivation()(c.in)
			if len(out) != 1 {
				t.Fatalf("%d results", len(out))
			}
			r := out[0]
			d := r.Details.(*probes.PublicIPDetails)
			if r.ID != "identity:public-ip" || r.Kind != probes.KindIdentity || r.Status != c.status {
				t.Fatalf("%s %s %s", r.ID, r.Status, r.Reason)
			}
			if d.TraceIP != c.traceIP || !boolPtrEq(d.Agree, c.agree) || !boolPtrEq(d.CountrySupported, c.supported) || d.Tor != c.tor {
				t.Errorf("details %+v (agree %v supported %v)", d, deref(d.Agree), deref(d.CountrySupported))
			}
			if !strings.Contains(r.Reason, c.reason) {
				t.Errorf("reason %q lacks %q", r.Reason, c.reason)
			}
			if d.SupportedListDate != supportedCountriesDate {
				t.Errorf("list date %q", d.SupportedListDate)
			}
		})
	}
}

func boolPtrEq(a, b *bool) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func TestOpenAISupported(t *testing.T) {
	cases := map[string][2]bool{
		"US": {true, true}, "tw": {true, true}, "UA": {true, true}, " DE ": {true, true},
		"CN": {false, true}, "HK": {false, true}, "RU": {false, true}, "IR": {false, true}, "KP": {false, true},
		"T1": {false, false}, "XX": {false, false}, "": {false, false}, "USA": {false, false}, "1A": {false, false},
	}
	for in, want := range cases {
		s, k := openAISupported(in)
		if [2]bool{s, k} != want {
			t.Errorf("OpenAISupported(%q) = %v, %v; want %v", in, s, k, want)
		}
	}
	if n := len(supportedCountries()); n != 188 {
		t.Errorf("list has %d codes, want the 188 of %s", n, supportedCountriesDate)
	}
}
