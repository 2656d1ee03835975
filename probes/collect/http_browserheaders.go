package collect

import (
	"net/http"
	"strings"
)

// chromeMajor is the Chrome stable major version the browser header set
// claims. Chrome 145 was current in 2026-03 and a new major ships every four
// weeks, so 154 is current around 2026-11. A version many releases old reads
// as a bot; bump this with each release train.
const chromeMajor = "154"

// browserAcceptEncoding is what the browser header set offers. Chrome sends
// "gzip, deflate, br, zstd", but the standard library decodes neither
// Brotli nor zstd, and a block page we cannot decode cannot be classified.
// So the set offers only what bodycap.go decodes itself. (Setting
// Accept-Encoding by hand turns off Go's transparent gzip handling, which
// is why the decoding lives there.) The difference is one header value;
// the TLS fingerprint of a Go client differs from Chrome's far more.
const browserAcceptEncoding = "gzip, deflate"

// browserHeaders returns a coherent current-Chrome request header set for
// the user's OS: the user agent, client hints and fetch metadata of a
// top-level navigation typed into the address bar. Cloudflare rules that
// single out scripts look at exactly these.
func browserHeaders(goos string, lookupEnv func(string) (string, bool)) http.Header {
	ua, platform := chromeUA(goos)
	h := http.Header{}
	h.Set("User-Agent", ua)
	h.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")
	h.Set("Accept-Language", acceptLanguage(lookupEnv))
	h.Set("Accept-Encoding", browserAcceptEncoding)
	h.Set("Sec-Ch-Ua", `"Google Chrome";v="`+chromeMajor+`", "Chromium";v="`+chromeMajor+`", "Not_A Brand";v="24"`)
	h.Set("Sec-Ch-Ua-Mobile", "?0")
	h.Set("Sec-Ch-Ua-Platform", `"`+platform+`"`)
	h.Set("Sec-Fetch-Dest", "document")
	h.Set("Sec-Fetch-Mode", "navigate")
	h.Set("Sec-Fetch-Site", "none")
	h.Set("Sec-Fetch-User", "?1")
	h.Set("Upgrade-Insecure-Requests", "1")
	h.Set("Priority", "u=0, i")
	return h
}

// chromeUA returns Chrome's reduced user agent and its client-hint platform
// name for an OS. Chrome freezes the OS version in the UA (Windows NT 10.0,
// Mac OS X 10_15_7), so these strings are what real browsers send.
func chromeUA(goos string) (ua, platform string) {
	const tail = ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chromeMajor + ".0.0.0 Safari/537.36"
	switch goos {
	case "windows":
		return "Mozilla/5.0 (Windows NT 10.0; Win64; x64" + tail, "Windows"
	case "darwin":
		return "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7" + tail, "macOS"
	default:
		return "Mozilla/5.0 (X11; Linux x86_64" + tail, "Linux"
	}
}

// acceptLanguage derives Chrome's Accept-Language from the POSIX locale
// (LC_ALL, LC_MESSAGES, LANG), so the header matches what this user's
// browser would send: de_DE.UTF-8 gives "de-DE,de;q=0.9,en;q=0.8". Without
// a usable locale (Windows, C, POSIX) it is Chrome's en-US default.
func acceptLanguage(lookupEnv func(string) (string, bool)) string {
	const fallback = "en-US,en;q=0.9"
	if lookupEnv == nil {
		return fallback
	}
	var loc string
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v, ok := lookupEnv(k); ok && v != "" {
			loc = v
			break
		}
	}
	loc, _, _ = strings.Cut(loc, ".")
	loc, _, _ = strings.Cut(loc, "@")
	lang, region, _ := strings.Cut(loc, "_")
	if !isAlpha(lang, 2, 3) { // also "C" and "POSIX"
		return fallback
	}
	lang = strings.ToLower(lang)
	if region == "" || !isAlpha(region, 2, 2) {
		if lang == "en" {
			return "en-US,en;q=0.9"
		}
		return lang + ",en;q=0.8"
	}
	tag := lang + "-" + strings.ToUpper(region)
	if lang == "en" {
		return tag + ",en;q=0.9"
	}
	return tag + "," + lang + ";q=0.9,en;q=0.8"
}

func isAlpha(s string, minLen, maxLen int) bool {
	if len(s) < minLen || len(s) > maxLen {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}
