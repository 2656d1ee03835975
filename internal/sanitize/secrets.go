package sanitize

import (
	"net/url"
	"regexp"
	"strings"
)

// OpenAI keys (sk-…, sk-proj-…), including the partly masked forms the API
// echoes in its 401 message ("sk-abc1***…wxyz", "sk-abc1****wxyz").
var keyPattern = regexp.MustCompile(`\bsk-(?:[A-Za-z0-9_\-*]|…)+`)

// credentialPatterns find an auth scheme or header name followed by a
// value. The value is masked only when it looks like a token (see
// looksLikeToken), so prose such as "Missing bearer or basic
// authentication in header" survives intact. The scheme comes first: a
// header whose value is a mangled scheme ("Authorization:/Bearer TOKEN")
// would otherwise have "/Bearer" masked as the value and TOKEN kept.
var credentialPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b((?:bearer|basic)\s+)([A-Za-z0-9._~+/=\-*]+)`),
	regexp.MustCompile(`(?i)\b((?:authorization|proxy-authorization):\s*(?:bearer|basic|token)?\s*)([A-Za-z0-9._~+/=\-*]+)`),
}

// cookiePattern masks whole cookie headers: every value in them is a
// session secret.
var cookiePattern = regexp.MustCompile(`(?i)\b((?:set-)?cookie:\s*)[^\r\n]+`)

// userinfoPattern is the backstop for URLs the parser misreads
// ("http://http://user:pw@host"): any user:password@ left in the text,
// including an empty user name and a password with colons.
var userinfoPattern = regexp.MustCompile(`([^\s/@:]*):([^\s/@]*)@`)

// Redacted is what a secret is replaced with.
const Redacted = "[redacted]"

// Secrets masks credentials in s. It runs on every error message and body
// excerpt before it is stored, so a key the API echoes back in an error
// never reaches the screen, a report or a log.
func Secrets(s string) string {
	s = keyPattern.ReplaceAllString(s, Redacted)
	for _, re := range credentialPatterns {
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			sub := re.FindStringSubmatch(m)
			if !looksLikeToken(sub[2]) {
				return m
			}
			return sub[1] + Redacted
		})
	}
	return cookiePattern.ReplaceAllString(s, "${1}"+Redacted)
}

// looksLikeToken tells a credential from an English word: tokens are long,
// or mix letters with digits or symbols.
func looksLikeToken(v string) bool {
	if v == Redacted || strings.HasPrefix(v, "[") {
		return false
	}
	if len(v) >= 20 {
		return true
	}
	if len(v) < 6 {
		return false
	}
	letters, others := 0, 0
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letters++
		default:
			others++
		}
	}
	return letters > 0 && others > 0
}

// Exact masks every occurrence of a known secret value (the API key the
// process holds), however the server formatted the surrounding text.
func Exact(s, secret string) string {
	if len(secret) < 4 {
		return s
	}
	return strings.ReplaceAll(s, secret, Redacted)
}

// URL removes the password from a URL ("http://user:[redacted]@proxy:3128")
// and returns unparsable input masked whole, since it may hold credentials.
// So does a value whose password the parser split off from the user name
// (a "/", "#" or "?" in it ends the authority early): it cannot be shown
// in part without showing some of the password.
func URL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	added := ""
	if err != nil || (u.Host == "" && u.Opaque != "") {
		// "user:pass@host:port" without a scheme fails to parse or parses as
		// scheme "user" with opaque data; read it again with a scheme.
		added = "http://"
		if u, err = url.Parse(added + raw); err != nil || u.Host == "" {
			return Redacted
		}
	}
	s := strings.TrimPrefix(redactedString(u), added)
	s = userinfoPattern.ReplaceAllString(s, "${1}:"+Redacted+"@")
	if u.User == nil && strayUserinfo(s) {
		return Redacted
	}
	return s
}

// strayUserinfo reports an "@" that is not the end of redacted userinfo
// but follows a ":" after the scheme: the rest of a password the parser
// put in the path, query or fragment ("http://u:pa/ss@host").
func strayUserinfo(s string) bool {
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.ReplaceAll(s, ":"+Redacted+"@", "")
	at := strings.LastIndex(s, "@")
	return at >= 0 && strings.Contains(s[:at], ":")
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

// SecretsLine is Line with credentials masked on both sides of the
// cleaning: before it, because removing a control byte can join a scheme
// onto the word before it ("ip=i\x00Bearer …" becomes "iBearer …", which
// no longer starts at a word boundary); after it, because removing one
// can also join a scheme split in two ("Bear\x00er …"). Remote values that
// are stored as one line go through it.
func SecretsLine(s string) string { return Secrets(Line(Secrets(s))) }

// SecretsText is SecretsLine for multi-line excerpts, truncated to max
// runes as Text does.
func SecretsText(s string, max int) string { return Secrets(Text(Secrets(s), max)) }
