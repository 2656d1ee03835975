package collect

import (
	"context"
	"net/netip"

	"github.com/gptdoctor/gptdoctor/probes"
	"golang.org/x/sys/windows"
)

// collectDNSConfig reads the DNS servers of every adapter from
// GetAdaptersAddresses, as Go's own resolver does on Windows. The call needs
// no elevation.
func collectDNSConfig(ctx context.Context, w probes.World) probes.Result {
	adapters, err := windowsAdapters()
	return windowsDNSConfigResult(adapters, err)
}

// windowsAdapters copies the DNS-relevant fields of each adapter record.
func windowsAdapters() ([]windowsAdapter, error) {
	aas, err := adapterAddresses(windows.GAA_FLAG_SKIP_ANYCAST | windows.GAA_FLAG_SKIP_MULTICAST)
	if err != nil {
		return nil, err
	}
	var out []windowsAdapter
	for aa := aas; aa != nil; aa = aa.Next {
		a := windowsAdapter{
			FriendlyName: windows.UTF16PtrToString(aa.FriendlyName),
			Description:  windows.UTF16PtrToString(aa.Description),
			DNSSuffix:    windows.UTF16PtrToString(aa.DnsSuffix),
			Up:           aa.OperStatus == windows.IfOperStatusUp,
			IfType:       aa.IfType,
		}
		for ds := aa.FirstDnsServerAddress; ds != nil; ds = ds.Next {
			if ip, ok := netip.AddrFromSlice(ds.Address.IP()); ok {
				a.DNSServers = append(a.DNSServers, ip.Unmap())
			}
		}
		out = append(out, a)
	}
	return out, nil
}
