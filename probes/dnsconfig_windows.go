package probes

import (
	"context"
	"errors"
	"net/netip"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// collectDNSConfig reads the DNS servers of every adapter from
// GetAdaptersAddresses, as Go's own resolver does on Windows. The call needs
// no elevation.
func collectDNSConfig(ctx context.Context, w World) Result {
	adapters, err := windowsAdapters()
	return windowsDNSConfigResult(adapters, err)
}

// windowsAdapters copies the DNS-relevant fields of each adapter record.
func windowsAdapters() ([]WindowsAdapter, error) {
	var b []byte
	l := uint32(15000) // Microsoft's recommended first guess
	for {
		b = make([]byte, l)
		const flags = windows.GAA_FLAG_SKIP_ANYCAST | windows.GAA_FLAG_SKIP_MULTICAST
		err := windows.GetAdaptersAddresses(syscall.AF_UNSPEC, flags, 0, (*windows.IpAdapterAddresses)(unsafe.Pointer(&b[0])), &l)
		if err == nil {
			if l == 0 {
				return nil, nil
			}
			break
		}
		var errno syscall.Errno
		if !errors.As(err, &errno) || errno != syscall.ERROR_BUFFER_OVERFLOW || l <= uint32(len(b)) {
			return nil, err
		}
	}
	var out []WindowsAdapter
	for aa := (*windows.IpAdapterAddresses)(unsafe.Pointer(&b[0])); aa != nil; aa = aa.Next {
		a := WindowsAdapter{
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
