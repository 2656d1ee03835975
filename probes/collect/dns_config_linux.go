package collect

import (
	"context"

	"github.com/gptdoctor/gptdoctor/probes"
)

// collectDNSConfig reads the Linux resolver stack: /etc/resolv.conf and
// its symlink, systemd-resolved's upstream list, nsswitch.conf, running
// caches and `resolvectl status`.
func collectDNSConfig(ctx context.Context, w probes.World) probes.Result {
	return unixDNSConfigResult(gatherUnixDNS(ctx, w, true))
}
