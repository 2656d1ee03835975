package session

import "github.com/gptdoctor/gptdoctor/probes"

// Settings records what the runs were told to probe and how, so a support
// person reading a saved session knows what "reachable" was measured
// against. It holds names of things (variables, files), never secrets.
type Settings struct {
	// Targets are the URLs probed and what a healthy answer from each is.
	Targets []probes.Target `json:"targets"`
	// BudgetMS is the run's overall time budget.
	BudgetMS probes.Millis `json:"budget_ms"`
	// StatusURL is the status page API asked; empty when skipped.
	StatusURL string `json:"status_url,omitempty"`
	// Resolvers are the independent DNS servers compared with the system
	// resolver.
	Resolvers []string `json:"resolvers,omitempty"`
	// DoHURL is the DNS-over-HTTPS endpoint compared with; empty when
	// skipped.
	DoHURL string `json:"doh_url,omitempty"`
	// CaptiveURL is the plain-HTTP captive-portal check; empty when skipped.
	CaptiveURL string `json:"captive_url,omitempty"`
	// EgressProbes are the addresses whose routes named the egress
	// interface.
	EgressProbes []string `json:"egress_probes,omitempty"`
	// APIKeyEnv names the variable the API key was read from (never the
	// key).
	APIKeyEnv string `json:"api_key_env"`
	// BypassProxy is true when the run ignored every configured proxy.
	BypassProxy bool `json:"bypass_proxy,omitempty"`
	// Resolver is the --resolver override of the system resolver.
	Resolver string `json:"resolver,omitempty"`
	// ConnectTo lists --connect-to rules in force: results name the
	// original addresses, but connections went elsewhere.
	ConnectTo []string `json:"connect_to,omitempty"`
	// UserCAFiles are the --ca-file roots the user trusts as their own.
	UserCAFiles []string `json:"user_ca_files,omitempty"`
	// PublicRoots names the public root set TLS chains were compared with.
	PublicRoots string `json:"public_roots,omitempty"`
	// ConfigFile is the configuration file that was read, if any.
	ConfigFile string `json:"config_file,omitempty"`
}
