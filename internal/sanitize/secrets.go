package sanitize

import (
	"net/url"
	"regexp"
	"strings"
)

// secretPatterns match credentials that servers echo back or users paste:
// OpenAI keys (sk-…, sk-proj-…, even the partly masked "sk-abc1****wxyz"
// form the API puts in its 401 message), bearer tokens, basic-auth headers
// and cookie values.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`\bsk-[A-Za-z0-9_\-\*]{3,}`),
	regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-\*]{8,}`),
	regexp.MustCompile(`(?i)\b((?:set-)?cookie:\s*)[^\r\n]+`),
	regexp.MustCompile(`(?i)\b(authorization:\s*)[^\r\n]+`),
}

// Redacted is what a secret is replaced with.
const Redacted = "[redacted]"

// Secrets masks credentials in s. It runs on every error message and body
// excerpt before it is stored, so a key the API echoes back in an error
// never reaches the screen, a report or a log.
func Secrets(s string) string {
	for i, re := range secretPatterns {
		switch i {
		case 1:
			s = re.ReplaceAllString(s, "$1 "+Redacted)
		case 2, 3:
			s = re.ReplaceAllString(s, "${1}"+Redacted)
		default:
			s = re.ReplaceAllString(s, Redacted)
		}
	}
	return s
}

// Exact masks every occurrence of a known secret value (the API key the
// process holds), however the server formatted the surrounding text.
func Exact(s, secret string) string {
	if len(secret) < 4 {
		return s
	}
	return regexp.MustCompile(regexp.QuoteMeta(secret)).ReplaceAllString(s, Redacted)
}

// URL removes the password from a URL ("http://user:[redacted]@proxy:3128")
// and returns unparsable input masked whole, since it may hold credentials.
func URL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Host == "" && u.Opaque != "") {
		// "user:pass@host:port" without a scheme fails to parse or parses as
		// scheme "user" with opaque data; read it again with a scheme.
		if u2, err2 := url.Parse("http://" + raw); err2 == nil && u2.Host != "" {
			return strings.TrimPrefix(redactedString(u2), "http://")
		}
		return Redacted
	}
	return redactedString(u)
}

// redactedString prints u with any password replaced, without the
// percent-escaping url.UserPassword would apply to the marker.
func redactedString(u *url.URL) string {
	if u.User == nil {
		return Line(u.String())
	}
	c := *u
	c.User = nil
	s := c.String()
	user := url.User(u.User.Username()).String()
	if _, has := u.User.Password(); has {
		user += ":" + Redacted
	}
	if i := strings.Index(s, "//"); i >= 0 {
		return Line(s[:i+2] + user + "@" + s[i+2:])
	}
	return Line(user + "@" + s)
}
