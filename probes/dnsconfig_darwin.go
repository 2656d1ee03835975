package probes

import "context"

// collectDNSConfig reads the macOS resolver configuration from
// `scutil --dns`.
func collectDNSConfig(ctx context.Context, w World) Result {
	return scutilDNSConfigResult(gatherScutilDNS(ctx, w))
}
