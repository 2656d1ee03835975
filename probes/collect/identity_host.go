package collect

import (
	"context"
	"fmt"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// runHostProbe reports the machine's name, OS and interfaces. It is a
// description, not a test: it passes whenever it can read them.
func runHostProbe(ctx context.Context, w probes.World) probes.Result {
	if w.Host == nil {
		return probes.Result{Status: probes.StatusUnknown, Reason: "no host information source configured"}
	}
	d := &probes.HostDetails{}
	var ev, problems []string
	facts, ferr := w.Host.Info(ctx)
	if ferr != nil {
		problems = append(problems, "host facts: "+errLine(ferr))
	} else {
		d.Facts = facts
	}
	ifcs, ierr := w.Host.Interfaces(ctx)
	if ierr != nil {
		problems = append(problems, "interfaces: "+errLine(ierr))
	} else {
		d.Interfaces = ifcs
	}
	if ferr != nil && ierr != nil {
		return probes.Result{Status: probes.StatusUnknown, Reason: "could not read host facts or interfaces",
			Evidence: problems, Details: d,
			Error: &probes.StepError{Step: "host", Message: "host: " + strings.Join(problems, "; ")}}
	}
	for _, ifc := range d.Interfaces {
		ev = append(ev, describeInterface(ifc))
	}
	ev = append(ev, problems...)
	count := fmt.Sprintf("%d interfaces", len(d.Interfaces))
	if len(d.Interfaces) == 1 {
		count = "1 interface"
	}
	reason := describeFacts(d.Facts) + ", " + count
	if ferr != nil {
		reason = count + " (host facts unreadable)"
	}
	return probes.Result{Status: probes.StatusPass, Reason: reason, Evidence: ev, Details: d}
}

func describeFacts(f probes.HostFacts) string {
	parts := []string{}
	if f.Hostname != "" {
		parts = append(parts, f.Hostname)
	}
	osname := f.OS
	if f.Platform != "" {
		osname += " (" + strings.TrimSpace(f.Platform+" "+f.PlatformVersion) + ")"
	}
	if osname != "" {
		parts = append(parts, osname)
	}
	if len(parts) == 0 {
		return "unnamed host"
	}
	return strings.Join(parts, " on ")
}

func describeInterface(ifc probes.Interface) string {
	s := ifc.Name
	if ifc.Description != "" {
		s += " (" + ifc.Description + ")"
	}
	if hasFlag(ifc, "up") {
		s += " up"
	} else {
		s += " down"
	}
	if len(ifc.Addrs) > 0 {
		s += ": " + strings.Join(ifc.Addrs, ", ")
	}
	return s
}

func hasFlag(ifc probes.Interface, flag string) bool {
	for _, f := range ifc.Flags {
		if strings.EqualFold(f, flag) {
			return true
		}
	}
	return false
}

// sanitizeFacts and sanitizeInterfaces clean OS-reported strings for the
// plan's hostCache.
func sanitizeFacts(f probes.HostFacts) probes.HostFacts {
	return probes.HostFacts{
		Hostname:        sanitize.LineN(f.Hostname, 255),
		OS:              sanitize.LineN(f.OS, 64),
		Platform:        sanitize.LineN(f.Platform, 128),
		PlatformVersion: sanitize.LineN(f.PlatformVersion, 128),
		KernelVersion:   sanitize.LineN(f.KernelVersion, 128),
	}
}

func sanitizeInterfaces(in []probes.Interface) []probes.Interface {
	out := make([]probes.Interface, len(in))
	for i, ifc := range in {
		out[i] = probes.Interface{
			Index:       ifc.Index,
			Name:        sanitize.LineN(ifc.Name, 128),
			MTU:         ifc.MTU,
			Flags:       append([]string(nil), ifc.Flags...),
			Addrs:       append([]string(nil), ifc.Addrs...),
			Description: sanitize.LineN(ifc.Description, 256),
		}
		for j, a := range out[i].Addrs {
			out[i].Addrs[j] = sanitize.LineN(a, 64)
		}
	}
	return out
}
