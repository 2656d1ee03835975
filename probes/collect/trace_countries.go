package collect

import (
	_ "embed"
	"strings"
	"sync"
)

// supportedCountriesDate is the date the embedded list of countries where
// OpenAI offers its services was taken; reports print it beside every
// "unsupported country" finding, because the list changes.
const supportedCountriesDate = "2026-08-05"

// supportedCountriesText is OpenAI's published allowlist (ISO 3166-1
// alpha-2, one per line, "#" comments), as synced on
// supportedCountriesDate. There is no deny list: a code absent here is
// unsupported.
//
//go:embed data/openai-supported-countries-2026-08-05.txt
var supportedCountriesText string

var supportedCountries = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(supportedCountriesText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToUpper(line)] = true
	}
	return m
})

// Cloudflare's geolocation codes that are not countries.
const (
	cfLocTor     = "T1" // the IP is a Tor exit node
	cfLocUnknown = "XX" // no country could be determined
)

// openAISupported reports whether OpenAI serves the country with this ISO
// 3166-1 alpha-2 code (Cloudflare's trace "loc"), per the embedded list
// dated supportedCountriesDate. known is false when the code cannot be
// judged: empty, not two letters, or one of Cloudflare's pseudo-codes (T1
// for Tor, XX for unknown).
func openAISupported(country string) (supported bool, known bool) {
	c := strings.ToUpper(strings.TrimSpace(country))
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return false, false
	}
	if c == cfLocTor || c == cfLocUnknown {
		return false, false
	}
	return supportedCountries()[c], true
}
