package report

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/gptdoctor/gptdoctor/remedies"
	"github.com/gptdoctor/gptdoctor/session"
)

// Canaries: secrets planted where real ones turn up.
const (
	canaryKey      = "sk-proj-CanaryKey0123456789abcdefXYZ"
	canaryBareKey  = "canary-bare-key-98765" // no sk- prefix: only the exact value finds it
	canaryCookie   = "canarycookie_31337abcdef"
	canaryProxyPw  = "CanaryProxyPw_4242"
	canaryBearer   = "eyJcanaryBearerToken0123456789"
	canaryUser     = "alicecanary"
	canaryHome     = "/home/alicecanary"
	canaryHostName = "alice-thinkpad"
)

// plantSecrets puts the canaries into a lab session: an echoed key in an
// error, a cookie and an Authorization header in evidence, a proxy URL with
// its password in a result and an action's output.
func plantSecrets(rec session.Record) session.Record {
	run := &rec.Runs[len(rec.Runs)-1]
	r := &run.Results[0]
	r.Evidence = append(r.Evidence,
		"request header Cookie: __Secure-next-auth.session-token="+canaryCookie,
		"Authorization: Bearer "+canaryBearer,
		"proxy http://alice:"+canaryProxyPw+"@proxy.corp.example:3128",
		"config read from "+canaryHome+"/.config/gptdoctor/config.toml on "+canaryHostName)
	r.Error = &probes.StepError{Step: "request", Message: "401: Incorrect API key provided: " + canaryKey + " and " + canaryBareKey}
	if d, ok := r.Details.(*probes.EndpointDetails); ok {
		d.BodyExcerpt = `{"error":{"message":"Incorrect API key provided: ` + canaryKey + `"}}`
		d.Proxy = "http://alice:" + canaryProxyPw + "@proxy.corp.example:3128"
	}
	rec.Actions = append(rec.Actions, remedies.ActionRecord{Action: remedies.ActionBypassProxy, Outcome: remedies.OutcomeConfirmed,
		Output: "HTTPS_PROXY=http://alice:" + canaryProxyPw + "@proxy.corp.example:3128\nOPENAI_API_KEY=" + canaryKey,
		Before: "via http://alice:" + canaryProxyPw + "@proxy.corp.example:3128", After: "direct"})
	return rec
}

// TestSecretsAppearInNoFormat: with or without --share, no format carries
// a canary secret, whatever field it was planted in.
func TestSecretsAppearInNoFormat(t *testing.T) {
	rec := plantSecrets(goldenSessions(t)["block-1020"])
	secrets := []string{canaryKey, canaryBareKey, canaryCookie, canaryProxyPw, canaryBearer}
	for _, share := range []bool{false, true} {
		for _, f := range Formats {
			var b bytes.Buffer
			if err := Render(&b, rec, f, Options{Share: share, Secrets: []string{canaryBareKey}}); err != nil {
				t.Fatal(err)
			}
			for _, s := range secrets {
				if bytes.Contains(b.Bytes(), []byte(s)) {
					t.Errorf("%s (share %v) contains the secret %q", f, share, s)
				}
			}
			if !bytes.Contains(b.Bytes(), []byte("Ray")) {
				t.Errorf("%s (share %v) lost the Ray IDs with the secrets", f, share)
			}
		}
	}
}

// TestShareMasksWhatIdentifies: --share hides the host and user names,
// home paths and local addresses, and cuts the public IP to its /24,
// while Ray IDs, codes and times stay.
func TestShareMasksWhatIdentifies(t *testing.T) {
	rec := plantSecrets(goldenSessions(t)["block-1020"])
	private := Private{Users: []string{canaryUser}, HomeDirs: []string{canaryHome}, Hosts: []string{canaryHostName}}
	var plain, shared bytes.Buffer
	if err := Render(&plain, rec, JSON, Options{Private: private}); err != nil {
		t.Fatal(err)
	}
	if err := Render(&shared, rec, JSON, Options{Share: true, Private: private}); err != nil {
		t.Fatal(err)
	}
	var sharedMD bytes.Buffer
	if err := Render(&sharedMD, rec, Markdown, Options{Share: true, Private: private}); err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{canaryUser, canaryHostName, "demo-laptop", "192.168.1.23", "2001:db8:1::23", "fe80::23", "203.0.113.10"} {
		if !bytes.Contains(plain.Bytes(), []byte(leak)) && leak != canaryUser {
			t.Errorf("the unshared report lacks %q: the test would prove nothing", leak)
		}
		for name, out := range map[string][]byte{"json": shared.Bytes(), "md": sharedMD.Bytes()} {
			if bytes.Contains(out, []byte(leak)) {
				t.Errorf("shared %s still names %q", name, leak)
			}
		}
	}
	out := sharedMD.String()
	for _, keep := range []string{"203.0.113.0/24", "d2bc2b25213b1498", "Cloudflare error 1020", "06:30:00 UTC", "~/.config/gptdoctor", `\[host\]`} {
		if !strings.Contains(out, keep) {
			t.Errorf("shared Markdown lacks %q", keep)
		}
	}
	// The session's own data is untouched: the transform works on a copy.
	if !bytes.Contains(plain.Bytes(), []byte("demo-laptop")) || len(rec.Runs[0].Results[0].Evidence) == 0 {
		t.Error("rendering changed the record")
	}
	Share(rec, private, nil)
	var again bytes.Buffer
	if err := Render(&again, rec, JSON, Options{Private: private}); err != nil || !bytes.Equal(again.Bytes(), plain.Bytes()) {
		t.Error("a shared rendering changed what the record renders afterwards")
	}
	// OpenAI's and the public resolvers' addresses say where requests went:
	// they stay.
	if !bytes.Contains(shared.Bytes(), []byte("104.18.32.47")) {
		t.Error("shared JSON masked OpenAI's address")
	}
}

func TestMaskAddresses(t *testing.T) {
	m := newMasker(session.Record{}, Private{})
	m.public[mustAddr("198.51.100.77")] = true
	m.public[mustAddr("2a02:1234:5678:9abc::1")] = true
	for in, want := range map[string]string{
		"seen as 198.51.100.77.":                 "seen as 198.51.100.0/24.",
		"v6 [2a02:1234:5678:9abc::1]:443":        "v6 [2a02:1234:5678::/48]:443",
		"gw 192.168.1.1:53 and 10.0.0.7/8":       "gw [local address]:53 and [local address]",
		"link fe80::1%wlan0, cgnat 100.64.3.4":   "link [local address]%wlan0, cgnat [local address]",
		"at 06:30:00 UTC, mac aa:bb:cc:dd:ee:ff": "at 06:30:00 UTC, mac aa:bb:cc:dd:ee:ff",
		"api 104.18.32.47:443, lo 127.0.0.1":     "api 104.18.32.47:443, lo 127.0.0.1",
	} {
		if got := m.mask(in); got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskNames(t *testing.T) {
	m := newMasker(session.Record{}, Private{Users: []string{"al", "bob"}, Hosts: []string{"bob-pc.local"}, HomeDirs: []string{`C:\Users\Bob`}})
	for in, want := range map[string]string{
		`C:\users\bob\AppData\gptdoctor`:      `~\AppData\gptdoctor`,
		"bob-pc.local and bob-pc, not bobcat": "[host] and [host], not bobcat",
		"user bob also al":                    "user [user] also al",
	} {
		if got := m.mask(in); got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestSecretsFromEnv(t *testing.T) {
	env := map[string]string{"MY_KEY": " " + canaryKey + " ", "HTTPS_PROXY": "http://alice:" + canaryProxyPw + "@proxy:3128",
		"http_proxy": "bob:pw2@proxy:8080", "ALL_PROXY": "socks5://proxy:1080"}
	got := SecretsFromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, "MY_KEY")
	want := map[string]bool{canaryKey: true, canaryProxyPw: true, "pw2": true}
	if len(got) != len(want) {
		t.Fatalf("secrets %q", got)
	}
	for _, s := range got {
		if !want[s] {
			t.Errorf("unexpected secret %q", s)
		}
	}
}
