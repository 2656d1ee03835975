package remedies

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

// Runner is the only way this package touches the machine: it runs argvs
// (never through a shell), launches browsers, and finds tools. Tests use a
// fake; ExecRunner is the real one.
type Runner interface {
	// Run runs argv to completion with stdin (nil for none) and returns
	// what it printed. A non-zero exit is an *ExitError; a missing tool
	// wraps ErrToolMissing.
	Run(ctx context.Context, argv []string, stdin []byte) (Output, error)
	// Launch starts argv and returns once it started, without waiting: a
	// browser must outlive the command that opened it.
	Launch(argv []string) error
	// LookPath finds a tool by name on the PATH, or checks an absolute
	// path.
	LookPath(name string) (string, error)
}

// Output is what a command printed, capped.
type Output struct {
	// Stdout and Stderr are what the command printed, kept apart so an
	// error can quote stderr alone; each is capped.
	Stdout string `json:"stdout,omitempty"`
	Stderr string `json:"stderr,omitempty"`
	// ExitCode is the command's exit status, kept in the action's record.
	ExitCode int `json:"exit_code"`
	// Duration is how long the command ran, to tell a slow tool from a
	// hung one.
	Duration time.Duration `json:"duration"`
}

// Combined is stdout then stderr, for records.
func (o Output) Combined() string {
	switch {
	case o.Stdout == "":
		return o.Stderr
	case o.Stderr == "":
		return o.Stdout
	}
	return strings.TrimRight(o.Stdout, "\n") + "\n" + o.Stderr
}

// ErrToolMissing is wrapped by errors for commands that are not installed.
var ErrToolMissing = errors.New("not installed")

// ExitError is a command that ran and failed.
type ExitError struct {
	// Argv is the command that failed, so the message names it.
	Argv []string
	// Code is its exit status, which the action's record keeps.
	Code int
	// Stderr is the start of what it printed on stderr.
	Stderr string
}

// Error names the command and quotes the first line of its stderr,
// sanitised (a tool's output can hold escape sequences) and with secrets
// masked: the message is printed and kept in records.
func (e *ExitError) Error() string {
	msg := fmt.Sprintf("%s exited with status %d", e.Argv[0], e.Code)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += ": " + firstLine(s)
	}
	return sanitize.Line(sanitize.Secrets(msg))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Defaults for ExecRunner.
const (
	// DefaultCommandTimeout bounds one command. Cache flushes and clipboard
	// copies finish in milliseconds; 30 s leaves room for a slow polkit
	// agent or nmcli waiting on NetworkManager, and still ends a hung tool.
	DefaultCommandTimeout = 30 * time.Second
	// maxOutput caps what is kept of each stream: enough for any error
	// message, small enough for a report.
	maxOutput = 64 << 10
	// stopGrace is how long Run waits, after the process exits, for its
	// output pipes, and after asking a timed-out command to stop, before it
	// kills it. Clipboard tools (xclip, xsel, wl-copy) fork a child that
	// keeps serving the selection with our pipes inherited; without a bound
	// Run would wait for that child forever. Two seconds let sudo pass a
	// SIGTERM on and restore the terminal.
	stopGrace = 2 * time.Second
)

// ExecRunner runs real commands with exec.CommandContext: no shell, output
// captured and capped, a timeout per command. Unlike the probes' runner it
// starts no process group of its own: a command run through sudo must stay
// in the terminal's foreground process group, or sudo cannot read the
// password from the terminal.
type ExecRunner struct {
	// Timeout bounds each command whose ctx has no deadline; zero means
	// DefaultCommandTimeout. A deadline on ctx is the caller's decision and
	// is kept as it is (Fix gives sudo time for a password).
	Timeout time.Duration
	// Env replaces the environment when non-nil. A PATH in it is also
	// where LookPath searches, so tests can put stubs first.
	Env []string
}

// Run implements Runner.
func (r ExecRunner) Run(ctx context.Context, argv []string, stdin []byte) (Output, error) {
	if len(argv) == 0 {
		return Output{}, errors.New("run: empty command")
	}
	path, err := r.LookPath(argv[0])
	if err != nil {
		return Output{ExitCode: -1}, err
	}
	if _, has := ctx.Deadline(); !has {
		timeout := r.Timeout
		if timeout <= 0 {
			timeout = DefaultCommandTimeout
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, path, argv[1:]...)
	cmd.Env = r.Env
	stopGently(cmd)
	cmd.WaitDelay = stopGrace
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr cappedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	out := Output{Stdout: stdout.String(), Stderr: stderr.String(), Duration: time.Since(start), ExitCode: -1}
	if cmd.ProcessState != nil {
		out.ExitCode = cmd.ProcessState.ExitCode()
	}
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, exec.ErrWaitDelay) && out.ExitCode == 0:
		// The tool exited cleanly and left a child holding our pipes.
		return out, nil
	case ctx.Err() == context.DeadlineExceeded:
		return out, fmt.Errorf("%s: timed out after %s", argv[0], out.Duration.Round(100*time.Millisecond))
	case ctx.Err() != nil:
		return out, fmt.Errorf("%s: cancelled", argv[0])
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return out, &ExitError{Argv: argv, Code: out.ExitCode, Stderr: out.Stderr}
	}
	return out, fmt.Errorf("%s: %w", argv[0], err)
}

// Launch implements Runner. The child's output is discarded (a launcher's
// chatter would corrupt a full-screen terminal) and it is reaped in the
// background.
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
		return fmt.Errorf("%s: %w", argv[0], err)
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
			return "", fmt.Errorf("%s: %w", name, ErrToolMissing)
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
	return "", fmt.Errorf("%s: %w", name, ErrToolMissing)
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

// cappedBuffer keeps the first maxOutput bytes and counts the rest.
type cappedBuffer struct {
	buf     bytes.Buffer
	dropped int
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := maxOutput - c.buf.Len(); room > 0 {
		if len(p) <= room {
			c.buf.Write(p)
		} else {
			c.buf.Write(p[:room])
			c.dropped += len(p) - room
		}
	} else {
		c.dropped += len(p)
	}
	return len(p), nil
}

func (c *cappedBuffer) String() string {
	if c.dropped > 0 {
		return c.buf.String() + fmt.Sprintf("\n… %d more bytes", c.dropped)
	}
	return c.buf.String()
}
