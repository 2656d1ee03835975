package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/session"
)

// Options say what a report leaves out. Secrets are always removed; Share
// removes what identifies the person too.
type Options struct {
	// Share masks local addresses, host and user names and home directory
	// paths, and shortens the public IP to its /24 (IPv6: /48), for posting
	// in public. Ray IDs, codes and times stay: support needs them.
	Share bool
	// Secrets are exact values to remove wherever they appear, whatever
	// the text around them: the API key the process read, proxy passwords.
	// Patterns (sk- keys, Authorization, cookies, URL passwords) are
	// removed without being listed.
	Secrets []string
	// Private names what Share hides besides what the record itself names
	// (the host name the host probe read, the addresses Cloudflare saw).
	Private Private
}

// Private is what identifies the person running gptdoctor, as the caller
// knows it: the record cannot name the user or the home directory.
type Private struct {
	// Users are login names ($USER, the home directory's last element).
	Users []string
	// Hosts are host names (os.Hostname and its short form).
	Hosts []string
	// HomeDirs are home directory paths.
	HomeDirs []string
}

// Prepare is the record a report renders: every string sanitised, every
// secret removed and, with Share, what identifies the person masked. Every
// format and the dashboard's export render what Prepare returns, so none
// of them can forget a step.
func Prepare(rec session.Record, opts Options) (session.Record, error) {
	clean := func(s string) string { return scrubSecrets(sanitize.Text(s, 0), opts.Secrets) }
	mask := clean
	if opts.Share {
		m := newMasker(rec, opts.Private)
		mask = func(s string) string { return m.mask(clean(s)) }
	}
	// Runs repeat most of their strings (titles, reasons, IDs): each is
	// transformed once.
	seen := map[string]string{}
	return transformStrings(rec, func(s string) string {
		out, ok := seen[s]
		if !ok {
			out = mask(s)
			seen[s] = out
		}
		return out
	})
}

// urlPassword finds the password of a URL in free text
// ("http://user:pw@proxy:3128"), and a bare "user:pw@host".
var urlPassword = regexp.MustCompile(`([^\s/@:"'<>]*):([^\s/@"'<>]+)@`)

// scrubSecrets removes credentials: the patterns sanitize.Secrets knows,
// URL passwords and the exact values the caller holds.
func scrubSecrets(s string, exact []string) string {
	s = sanitize.Secrets(s)
	if strings.Contains(s, "@") {
		s = urlPassword.ReplaceAllStringFunc(s, func(m string) string {
			sub := urlPassword.FindStringSubmatch(m)
			if sub[2] == sanitize.Redacted {
				return m
			}
			return sub[1] + ":" + sanitize.Redacted + "@"
		})
	}
	for _, v := range exact {
		s = sanitize.Exact(s, v)
	}
	return s
}

// transformStrings applies f to every string value in the record, details
// included (keys are field and header names, never data), by way of its JSON form: a new field cannot escape the
// transform by being forgotten here.
func transformStrings(rec session.Record, f func(string) string) (session.Record, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return session.Record{}, fmt.Errorf("report: encode the session: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return session.Record{}, fmt.Errorf("report: read the session back: %w", err)
	}
	if b, err = json.Marshal(walkStrings(v, f)); err != nil {
		return session.Record{}, fmt.Errorf("report: encode the session: %w", err)
	}
	out, err := session.DecodeRecord(b)
	if err != nil {
		return session.Record{}, fmt.Errorf("report: %w", err)
	}
	return out, nil
}

func walkStrings(v any, f func(string) string) any {
	switch t := v.(type) {
	case string:
		return f(t)
	case []any:
		for i := range t {
			t[i] = walkStrings(t[i], f)
		}
		return t
	case map[string]any:
		for k := range t {
			t[k] = walkStrings(t[k], f)
		}
		return t
	}
	return v
}
