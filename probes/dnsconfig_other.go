//go:build !linux && !darwin && !windows

package probes

import "context"

// collectDNSConfig reads /etc/resolv.conf on the other Unix systems (the
// BSDs, illumos), whose resolvers all follow resolv.conf(5).
func collectDNSConfig(ctx context.Context, w World) Result {
	return unixDNSConfigResult(gatherUnixDNS(ctx, w, false))
}
