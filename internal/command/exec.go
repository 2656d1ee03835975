package command

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// Limits of ExecRunner.
const (
	// DefaultTimeout bounds a command whose context has no deadline. Cache
	// flushes and clipboard copies finish in milliseconds; 30 s leaves room
	// for a slow polkit agent or nmcli waiting on NetworkManager and still
	// ends a hung tool. Probes give their helpers much less (a deadline on
	// the context is the caller's and is kept).
	DefaultTimeout = 30 * time.Second
	// DefaultMaxOutput caps the stdout kept. The largest output a probe
	// parses (scutil --proxy with many scoped services) is a few kilobytes.
	DefaultMaxOutput = 4 << 20
	// maxStderr caps the stderr kept: enough for any error message.
	maxStderr = 64 << 10
	// pipeGrace is how long Run waits for the output pipes once the
	// process has exited (or was killed): clipboard tools (xclip, xsel,
	// wl-copy) fork a child that keeps serving the selection with the
	// pipes inherited, and a helper's grandchild can hold stdout open.
	pipeGrace = 200 * time.Millisecond
	// terminalGrace is how long a command that owns the terminal (sudo)
	// has, after SIGTERM, to pass it on and restore the terminal before it
	// is killed.
	terminalGrace = 2 * time.Second
)

// ExecRunner runs programs for real with exec.CommandContext: no shell,
// output captured and capped, every command bounded.
//
// A command runs in a process group of its own, which a timeout kills
// whole, so a helper it spawned (a D-Bus activation, a pager) cannot
// outlive it. A command run through sudo is the exception: sudo reads the
// password from the terminal, which only the terminal's foreground process
// group may do, so it stays in ours and a timeout sends it SIGTERM, which
// sudo relays to the command and answers by restoring the terminal (a
// SIGKILL would leave the command running as root and the terminal without
// echo).
type ExecRunner struct {
	// Timeout bounds each command whose ctx has no deadline; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Env replaces the environment when non-nil. A PATH in it is also
	// where LookPath searches, so tests can put stubs first.
	Env []string
	// MaxOutput caps the stdout kept; zero means DefaultMaxOutput.
	MaxOutput int
}

// Run implements Runner.
func (r ExecRunner) Run(ctx context.Context, argv []string, stdin []byte) (Output, error) {
	if len(argv) == 0 {
		return Output{ExitCode: -1}, errors.New("run: empty command")
	}
	path, err := r.LookPath(argv[0])
	if err != nil {
		return Output{ExitCode: -1}, err
	}
	if _, has := ctx.Deadline(); !has {
		timeout := r.Timeout
		if timeout <= 0 {
			timeout = DefaultTimeout
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, path, argv[1:]...)
	cmd.Env = r.Env
	if ownsTerminal(argv) {
		stopGently(cmd)
		cmd.WaitDelay = terminalGrace
	} else {
		ownGroup(cmd)
		cmd.WaitDelay = pipeGrace
	}
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	limit := r.MaxOutput
	if limit <= 0 {
		limit = DefaultMaxOutput
	}
	stdout, stderr := cappedBuffer{max: limit}, cappedBuffer{max: maxStderr}
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	out := Output{Stdout: stdout.String(), Stderr: stderr.String(), Duration: time.Since(start), ExitCode: -1, Truncated: stdout.truncated}
	if cmd.ProcessState != nil {
		out.ExitCode = cmd.ProcessState.ExitCode()
	}
	label := Label(argv)
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, exec.ErrWaitDelay) && out.ExitCode == 0:
		// The tool exited cleanly and left a child holding our pipes.
		return out, nil
	case errors.Is(err, exec.ErrNotFound):
		return out, NotFound(argv[0])
	case ctx.Err() != nil:
		return out, fmt.Errorf("%s: stopped after %s: %w", label, out.Duration.Round(10*time.Millisecond), ctx.Err())
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return out, &ExitError{Argv: argv, Code: out.ExitCode, Stderr: out.Stderr}
	}
	return out, fmt.Errorf("%s: %s", label, sanitize.Line(err.Error()))
}

// ownsTerminal: sudo asks for a password on the terminal.
func ownsTerminal(argv []string) bool { return filepath.Base(argv[0]) == "sudo" }

// Launch implements Runner. The child's output is discarded (a launcher's
// chatter would corrupt a full-screen terminal), it is detached from our
// process group so a Ctrl-C meant for gptdoctor does not close it, and it
// is reaped in the background.
func (r ExecRunner) Launch(argv []string) error {
	if len(argv) == 0 {
		return errors.New("launch: empty command")
	}
	path, err := r.LookPath(argv[0])
	if err != nil {
		return err
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Env = r.Env
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %s", Label(argv), sanitize.Line(err.Error()))
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

// LookPath implements Runner. With a PATH in Env it searches that PATH;
// otherwise the process's. Relative results (a tool in the current
// directory) are refused, as exec.LookPath does.
func (r ExecRunner) LookPath(name string) (string, error) {
	dirs, ok := r.path()
	if !ok || strings.ContainsAny(name, `/\`) {
		p, err := exec.LookPath(name)
		if err != nil {
			return "", NotFound(name)
		}
		return p, nil
	}
	for _, dir := range filepath.SplitList(dirs) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		if p, err := exec.LookPath(filepath.Join(dir, name)); err == nil {
			return p, nil
		}
	}
	return "", NotFound(name)
}

func (r ExecRunner) path() (string, bool) {
	if r.Env == nil {
		return "", false
	}
	for i := len(r.Env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(r.Env[i], "PATH="); ok {
			return v, true
		}
	}
	return "", true
}

// cappedBuffer keeps the first max bytes written and counts the rest, so a
// runaway command cannot exhaust memory; it never fails a write, so the
// command is not killed by SIGPIPE mid-output.
type cappedBuffer struct {
	buf       bytes.Buffer
	max       int
	dropped   int
	truncated bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	room := c.max - c.buf.Len()
	switch {
	case room <= 0:
		c.dropped += len(p)
	case len(p) <= room:
		c.buf.Write(p)
	default:
		c.buf.Write(p[:room])
		c.dropped += len(p) - room
	}
	c.truncated = c.truncated || c.dropped > 0
	return len(p), nil
}

func (c *cappedBuffer) String() string { return c.buf.String() }
