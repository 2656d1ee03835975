package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"runtime"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/probes/collect"
)

// systemWorld wires the real machine: the OS network stack (with the user's
// --connect-to rules and --resolver), the OS trust store, the environment,
// OS commands and files.
func systemWorld(o options) (probes.World, error) {
	var dialer probes.Dialer = &net.Dialer{}
	if len(o.connectTo) > 0 {
		dialer = collect.ConnectTo{Base: dialer, Rules: o.connectTo}
	}
	resolver := &net.Resolver{}
	if o.resolver != "" {
		server := o.resolver
		resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, server)
		}}
	}
	trust, err := loadTrust(o)
	if err != nil {
		return probes.World{}, err
	}
	home, _ := os.UserHomeDir()
	return probes.World{
		Dialer:    dialer,
		Resolver:  resolver,
		Clock:     probes.SystemClock{},
		LookupEnv: os.LookupEnv,
		Runner:    command.ExecRunner{},
		FS:        os.DirFS("/"),
		HomeDir:   home,
		GOOS:      runtime.GOOS,
		Trust:     trust,
		Host:      collect.SystemHost{},
	}, nil
}

// loadTrust builds the root stores: the OS store (Go honours SSL_CERT_FILE
// and SSL_CERT_DIR, which replace it), the user's own roots, and the public
// reference set.
func loadTrust(o options) (probes.Trust, error) {
	var t probes.Trust
	if len(o.caFiles) > 0 {
		t.User = x509.NewCertPool()
		for _, f := range o.caFiles {
			if err := addPEMFile(t.User, f); err != nil {
				return t, err
			}
		}
	}
	if o.publicCAFile != "" {
		t.Public = x509.NewCertPool()
		if err := addPEMFile(t.Public, o.publicCAFile); err != nil {
			return t, err
		}
		t.PublicSource = o.publicCAFile
		return t, nil
	}
	pub, err := collect.PublicRoots()
	if err != nil {
		return t, fmt.Errorf("trust: load the bundled public roots: %w", err)
	}
	t.Public = pub
	t.PublicSource = "bundled Mozilla NSS roots"
	return t, nil
}

// addPEMFile adds every certificate in a PEM file, refusing a file with none
// (a typo'd path to a key or a DER file should not silently trust nothing).
func addPEMFile(pool *x509.CertPool, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return usagef("CA file %s: %v", path, unwrapPath(err))
	}
	n := 0
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return usagef("CA file %s: certificate %d: %v", path, n+1, err)
		}
		pool.AddCert(cert)
		n++
	}
	if n == 0 {
		return usagef("CA file %s: no PEM certificates found", path)
	}
	return nil
}
