package config

import (
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/internal/sanitize/fuzzcheck"
)

// maxConfigBytes caps a fuzzed file; a real one is a few hundred bytes.
const maxConfigBytes = 1 << 20

// FuzzParse feeds config.toml text. Parse must not panic, must answer
// within fuzzcheck.PerInput, and must either return a file named as asked
// or one error line that names the file and is safe to print (the text
// of a hostile or corrupted file must not reach the terminal raw).
func FuzzParse(f *testing.F) {
	f.Add([]byte("targets = [\"https://chatgpt.com/\"]\ntimeout = \"8s\"\nstatus_url = \"\"\nresolvers = []\n"))
	f.Add([]byte("doh_url = \"https://dns.example/dns-query\"\nconnect_to = [\"1.2.3.4:443=127.0.0.1:8443\"]\nca_files = [\"/etc/corp.pem\"]\napi_key_env = \"OPENAI_API_KEY\"\n"))
	f.Add([]byte("\"\\u001b]0;owned\\u0007\" = 1\n"))
	f.Add([]byte("targets = \"not a list\"\n"))
	f.Add([]byte("[[x]]\ny = 1979-05-27T07:32:00Z\nz = { a = [1, 2.5, 'lit'] }\n"))
	f.Add([]byte("timeout = \"8s\nresolver = '''\x1b[2J'''\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxConfigBytes {
			data = data[:maxConfigBytes]
		}
		var file File
		var err error
		fuzzcheck.Within(t, func() { file, err = Parse("/home/u/.config/gptdoctor/config.toml", data) })
		if err != nil {
			msg := err.Error()
			if cerr := sanitize.Check(msg, false); cerr != nil {
				t.Fatalf("error message not safe to print: %v", cerr)
			}
			if !strings.HasPrefix(msg, "config: /home/u/.config/gptdoctor/config.toml") {
				t.Fatalf("error does not name the file: %q", msg)
			}
			return
		}
		if file.Path != "/home/u/.config/gptdoctor/config.toml" {
			t.Fatalf("path %q", file.Path)
		}
	})
}
