package collect

import (
	"encoding/binary"
	"errors"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// winINETValues are the per-user proxy values under
// HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings, the
// "system proxy" Edge, Chrome and most Windows programs follow.
type winINETValues struct {
	// ProxyEnable is nil when the value is absent.
	ProxyEnable *uint32
	// ProxyServer is "host:port" for every scheme or the per-scheme form
	// "http=h:p;https=h:p;socks=h:p".
	ProxyServer string
	// ProxyOverride is the ";"-separated bypass list ("<local>" means
	// names without dots).
	ProxyOverride string
	// AutoConfigURL is the PAC script ("Use setup script").
	AutoConfigURL string
	// ConnectionSettings is the binary
	// Connections\DefaultConnectionSettings value, nil when absent; its
	// flags hold "Automatically detect settings", which no plain value does.
	ConnectionSettings []byte
}

// INTERNET_PER_CONN_FLAGS values stored in DefaultConnectionSettings.
const (
	proxyTypeProxy      = 0x02 // PROXY_TYPE_PROXY: manual proxy on
	proxyTypeAutoURL    = 0x04 // PROXY_TYPE_AUTO_PROXY_URL: setup script on
	proxyTypeAutoDetect = 0x08 // PROXY_TYPE_AUTO_DETECT: WPAD on
)

// parseWinINETConnectionFlags reads the flags word of
// DefaultConnectionSettings: a little-endian structure of version, change
// counter, then INTERNET_PER_CONN_FLAGS, then length-prefixed proxy,
// bypass and script strings. ok is false when the blob is too short.
func parseWinINETConnectionFlags(b []byte) (flags uint32, ok bool) {
	if len(b) < 12 {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b[8:12]), true
}

// parseWinINETValues turns the registry values into settings. Windows
// applies automatic configuration before manual settings (a setup script
// wins over ProxyServer), so Mode is auto whenever a script is on. When
// DefaultConnectionSettings is readable, its flags decide whether the
// script and WPAD are on; otherwise AutoConfigURL's presence does.
// "Automatically detect settings" is on by default on Windows, so it is
// reported as AutoDetect with a note rather than as mode wpad.
func parseWinINETValues(v winINETValues) probes.ProxySettingsDetails {
	d := probes.ProxySettingsDetails{Source: "wininet", Mode: "none"}
	flags, haveFlags := parseWinINETConnectionFlags(v.ConnectionSettings)
	manual := v.ProxyEnable != nil && *v.ProxyEnable != 0 && strings.TrimSpace(v.ProxyServer) != ""
	pac := strings.TrimSpace(v.AutoConfigURL) != ""
	if haveFlags {
		if pac && flags&proxyTypeAutoURL == 0 {
			d.Notes = append(d.Notes, "AutoConfigURL is set but the setup script is switched off")
			pac = false
		}
		d.AutoDetect = flags&proxyTypeAutoDetect != 0
	}
	if manual {
		d.HTTP, d.HTTPS, d.SOCKS = parseWinINETProxyServer(v.ProxyServer)
	}
	if pac {
		d.SetPACSource(strings.TrimSpace(v.AutoConfigURL))
		d.PACURL = sanitize.URL(d.PACSource())
	}
	switch {
	case pac:
		d.Mode = "auto"
		if manual {
			d.Notes = append(d.Notes, "the setup script takes precedence; the manual proxy applies only when the script cannot be used")
		}
	case manual:
		d.Mode = "manual"
	}
	if d.Mode != "none" {
		d.Bypass = splitList(v.ProxyOverride)
	}
	if d.AutoDetect {
		d.Notes = append(d.Notes, "Automatically detect settings is on (the Windows default): if this network publishes WPAD, browsers use it")
	}
	return d
}

// parseWinINETProxyServer splits a ProxyServer value into the HTTP, HTTPS
// and SOCKS proxies (host:port). A bare "host:port" serves every scheme;
// per-scheme entries override it for their scheme; "http://" prefixes,
// which users sometimes type, are dropped, and every proxy gets a port.
func parseWinINETProxyServer(s string) (http, https, socks string) {
	var all string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ' ' }) {
		scheme, val, ok := strings.Cut(part, "=")
		if !ok {
			all = proxyHostPort(part, "", "http")
			continue
		}
		switch strings.ToLower(strings.TrimSpace(scheme)) {
		case "http":
			http = proxyHostPort(val, "", "http")
		case "https":
			https = proxyHostPort(val, "", "https")
		case "socks":
			socks = proxyHostPort(val, "", "socks")
		}
	}
	if http == "" {
		http = all
	}
	if https == "" {
		https = all
	}
	return http, https, socks
}

// splitList splits a ";"-separated Windows bypass list.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, sanitize.LineN(p, 255))
		}
	}
	return out
}

// parseNetshWinHTTP reads `netsh winhttp show proxy`, the machine-wide
// WinHTTP proxy that services and some command-line tools use. The output
// is localized ("Current WinHTTP proxy settings:" / "Paramètres de proxy
// WinHTTP actuels :"), so the parser relies on its shape, not its words:
// a header line ending in ':', then either one sentence without a colon
// (direct access) or "label : value" lines, the first being the proxy
// server(s) and the second the bypass list. A value that is only a
// parenthesised word ("(none)", "(aucun)") is empty.
func parseNetshWinHTTP(out string) (probes.ProxySettingsDetails, error) {
	d := probes.ProxySettingsDetails{Source: "winhttp", Mode: "none"}
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(sanitize.Line(l)); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return d, errors.New("netsh winhttp show proxy: empty output")
	}
	if !strings.HasSuffix(lines[0], ":") {
		return d, errors.New("netsh winhttp show proxy: unrecognised output: " + sanitize.LineN(lines[0], 80))
	}
	var values []string
	for _, l := range lines[1:] {
		if _, v, ok := strings.Cut(l, ":"); ok {
			values = append(values, netshValue(v))
		}
	}
	if len(values) == 0 {
		return d, nil // "Direct access (no proxy server)." in any language
	}
	if values[0] != "" {
		d.Mode = "manual"
		d.HTTP, d.HTTPS, d.SOCKS = parseWinINETProxyServer(values[0])
	}
	if len(values) > 1 && d.Mode == "manual" {
		d.Bypass = splitList(values[1])
	}
	return d, nil
}

func netshValue(v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")") && !strings.ContainsAny(v, ".:;=") {
		return ""
	}
	return v
}
