//go:build !linux && !darwin && !windows

package collect

import (
	"context"

	"github.com/gptdoctor/gptdoctor/probes"
)

// collectDNSConfig reads /etc/resolv.conf on the other Unix systems (the
// BSDs, illumos), whose resolvers all follow resolv.conf(5).
func collectDNSConfig(ctx context.Context, w probes.World) probes.Result {
	return unixDNSConfigResult(gatherUnixDNS(ctx, w, false))
}
