package collect

import (
	"strings"
	"testing"
)

func TestBrowserHeadersPerOS(t *testing.T) {
	for goos, want := range map[string][2]string{
		"windows": {"Windows NT 10.0; Win64; x64", `"Windows"`},
		"darwin":  {"Macintosh; Intel Mac OS X 10_15_7", `"macOS"`},
		"linux":   {"X11; Linux x86_64", `"Linux"`},
		"freebsd": {"X11; Linux x86_64", `"Linux"`},
	} {
		h := browserHeaders(goos, nil)
		ua := h.Get("User-Agent")
		if !strings.Contains(ua, want[0]) || !strings.Contains(ua, "Chrome/"+chromeMajor+".0.0.0") || h.Get("Sec-Ch-Ua-Platform") != want[1] {
			t.Errorf("%s: UA %q platform %q", goos, ua, h.Get("Sec-Ch-Ua-Platform"))
		}
		if !strings.Contains(h.Get("Sec-Ch-Ua"), `"Google Chrome";v="`+chromeMajor+`"`) {
			t.Errorf("%s: sec-ch-ua %q does not match the UA version", goos, h.Get("Sec-Ch-Ua"))
		}
		for _, k := range []string{"Accept", "Accept-Language", "Accept-Encoding", "Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-User", "Upgrade-Insecure-Requests", "Sec-Ch-Ua-Mobile"} {
			if h.Get(k) == "" {
				t.Errorf("%s: %s missing", goos, k)
			}
		}
		if h.Get("Accept-Encoding") != "gzip, deflate" {
			t.Errorf("Accept-Encoding %q offers what bodycap.go cannot decode", h.Get("Accept-Encoding"))
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	cases := map[string]string{
		"":                "en-US,en;q=0.9",
		"C":               "en-US,en;q=0.9",
		"C.UTF-8":         "en-US,en;q=0.9",
		"POSIX":           "en-US,en;q=0.9",
		"en_GB.UTF-8":     "en-GB,en;q=0.9",
		"de_DE.UTF-8":     "de-DE,de;q=0.9,en;q=0.8",
		"fr_CA":           "fr-CA,fr;q=0.9,en;q=0.8",
		"sr_RS@latin":     "sr-RS,sr;q=0.9,en;q=0.8",
		"ja":              "ja,en;q=0.8",
		"xx_\x1b[31m":     "xx,en;q=0.8",
		"../../etc":       "en-US,en;q=0.9",
		"pt_BR.ISO8859-1": "pt-BR,pt;q=0.9,en;q=0.8",
	}
	for lang, want := range cases {
		env := map[string]string{"LANG": lang}
		got := acceptLanguage(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
		if got != want {
			t.Errorf("LANG=%q: %q, want %q", lang, got, want)
		}
	}
	env := map[string]string{"LANG": "de_DE.UTF-8", "LC_ALL": "es_ES.UTF-8"}
	if got := acceptLanguage(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); got != "es-ES,es;q=0.9,en;q=0.8" {
		t.Errorf("LC_ALL should win over LANG: %q", got)
	}
}
