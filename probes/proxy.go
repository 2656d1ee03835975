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
}

// EnvVar is one environment variable, redacted.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// EffectiveProxy is the proxy decision for one URL.
type EffectiveProxy struct {
	URL string `json:"url"`
	// Proxy is the redacted proxy URL, or empty for a direct connection.
	Proxy string `json:"proxy,omitempty"`
	// Why explains the decision ("HTTPS_PROXY", "NO_PROXY matches
	// .openai.com").
	Why string `json:"why"`
}

func (*ProxyEnvDetails) details() {}

// ProxySettingsDetails is the desktop/system proxy configuration browsers
// follow (GNOME, KDE, macOS, Windows WinINET and WinHTTP).
type ProxySettingsDetails struct {
	// Source is gsettings, kioslaverc, scutil, wininet or winhttp.
	Source string `json:"source"`
	// Mode is none, manual, auto (PAC) or wpad.
	Mode   string   `json:"mode"`
	HTTP   string   `json:"http,omitempty"`
	HTTPS  string   `json:"https,omitempty"`
	SOCKS  string   `json:"socks,omitempty"`
	PACURL string   `json:"pac_url,omitempty"`
	Bypass []string `json:"bypass,omitempty"`
}

func (*ProxySettingsDetails) details() {}

// PACDetails is what a fetched proxy auto-config script says, without
// evaluating it.
type PACDetails struct {
	URL       string `json:"url"`
	Bytes     int    `json:"bytes"`
	Truncated bool   `json:"truncated,omitempty"`
	// MentionsOpenAI: the script names openai.com or chatgpt.com.
	MentionsOpenAI bool `json:"mentions_openai"`
	// Directives are the distinct PROXY/SOCKS/DIRECT results it can return.
	Directives []string `json:"directives,omitempty"`
}

func (*PACDetails) details() {}

// ProxyReachDetails is a TCP connect test to one configured proxy.
type ProxyReachDetails struct {
	// Proxy is the redacted proxy URL; Addr the host:port dialled.
	Proxy     string `json:"proxy"`
	Addr      string `json:"addr"`
	Reachable bool   `json:"reachable"`
	Connect   Millis `json:"connect_ms,omitempty"`
}

func (*ProxyReachDetails) details() {}
