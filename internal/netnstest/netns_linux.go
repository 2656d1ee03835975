//go:build linux

package netnstest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// ipTimeout bounds one ip(8) command: they finish in milliseconds, and a
// hung one must not hold the test run.
const ipTimeout = 20 * time.Second

// seq numbers the namespaces of one test process.
var seq atomic.Int64

// NS is a network namespace made for one test and deleted after it.
type NS struct {
	// Name is the namespace's name, for `ip netns exec NAME`.
	Name string
	// IP is the path of the ip(8) binary.
	IP string
}

// New makes a namespace with loopback up, or skips t saying why (not root,
// no iproute2, namespaces not allowed here). It is deleted when t ends.
func New(t testing.TB, prefix string) NS {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("skipped: creating a network namespace needs root (running as uid %d)", os.Geteuid())
	}
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("skipped: ip (iproute2) is not installed")
	}
	ns := NS{Name: fmt.Sprintf("%s-%d-%d", prefix, os.Getpid(), seq.Add(1)), IP: ip}
	if err := ns.ip("netns", "add", ns.Name); err != nil {
		t.Skipf("skipped: cannot create a network namespace here: %v", err)
	}
	t.Cleanup(func() {
		if err := ns.ip("netns", "del", ns.Name); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	if err := ns.Run("link", "set", "lo", "up"); err != nil {
		t.Skipf("skipped: %v", err)
	}
	return ns
}

// Run runs `ip -n NAME args...` inside the namespace.
func (ns NS) Run(args ...string) error {
	return ns.ip(append([]string{"-n", ns.Name}, args...)...)
}

// Command is name with args run inside the namespace (ip netns exec).
func (ns NS) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, ns.IP, append([]string{"netns", "exec", ns.Name, name}, args...)...)
}

func (ns NS) ip(args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), ipTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, ns.IP, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
