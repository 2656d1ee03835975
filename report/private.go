package report

import (
	"net/url"
	"os"
	"strings"
)

// SecretsFromEnv are the secrets a process with this environment could leak
// into a report: the API key and the passwords of proxy URLs. Every face
// that writes a report (the report command, the dashboard's export) passes
// them as Options.Secrets, so they are removed wherever a server echoed
// them, in whatever form.
func SecretsFromEnv(lookup func(string) (string, bool), apiKeyEnv string) []string {
	if lookup == nil {
		return nil
	}
	var out []string
	if v, ok := lookup(apiKeyEnv); ok && strings.TrimSpace(v) != "" {
		out = append(out, strings.TrimSpace(v))
	}
	for _, n := range proxyURLVars {
		v, ok := lookup(n)
		if !ok || v == "" {
			continue
		}
		if !strings.Contains(v, "://") {
			v = "http://" + v
		}
		if u, err := url.Parse(v); err == nil && u.User != nil {
			if pw, ok := u.User.Password(); ok && pw != "" {
				out = append(out, pw)
			}
		}
	}
	return out
}

// proxyURLVars are the variables whose value is a proxy URL, as curl and
// Go read them.
var proxyURLVars = []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"}

// PrivateFromOS is what Share hides that a session does not name itself:
// the user, the home directory and this machine's name.
func PrivateFromOS() Private {
	var p Private
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			p.Users = append(p.Users, v)
		}
	}
	if h, err := os.UserHomeDir(); err == nil && h != "" {
		p.HomeDirs = append(p.HomeDirs, h)
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		p.Hosts = append(p.Hosts, h)
	}
	return p
}
