package collect

import (
	"net/netip"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize/fuzzcheck"
	"github.com/gptdoctor/gptdoctor/probes"
)

// FuzzTrace feeds /cdn-cgi/trace bodies (capped at maxBody, as fetched)
// through the parser and the result it fills. Invariants: no panic, one
// input within fuzzcheck.PerInput, at most maxTraceFields fields, every
// string sanitised with no planted secret left, and the interpreted IP,
// country and data centre valid or empty.
func FuzzTrace(f *testing.F) {
	f.Add([]byte(sampleTrace))
	f.Add([]byte("fl=1\nh=chatgpt.com\nip=2001:db8::7\nts=1772941360.6\nvisit_scheme=https\nuag=Mozilla/5.0 (a=b)\ncolo=T1X\nloc=T1\nwarp=plus\ngateway=on\n"))
	f.Add([]byte("fl=1\r\nh=x\r\nip=\x1b]0;title\x07203.0.113.9\r\nloc=\u202eSU\r\ncolo=AMS\r\nts=-1\r\n"))
	f.Add([]byte("fl=1\nh=chatgpt.com\nip=198.51.100.4\nuag=curl Authorization: Bearer " + fuzzcheck.TokenCore + "\nsni=" + fuzzcheck.Key + "\nts=1e10\n"))
	f.Add([]byte("<html>a=b</html>\nfl=\nip=\nloc="))
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		body = capBytes(body, maxBody)
		d := &probes.TraceDetails{}
		var res probes.Result
		fuzzcheck.Within(t, func() {
			fields := parseTrace(body)
			if len(fields) > maxTraceFields {
				t.Fatalf("%d fields kept", len(fields))
			}
			if !looksLikeTrace(fields) {
				return
			}
			fillTrace(d, fields, now)
			res = probes.Result{Status: probes.StatusPass, Reason: traceReason(d), Evidence: traceEvidence(d), Details: d}
		})
		if res.Reason == "" {
			return
		}
		checkFuzzResult(t, res, fuzzcheck.Planted(string(body)))
		if d.IP != "" {
			if _, err := netip.ParseAddr(d.IP); err != nil {
				t.Fatalf("trace IP %q is not an address", d.IP)
			}
		}
		if d.Loc != "" && !isTraceLoc(d.Loc) {
			t.Fatalf("trace loc %q is not a country code", d.Loc)
		}
		if d.Colo != "" && !isTraceColo(d.Colo) {
			t.Fatalf("trace colo %q is not a data centre code", d.Colo)
		}
		if !d.TS.IsZero() && (d.TS.Before(time.Unix(0, 0)) || d.ClockSkew == nil) {
			t.Fatalf("trace ts %v skew %v", d.TS, d.ClockSkew)
		}
	})
}

// isTraceLoc: Cloudflare's loc is an ISO 3166 alpha-2 code or one of its
// own two-character codes (XX unknown, T1 Tor).
func isTraceLoc(s string) bool {
	return len(s) == 2 && isUpperOrDigit(s[0]) && isUpperOrDigit(s[1])
}

// isTraceColo: a data centre is named by its three-character IATA code.
func isTraceColo(s string) bool {
	return len(s) == 3 && isUpperOrDigit(s[0]) && isUpperOrDigit(s[1]) && isUpperOrDigit(s[2])
}

func isUpperOrDigit(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
