package collect

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/probes"
)

func TestInterceptionProduct(t *testing.T) {
	cases := map[string]pkix.Name{
		"Kaspersky":          {CommonName: "Kaspersky Anti-Virus Personal Root Certificate", Organization: []string{"AO Kaspersky Lab"}},
		"ESET":               {CommonName: "ESET SSL Filter CA", Organization: []string{"ESET, spol. s r. o."}},
		"Avast":              {CommonName: "Avast Web/Mail Shield Root"},
		"AVG":                {CommonName: "AVG Web/Mail Shield Root"},
		"Norton":             {CommonName: "Norton Web/Mail Shield Root"},
		"Bitdefender":        {CommonName: "Bitdefender Personal CA.Net-Defender"},
		"Sophos":             {CommonName: "Sophos SSL CA"},
		"Dr.Web":             {Organization: []string{"Doctor Web Ltd"}},
		"AdGuard":            {CommonName: "AdGuard Personal Root Certificate"},
		"Zscaler":            {CommonName: "Zscaler Intermediate Root CA (zscalerthree.net) (t)", Organization: []string{"Zscaler Inc."}},
		"Netskope":           {CommonName: "ca.example.goskope.com"},
		"Fortinet":           {CommonName: "FG100FTK19000000", Organization: []string{"Fortinet"}},
		"Palo Alto Networks": {CommonName: "Forward Trust", Organization: []string{"Palo Alto Networks"}},
		"Cisco Umbrella":     {CommonName: "Cisco Umbrella Primary SubCA", Organization: []string{"Cisco"}},
		"Blue Coat":          {CommonName: "ProxySG Appliance CA"},
		"Check Point":        {CommonName: "Check Point Outbound CA"},
		"Forcepoint":         {CommonName: "Forcepoint Cloud CA"},
		"McAfee":             {CommonName: "McAfee Web Gateway"},
		"Cloudflare Gateway": {CommonName: "Cloudflare for Teams ECC Certificate Authority"},
		"mitmproxy":          {CommonName: "mitmproxy", Organization: []string{"mitmproxy"}},
		"Charles":            {CommonName: "Charles Proxy CA (1 Jan 2026, host)", Organization: []string{"XK72 Ltd"}},
		"Fiddler":            {CommonName: "DO_NOT_TRUST_FiddlerRoot", Organization: []string{"DO_NOT_TRUST"}},
		"Burp Suite":         {CommonName: "PortSwigger CA", Organization: []string{"PortSwigger"}},
	}
	for want, issuer := range cases {
		leaf := &x509.Certificate{Subject: pkix.Name{CommonName: "chatgpt.com"}, Issuer: issuer}
		if got := interceptionProduct([]*x509.Certificate{leaf}); got != want {
			t.Errorf("issuer %v: product %q, want %q", issuer, got, want)
		}
	}
	for _, public := range []pkix.Name{
		{CommonName: "WE1", Organization: []string{"Google Trust Services"}},
		{CommonName: "R11", Organization: []string{"Let's Encrypt"}},
		{CommonName: "Cloudflare Inc ECC CA-3", Organization: []string{"Cloudflare, Inc."}},
		{CommonName: "DigiCert Global G2 TLS RSA SHA256 2020 CA1", Organization: []string{"DigiCert Inc"}},
	} {
		leaf := &x509.Certificate{Subject: pkix.Name{CommonName: "chatgpt.com"}, Issuer: public}
		if got := interceptionProduct([]*x509.Certificate{leaf}); got != "" {
			t.Errorf("public issuer %v named as %q", public, got)
		}
	}
}

func TestIsCloudflareCA(t *testing.T) {
	for _, o := range []string{"Google Trust Services LLC", "Let's Encrypt", "Internet Security Research Group", "SSL Corp", "SSL Corporation", "Sectigo Limited", "DigiCert Inc"} {
		if !isCloudflareCA([]string{o}) {
			t.Errorf("isCloudflareCA(%q) = false", o)
		}
	}
	for _, o := range []string{"Example Corp", "Zscaler Inc.", ""} {
		if isCloudflareCA([]string{o}) {
			t.Errorf("isCloudflareCA(%q) = true", o)
		}
	}
}

func TestJudgeChain(t *testing.T) {
	cas := testCAs()
	state := func(ca *testCA, host string) tls.ConnectionState {
		c := ca.leaf(host)
		leaf, _ := x509.ParseCertificate(c.Certificate[0])
		return tls.ConnectionState{Version: tls.VersionTLS13, ServerName: "chatgpt.com", PeerCertificates: []*x509.Certificate{leaf}}
	}
	now := time.Now()

	// Publicly trusted, issuer outside Cloudflare's CAs: a note, not a verdict.
	other := newTestCA("Other CA", "Some Other Trust Ltd")
	sys := other.pool()
	d, err := judgeChain(state(other, "chatgpt.com"), "chatgpt.com", probes.Trust{System: sys, Public: other.pool()}, now, true)
	if err != nil || !d.SystemVerified || !d.PublicVerified || d.Intercepted || !strings.Contains(d.IssuerNote, "Some Other Trust Ltd") {
		t.Errorf("other public CA: %+v %v", d, err)
	}

	// Expired at this machine's time: a wrong clock shows up as such.
	d, err = judgeChain(state(cas.public, "chatgpt.com"), "chatgpt.com", probes.Trust{System: cas.public.pool(), Public: cas.public.pool()}, now.Add(72*time.Hour), true)
	var ce *chainError
	if err == nil || !asChainError(err, &ce) || ce.Code != "tls_expired" || !strings.Contains(d.SystemError, "at this machine's time") {
		t.Errorf("expired: %+v %v", d, err)
	}

	// No certificate at all.
	if _, err := judgeChain(tls.ConnectionState{ServerName: "chatgpt.com"}, "chatgpt.com", probes.Trust{}, now, true); err == nil {
		t.Error("empty chain accepted")
	}

	// Against the bundled Mozilla roots a test CA is not public.
	mozilla, err := PublicRoots()
	if err != nil {
		t.Fatal(err)
	}
	d, err = judgeChain(state(cas.public, "chatgpt.com"), "chatgpt.com", probes.Trust{System: cas.public.pool(), Public: mozilla}, now, true)
	if err != nil || d.PublicVerified || !d.Intercepted || d.InterceptedBy != "Test GTS Root R4" {
		t.Errorf("bundled reference: %+v %v", d, err)
	}
	// A corporate inspection product is marked as such; an antivirus is not.
	zscaler := newTestCA("Zscaler Intermediate Root CA (zscalerthree.net)", "Zscaler Inc.")
	d, err = judgeChain(state(zscaler, "chatgpt.com"), "chatgpt.com", probes.Trust{System: zscaler.pool(), Public: cas.public.pool()}, now, true)
	if err != nil || !d.Intercepted || d.Product != "Zscaler" || !d.Corporate {
		t.Errorf("zscaler: %+v %v", d, err)
	}
	d, err = judgeChain(state(cas.intercept, "chatgpt.com"), "chatgpt.com", probes.Trust{System: cas.intercept.pool(), Public: cas.public.pool()}, now, true)
	if err != nil || !d.Intercepted || d.Product != "Kaspersky" || d.Corporate {
		t.Errorf("kaspersky: %+v %v", d, err)
	}
	// Without a public reference nothing is called interception.
	d, err = judgeChain(state(cas.public, "chatgpt.com"), "chatgpt.com", probes.Trust{System: cas.public.pool()}, now, true)
	if err != nil || d.PublicVerified || d.Intercepted || !d.SystemVerified {
		t.Errorf("no reference: %+v %v", d, err)
	}

	// An IP address sends no SNI; the certificate is still checked
	// against the host asked for.
	noSNI := state(cas.public, "chatgpt.com")
	noSNI.ServerName = ""
	if _, err := judgeChain(noSNI, "104.18.32.47", probes.Trust{System: cas.public.pool()}, now, false); !asChainError(err, &ce) || ce.Code != "tls_hostname" {
		t.Errorf("IP host without SNI: %v", err)
	}
}

// TestVerifyOwnTrust: helper requests (DoH) accept a chain by judgeChain's
// rules: the system store or the user's --ca-file roots, nothing else.
func TestVerifyOwnTrust(t *testing.T) {
	cas := testCAs()
	c := cas.corp.leaf("cloudflare-dns.com")
	leaf, _ := x509.ParseCertificate(c.Certificate[0])
	cs := tls.ConnectionState{Version: tls.VersionTLS13, ServerName: "cloudflare-dns.com", PeerCertificates: []*x509.Certificate{leaf}}
	if err := verifyOwnTrust("cloudflare-dns.com", probes.Trust{System: cas.public.pool(), User: cas.corp.pool()}, probes.SystemClock{})(cs); err != nil {
		t.Errorf("user root refused: %v", err)
	}
	var ce *chainError
	if err := verifyOwnTrust("cloudflare-dns.com", probes.Trust{System: cas.public.pool(), Public: cas.corp.pool()}, probes.SystemClock{})(cs); !asChainError(err, &ce) || ce.Code != "tls_untrusted" {
		t.Errorf("untrusted chain: %v", err)
	}
}

func asChainError(err error, target **chainError) bool {
	ce, ok := err.(*chainError)
	if ok {
		*target = ce
	}
	return ok
}

func TestPublicRoots(t *testing.T) {
	p, err := PublicRoots()
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 counting is all this needs, and the pool is not a system pool
	if n := len(p.Subjects()); n < 100 {
		t.Errorf("%d public roots, want Mozilla's (over 100)", n)
	}
	// Each call returns its own pool: adding to one leaves the next alone.
	q, _ := PublicRoots()
	q.AddCert(testCAs().public.cert)
	leaf, _ := x509.ParseCertificate(publicLeaf().Certificate[0])
	opts := func(pool *x509.CertPool) x509.VerifyOptions {
		return x509.VerifyOptions{Roots: pool, DNSName: "chatgpt.com"}
	}
	if _, err := leaf.Verify(opts(q)); err != nil {
		t.Errorf("added root not used: %v", err)
	}
	r, _ := PublicRoots()
	if _, err := leaf.Verify(opts(r)); err == nil {
		t.Error("PublicRoots returned a shared pool")
	}
}
