package probes

import (
	"context"
	"crypto/x509"
	"io/fs"
	"net"
	"net/netip"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command"
)

// Limits are the waits a run's network probes start from: the limits
// under the default budget, before timeoutsFor scales them to the run's.
// A World with zero Limits (the real machine, the demo) uses the constants
// above and their reasons; a field left zero keeps its constant. Tests of
// stalls set milliseconds, so that a stall is still reported as that
// phase's stall without the test waiting out seconds.
type Limits struct {
	// Probe bounds one request chain (endpointTimeout).
	Probe time.Duration
	// DNS bounds one lookup through the system resolver (dnsTimeout).
	DNS time.Duration
	// Connect bounds the TCP connect over all addresses (connectTimeout).
	Connect time.Duration
	// TLS bounds the TLS handshake (tlsHandshakeTimeout).
	TLS time.Duration
	// Header bounds the wait for response headers (responseHeaderTimeout).
	Header time.Duration
	// BodyReserve is kept back from Probe when reading a body
	// (bodyReadReserve).
	BodyReserve time.Duration
	// DNSQuery bounds one query to an independent resolver and caps DNS
	// (dnsQueryTimeout).
	DNSQuery time.Duration
	// DNSRetransmit is when an unanswered UDP query is sent again
	// (dnsRetransmitAfter).
	DNSRetransmit time.Duration
	// Command bounds one OS command (commandTimeout).
	Command time.Duration
}

// World is everything a probe may touch outside its own memory. main wires
// the real machine; tests and the demo wire the lab. No probe reaches the
// network, the clock, the environment, a command or a file except through
// these fields, which is what lets every probe run against servers on
// loopback.
type World struct {
	// Dialer opens TCP and UDP connections. Addresses are IP:port: probes
	// resolve names themselves through Resolver so that they can choose the
	// address family and record what they connected to.
	Dialer Dialer
	// Resolver is the system resolver (or the one the user named with
	// --resolver): the answers a browser on this machine would get.
	Resolver Resolver
	// Clock tells the time, for timings and clock-skew checks.
	Clock Clock
	// LookupEnv reads the process environment (proxy variables, API key).
	LookupEnv func(key string) (string, bool)
	// Runner runs OS commands: the probes' helpers (scutil, gsettings,
	// resolvectl status …) and the remedies' commands alike, so a demo's
	// remedy reaches the lab's staged machine. A missing command yields an
	// error wrapping command.ErrNotFound.
	Runner command.Runner
	// FS reads OS files (/etc/resolv.conf, /sys/class/net, kioslaverc). It is
	// rooted at "/" on the real machine; paths are given without the leading
	// slash, as io/fs requires ("etc/resolv.conf"). It may implement
	// fs.ReadLinkFS for symlink targets.
	FS fs.FS
	// HomeDir is the user's home directory, for per-user settings files.
	HomeDir string
	// GOOS is the operating system the probes should behave as; parsers for
	// other systems still exist in every build, but collectors run only
	// for their own OS.
	GOOS string

	// Trust is the set of root stores TLS results are judged against.
	Trust Trust

	// Host describes this machine (hostname, OS, interfaces, processes).
	Host HostInfo

	// Limits are how long the network probes and commands wait; zero
	// means the documented defaults (see Limits).
	Limits Limits
}

// Trust holds the root stores a TLS chain is checked against.
type Trust struct {
	// System is the store this machine trusts: nil means the OS store (or
	// SSL_CERT_FILE / SSL_CERT_DIR, which replace it, as in Go).
	System *x509.CertPool
	// User holds roots the user declared as their own with --ca-file (a
	// known corporate inspection CA): chains to them are trusted and not
	// reported as interception.
	User *x509.CertPool
	// Public is the reference set of publicly trusted roots (Mozilla's,
	// bundled at build time). A chain the system store accepts but this set
	// rejects means something on this machine or network re-signs TLS.
	Public *x509.CertPool
	// PublicSource names where Public came from, for reports
	// ("bundled Mozilla NSS roots" or the file given by --public-ca-file).
	PublicSource string
}

// Dialer opens connections; *net.Dialer satisfies it.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Resolver answers the questions probes ask of the system resolver.
// *net.Resolver satisfies it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// Clock is the time source; tests substitute a fixed or stepping clock.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// HostInfo gives probes the machine's own facts. The real implementation
// uses gopsutil and the standard library; tests use fixed data.
type HostInfo interface {
	// Info returns the hostname, OS and platform.
	Info(ctx context.Context) (HostFacts, error)
	// Interfaces lists network interfaces with their addresses.
	Interfaces(ctx context.Context) ([]Interface, error)
	// Processes lists running process names (and executable paths where
	// readable), for VPN, Tor and resolver detection.
	Processes(ctx context.Context) ([]Process, error)
}

// HostFacts is the machine's identity as the OS reports it.
type HostFacts struct {
	// Hostname is the machine's host name.
	Hostname string `json:"hostname"`
	// OS is the operating system as Go names it (linux, darwin, windows).
	OS string `json:"os"`
	// Platform is the distribution or product ("ubuntu", "darwin", "Microsoft
	// Windows 11 Pro").
	Platform string `json:"platform,omitempty"`
	// PlatformVersion is the platform's version ("24.04", "14.5").
	PlatformVersion string `json:"platform_version,omitempty"`
	// KernelVersion is the kernel release ("6.8.0-45-generic").
	KernelVersion string `json:"kernel_version,omitempty"`
}

// Interface is one network interface. It has no MAC address on purpose:
// no rule needs it, and it would identify the machine in every report a
// user shares.
type Interface struct {
	// Index is the OS's interface index.
	Index int `json:"index"`
	// Name is the interface name ("eth0", "en0", "wg0"; on Windows the
	// adapter's name, "Wi-Fi").
	Name string `json:"name"`
	// MTU is the largest packet the interface sends, in bytes (1500 on
	// Ethernet; tunnels use less).
	MTU int `json:"mtu,omitempty"`
	// Flags are the interface flags set: up, broadcast, loopback,
	// pointtopoint, multicast.
	Flags []string `json:"flags,omitempty"`
	// Addrs are CIDR strings ("192.0.2.10/24").
	Addrs []string `json:"addrs,omitempty"`
	// Description is the adapter description where the OS has one
	// (Windows: "WireGuard Tunnel"); empty elsewhere.
	Description string `json:"description,omitempty"`
}

// Process is one running process.
type Process struct {
	PID  int32  `json:"pid"`
	Name string `json:"name"`
	Exe  string `json:"exe,omitempty"`
}
