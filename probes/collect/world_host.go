package collect

import (
	"context"
	"fmt"
	"runtime"

	"github.com/gptdoctor/gptdoctor/probes"
	"github.com/shirou/gopsutil/v4/host"
	gnet "github.com/shirou/gopsutil/v4/net"
	"github.com/shirou/gopsutil/v4/process"
)

// SystemHost is the real machine's HostInfo, read with gopsutil (which
// needs no cgo on any of the three systems) plus, on Windows, the adapter
// descriptions GetAdaptersAddresses reports: a VPN adapter there is often
// called "Ethernet 2" and only its description ("WireGuard Tunnel",
// "TAP-Windows Adapter V9") gives it away.
type SystemHost struct{}

// Info returns hostname, OS, platform and kernel version.
func (SystemHost) Info(ctx context.Context) (probes.HostFacts, error) {
	in, err := host.InfoWithContext(ctx)
	if err != nil {
		return probes.HostFacts{}, fmt.Errorf("host info: %w", err)
	}
	return probes.HostFacts{
		Hostname:        in.Hostname,
		OS:              in.OS,
		Platform:        in.Platform,
		PlatformVersion: in.PlatformVersion,
		KernelVersion:   in.KernelVersion,
	}, nil
}

// Interfaces lists every interface with its addresses (CIDR strings) and,
// where the OS has one, its description.
func (SystemHost) Interfaces(ctx context.Context) ([]probes.Interface, error) {
	list, err := gnet.InterfacesWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("list interfaces: %w", err)
	}
	out := make([]probes.Interface, 0, len(list))
	for _, in := range list {
		ifc := probes.Interface{
			Index: in.Index,
			Name:  in.Name,
			MTU:   in.MTU,
			Flags: append([]string(nil), in.Flags...),
		}
		for _, a := range in.Addrs {
			ifc.Addrs = append(ifc.Addrs, a.Addr)
		}
		out = append(out, ifc)
	}
	addAdapterDescriptions(out)
	return out, nil
}

// Processes lists running processes by name, with the executable path where
// the OS lets this user read it. Processes that vanish or refuse access
// while being listed are skipped; only a failure to list at all is an
// error.
func (SystemHost) Processes(ctx context.Context) ([]probes.Process, error) {
	ps, err := listProcesses(ctx)
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	out := make([]probes.Process, 0, len(ps))
	for _, p := range ps {
		if ctx.Err() != nil {
			return out, fmt.Errorf("list processes: %w", ctx.Err())
		}
		name, err := p.NameWithContext(ctx)
		if err != nil || name == "" {
			continue
		}
		exe, _ := p.ExeWithContext(ctx)
		out = append(out, probes.Process{PID: p.Pid, Name: name, Exe: exe})
	}
	return out, nil
}

// listProcesses returns handles for every process. On Windows gopsutil's
// Processes pre-fills names from one Toolhelp snapshot, which is what makes
// SYSTEM services' names readable without admin. Elsewhere it also reads
// each process's start time (and the boot time) to build the handle, which
// the name lookup does not need; building the handles from the PID list
// makes the listing several times faster.
func listProcesses(ctx context.Context) ([]*process.Process, error) {
	if runtime.GOOS == "windows" {
		return process.ProcessesWithContext(ctx)
	}
	pids, err := process.PidsWithContext(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*process.Process, 0, len(pids))
	for _, pid := range pids {
		out = append(out, &process.Process{Pid: pid})
	}
	return out, nil
}
