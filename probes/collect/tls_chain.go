package collect

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// maxChainCerts bounds how many presented certificates are recorded and
// used as intermediates. Real chains have two to four; a hostile server may
// send hundreds to make verification slow and the report huge.
const maxChainCerts = 10

// chainError is what VerifyConnection returns when this machine's own trust
// (its store plus the user's declared roots) rejects the chain. The request
// stops there: a chain this machine does not trust is not talked over. The
// chain itself is still recorded in the result.
type chainError struct {
	Host string
	// Code is tls_untrusted, tls_hostname, tls_expired, tls_no_roots or
	// tls_invalid.
	Code string
	// Detail says why in words ("certificate signed by unknown authority
	// 'Kaspersky Anti-Virus Personal Root Certificate'").
	Detail string
}

func (e *chainError) Error() string { return "tls: " + e.Host + ": " + e.Detail }

// judgeChain checks the chain presented for host three ways: against this
// machine's store (Trust.System, nil meaning the OS store) or the user's
// declared roots, against the public reference roots (Trust.Public; none,
// and nothing is called interception), and against the user's roots
// alone. It returns what it found and, when the machine's own trust
// rejects the chain, a *chainError that aborts the handshake. host is
// passed apart from cs because no SNI (cs.ServerName) is sent for an IP
// address, which must still be checked against the certificate.
//
// It is the one TLS policy of every request the probes make: fetch judges
// with it, and helper requests accept a chain by it (verifyOwnTrust).
func judgeChain(cs tls.ConnectionState, host string, trust probes.Trust, now time.Time, expectCloudflare bool) (*probes.TLSDetails, error) {
	d := &probes.TLSDetails{
		Version:    tls.VersionName(cs.Version),
		ALPN:       sanitize.Line(cs.NegotiatedProtocol),
		ServerName: sanitize.Line(cs.ServerName),
	}
	certs := cs.PeerCertificates
	if len(certs) > maxChainCerts {
		certs = certs[:maxChainCerts]
	}
	for _, c := range certs {
		d.Chain = append(d.Chain, certInfo(c))
	}
	if len(certs) == 0 {
		d.SystemError = "server presented no certificate"
		return d, &chainError{Host: host, Code: "tls_invalid", Detail: d.SystemError}
	}

	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	verify := func(roots *x509.CertPool) ([][]*x509.Certificate, error) {
		return certs[0].Verify(x509.VerifyOptions{
			DNSName:       host,
			Intermediates: inter,
			Roots:         roots, // nil: the OS store or platform verifier
			CurrentTime:   now,
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		})
	}

	sysChains, sysErr := verify(trust.System)
	var userChains [][]*x509.Certificate
	if trust.User != nil {
		var userErr error
		userChains, userErr = verify(trust.User)
		d.UserTrusted = userErr == nil
	}
	d.SystemVerified = sysErr == nil || d.UserTrusted

	public := trust.Public
	if public != nil {
		_, pubErr := verify(public)
		d.PublicVerified = pubErr == nil
		if pubErr != nil {
			d.PublicError = sanitize.Line(verifyDetail(pubErr, host, certs, now))
		}
	}

	rootMost := rootMostName(certs, sysChains, userChains)
	if !d.PublicVerified {
		d.Product = interceptionProduct(certs)
		if d.Product == "" {
			d.Product = rootProduct(sysChains, userChains)
		}
		d.Corporate = corporateProduct(d.Product)
	}
	// Without a public reference set nothing can be called interception.
	d.Intercepted = sysErr == nil && public != nil && !d.PublicVerified && !d.UserTrusted
	if d.Intercepted {
		d.InterceptedBy = rootMost
	}
	if d.SystemVerified && d.PublicVerified && expectCloudflare && !isCloudflareCA(certs[0].Issuer.Organization) {
		org := strings.Join(certs[0].Issuer.Organization, ", ")
		if org == "" {
			org = certs[0].Issuer.CommonName
		}
		d.IssuerNote = sanitize.Line(fmt.Sprintf("issuer organisation %q is not one of Cloudflare's CAs (Google Trust Services, Let's Encrypt, SSL.com, Sectigo, DigiCert)", org))
	}

	if d.SystemVerified {
		return d, nil
	}
	d.SystemError = sanitize.Line(verifyDetail(sysErr, host, certs, now))
	return d, &chainError{Host: host, Code: verifyCode(sysErr), Detail: d.SystemError}
}

// verifyOwnTrust is the VerifyConnection hook of the probes' helper
// requests (DoH): judgeChain's verdict for host by this machine's own
// trust, the public reference left out since nothing is recorded.
func verifyOwnTrust(host string, trust probes.Trust, clock probes.Clock) func(tls.ConnectionState) error {
	own := probes.Trust{System: trust.System, User: trust.User}
	return func(cs tls.ConnectionState) error {
		_, err := judgeChain(cs, host, own, clock.Now(), false)
		return err
	}
}

// verifyCode is the stable failure code for a verification error.
func verifyCode(err error) string {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	var sr x509.SystemRootsError
	switch {
	case errors.As(err, &ua):
		return "tls_untrusted"
	case errors.As(err, &he):
		return "tls_hostname"
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		return probes.FailureCertTime
	case errors.As(err, &sr):
		return "tls_no_roots"
	}
	return "tls_invalid"
}

// verifyDetail says why a chain failed, naming the authority for an unknown
// one and the validity window for an expired one (a wrong clock is a common
// cause of both).
func verifyDetail(err error, host string, certs []*x509.Certificate, now time.Time) string {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &ua):
		return fmt.Sprintf("certificate signed by unknown authority '%s'", nameOf(certs[len(certs)-1].Issuer))
	case errors.As(err, &he):
		names := he.Certificate.DNSNames
		if len(names) > 4 {
			names = append(names[:4:4], "…")
		}
		return fmt.Sprintf("certificate is not valid for %s (it names %s)", host, strings.Join(names, ", "))
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		return fmt.Sprintf("certificate %s is outside its validity (%s to %s) at this machine's time %s",
			nameOf(ci.Cert.Subject), ci.Cert.NotBefore.UTC().Format(time.RFC3339), ci.Cert.NotAfter.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return strings.TrimPrefix(err.Error(), "x509: ")
}

// rootMostName names the authority at the top of the chain: the verified
// root when a store accepted the chain, otherwise the issuer of the last
// presented certificate.
func rootMostName(certs []*x509.Certificate, chains ...[][]*x509.Certificate) string {
	for _, cs := range chains {
		if len(cs) > 0 && len(cs[0]) > 0 {
			return nameOf(cs[0][len(cs[0])-1].Subject)
		}
	}
	return nameOf(certs[len(certs)-1].Issuer)
}

// rootProduct matches the verified roots (which the server need not send)
// against the interception table.
func rootProduct(chains ...[][]*x509.Certificate) string {
	for _, cs := range chains {
		for _, c := range cs {
			if p := interceptionProduct(c[len(c)-1:]); p != "" {
				return p
			}
		}
	}
	return ""
}

// nameOf prints a certificate name the way people recognise it: the common
// name, else the organisation, else the whole distinguished name.
func nameOf(n pkix.Name) string {
	switch {
	case n.CommonName != "":
		return sanitize.Line(n.CommonName)
	case len(n.Organization) > 0:
		return sanitize.Line(strings.Join(n.Organization, ", "))
	}
	return sanitize.Line(n.String())
}

func certInfo(c *x509.Certificate) probes.CertInfo {
	sum := sha256.Sum256(c.Raw)
	return probes.CertInfo{
		Subject:   sanitize.Line(c.Subject.String()),
		IssuerCN:  sanitize.Line(c.Issuer.CommonName),
		IssuerOrg: sanitize.Line(strings.Join(c.Issuer.Organization, ", ")),
		NotBefore: c.NotBefore.UTC(),
		NotAfter:  c.NotAfter.UTC(),
		SHA256:    hex.EncodeToString(sum[:]),
	}
}
