package sanitize

import (
	"strings"
	"testing"
)

func TestSecrets(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Incorrect API key provided: sk-abc12***************wxyz. You can find", "Incorrect API key provided: [redacted]. You can find"},
		{"key sk-proj-AbC_dEf-123456789 here", "key [redacted] here"},
		{"Authorization: Bearer sk-xyz123456789", "Authorization: Bearer [redacted]"},
		{"token Bearer abc123def456ghi7", "token Bearer [redacted]"},
		{"Cookie: __cf_bm=abc; cf_clearance=xyz", "Cookie: [redacted]"},
		{"nothing secret here, task-list", "nothing secret here, task-list"},
		{"Incorrect API key provided: sk-abc1***…wxyz. You can", "Incorrect API key provided: [redacted]. You can"},
		{"Missing bearer or basic authentication in header", "Missing bearer or basic authentication in header"},
		{"provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)", "provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer [redacted])"},
		{"Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==", "Proxy-Authorization: Basic [redacted]"},
	}
	for _, tt := range tests {
		if got := Secrets(tt.in); got != tt.want {
			t.Errorf("Secrets(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExact(t *testing.T) {
	key := "canary-KEY-0123456789"
	got := Exact("echo: canary-KEY-0123456789 and again canary-KEY-0123456789", key)
	if strings.Contains(got, key) {
		t.Fatalf("key survived: %q", got)
	}
}

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://user:secret@proxy.corp:3128", "http://user:[redacted]@proxy.corp:3128"},
		{"http://proxy.corp:3128", "http://proxy.corp:3128"},
		{"socks5://u:p@127.0.0.1:1080", "socks5://u:[redacted]@127.0.0.1:1080"},
		{"user:pw@proxy:8080", "user:[redacted]@proxy:8080"},
		{"", ""},
		{"http://http://user:pw@host:3128", "http://http://user:[redacted]@host:3128"},
		// Malformed values keep their password out however the parser
		// splits them: an empty user name, a password with a character
		// that ends the authority ("/", "#", "?") or is not allowed in it
		// (a space).
		{"http://http://:s3cretpw@proxy:3128", "http://http://:[redacted]@proxy:3128"},
		{"http://:s3cretpw@proxy:3128", "http://:[redacted]@proxy:3128"},
		{":s3cretpw@proxy:3128", ":[redacted]@proxy:3128"},
		{"http://user:pa/ss3cret@proxy:3128", Redacted},
		{"user:pa/ss3cret@proxy:3128", Redacted},
		{"http://user:pa#ss3cret@proxy:3128", "http://user:[redacted]@proxy:3128"},
		{"http://user:pa?ss3cret@proxy:3128", "http://user:[redacted]@proxy:3128"},
		{"http://user:pa ss3cret@proxy:3128", "http://user:[redacted]@proxy:3128"},
		{"http://http://user:pa ss3cret@proxy:3128", "http://http://user:[redacted]@proxy:3128"},
		{"http://http://user:pa/ss3cret@proxy:3128", Redacted},
		{"http://user@proxy:3128", "http://user@proxy:3128"},
		{"https://example.com/@someone", "https://example.com/@someone"},
		{"http://u:pw@[2001:db8::1]:3128", "http://u:[redacted]@[2001:db8::1]:3128"},
	}
	for _, tt := range tests {
		got := URL(tt.in)
		if got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, "secret") || strings.Contains(got, ":pw@") || strings.Contains(got, ":p@") ||
			strings.Contains(got, "s3cret") {
			t.Errorf("URL(%q) leaked the password: %q", tt.in, got)
		}
	}
}

// TestSecretsAcrossStrippedControls: a control byte that cleaning removes
// neither hides a token behind a joined word nor splits a scheme so that
// it escapes masking (FuzzTrace found "ip=i\x00Bearer …").
func TestSecretsAcrossStrippedControls(t *testing.T) {
	const tok = "CANARYtok5Hd8Jf2Kg7Ls4Pq9Xw1"
	for _, in := range []string{"ip=i\x00Bearer " + tok, "Bear\x00er " + tok, "x\x07Basic " + tok} {
		if got := SecretsLine(in); strings.Contains(got, tok) {
			t.Errorf("SecretsLine(%q) = %q: the token survived", in, got)
		}
		if got := SecretsText(in, 0); strings.Contains(got, tok) {
			t.Errorf("SecretsText(%q) = %q: the token survived", in, got)
		}
	}
}
