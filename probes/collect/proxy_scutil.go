package collect

import (
	"errors"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// parseScutilProxy reads `scutil --proxy`, the SystemConfiguration
// dictionary State:/Network/Global/Proxies: "Key : value" lines inside
// "<dictionary> {", arrays such as ExceptionsList as "<array> { 0 : … }",
// and per-interface __SCOPED__ sub-dictionaries, which are noted but not
// merged (they apply only to traffic bound to that interface). Keys:
// HTTPEnable/HTTPProxy/HTTPPort, HTTPS…, SOCKS…, ProxyAutoConfigEnable,
// ProxyAutoConfigURLString, ProxyAutoDiscoveryEnable, ExceptionsList,
// ExcludeSimpleHostnames.
func parseScutilProxy(out string) (probes.ProxySettingsDetails, error) {
	d := probes.ProxySettingsDetails{Source: "scutil", Mode: "none"}
	if !strings.Contains(out, "<dictionary>") {
		return d, errors.New("scutil --proxy: output is not a dictionary")
	}
	top := map[string]string{}
	var exceptions, scoped []string
	// stack holds the key that opened each nested container ("" for the
	// top-level dictionary).
	var stack []string
	for _, raw := range strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if line == "}" {
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if line == "<dictionary> {" {
			stack = append(stack, "")
			continue
		}
		key, val, ok := strings.Cut(line, " : ")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		opens := strings.HasSuffix(val, "{")
		depth := len(stack)
		parent := ""
		if depth > 0 {
			parent = stack[depth-1]
		}
		switch {
		case depth == 1 && !opens:
			top[key] = val
		case depth == 2 && parent == "ExceptionsList" && !opens:
			exceptions = append(exceptions, sanitize.LineN(val, 255))
		case depth == 2 && parent == "__SCOPED__" && opens:
			scoped = append(scoped, sanitize.LineN(key, 32))
		}
		if opens {
			stack = append(stack, key)
		}
	}
	enabled := func(k string) bool { return top[k] == "1" }
	hostPort := func(p string) string {
		if !enabled(p+"Enable") || top[p+"Proxy"] == "" || top[p+"Proxy"] == "<NULL>" {
			return ""
		}
		port := top[p+"Port"]
		if port == "0" {
			port = ""
		}
		return proxyHostPort(top[p+"Proxy"], port, strings.ToLower(p))
	}
	d.HTTP, d.HTTPS, d.SOCKS = hostPort("HTTP"), hostPort("HTTPS"), hostPort("SOCKS")
	pac := enabled("ProxyAutoConfigEnable") && top["ProxyAutoConfigURLString"] != ""
	if pac {
		d.PACURL = sanitize.URL(top["ProxyAutoConfigURLString"])
		d.SetPACSource(top["ProxyAutoConfigURLString"])
	}
	d.AutoDetect = enabled("ProxyAutoDiscoveryEnable")
	manual := d.HTTP != "" || d.HTTPS != "" || d.SOCKS != ""
	switch {
	case pac:
		d.Mode = "auto"
		if manual {
			d.Notes = append(d.Notes, "a PAC script and manual proxies are both set")
		}
	case manual:
		d.Mode = "manual"
	case d.AutoDetect:
		d.Mode = "wpad"
	}
	if d.Mode != "none" {
		d.Bypass = exceptions
		if enabled("ExcludeSimpleHostnames") {
			d.Notes = append(d.Notes, "simple host names (no dots) bypass the proxy")
		}
	}
	if len(scoped) > 0 {
		d.Notes = append(d.Notes, "per-interface (scoped) proxy settings exist for "+strings.Join(scoped, ", "))
	}
	return d, nil
}
