//go:build windows

package collect

import (
	"errors"
	"unsafe"

	"github.com/gptdoctor/gptdoctor/probes"
	"golang.org/x/sys/windows"
)

// addAdapterDescriptions fills Interface.Description from
// GetAdaptersAddresses, matched by interface index (IPv4 index, or IPv6
// index for IPv6-only adapters) and, failing that, by friendly name, which
// is what Go's net package reports as the name. Errors leave descriptions
// empty: the name table still works.
func addAdapterDescriptions(ifcs []probes.Interface) {
	const namesOnly = windows.GAA_FLAG_SKIP_UNICAST | windows.GAA_FLAG_SKIP_ANYCAST |
		windows.GAA_FLAG_SKIP_MULTICAST | windows.GAA_FLAG_SKIP_DNS_SERVER
	aas, err := adapterAddresses(namesOnly)
	if err != nil {
		return
	}
	byIndex := map[int]string{}
	byName := map[string]string{}
	for aa := aas; aa != nil; aa = aa.Next {
		desc := windows.UTF16PtrToString(aa.Description)
		if desc == "" {
			continue
		}
		if aa.IfIndex != 0 {
			byIndex[int(aa.IfIndex)] = desc
		}
		if aa.Ipv6IfIndex != 0 {
			if _, ok := byIndex[int(aa.Ipv6IfIndex)]; !ok {
				byIndex[int(aa.Ipv6IfIndex)] = desc
			}
		}
		byName[windows.UTF16PtrToString(aa.FriendlyName)] = desc
	}
	for i := range ifcs {
		if d, ok := byIndex[ifcs[i].Index]; ok {
			ifcs[i].Description = d
		} else if d, ok := byName[ifcs[i].Name]; ok {
			ifcs[i].Description = d
		}
	}
}

// adapterAddresses calls GetAdaptersAddresses with flags (GAA_FLAG_*) and
// a growing buffer, as the API asks (ERROR_BUFFER_OVERFLOW means "try again
// with this size"). The interface descriptions and the DNS configuration
// both read adapters through it. nil means no adapters.
func adapterAddresses(flags uint32) (*windows.IpAdapterAddresses, error) {
	l := uint32(15000) // Microsoft's recommended first guess
	for {
		b := make([]byte, l)
		aa := (*windows.IpAdapterAddresses)(unsafe.Pointer(&b[0]))
		err := windows.GetAdaptersAddresses(windows.AF_UNSPEC, flags, 0, aa, &l)
		switch {
		case err == nil && l == 0:
			return nil, nil
		case err == nil:
			return aa, nil
		case !errors.Is(err, windows.ERROR_BUFFER_OVERFLOW) || l <= uint32(len(b)):
			return nil, err
		}
	}
}
