// Package config reads gptdoctor's optional configuration file.
//
// Corporate users need every outside address the probes use to be their own
// (an internal status mirror, the company's resolvers, an inspection CA), and
// typing them as flags on every run is error-prone. The file holds the same
// settings as the flags; flags given on the command line win.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
)

// FileName is the configuration file's name inside the gptdoctor directory.
const FileName = "config.toml"

// File is the configuration file's content. A nil pointer or nil slice (a
// key that is absent) means "not set here": the default or the flag
// applies. A key that is present with an empty list (resolvers = [],
// egress_probes = []) means "none": those probes are skipped.
type File struct {
	// Targets replace the default endpoints.
	Targets []string `toml:"targets"`
	// Timeout is the overall run budget, a Go duration ("8s").
	Timeout string `toml:"timeout"`
	// StatusURL is the Statuspage-compatible summary URL; "" disables.
	StatusURL *string `toml:"status_url"`
	// Resolver replaces the system resolver (host:port, UDP/TCP DNS).
	Resolver string `toml:"resolver"`
	// Resolvers are the independent resolvers DNS answers are compared to;
	// an empty list compares with none.
	Resolvers []string `toml:"resolvers"`
	// DoHURL is the DNS-over-HTTPS endpoint; "" disables.
	DoHURL *string `toml:"doh_url"`
	// CaptiveURL is fetched over plain HTTP to spot a captive portal; ""
	// disables.
	CaptiveURL *string `toml:"captive_url"`
	// EgressProbes are the addresses whose route names the egress
	// interface; an empty list skips the route probe.
	EgressProbes []string `toml:"egress_probes"`
	// ConnectTo rules send connections for one IP:port to another.
	ConnectTo []string `toml:"connect_to"`
	// CAFiles are PEM files of roots the user trusts as their own (a known
	// corporate inspection CA): trusted and not reported as interception.
	CAFiles []string `toml:"ca_files"`
	// PublicCAFile replaces the bundled public root set used to tell
	// public chains from re-signed ones.
	PublicCAFile string `toml:"public_ca_file"`
	// APIKeyEnv names the environment variable holding the API key.
	APIKeyEnv string `toml:"api_key_env"`

	// Interval is how often the dashboard re-runs the diagnosis, a Go
	// duration ("60s"); "0s" re-runs only on demand. Below 10 s is refused:
	// hammering the site is itself a cause of Cloudflare 1015 blocks.
	Interval string `toml:"interval"`
	// Mouse turns on wheel scrolling and click-to-focus in the dashboard.
	// Off by default because capturing the mouse stops the terminal's own
	// text selection, and people copy Ray IDs and addresses off the screen.
	Mouse *bool `toml:"mouse"`

	// Path is where the file was read from ("" when none was).
	Path string `toml:"-"`
}

// DefaultPath is $XDG_CONFIG_HOME/gptdoctor/config.toml on Linux (falling
// back to ~/.config), ~/Library/Application Support/gptdoctor/config.toml on
// macOS and %AppData%\gptdoctor\config.toml on Windows.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("config: find the configuration directory: %w", err)
	}
	return filepath.Join(dir, "gptdoctor", FileName), nil
}

// Load reads the file at path. A missing file is not an error unless
// mustExist (the user named it with --config); a malformed file, a key this
// version does not know or a value of the wrong type is, with the file and
// key named.
func Load(path string, mustExist bool) (File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !mustExist {
			return File{}, nil
		}
		return File{}, fmt.Errorf("config: read %s: %w", path, unwrapPathError(err))
	}
	return Parse(path, data)
}

// Parse decodes configuration text; name is used in messages.
func Parse(name string, data []byte) (File, error) {
	var f File
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return File{}, fmt.Errorf("config: %s line %d: %s", name, perr.Position.Line, oneLine(perr.Message))
		}
		return File{}, fmt.Errorf("config: %s: %s", name, oneLine(err.Error()))
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return File{}, fmt.Errorf("config: %s: unknown key %s (known: %s)", name, sanitize.Line(strings.Join(keys, ", ")), strings.Join(knownKeys(), ", "))
	}
	f.Path = name
	return f, nil
}

func knownKeys() []string {
	return []string{"targets", "timeout", "status_url", "resolver", "resolvers", "doh_url", "captive_url",
		"egress_probes", "connect_to", "ca_files", "public_ca_file", "api_key_env", "interval", "mouse"}
}

func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	// The TOML decoder quotes the file's own text, which may hold any
	// byte; the message is printed on a terminal.
	return sanitize.Line(strings.TrimSpace(s))
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
