package remedies

import (
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

func TestSupportTicket(t *testing.T) {
	leaky := v1020
	leaky.Summary = "Cloudflare error 1020 for key sk-proj-AAAAbbbbCCCCdddd1234 \x1b]0;owned\x07"
	s := snap(concat(web("chatgpt.com", leaky), one(
		trace("direct", "203.0.113.7", "DE"), hostResult(), vpnResult(true, probes.StatusWarn),
		ep("api.openai.com", "default", vInvalid),
		func() probes.Result {
			r := ep("chatgpt.com", "proxy-any-browser", v1020)
			r.Details.(*probes.EndpointDetails).Proxy = "http://bob:[redacted]@proxy.example:3128"
			return r
		}()))...)
	findings := Diagnose(s, DiagnoseContext{GOOS: "linux"})
	session := []ActionRecord{{Action: ActionBypassProxy, Started: fixtureTime, Before: "chatgpt.com: Cloudflare 1020 via proxy", After: "chatgpt.com: Cloudflare 1020 direct", Outcome: OutcomeUnchanged},
		{Action: ActionFlushDNS, Started: fixtureTime, DryRun: true, Commands: [][]string{{"resolvectl", "flush-caches"}}, Outcome: OutcomeDryRun},
		{Action: ActionRenewDHCP, Started: fixtureTime, Outcome: OutcomeDeclined}}

	ticket := SupportTicket(s, findings, session)
	for _, want := range []string{
		"Subject: HTTP 401 invalid_api_key — api.openai.com rejects the API key (gptdoctor diagnostics)",
		"8a1b2c3d4e5f6a7b-FRA (chatgpt.com, direct, IPv4, browser headers, 09:30:00 UTC)",
		"IP address Cloudflare saw: 203.0.113.7, country DE, data centre FRA",
		"Time of the check: 2026-11-26 09:30:03 UTC",
		"Operating system: linux (ubuntu 24.04)",
		"API request IDs: req_inv",
		"VPN, proxy or Tor in the path (likely)",
		"09:30 UTC bypass-proxy: re-checked; chatgpt.com: Cloudflare 1020 via proxy -> chatgpt.com: Cloudflare 1020 direct (unchanged)",
	} {
		if !strings.Contains(ticket, want) {
			t.Errorf("ticket lacks %q:\n%s", want, ticket)
		}
	}
	// No key, no host name, no terminal escapes; a proxy URL keeps its
	// user name at most, never a password.
	for _, leak := range []string{"sk-proj", "alices-laptop", "\x1b", "owned\x07", "bob:p"} {
		if strings.Contains(ticket, leak) {
			t.Errorf("ticket contains %q:\n%s", leak, ticket)
		}
	}
	if strings.Contains(ticket, "flush-dns") || strings.Contains(ticket, "renew-dhcp") {
		t.Errorf("dry runs and declined actions are not steps tried:\n%s", ticket)
	}
	if strings.Count(ticket, "Ray IDs") != 1 || strings.Count(ticket, "- 8a1b") > maxTicketRays {
		t.Errorf("ray list:\n%s", ticket)
	}
}

func TestSupportTicketNamesEachRoutesIP(t *testing.T) {
	s := snap(ep("chatgpt.com", "proxy-any-browser", v1020), ep("chatgpt.com", "direct-ipv4-browser", vOK),
		trace("direct", "203.0.113.7", "DE"), trace("proxy", "198.51.100.9", "NL"))
	ticket := SupportTicket(s, nil, nil)
	for _, want := range []string{"IP address Cloudflare saw (direct): 203.0.113.7, country DE", "IP address Cloudflare saw through the proxy: 198.51.100.9, country NL"} {
		if !strings.Contains(ticket, want) {
			t.Errorf("ticket lacks %q:\n%s", want, ticket)
		}
	}
}

func TestSupportTicketWithNothingMeasured(t *testing.T) {
	ticket := SupportTicket(probes.Snapshot{}, nil, nil)
	for _, want := range []string{"nothing could be measured", "Time of the check: unknown", "Operating system: unknown", "- nothing yet"} {
		if !strings.Contains(ticket, want) {
			t.Errorf("ticket lacks %q:\n%s", want, ticket)
		}
	}
}

func TestSummarizeAndCompare(t *testing.T) {
	viaProxy := snap(ep("chatgpt.com", "proxy-any-browser", v1020), ep("chatgpt.com", "direct-ipv4-browser", vOK))
	v6 := snap(ep("chatgpt.com", "direct-ipv4-browser", vOK), ep("chatgpt.com", "direct-ipv6-browser", v1020))
	offline := snap(epFail("chatgpt.com", "direct-ipv4-browser", "dns", "dns: resolve chatgpt.com: no such host"))
	two := snap(concat(web("chatgpt.com", v1020), one(ep("api.openai.com", "default", v503)))...)
	oneFixed := snap(concat(web("chatgpt.com", vOK), one(ep("api.openai.com", "default", v503)))...)
	cases := []struct {
		s    probes.Snapshot
		want string
	}{
		{viaProxy, "chatgpt.com: Cloudflare 1020, through the proxy, browser headers"},
		{v6, "chatgpt.com: Cloudflare 1020, direct, IPv6, browser headers"},
		{offline, "chatgpt.com: no answer (dns: resolve chatgpt.com: no such host), direct, IPv4, browser headers"},
		{two, "chatgpt.com: Cloudflare 1020, direct, IPv4, browser headers; api.openai.com: HTTP 503 server_is_overloaded, direct, plain Go client"},
		{probes.Snapshot{}, "nothing measured"},
	}
	for _, tc := range cases {
		if got := Summarize(tc.s); got != tc.want {
			t.Errorf("Summarize = %q, want %q", got, tc.want)
		}
	}
	compare := []struct {
		before, after probes.Snapshot
		want          Outcome
	}{
		{two, oneFixed, OutcomeImproved},
		{oneFixed, two, OutcomeWorse},
		{blockedDirect, fineDirect, OutcomeFixed},
		{blockedDirect, blockedDirect, OutcomeUnchanged},
		{fineDirect, fineDirect, OutcomeUnchanged},
		{blockedDirect, probes.Snapshot{}, OutcomeNotRechecked},
		// The failing API was not measured again: nothing says it works.
		{two, snap(concat(web("chatgpt.com", vOK))...), OutcomeNotRechecked},
	}
	for i, tc := range compare {
		if got := Compare(tc.before, tc.after); got != tc.want {
			t.Errorf("case %d: Compare = %s, want %s", i, got, tc.want)
		}
	}
}

// TestTicketSubjectReadsAsWords: a request that got no answer gives a
// subject in words, not the Go error that ended it.
func TestTicketSubjectReadsAsWords(t *testing.T) {
	s := snap(
		epFail("chatgpt.com", "direct-ipv4-browser", "connect", "connect: dial tcp 104.18.32.47:443: connect: connection reset by peer", withFailure("reset")),
		epFail("api.openai.com", "default", "connect", "connect: dial tcp 162.159.140.245:443: connect: connection reset by peer", withFailure("reset")))
	ticket := SupportTicket(s, Diagnose(s, DiagnoseContext{GOOS: "linux"}), nil)
	subject, _, _ := strings.Cut(ticket, "\n")
	want := "Subject: Connection reset — connections to chatgpt.com and api.openai.com are cut before an answer comes back (gptdoctor diagnostics)"
	if subject != want {
		t.Errorf("subject\n%s\nwant\n%s", subject, want)
	}
}
