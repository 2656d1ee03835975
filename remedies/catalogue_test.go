package remedies

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The IDs the lab scenarios, the lead's CLI and support instructions already
// use. Renaming one breaks them.
var fixedCauseIDs = []string{
	"openai-outage", "flagged-ip", "vpn-proxy-tor", "rate-limited", "quota-exhausted", "browser-state",
	"security-software", "browser-signature", "geo-restricted", "account-flag", "dns-hijack",
	"invalid-api-key", "missing-api-key", "openai-server-error", "cloudflare-challenge", "clock-skew",
	"captive-portal", "no-connectivity", "ipv6-path", "proxy-path", "corporate-policy", "origin-error",
}

var fixedActionIDs = []string{
	"flush-dns", "open-status", "private-window", "bypass-proxy", "retry", "copy-ticket",
	"renew-dhcp", "winsock-reset", "ip-reset",
}

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestCatalogueIDs(t *testing.T) {
	var ids []string
	for _, c := range Causes() {
		ids = append(ids, c.ID)
	}
	for _, id := range fixedCauseIDs {
		if !slices.Contains(ids, id) {
			t.Errorf("cause %q is missing from the catalogue", id)
		}
	}
	if !slices.Equal(ActionIDs, fixedActionIDs) {
		t.Errorf("ActionIDs = %v, want %v", ActionIDs, fixedActionIDs)
	}
	seen := map[string]bool{}
	for _, c := range Causes() {
		if seen[c.ID] || !kebab.MatchString(c.ID) {
			t.Errorf("cause ID %q is duplicated or not kebab-case", c.ID)
		}
		seen[c.ID] = true
	}
	for _, r := range Remedies() {
		if seen["remedy:"+r.ID] || !kebab.MatchString(r.ID) {
			t.Errorf("remedy ID %q is duplicated or not kebab-case", r.ID)
		}
		seen["remedy:"+r.ID] = true
	}
}

func TestCatalogueIsComplete(t *testing.T) {
	used := map[string]bool{}
	for _, c := range Causes() {
		if c.Title == "" || len(c.Explanation) < 80 {
			t.Errorf("cause %s: needs a title and a plain explanation", c.ID)
		}
		if c.Severity.rank() == 2 && c.Severity != Advisory {
			t.Errorf("cause %s: unknown severity %q", c.ID, c.Severity)
		}
		if len(c.Remedies) == 0 {
			t.Errorf("cause %s: no remedies", c.ID)
		}
		for _, id := range c.Remedies {
			used[id] = true
			if _, ok := RemedyByID(id); !ok {
				t.Errorf("cause %s: unknown remedy %q", c.ID, id)
			}
		}
		hasRule := false
		for _, r := range rules {
			for _, d := range r.docs {
				hasRule = hasRule || d.Cause == c.ID
			}
		}
		if !hasRule {
			t.Errorf("cause %s: no rule produces it", c.ID)
		}
	}
	// Remedies rules add on their own, outside any cause's default list.
	ruleOnly := map[string]bool{"scan-malware": true}
	for _, r := range Remedies() {
		if !used[r.ID] && !ruleOnly[r.ID] {
			t.Errorf("remedy %s is offered by no cause", r.ID)
		}
		if r.Title == "" || r.Explanation == "" || len(r.Steps) == 0 {
			t.Errorf("remedy %s: needs a title, an explanation and steps", r.ID)
		}
		if r.Action != "" && !slices.Contains(ActionIDs, r.Action) {
			t.Errorf("remedy %s: unknown action %q", r.ID, r.Action)
		}
		for _, s := range r.Steps {
			if s.Browser != "" && !slices.Contains(Browsers, s.Browser) {
				t.Errorf("remedy %s: unknown browser %q", r.ID, s.Browser)
			}
		}
	}
	for _, r := range rules {
		for _, d := range r.docs {
			if causeIndex(d.Cause) == len(causes) {
				t.Errorf("rule %s documents unknown cause %q", r.name, d.Cause)
			}
		}
	}
}

func TestCataloguesAreCopies(t *testing.T) {
	c := Causes()
	c[0].Remedies[0] = "changed"
	r := Remedies()
	r[0].Steps[0].Text = "changed"
	if Causes()[0].Remedies[0] == "changed" || Remedies()[0].Steps[0].Text == "changed" {
		t.Fatal("callers can modify the catalogue through the returned slices")
	}
}

func TestStepsFor(t *testing.T) {
	r, _ := RemedyByID("clear-browser-data")
	linuxFirefox := r.StepsFor("linux", []string{"firefox"})
	if len(linuxFirefox) != 2 || !strings.HasPrefix(linuxFirefox[1], "Firefox:") {
		t.Errorf("linux+firefox steps = %q", linuxFirefox)
	}
	if all := r.StepsFor("darwin", nil); !slices.ContainsFunc(all, func(s string) bool { return strings.HasPrefix(s, "Safari:") }) {
		t.Errorf("macOS without known browsers should list Safari: %q", all)
	}
	if l := r.StepsFor("linux", nil); slices.ContainsFunc(l, func(s string) bool { return strings.HasPrefix(s, "Safari:") }) {
		t.Errorf("Linux lists Safari: %q", l)
	}
	flush, _ := RemedyByID("flush-dns")
	if w := flush.StepsFor("windows", []string{"edge"}); !slices.Contains(w, "ipconfig /flushdns") || slices.ContainsFunc(w, func(s string) bool { return strings.Contains(s, "dscacheutil") }) {
		t.Errorf("windows flush steps = %q", w)
	}
	reset, _ := RemedyByID("reset-network")
	if reset.AppliesTo("linux") || !reset.AppliesTo("windows") || !reset.AppliesTo("") {
		t.Error("reset-network must apply to Windows only")
	}
}

var update = flag.Bool("update", false, "rewrite docs/causes.md from the catalogue")

// TestCausesDoc keeps docs/causes.md equal to the catalogue it documents.
func TestCausesDoc(t *testing.T) {
	path := filepath.Join("..", "docs", "causes.md")
	want := catalogueMarkdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run go test ./remedies -run TestCausesDoc -update", err)
	}
	if string(got) != want {
		t.Fatalf("docs/causes.md differs from the catalogue: run go test ./remedies -run TestCausesDoc -update")
	}
	for _, c := range Causes() {
		if !strings.Contains(want, "`"+c.ID+"`") {
			t.Errorf("docs do not mention cause %s", c.ID)
		}
	}
	for _, id := range ActionIDs {
		if !strings.Contains(want, "`"+id+"`") {
			t.Errorf("docs do not mention action %s", id)
		}
	}
	for _, must := range []string{"resolvectl flush-caches", "nscd -i hosts", "dscacheutil -flushcache", "ipconfig /flushdns", "--incognito", "-private-window", "--inprivate", "wl-copy", "pbcopy", "netsh winsock reset", "sudo --"} {
		if !strings.Contains(want, must) {
			t.Errorf("docs do not show %q", must)
		}
	}
}
