package probes

import "context"

// collectDNSConfig reads the Linux resolver stack: /etc/resolv.conf and
// its symlink, systemd-resolved's upstream list, nsswitch.conf, running
// caches and `resolvectl status`.
func collectDNSConfig(ctx context.Context, w World) Result {
	return unixDNSConfigResult(gatherUnixDNS(ctx, w, true))
}
