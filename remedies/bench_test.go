package remedies

import (
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

// benchSnapshot is a busy run: a 6-cell matrix per web target, the API,
// traces, identity, DNS and status results, with blocks to explain.
func benchSnapshot() probes.Snapshot {
	var rs []probes.Result
	for _, h := range []string{"chatgpt.com", "chat.openai.com"} {
		rs = append(rs, web(h, v1020)...)
		rs = append(rs, ep(h, "proxy-any-browser", v1020), ep(h, "proxy-any-plain", v1020), matrix(h, "", ""))
	}
	rs = append(rs, ep("api.openai.com", "default", vMissing), trace("direct", "203.0.113.7", "DE"), trace("proxy", "198.51.100.9", "NL"),
		vpnResult(true, probes.StatusWarn), torResult(), egress(true, true, nil), captiveResult(false), publicIP("DE", true),
		lookup("chatgpt.com", false, answer("system", "system", "NOERROR", cfAddr), answer("1.1.1.1:53", "udp", "NOERROR", cfAddr)),
		dnsConfig("systemd-resolved (stub)"), proxyEnv("http://proxy.example:3128"), hostResult(),
		statusPage("none", "operational", "operational", probes.StatusPass), apiKey(probes.KeyValid, 200, probes.StatusPass))
	return snap(rs...)
}

func BenchmarkDiagnose(b *testing.B) {
	s := benchSnapshot()
	ctx := DiagnoseContext{GOOS: "linux"}
	b.ReportAllocs()
	for b.Loop() {
		Diagnose(s, ctx)
	}
}

func BenchmarkPlanActions(b *testing.B) {
	s := benchSnapshot()
	env := envFor("linux", newFake("resolvectl", "xdg-open", "firefox", "xclip", "nmcli"), nil)
	b.ReportAllocs()
	for b.Loop() {
		PlanActions(s, env)
	}
}

func BenchmarkSupportTicket(b *testing.B) {
	s := benchSnapshot()
	findings := Diagnose(s, DiagnoseContext{GOOS: "linux"})
	b.ReportAllocs()
	for b.Loop() {
		SupportTicket(s, findings, nil)
	}
}
