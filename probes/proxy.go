package probes

// ProxyEnvDetails is the proxy configuration in the environment, with Go's
// precedence made explicit.
type ProxyEnvDetails struct {
	// Vars are the proxy variables set, values with credentials redacted.
	Vars []EnvVar `json:"vars,omitempty"`
	// Conflicts explain variables set in both cases with different values
	// (Go's net/http reads upper case first; curl and newer x/net read
	// lower case first) and variables Go ignores (ALL_PROXY).
	Conflicts []string `json:"conflicts,omitempty"`
	// Effective is the proxy each target URL will use.
	Effective []EffectiveProxy `json:"effective,omitempty"`
	// Bypassed is true when this run ignores every proxy (BypassProxy).
	Bypassed bool `json:"bypassed,omitempty"`
	// CGI is true when REQUEST_METHOD is set, which makes Go ignore
	// HTTP_PROXY.
	CGI bool `json:"cgi,omitempty"`
}

// EnvVar is one environment variable, redacted.
type EnvVar struct {
	// Name is the variable as set, in its own case (HTTP_PROXY, https_proxy,
	// NO_PROXY, ALL_PROXY, REQUEST_METHOD …): programs disagree on which case
	// wins.
	Name string `json:"name"`
	// Value is the variable's value, proxy credentials redacted.
	Value string `json:"value"`
}

// EffectiveProxy is the proxy decision for one URL.
type EffectiveProxy struct {
	// URL is the target URL the decision is for.
	URL string `json:"url"`
	// Proxy is the redacted proxy URL, or empty for a direct connection.
	Proxy string `json:"proxy,omitempty"`
	// Why explains the decision ("HTTPS_PROXY", "NO_PROXY matches
	// .openai.com").
	Why string `json:"why"`
	// Var names the variable the proxy came from, when one did.
	Var string `json:"var,omitempty"`
}

func (*ProxyEnvDetails) details() {}

// ProxySettingsDetails is the desktop/system proxy configuration browsers
// follow (GNOME, KDE, macOS, Windows WinINET and WinHTTP).
type ProxySettingsDetails struct {
	// Source is gsettings, kioslaverc, scutil, wininet or winhttp.
	Source string `json:"source"`
	// Mode is none, manual, auto (PAC), wpad, or env (KDE's "use
	// environment variables").
	Mode string `json:"mode"`
	// HTTP, HTTPS and SOCKS are host:port (credentials never included).
	HTTP  string `json:"http,omitempty"`
	HTTPS string `json:"https,omitempty"`
	SOCKS string `json:"socks,omitempty"`
	// PACURL is the proxy auto-config script the settings name, credentials
	// redacted.
	PACURL string `json:"pac_url,omitempty"`
	// Bypass lists the hosts and patterns that skip the proxy, as configured
	// ("localhost", "*.local", "<local>").
	Bypass []string `json:"bypass,omitempty"`
	// AutoDetect is true when WPAD discovery is switched on alongside the
	// mode (Windows "Automatically detect settings", macOS
	// ProxyAutoDiscoveryEnable).
	AutoDetect bool `json:"auto_detect,omitempty"`
	// Notes carry what the settings imply that the fields cannot
	// ("authentication configured; credentials not shown").
	Notes []string `json:"notes,omitempty"`
	// pacRaw is the PAC URL as configured, unredacted, so a URL that
	// carries credentials can still be fetched; it is never serialised.
	pacRaw string
	// Also holds further sources read on this machine (WinHTTP beside
	// WinINET; KDE beside GNOME when both are configured).
	Also []ProxySettingsDetails `json:"also,omitempty"`
}

func (*ProxySettingsDetails) details() {}

// SetPACSource records the PAC URL as configured, credentials included,
// so the PAC probe can still fetch a URL that carries them. It is kept out
// of the JSON and out of every rendering; PACURL is the redacted form.
func (d *ProxySettingsDetails) SetPACSource(raw string) { d.pacRaw = raw }

// PACSource returns the PAC URL as configured (see SetPACSource).
func (d ProxySettingsDetails) PACSource() string { return d.pacRaw }

// PACDetails is what a fetched proxy auto-config script says, without
// evaluating it.
type PACDetails struct {
	// URL is the PAC script's address, credentials redacted.
	URL string `json:"url"`
	// Bytes is how much of the script was read (at most 1 MiB).
	Bytes int `json:"bytes"`
	// Truncated is true when the script is longer than 1 MiB and only its
	// start was read.
	Truncated bool `json:"truncated,omitempty"`
	// MentionsOpenAI: the script names openai.com or chatgpt.com.
	MentionsOpenAI bool `json:"mentions_openai"`
	// Directives are the distinct PROXY/SOCKS/DIRECT results it can return.
	Directives []string `json:"directives,omitempty"`
	// StatusCode is the HTTP status of the fetch (0 for a file: URL).
	StatusCode int `json:"status_code,omitempty"`
}

func (*PACDetails) details() {}

// ProxyReachDetails is a TCP connect test to one configured proxy.
type ProxyReachDetails struct {
	// Proxy is the redacted proxy URL; Addr the host:port dialled.
	Proxy string `json:"proxy"`
	Addr  string `json:"addr"`
	// Reachable is true when the proxy accepted a TCP connection.
	Reachable bool `json:"reachable"`
	// Connect is how long the TCP connect took; absent when it failed.
	Connect Millis `json:"connect_ms,omitempty"`
	// Sources name the settings that configure this proxy ("HTTPS_PROXY",
	// "gsettings https").
	Sources []string `json:"sources,omitempty"`
}

func (*ProxyReachDetails) details() {}
