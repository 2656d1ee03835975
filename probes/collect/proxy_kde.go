package collect

import (
	"strconv"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// KDE ProxyType values (KProtocolManager::ProxyType, KDE/kio
// kprotocolmanager.h).
const (
	kdeNoProxy     = 0
	kdeManualProxy = 1
	kdePACProxy    = 2
	kdeWPADProxy   = 3
	kdeEnvVarProxy = 4
)

// parseKioslaverc reads the [Proxy Settings] group of KDE's kioslaverc.
// Manual proxies are written "http://host 8080" by the settings dialog
// (it splits host and port on a space) or "http://host:8080" by older and
// hand-edited files; both are accepted. In environment-variable mode the
// values are the names of variables, reported as notes. Keys may carry
// KConfig flags ("httpProxy[$e]"). configured is false when the file has
// no [Proxy Settings] group.
func parseKioslaverc(content string) (d probes.ProxySettingsDetails, configured bool) {
	d = probes.ProxySettingsDetails{Source: "kioslaverc", Mode: "none"}
	vals := map[string]string{}
	in := false
	for _, raw := range strings.Split(strings.ReplaceAll(content, "\r\n", "\n"), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			in = line == "[Proxy Settings]"
			if in {
				configured = true
			}
			continue
		}
		if !in {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		if i := strings.Index(k, "["); i > 0 {
			k = k[:i]
		}
		vals[k] = strings.TrimSpace(v)
	}
	if !configured {
		return d, false
	}
	pt, err := strconv.Atoi(vals["ProxyType"])
	if err != nil && vals["ProxyType"] != "" {
		d.Notes = append(d.Notes, "unreadable ProxyType "+strconv.Quote(sanitize.LineN(vals["ProxyType"], 16)))
	}
	switch pt {
	case kdeNoProxy:
		return d, true
	case kdeManualProxy:
		d.Mode = "manual"
		d.HTTP = kdeProxyValue(vals["httpProxy"], "http")
		d.HTTPS = kdeProxyValue(vals["httpsProxy"], "https")
		d.SOCKS = kdeProxyValue(vals["socksProxy"], "socks")
	case kdePACProxy:
		d.Mode = "auto"
		d.PACURL = sanitize.URL(vals["Proxy Config Script"])
		d.SetPACSource(vals["Proxy Config Script"])
		if d.PACURL == "" {
			d.Notes = append(d.Notes, "PAC mode without a script URL")
		}
	case kdeWPADProxy:
		d.Mode = "wpad"
		d.AutoDetect = true
	case kdeEnvVarProxy:
		d.Mode = "env"
		for _, k := range []string{"httpProxy", "httpsProxy", "socksProxy"} {
			if v := vals[k]; v != "" {
				d.Notes = append(d.Notes, k+" is taken from the environment variable "+sanitize.LineN(v, 64))
			}
		}
	default:
		d.Mode = "unknown"
		d.Notes = append(d.Notes, "unknown ProxyType "+strconv.Itoa(pt))
	}
	if d.Mode != "env" {
		for _, h := range strings.Split(vals["NoProxyFor"], ",") {
			if h = strings.TrimSpace(h); h != "" {
				d.Bypass = append(d.Bypass, sanitize.LineN(h, 255))
			}
		}
	}
	if strings.EqualFold(vals["ReversedException"], "true") {
		d.Notes = append(d.Notes, "ReversedException: NoProxyFor lists the only hosts that use the proxy")
	}
	return d, true
}

// kdeProxyValue turns "http://user:pw@host 8080", "http://host:8080" or
// "host 8080" into host:port without credentials.
func kdeProxyValue(v, scheme string) string {
	v = strings.TrimSpace(v)
	if i := strings.LastIndex(v, " "); i > 0 {
		if port := strings.TrimSpace(v[i+1:]); isPort(port) {
			return proxyHostPort(v[:i], port, scheme)
		}
	}
	return proxyHostPort(v, "", scheme)
}

func isPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0 && n < 65536
}
