package probes

import (
	"strings"
	"testing"
)

func traceResult(id, route, ip, loc string) Result {
	return Result{ID: id, Kind: KindEdgeTrace, Status: StatusPass, Details: &TraceDetails{Route: route, IP: ip, Loc: loc, Warp: "off"}}
}

func whoamiResult(ip string) Result {
	return Result{ID: "dns:whoami", Kind: KindDNS, Status: StatusPass, Details: &DNSWhoamiDetails{PublicIP: ip, PublicIPVia: "whoami.cloudflare CH TXT via 1.1.1.1:53"}}
}

func TestPublicIPDerivation(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		name      string
		in        []Result
		status    Status
		traceIP   string
		agree     *bool
		supported *bool
		tor       bool
		reason    string
	}{
		{name: "agree, supported", in: []Result{traceResult("edge:chatgpt.com:direct", RouteDirect, "203.0.113.7", "DE"), whoamiResult("203.0.113.7")},
			status: StatusPass, traceIP: "203.0.113.7", agree: &yes, supported: &yes, reason: "the same address"},
		{name: "disagree", in: []Result{traceResult("edge:chatgpt.com:direct", RouteDirect, "198.51.100.9", "NL"), whoamiResult("203.0.113.7")},
			status: StatusWarn, traceIP: "198.51.100.9", agree: &no, supported: &yes, reason: "different paths"},
		{name: "prefers direct over proxy", in: []Result{traceResult("edge:chatgpt.com:proxy", RouteProxy, "192.0.2.200", "US"),
			traceResult("edge:chatgpt.com:direct", RouteDirect, "203.0.113.7", "DE"), whoamiResult("203.0.113.7")},
			status: StatusPass, traceIP: "203.0.113.7", agree: &yes, supported: &yes},
		{name: "prefers whoami's family", in: []Result{traceResult("edge:v6", RouteDirect, "2001:db8::7", "DE"),
			traceResult("edge:v4", RouteDirect, "203.0.113.7", "DE"), whoamiResult("203.0.113.7")},
			status: StatusPass, traceIP: "203.0.113.7", agree: &yes, supported: &yes},
		{name: "families differ: not compared", in: []Result{traceResult("edge:v6", RouteDirect, "2001:db8::7", "DE"), whoamiResult("203.0.113.7")},
			status: StatusPass, traceIP: "2001:db8::7", supported: &yes},
		{name: "unsupported country", in: []Result{traceResult("edge:chatgpt.com:direct", RouteDirect, "203.0.113.7", "RU")},
			status: StatusWarn, traceIP: "203.0.113.7", supported: &no, reason: "geolocates to RU"},
		{name: "tor", in: []Result{traceResult("edge:chatgpt.com:direct", RouteDirect, "203.0.113.7", "T1")},
			status: StatusWarn, traceIP: "203.0.113.7", tor: true, reason: "Tor exit"},
		{name: "unknown country", in: []Result{traceResult("edge:chatgpt.com:direct", RouteDirect, "203.0.113.7", "XX")},
			status: StatusPass, traceIP: "203.0.113.7"},
		{name: "whoami only", in: []Result{whoamiResult("203.0.113.7")}, status: StatusPass, reason: "no edge trace"},
		{name: "nothing", in: []Result{{ID: "edge:x", Kind: KindEdgeTrace, Status: StatusUnknown, Details: &TraceDetails{}}}, status: StatusSkipped},
		{name: "mapped v4 equals v4", in: []Result{traceResult("edge", RouteDirect, "::ffff:203.0.113.7", "US"), whoamiResult("203.0.113.7")},
			status: StatusPass, traceIP: "203.0.113.7", agree: &yes, supported: &yes},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := PublicIPDerivation()(c.in)
			if len(out) != 1 {
				t.Fatalf("%d results", len(out))
			}
			r := out[0]
			d := r.Details.(*PublicIPDetails)
			if r.ID != "identity:public-ip" || r.Kind != KindIdentity || r.Status != c.status {
				t.Fatalf("%s %s %s", r.ID, r.Status, r.Reason)
			}
			if d.TraceIP != c.traceIP || !boolPtrEq(d.Agree, c.agree) || !boolPtrEq(d.CountrySupported, c.supported) || d.Tor != c.tor {
				t.Errorf("details %+v (agree %v supported %v)", d, deref(d.Agree), deref(d.CountrySupported))
			}
			if !strings.Contains(r.Reason, c.reason) {
				t.Errorf("reason %q lacks %q", r.Reason, c.reason)
			}
			if d.SupportedListDate != SupportedCountriesDate {
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
		s, k := OpenAISupported(in)
		if [2]bool{s, k} != want {
			t.Errorf("OpenAISupported(%q) = %v, %v; want %v", in, s, k, want)
		}
	}
	if n := len(supportedCountries()); n != 188 {
		t.Errorf("list has %d codes, want the 188 of %s", n, SupportedCountriesDate)
	}
}
