package collect

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// parseGSettingsProxy reads the output of `gsettings list-recursively
// org.gnome.system.proxy`: one "schema key value" line per key, values in
// GVariant text form ('quoted strings', ['arrays'] or @as [], 8080 or
// uint32 8080, true/false). Semantics from gsettings-desktop-schemas
// org.gnome.system.proxy: mode none|manual|auto; a per-scheme proxy is on
// when its host is non-empty and its port non-zero; auto with an empty
// autoconfig-url means WPAD. Authentication user and password keys are
// never read into the result.
func parseGSettingsProxy(out string) (probes.ProxySettingsDetails, error) {
	d := probes.ProxySettingsDetails{Source: "gsettings"}
	vals := map[string]string{}
	for _, line := range strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n") {
		schema, rest, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || !strings.HasPrefix(schema, "org.gnome.system.proxy") {
			continue
		}
		key, val, _ := strings.Cut(strings.TrimSpace(rest), " ")
		if key == "authentication-password" || key == "authentication-user" {
			continue
		}
		sub := strings.TrimPrefix(strings.TrimPrefix(schema, "org.gnome.system.proxy"), ".")
		vals[sub+"/"+key] = strings.TrimSpace(val)
	}
	modeRaw, ok := vals["/mode"]
	if !ok {
		return d, errors.New("gsettings: no org.gnome.system.proxy mode in the output")
	}
	mode := gvariantString(modeRaw)
	switch mode {
	case "none":
		d.Mode = "none"
		return d, nil
	case "manual":
		d.Mode = "manual"
		d.HTTP = gnomeHostPort(vals, "http")
		d.HTTPS = gnomeHostPort(vals, "https")
		d.SOCKS = gnomeHostPort(vals, "socks")
		if gvariantBool(vals["http/use-authentication"]) {
			d.Notes = append(d.Notes, "the HTTP proxy is set to authenticate (credentials not shown)")
		}
		if d.HTTP == "" && d.HTTPS == "" && d.SOCKS == "" {
			d.Notes = append(d.Notes, "mode is manual but no proxy host and port are set, so nothing is proxied")
		}
	case "auto":
		if u := gvariantString(vals["/autoconfig-url"]); u != "" {
			d.Mode = "auto"
			d.PACURL = sanitize.URL(u)
			d.SetPACSource(u)
		} else {
			d.Mode = "wpad"
			d.AutoDetect = true
		}
	default:
		d.Mode = sanitize.LineN(mode, 32)
		d.Notes = append(d.Notes, "unrecognised proxy mode "+strconv.Quote(d.Mode))
	}
	d.Bypass = gvariantStrings(vals["/ignore-hosts"])
	return d, nil
}

// gnomeHostPort returns host:port for one child schema when both are set.
func gnomeHostPort(vals map[string]string, scheme string) string {
	host := gvariantString(vals[scheme+"/host"])
	port, _ := strconv.Atoi(gvariantNumber(vals[scheme+"/port"]))
	if host == "" || port <= 0 {
		return ""
	}
	return proxyHostPort(host, strconv.Itoa(port), scheme)
}

// gvariantString decodes a GVariant text string ('a\'b' or "a'b").
func gvariantString(v string) string {
	v = strings.TrimSpace(v)
	if len(v) < 2 {
		return v
	}
	q := v[0]
	if (q != '\'' && q != '"') || v[len(v)-1] != q {
		return v
	}
	s, _ := unquoteGVariant(v[1:len(v)-1], q)
	return s
}

func unquoteGVariant(s string, q byte) (string, int) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		if c == q {
			return b.String(), i
		}
		b.WriteByte(c)
	}
	return b.String(), len(s)
}

// gvariantStrings decodes a string array: ['a', 'b'], @as [] or [].
func gvariantStrings(v string) []string {
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "@as"))
	if !strings.HasPrefix(v, "[") {
		return nil
	}
	var out []string
	for i := 1; i < len(v); i++ {
		c := v[i]
		if c == '\'' || c == '"' {
			s, n := unquoteGVariant(v[i+1:], c)
			out = append(out, sanitize.LineN(s, 255))
			i += n + 1
		}
	}
	return out
}

// gvariantNumber strips a type annotation ("uint32 8080" -> "8080").
func gvariantNumber(v string) string {
	f := strings.Fields(v)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

func gvariantBool(v string) bool { return strings.TrimSpace(v) == "true" }
