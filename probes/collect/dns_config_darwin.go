package collect

import (
	"context"

	"github.com/gptdoctor/gptdoctor/probes"
)

// collectDNSConfig reads the macOS resolver configuration from
// `scutil --dns`.
func collectDNSConfig(ctx context.Context, w probes.World) probes.Result {
	return scutilDNSConfigResult(gatherScutilDNS(ctx, w))
}
