package report

import (
	"reflect"
	"regexp"
	"strings"
	"time"

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
func Prepare(rec session.Record, opts Options) session.Record {
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

// transformStrings returns a deep copy of the record with f applied to
// every string, details included, map keys too: a saved record read with
// report --from is untrusted, and its header names are as much a server's
// text as their values. It walks the types by reflection, so a field added
// anywhere cannot escape the transform by being forgotten here, and the
// copy leaves the session's own data untouched.
func transformStrings(rec session.Record, f func(string) string) session.Record {
	return copyStrings(reflect.ValueOf(rec), f).Interface().(session.Record)
}

var timeType = reflect.TypeOf(time.Time{})

// copyStrings copies v, replacing every string s in it with f(s).
func copyStrings(v reflect.Value, f func(string) string) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		out := reflect.New(v.Type()).Elem()
		out.SetString(f(v.String()))
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(copyStrings(v.Elem(), f))
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(copyStrings(v.Elem(), f))
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(copyStrings(v.Index(i), f))
		}
		return out
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			out.Index(i).Set(copyStrings(v.Index(i), f))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(copyStrings(it.Key(), f), copyStrings(it.Value(), f))
		}
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v) // unexported fields (a time's clock) are copied as they are
		if v.Type() == timeType {
			return out
		}
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(copyStrings(v.Field(i), f))
			}
		}
		return out
	}
	return v
}
