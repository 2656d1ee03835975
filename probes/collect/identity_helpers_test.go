package collect

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/command"
	"github.com/gptdoctor/gptdoctor/probes"
)

// identHost is a fixed HostInfo for identity and proxy tests.
type identHost struct {
	facts    probes.HostFacts
	ifaces   []probes.Interface
	procs    []probes.Process
	factsErr error
	ifErr    error
	procErr  error
	mu       sync.Mutex
	calls    map[string]int
}

func (h *identHost) count(k string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.calls == nil {
		h.calls = map[string]int{}
	}
	h.calls[k]++
}

func (h *identHost) Info(context.Context) (probes.HostFacts, error) {
	h.count("info")
	return h.facts, h.factsErr
}

func (h *identHost) Interfaces(context.Context) ([]probes.Interface, error) {
	h.count("interfaces")
	return append([]probes.Interface(nil), h.ifaces...), h.ifErr
}

func (h *identHost) Processes(context.Context) ([]probes.Process, error) {
	h.count("processes")
	return append([]probes.Process(nil), h.procs...), h.procErr
}

// identRunner answers commands from a table keyed by the joined argv.
type identRunner struct {
	noTools
	out   map[string]string
	errs  map[string]error
	mu    sync.Mutex
	calls []string
}

func (r *identRunner) Run(_ context.Context, argv []string, _ []byte) (command.Output, error) {
	name, key := argv[0], strings.Join(argv, " ")
	r.mu.Lock()
	r.calls = append(r.calls, key)
	r.mu.Unlock()
	if err, ok := r.errs[key]; ok {
		return command.Output{}, err
	}
	if out, ok := r.out[key]; ok {
		return command.Output{Stdout: out}, nil
	}
	return command.Output{}, command.NotFound(name)
}

// identEnv makes a LookupEnv from a map.
func identEnv(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// identRefuser refuses every connection, so a test never touches a real
// port on this machine by accident.
type identRefuser struct{}

func (identRefuser) DialContext(_ context.Context, network, addr string) (net.Conn, error) {
	return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
}

// identLoopback dials only loopback addresses for real and refuses the
// rest: the base of ConnectTo dialers in tests.
type identLoopback struct{}

func (identLoopback) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().IsLoopback() {
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// identMapped returns a ConnectTo that maps logical addresses to loopback
// listeners and refuses everything else.
func identMapped(rules map[string]string) probes.Dialer {
	return ConnectTo{Base: identLoopback{}, Rules: rules}
}

// identUDPDialer answers UDP connects with a fixed local address per
// destination family, the way the kernel picks a source; errors per family
// simulate a missing route.
type identUDPDialer struct {
	src4, src6 string
	err4, err6 error
	// tcp handles everything that is not UDP.
	tcp probes.Dialer
}

func (d identUDPDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if !strings.HasPrefix(network, "udp") {
		if d.tcp == nil {
			return identRefuser{}.DialContext(ctx, network, addr)
		}
		return d.tcp.DialContext(ctx, network, addr)
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, err
	}
	src, e := d.src4, d.err4
	if ap.Addr().Is6() {
		src, e = d.src6, d.err6
	}
	if e != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: e}
	}
	if src == "" {
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ENETUNREACH}
	}
	return &identUDPConn{local: net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(src), 40000)),
		remote: net.UDPAddrFromAddrPort(ap)}, nil
}

type identUDPConn struct {
	net.Conn
	local, remote net.Addr
}

func (c *identUDPConn) LocalAddr() net.Addr              { return c.local }
func (c *identUDPConn) RemoteAddr() net.Addr             { return c.remote }
func (c *identUDPConn) Close() error                     { return nil }
func (c *identUDPConn) SetDeadline(time.Time) error      { return nil }
func (c *identUDPConn) Read([]byte) (int, error)         { return 0, errors.New("not used") }
func (c *identUDPConn) Write(b []byte) (int, error)      { return len(b), nil }
func (c *identUDPConn) SetReadDeadline(time.Time) error  { return nil }
func (c *identUDPConn) SetWriteDeadline(time.Time) error { return nil }

// identResolver answers from a table.
type identResolver map[string][]netip.Addr

func (r identResolver) LookupNetIP(_ context.Context, _ string, host string) ([]netip.Addr, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (r identResolver) LookupTXT(context.Context, string) ([]string, error) { return nil, nil }

// identListen starts a loopback TCP server running handle per connection.
func identListen(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// identClosedPort returns a loopback address nothing listens on. It closes
// a port on 127.0.0.2 where it can: parallel tests listen on 127.0.0.1, and
// the kernel may hand a port just closed there to one of their servers.
func identClosedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func identRun(t *testing.T, p probes.Probe) probes.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return p.Run(ctx)
}

func identHasEvidence(r probes.Result, sub string) bool {
	for _, e := range r.Evidence {
		if strings.Contains(e, sub) {
			return true
		}
	}
	return false
}
