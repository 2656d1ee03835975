package lab

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/netip"
	"time"
)

// labOU marks every lab certificate so nobody mistakes one for the real
// thing: the names imitate real CAs because probes judge issuers by name.
const labOU = "gptdoctor lab: throwaway test certificate, not a real CA"

// pki is the lab's certificate world. The public chain imitates what
// Cloudflare serves for chatgpt.com (GTS Root R4 -> WE1 -> leaf) so issuer
// checks see a legitimate issuer; the interception root imitates an
// antivirus product that re-signs every site it scans.
type pki struct {
	// machine is the store this machine trusts (World.Trust.System);
	// public is the reference set (World.Trust.Public).
	machine, public *x509.CertPool
	// machinePEM and publicPEM are the same stores as files for the real
	// binary.
	machinePEM, publicPEM []byte
	// edge holds one certificate (with chain) per edge name group.
	edge []tls.Certificate
	// isp is the self-signed certificate the ISP block page presents.
	isp tls.Certificate
}

// Certificate lifetimes: long enough that no test run expires them, short
// like real leaves so nothing looks odd in a report.
const (
	rootLifetime = 10 * 365 * 24 * time.Hour
	leafLifetime = 90 * 24 * time.Hour
)

// edgeNames are the names (and IP SANs) of each edge certificate, grouped
// as Cloudflare issues them: one certificate per zone.
var edgeNames = []struct {
	dns []string
	ips []netip.Addr
}{
	{dns: []string{"chatgpt.com", "*.chatgpt.com"}},
	{dns: []string{"openai.com", "*.openai.com"}},
	// The real cloudflare-dns.com certificate carries the resolver IPs,
	// which is what makes https://1.1.1.1/ work.
	{dns: []string{hostDoH, "*." + hostDoH, hostOneOneOne}, ips: cloudflareResolvers},
	{dns: []string{"cloudflare.com", "*.cloudflare.com"}},
}

// newPKI generates every key and certificate a scenario needs. ECDSA P-256
// keeps this under a few milliseconds.
func newPKI(now time.Time, intercept interceptor, isp bool) (*pki, error) {
	p := &pki{}
	rootKey, err := newKey()
	if err != nil {
		return nil, err
	}
	root, err := selfSigned(rootKey, pkix.Name{CommonName: "GTS Root R4", Organization: []string{"Google Trust Services LLC"},
		OrganizationalUnit: []string{labOU}, Country: []string{"US"}}, now)
	if err != nil {
		return nil, err
	}
	interKey, err := newKey()
	if err != nil {
		return nil, err
	}
	inter, err := issue(&x509.Certificate{
		Subject: pkix.Name{CommonName: "WE1", Organization: []string{"Google Trust Services"},
			OrganizationalUnit: []string{labOU}, Country: []string{"US"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(rootLifetime),
		IsCA: true, BasicConstraintsValid: true, MaxPathLen: 0, MaxPathLenZero: true,
		KeyUsage:    x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, &interKey.PublicKey, root, rootKey)
	if err != nil {
		return nil, err
	}

	issuer, issuerKey, chainTail := inter, crypto.Signer(interKey), []*x509.Certificate{inter}
	machineRoots := []*x509.Certificate{root}
	if intercept != interceptNone {
		avKey, err := newKey()
		if err != nil {
			return nil, err
		}
		name := pkix.Name{CommonName: "Kaspersky Anti-Virus Personal Root Certificate",
			Organization: []string{"AO Kaspersky Lab"}, OrganizationalUnit: []string{labOU}}
		if intercept == interceptCorporate {
			name = pkix.Name{CommonName: "Zscaler Root CA", Organization: []string{"Zscaler Inc."}, OrganizationalUnit: []string{labOU}}
		}
		av, err := selfSigned(avKey, name, now)
		if err != nil {
			return nil, err
		}
		// The antivirus installed its root into the machine's store and
		// signs leaves with it directly, as Kaspersky does.
		issuer, issuerKey, chainTail = av, avKey, nil
		machineRoots = append(machineRoots, av)
	}

	leafKey, err := newKey()
	if err != nil {
		return nil, err
	}
	for _, n := range edgeNames {
		tmpl := leafTemplate(n.dns, n.ips, now)
		tmpl.Subject.CommonName = n.dns[0]
		leaf, err := issue(tmpl, &leafKey.PublicKey, issuer, issuerKey)
		if err != nil {
			return nil, err
		}
		p.edge = append(p.edge, tlsCert(leaf, chainTail, leafKey))
	}

	if isp {
		ispKey, err := newKey()
		if err != nil {
			return nil, err
		}
		tmpl := leafTemplate([]string{"block.isp.example"}, nil, now)
		tmpl.Subject = pkix.Name{CommonName: "block.isp.example", Organization: []string{"Example ISP"}, OrganizationalUnit: []string{labOU}}
		self, err := issue(tmpl, &ispKey.PublicKey, tmpl, ispKey)
		if err != nil {
			return nil, err
		}
		p.isp = tlsCert(self, nil, ispKey)
	}

	p.public = x509.NewCertPool()
	p.public.AddCert(root)
	p.publicPEM = pemCerts(root)
	p.machine = x509.NewCertPool()
	for _, c := range machineRoots {
		p.machine.AddCert(c)
	}
	p.machinePEM = pemCerts(machineRoots...)
	return p, nil
}

// certFor picks the edge certificate for an SNI name, as Cloudflare does;
// no SNI (a request to https://1.1.1.1/) gets the resolver's certificate,
// the one whose IP SANs make that work.
func (p *pki) certFor(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	name := hello.ServerName
	if name == "" {
		name = hostDoH
	}
	for i := range p.edge {
		if p.edge[i].Leaf.VerifyHostname(name) == nil {
			return &p.edge[i], nil
		}
	}
	// Cloudflare still completes the handshake with some certificate; the
	// client then rejects the name.
	return &p.edge[0], nil
}

func newKey() (*ecdsa.PrivateKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("lab: generate key: %w", err)
	}
	return k, nil
}

func selfSigned(key *ecdsa.PrivateKey, subject pkix.Name, now time.Time) (*x509.Certificate, error) {
	tmpl := &x509.Certificate{
		Subject:   subject,
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(rootLifetime),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	return issue(tmpl, &key.PublicKey, tmpl, key)
}

func leafTemplate(dnsNames []string, ips []netip.Addr, now time.Time) *x509.Certificate {
	t := &x509.Certificate{
		Subject:   pkix.Name{OrganizationalUnit: []string{labOU}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(leafLifetime),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    dnsNames,
	}
	for _, ip := range ips {
		t.IPAddresses = append(t.IPAddresses, ip.AsSlice())
	}
	return t
}

// serialLimit bounds random serial numbers to 64 bits.
var serialLimit = new(big.Int).Lsh(big.NewInt(1), 64)

// issue signs tmpl with the parent's key and parses the result.
func issue(tmpl *x509.Certificate, pub crypto.PublicKey, parent *x509.Certificate, key crypto.Signer) (*x509.Certificate, error) {
	if tmpl.SerialNumber == nil {
		s, err := rand.Int(rand.Reader, serialLimit)
		if err != nil {
			return nil, fmt.Errorf("lab: serial: %w", err)
		}
		tmpl.SerialNumber = s
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		return nil, fmt.Errorf("lab: sign %s: %w", tmpl.Subject.CommonName, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("lab: parse %s: %w", tmpl.Subject.CommonName, err)
	}
	return c, nil
}

func tlsCert(leaf *x509.Certificate, chain []*x509.Certificate, key crypto.Signer) tls.Certificate {
	c := tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key, Leaf: leaf}
	for _, ic := range chain {
		c.Certificate = append(c.Certificate, ic.Raw)
	}
	return c
}

func pemCerts(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}
