package collect

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// windowsAdapter is the part of one GetAdaptersAddresses record that DNS
// configuration needs. The Windows collector fills it from
// IP_ADAPTER_ADDRESSES; tests fill it from JSON samples, so the judgement
// runs on every OS.
type windowsAdapter struct {
	FriendlyName string `json:"friendly_name"`
	Description  string `json:"description,omitempty"`
	// Up is OperStatus == IfOperStatusUp.
	Up bool `json:"up"`
	// IfType is the IANA interface type (6 Ethernet, 71 Wi-Fi, 131
	// tunnel, 53 virtual).
	IfType     uint32       `json:"if_type,omitempty"`
	DNSServers []netip.Addr `json:"dns_servers,omitempty"`
	DNSSuffix  string       `json:"dns_suffix,omitempty"`
}

// Interface types that carry VPN tunnels on Windows.
const (
	ifTypePropVirtual = 53
	ifTypeTunnel      = 131
)

// windowsDNSConfig turns adapter records into the DNS configuration the
// way Go's own resolver does on Windows (dnsconfig_windows.go): DNS servers
// of adapters that are up, in adapter order, skipping the fec0:0:0:ffff::
// site-local defaults Windows lists on IPv6 adapters with no configured
// server. Each up adapter with servers becomes a DNSScope.
func windowsDNSConfig(adapters []windowsAdapter) probes.DNSConfigDetails {
	d := probes.DNSConfigDetails{Source: "GetAdaptersAddresses", Stack: probes.DNSStackWindows}
	var down, defaults int
	for _, a := range adapters {
		name := sanitize.LineN(a.FriendlyName, 64)
		if name == "" {
			name = sanitize.LineN(a.Description, 64)
		}
		if !a.Up {
			if len(a.DNSServers) > 0 {
				down++
			}
			continue
		}
		var servers []string
		for _, ip := range a.DNSServers {
			if prefixSiteLocal6.Contains(ip.WithZone("")) {
				defaults++
				continue
			}
			servers = appendUnique(servers, ip.String())
		}
		if s := sanitize.LineN(a.DNSSuffix, 253); s != "" {
			d.Search = appendUnique(d.Search, s)
		}
		if len(servers) == 0 {
			continue
		}
		d.Servers = appendUnique(d.Servers, servers...)
		d.Scopes = append(d.Scopes, probes.DNSScope{Interface: name, Servers: servers, Default: true})
		if _, vpn := lookupAdapterDescription(a.Description); vpn || a.IfType == ifTypeTunnel || a.IfType == ifTypePropVirtual {
			d.Notes = append(d.Notes, fmt.Sprintf("adapter %q looks like a VPN and sets DNS %s", name, strings.Join(servers, ", ")))
		}
	}
	if down > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d adapter(s) that are down also list DNS servers; Windows ignores them", down))
	}
	if defaults > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d fec0:0:0:ffff:: placeholder server(s) skipped (IPv6 adapters with no DNS configured)", defaults))
	}
	if len(d.Scopes) > 1 {
		d.Notes = append(d.Notes, "several adapters set DNS servers; Windows prefers the adapter with the lowest interface metric and may ask the others in parallel")
	}
	return d
}

// windowsDNSConfigResult judges adapter records (or the error reading
// them).
func windowsDNSConfigResult(adapters []windowsAdapter, err error) probes.Result {
	if err != nil {
		return probes.Result{
			Status:  probes.StatusUnknown,
			Reason:  "unknown: GetAdaptersAddresses failed: " + errLine(err),
			Details: &probes.DNSConfigDetails{Source: "GetAdaptersAddresses", Stack: probes.DNSStackWindows},
		}
	}
	d := windowsDNSConfig(adapters)
	res := probes.Result{Details: &d}
	for _, s := range d.Scopes {
		res.Evidence = append(res.Evidence, fmt.Sprintf("adapter %s: %s", s.Interface, strings.Join(s.Servers, ", ")))
	}
	if len(d.Servers) == 0 {
		res.Status = probes.StatusWarn
		res.Reason = "no adapter that is up has a DNS server"
		return res
	}
	res.Status = probes.StatusPass
	res.Reason = fmt.Sprintf("DNS servers %s (%d adapter(s))", strings.Join(d.Servers, ", "), len(d.Scopes))
	return res
}
