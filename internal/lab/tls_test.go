package lab

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

// verifyChain checks a presented chain against roots, as a TLS probe
// judges system versus public trust.
func verifyChain(cs *tls.ConnectionState, roots *x509.CertPool, host string) error {
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: host})
	return err
}

func TestTLSChains(t *testing.T) {
	t.Parallel()
	v := variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain)

	healthy := startLab(t, "healthy", Options{})
	w := healthy.World(probes.World{})
	for _, u := range []string{"https://chatgpt.com/cdn-cgi/trace", "https://api.openai.com/cdn-cgi/trace",
		"https://status.openai.com/cdn-cgi/trace", "https://cloudflare-dns.com/cdn-cgi/trace", "https://1.1.1.1/cdn-cgi/trace",
		"https://one.one.one.one/cdn-cgi/trace", "https://cloudflare.com/cdn-cgi/trace"} {
		res := fetch(t, w, u, fetchOpts{variant: v})
		if res.err != nil || res.tls == nil {
			t.Fatalf("%s: %v", u, res.err)
		}
		leaf := res.tls.PeerCertificates[0]
		if len(res.tls.PeerCertificates) != 2 || leaf.Issuer.CommonName != "WE1" || leaf.Issuer.Organization[0] != "Google Trust Services" {
			t.Errorf("%s: chain of %d, issuer %v", u, len(res.tls.PeerCertificates), leaf.Issuer)
		}
		host := strings.Split(strings.TrimPrefix(u, "https://"), "/")[0]
		if err := verifyChain(res.tls, w.Trust.Public, host); err != nil {
			t.Errorf("%s: public roots reject the healthy chain: %v", u, err)
		}
	}

	// An antivirus re-signs: the machine trusts it, the public roots do not.
	av := startLab(t, "tls-intercepted", Options{})
	w = av.World(probes.World{})
	res := fetch(t, w, "https://chatgpt.com/cdn-cgi/trace", fetchOpts{variant: v})
	if res.err != nil {
		t.Fatalf("intercepted: the machine must accept the AV chain: %v", res.err)
	}
	leaf := res.tls.PeerCertificates[0]
	if leaf.Issuer.CommonName != "Kaspersky Anti-Virus Personal Root Certificate" || leaf.Issuer.Organization[0] != "AO Kaspersky Lab" {
		t.Errorf("intercepted: issuer %v", leaf.Issuer)
	}
	if err := verifyChain(res.tls, w.Trust.System, "chatgpt.com"); err != nil {
		t.Errorf("intercepted: system roots reject the AV chain: %v", err)
	}
	var unknown x509.UnknownAuthorityError
	if err := verifyChain(res.tls, w.Trust.Public, "chatgpt.com"); !errors.As(err, &unknown) {
		t.Errorf("intercepted: public roots must not know the AV root: %v", err)
	}

	// The ISP block page's certificate is nobody's.
	hj := startLab(t, "dns-hijack", Options{})
	w = hj.World(probes.World{})
	res = fetch(t, w, "https://chatgpt.com/", fetchOpts{variant: v})
	var certErr *tls.CertificateVerificationError
	if !errors.As(res.err, &certErr) || certErr.UnverifiedCertificates[0].Subject.CommonName != "block.isp.example" {
		t.Errorf("hijack: %v", res.err)
	}
	// Over plain HTTP the block page itself shows.
	res = fetch(t, w, "http://chatgpt.com/", fetchOpts{variant: v})
	if res.status != 200 || !strings.Contains(string(res.body), "This website has been blocked") || res.header.Get("Server") == "cloudflare" {
		t.Errorf("hijack block page: %d %q", res.status, res.body)
	}

	// Certificates outlive any test run and are fresh.
	if leaf.NotBefore.After(time.Now()) || leaf.NotAfter.Before(time.Now().Add(24*time.Hour)) {
		t.Errorf("leaf validity %v..%v", leaf.NotBefore, leaf.NotAfter)
	}
}

func TestCaptivePortal(t *testing.T) {
	t.Parallel()
	v := variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersPlain)
	healthy := startLab(t, "healthy", Options{})
	res := fetch(t, healthy.World(probes.World{}), probes.DefaultCaptiveURL, fetchOpts{variant: v})
	if res.status != http.StatusNoContent || len(res.body) != 0 || res.header.Get("Server") != "cloudflare" {
		t.Errorf("healthy captive check: %d %q", res.status, res.body)
	}

	cp := startLab(t, "captive-portal", Options{})
	w := cp.World(probes.World{})
	res = fetch(t, w, probes.DefaultCaptiveURL, fetchOpts{variant: v})
	if res.status != 200 || !strings.Contains(string(res.body), "<title>Hotspot login</title>") ||
		len(res.redirects) != 1 || !strings.HasPrefix(res.redirects[0], "http://login.hotspot.example/login?orig=") {
		t.Errorf("captive check: %d via %v: %.200q", res.status, res.redirects, res.body)
	}
	// Every plain-HTTP site lands on the portal; HTTPS is refused.
	res = fetch(t, w, "http://chatgpt.com/", fetchOpts{variant: v})
	if len(res.redirects) != 1 || !strings.Contains(res.redirects[0], "orig=http%3A%2F%2Fchatgpt.com%2F") {
		t.Errorf("http://chatgpt.com: %v", res.redirects)
	}
	if res := fetch(t, w, "https://chatgpt.com/", fetchOpts{variant: v}); res.failure != FailureRefused {
		t.Errorf("https://chatgpt.com: %q %v", res.failure, res.err)
	}
	if !cp.Scenario().Expect.Captive || healthy.Scenario().Expect.Captive {
		t.Error("Expect.Captive wrong")
	}
}
