package collect

import (
	"crypto/x509"
	"fmt"
	"sync"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

var publicRoots struct {
	once sync.Once
	pool *x509.CertPool
	err  error
}

// PublicRoots returns Mozilla's root program as bundled at build time. It is
// the reference a TLS chain is held against: a chain this machine accepts
// but these roots reject was re-signed by something on the machine or the
// network (an antivirus, a corporate proxy). Roots Mozilla distrusts after a
// date carry that constraint, as browsers apply it. Each call returns its own
// copy, so callers may add to it.
func PublicRoots() (*x509.CertPool, error) {
	publicRoots.once.Do(func() {
		p := x509.NewCertPool()
		for r := range bundle.Roots() {
			cert, err := x509.ParseCertificate(r.Certificate)
			if err != nil {
				publicRoots.err = fmt.Errorf("public roots: parse bundled root: %v", err)
				return
			}
			if r.Constraint != nil {
				p.AddCertWithConstraint(cert, r.Constraint)
			} else {
				p.AddCert(cert)
			}
		}
		publicRoots.pool = p
	})
	if publicRoots.err != nil {
		return nil, publicRoots.err
	}
	return publicRoots.pool.Clone(), nil
}
