package collect

import "testing"

// TestCorporateInterceptors: gateways and inspection appliances are run by
// organisations; antivirus suites, ad blockers and debugging proxies by the
// user, whose advice differs (turn scanning off rather than ask IT).
func TestCorporateInterceptors(t *testing.T) {
	for product, want := range map[string]bool{
		"Zscaler": true, "Netskope": true, "Fortinet": true, "Palo Alto Networks": true, "Cisco Umbrella": true,
		"Blue Coat": true, "Check Point": true, "Forcepoint": true, "McAfee": true, "Cloudflare Gateway": true,
		"Kaspersky": false, "ESET": false, "Avast": false, "Sophos": false, "AdGuard": false, "mitmproxy": false,
		"Fiddler": false, "": false, "Unknown Product": false,
	} {
		if got := corporateProduct(product); got != want {
			t.Errorf("corporateProduct(%q) = %v, want %v", product, got, want)
		}
	}
	for _, ic := range interceptors {
		if got := corporateProduct(ic.Product); got != ic.Corporate {
			t.Errorf("%s: two table entries disagree", ic.Product)
		}
	}
}
