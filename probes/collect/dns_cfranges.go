package collect

import (
	"bufio"
	_ "embed"
	"net/netip"
	"strings"
	"sync"
)

// cloudflareRangesDate is the day Cloudflare's published ranges
// (cloudflare.com/ips-v4 and /ips-v6) were copied into this build. Results
// carry it so a reader can tell a stale list from a real hijack: Cloudflare
// changes these lists rarely, but it does change them.
const cloudflareRangesDate = "2026-07-02"

// The embedded lists are the published text files, one prefix a line. The
// file names carry the date; TestCloudflareRangesEmbedded keeps the constant
// and the names in step.
var (
	//go:embed data/cloudflare-ips-v4-2026-07-02.txt
	cloudflareV4Text string
	//go:embed data/cloudflare-ips-v6-2026-07-02.txt
	cloudflareV6Text string
)

// cloudflarePrefixes parses the embedded lists once, on first use.
var cloudflarePrefixes = sync.OnceValue(func() []netip.Prefix {
	return append(parsePrefixList(cloudflareV4Text), parsePrefixList(cloudflareV6Text)...)
})

// parsePrefixList reads one CIDR prefix per line, skipping blanks, comments
// and anything that does not parse.
func parsePrefixList(text string) []netip.Prefix {
	var out []netip.Prefix
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, err := netip.ParsePrefix(line)
		if err != nil {
			continue
		}
		out = append(out, p.Masked())
	}
	return out
}

// isCloudflareIP reports whether ip lies in Cloudflare's published ranges
// (as of cloudflareRangesDate). ChatGPT and the OpenAI API sit behind
// Cloudflare, so an answer for them outside these ranges points at a
// poisoned resolver, a block page or a local proxy. IPv4-mapped IPv6
// addresses are judged as IPv4. WARP egress addresses (104.28.x) are not in
// the published list and are not Cloudflare edge addresses in this sense.
func isCloudflareIP(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	ip = ip.Unmap().WithZone("")
	for _, p := range cloudflarePrefixes() {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
