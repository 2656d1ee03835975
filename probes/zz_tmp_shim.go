package probes

// TEMPORARY shim for the cli branch; deleted before merging the probe branches.

import (
	"context"
	"crypto/x509"
	"time"
)

func TargetProbes(t Target, cfg Config, w World) []Probe {
	return []Probe{{ID: "endpoint:" + t.Host() + ":default", Kind: KindEndpoint, Title: t.Host(), Run: func(context.Context) Result {
		return Result{Status: StatusPass, Reason: "shim"}
	}}}
}
func TraceProbes(cfg Config, w World) []Probe { return nil }
func StatusPageProbe(cfg Config, w World) Probe {
	return Probe{ID: "status:openai", Kind: KindStatusPage}
}
func APIKeyProbe(cfg Config, w World) Probe      { return Probe{ID: "apikey:openai", Kind: KindAPIKey} }
func DNSProbes(cfg Config, w World) []Probe      { return nil }
func IdentityProbes(cfg Config, w World) []Probe { return nil }
func ProxyProbes(cfg Config, w World) []Probe    { return nil }
func MatrixDerivation(cfg Config) Derivation     { return func([]Result) []Result { return nil } }
func PublicIPDerivation() Derivation             { return func([]Result) []Result { return nil } }
func PublicRoots() (*x509.CertPool, error)       { return x509.NewCertPool(), nil }

type SystemHost struct{}

func (SystemHost) Info(ctx context.Context) (HostFacts, error)         { return HostFacts{}, nil }
func (SystemHost) Interfaces(ctx context.Context) ([]Interface, error) { return nil, nil }
func (SystemHost) Processes(ctx context.Context) ([]Process, error)    { return nil, nil }

type ExecRunner struct{ Timeout time.Duration }

func (ExecRunner) Run(ctx context.Context, name string, args ...string) ([]byte, error) {
	return nil, nil
}
