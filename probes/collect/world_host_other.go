//go:build !windows

package collect

import "github.com/gptdoctor/gptdoctor/probes"

// addAdapterDescriptions is a no-op outside Windows: Linux and macOS
// interfaces have no separate description, and the name (plus sysfs on
// Linux, scutil on macOS) is what identifies a tunnel there.
func addAdapterDescriptions([]probes.Interface) {}
