package remedies

// Cause IDs. They are stable: the lab scenarios, the JSON report and support
// instructions name them.
const (
	CauseOutage           = "openai-outage"
	CauseNoConnectivity   = "no-connectivity"
	CauseCaptivePortal    = "captive-portal"
	CauseDNSHijack        = "dns-hijack"
	CauseDNSFailure       = "dns-failure"
	CauseGeoRestricted    = "geo-restricted"
	CauseProxyPath        = "proxy-path"
	CauseIPv6Path         = "ipv6-path"
	CauseVPNProxyTor      = "vpn-proxy-tor"
	CauseCorporatePolicy  = "corporate-policy"
	CauseNetworkFilter    = "network-filter"
	CauseSecuritySoftware = "security-software"
	CauseBrowserSignature = "browser-signature"
	CauseFlaggedIP        = "flagged-ip"
	CauseQuotaExhausted   = "quota-exhausted"
	CauseInvalidAPIKey    = "invalid-api-key"
	CauseAPIIPAllowlist   = "api-ip-allowlist"
	CauseRateLimited      = "rate-limited"
	CauseMissingAPIKey    = "missing-api-key"
	CauseServerError      = "openai-server-error"
	CauseOriginError      = "origin-error"
	CauseChallenge        = "cloudflare-challenge"
	CauseClockSkew        = "clock-skew"
	CauseAccountFlag      = "account-flag"
	CauseBrowserState     = "browser-state"
	CauseSlowNetwork      = "slow-network"
)

// causes is the catalogue. Order matters: at equal confidence and severity a
// cause listed earlier ranks first, so causes that explain others (an outage
// explains 503s; a captive portal explains TLS failures) come before the
// causes they explain.
var causes = []Cause{
	{
		ID:    CauseOutage,
		Title: "OpenAI outage or degradation",
		Explanation: "OpenAI's own status page reports that ChatGPT or the API is down or degraded. " +
			"Errors you see now (503 overloaded, 500, 52x from Cloudflare) come from OpenAI's side; " +
			"nothing on your machine or network needs changing. Wait for the incident to be resolved.",
		Severity: Blocking,
		Remedies: []string{"check-status", "wait-retry"},
	},
	{
		ID:    CauseNoConnectivity,
		Title: "No internet connectivity",
		Explanation: "Names do not resolve or connections do not open at all, so no request reaches " +
			"Cloudflare or OpenAI. This is below any block: the machine is offline, the Wi-Fi or cable " +
			"is down, or a firewall drops everything.",
		Severity: Blocking,
		Remedies: []string{"check-connection", "renew-lease", "flush-dns", "reset-network"},
	},
	{
		ID:    CauseCaptivePortal,
		Title: "Captive portal (network login page)",
		Explanation: "The network (hotel, airport, café, some corporate guest Wi-Fi) intercepts traffic " +
			"until you sign in or accept its terms on a login page. Until then HTTPS sites fail with " +
			"certificate errors or show the portal instead.",
		Severity: Blocking,
		Remedies: []string{"login-portal", "change-network"},
	},
	{
		ID:    CauseDNSHijack,
		Title: "Stale or hijacked DNS",
		Explanation: "Your resolver answers chatgpt.com or api.openai.com with an address that is not " +
			"Cloudflare's (a private or loopback address, 0.0.0.0, an ISP block page), or refuses to " +
			"answer while independent resolvers do. Requests then go to the wrong place. Causes: a " +
			"filtering resolver (ISP, school, parental control, ad blocker), a hosts-file entry, a " +
			"router rewriting DNS, or a stale cache.",
		Severity: Blocking,
		Remedies: []string{"flush-dns", "use-independent-dns", "change-network", "reset-network"},
	},
	{
		ID:    CauseDNSFailure,
		Title: "DNS resolver failing",
		Explanation: "The DNS server this machine asks fails (SERVFAIL, no answer, errors) while " +
			"other DNS servers answer: no name resolves, so nothing loads, although the network " +
			"itself carries traffic. The router's or provider's resolver is down or overloaded, or " +
			"a local DNS service (systemd-resolved, dnsmasq) is stuck.",
		Severity: Blocking,
		Remedies: []string{"use-independent-dns", "flush-dns", "check-connection", "reset-network"},
	},
	{
		ID:    CauseGeoRestricted,
		Title: "Geo-restriction",
		Explanation: "Cloudflare places your IP address in a country or region where OpenAI does not " +
			"offer its services (Cloudflare error 1009, the API's unsupported_country_region_territory, " +
			"or a country missing from OpenAI's supported list). A VPN or corporate proxy exiting in " +
			"such a country causes it as well as travelling. The supported list is dated data and " +
			"changes; the finding names the date of the list it used.",
		Severity: Blocking,
		Remedies: []string{"check-location", "disable-vpn", "contact-support"},
	},
	{
		ID:    CauseProxyPath,
		Title: "Blocked or broken only through the proxy",
		Explanation: "Requests through the configured proxy are blocked or fail, while the same requests " +
			"sent directly succeed. The proxy's exit IP is flagged, the proxy rewrites requests, or " +
			"the proxy itself is down.",
		Severity: Blocking,
		Remedies: []string{"bypass-proxy", "ask-it-allowlist", "change-network"},
	},
	{
		ID:    CauseIPv6Path,
		Title: "Blocked only over IPv6",
		Explanation: "Requests over IPv6 are blocked while the same requests over IPv4 succeed. The IPv6 " +
			"address (or prefix) your ISP or VPN gives you has a bad reputation with Cloudflare; " +
			"browsers prefer IPv6 when it exists, so the browser is blocked even though IPv4 works.",
		Severity: Blocking,
		Remedies: []string{"prefer-ipv4", "change-network", "contact-support"},
	},
	{
		ID:    CauseVPNProxyTor,
		Title: "VPN, proxy or Tor in the path",
		Explanation: "A VPN, proxy, Tor or Cloudflare WARP carries your traffic, so Cloudflare judges the " +
			"exit IP of that service, not yours. Those exits are shared by many people and data " +
			"centres, and OpenAI's firewall rules block many of them (error 1020).",
		Severity: Blocking,
		Remedies: []string{"disable-vpn", "bypass-proxy", "change-network", "private-window"},
	},
	{
		ID:    CauseCorporatePolicy,
		Title: "Corporate network policy",
		Explanation: "A corporate proxy, PAC file, Cloudflare Zero Trust gateway or TLS-inspection " +
			"product (Zscaler, Netskope …) sits in the path while requests are blocked. The company " +
			"may block AI services on purpose, or its shared egress IP and inserted headers " +
			"(X-Forwarded-For, Via) make Cloudflare block it. Only IT can change this.",
		Severity: Blocking,
		Remedies: []string{"ask-it-allowlist", "change-network", "contact-support"},
	},
	{
		ID:    CauseNetworkFilter,
		Title: "A firewall filters OpenAI on this network",
		Explanation: "Connections to OpenAI's addresses open and are then cut (reset, or a TLS " +
			"handshake that never gets an answer) while the rest of the network works. A filter " +
			"between this machine and Cloudflare does that, usually by reading the server name " +
			"(SNI) the TLS handshake sends: a company or school firewall, the internet provider or " +
			"a national filter, or security software on this machine. Another network (a phone " +
			"hotspot) tells them apart: if OpenAI loads there, this network filters it.",
		Severity: Blocking,
		Remedies: []string{"change-network", "disable-https-scanning", "ask-it-allowlist"},
	},
	{
		ID:    CauseSecuritySoftware,
		Title: "Security software or extensions rewriting traffic",
		Explanation: "Something on this machine or network decrypts and re-signs HTTPS (antivirus " +
			"\"HTTPS scanning\", a debugging proxy, a corporate inspection box): the certificate " +
			"chatgpt.com presents here is issued by a local authority instead of a public one. " +
			"Re-signed connections look different to Cloudflare (TLS fingerprint, headers) and are " +
			"blocked or challenged more often. Many products only intercept browsers, so the browser " +
			"may be affected even when this tool's requests pass.",
		Severity: Degrading,
		Remedies: []string{"disable-https-scanning", "disable-extensions", "private-window"},
	},
	{
		ID:    CauseBrowserSignature,
		Title: "Browser-signature block",
		Explanation: "Cloudflare refuses requests whose headers do not look like a real, current browser " +
			"(error 1010, or blocks that hit only requests without browser headers). Scripts, " +
			"headless browsers, user-agent spoofing and privacy extensions that strip headers trigger it.",
		Severity: Blocking,
		Remedies: []string{"use-real-browser", "disable-extensions", "private-window"},
	},
	{
		ID:    CauseFlaggedIP,
		Title: "Flagged or shared IP address",
		Explanation: "Cloudflare blocks the public IP address you reach it from (error 1020, an IP or " +
			"ASN ban) and nothing on this machine explains why: the address is shared (university, " +
			"company, carrier-grade NAT, mobile carrier), belongs to a cloud or hosting provider, or " +
			"was used for abuse before. Changing the network or the IP is the only local fix.",
		Severity: Blocking,
		Remedies: []string{"change-network", "disable-vpn", "contact-support"},
	},
	{
		ID:    CauseQuotaExhausted,
		Title: "API quota exhausted",
		Explanation: "The API answers 429 insufficient_quota: the account or project is out of credit " +
			"or has hit its spending limit. Retrying does not help; only billing does.",
		Severity: Blocking,
		Remedies: []string{"add-billing"},
	},
	{
		ID:    CauseInvalidAPIKey,
		Title: "Invalid API key",
		Explanation: "The API answers 401: the key is wrong, revoked, truncated, or belongs to another " +
			"organisation or project.",
		Severity: Blocking,
		Remedies: []string{"fix-api-key"},
	},
	{
		ID:    CauseAPIIPAllowlist,
		Title: "API key restricted to other IP addresses",
		Explanation: "The API answers 401 \"IP not authorized\": the key's project only accepts requests " +
			"from an allowlist of IP addresses, and your egress IP is not on it. The key itself is " +
			"fine, so regenerating it does not help (which is why this is not the invalid-key cause).",
		Severity: Blocking,
		Remedies: []string{"update-ip-allowlist", "fix-api-key"},
	},
	{
		ID:    CauseRateLimited,
		Title: "Rate limited",
		Explanation: "Too many requests in a short time: Cloudflare's rate limit (error 1015) or the " +
			"API's 429 rate_limit_exceeded. It lifts by itself after a wait; retrying quickly can " +
			"extend it. On a shared IP (VPN, carrier-grade NAT) other people's traffic counts too.",
		Severity: Degrading,
		Remedies: []string{"wait-retry", "change-network"},
	},
	{
		ID:    CauseMissingAPIKey,
		Title: "Missing API key",
		Explanation: "No API key reached the API, so authenticated calls fail with 401 \"Missing bearer " +
			"authentication\". The API itself is reachable. Either the environment variable is not " +
			"set for the program that calls the API, or something removed the Authorization header.",
		Severity: Degrading,
		Remedies: []string{"set-api-key"},
	},
	{
		ID:    CauseServerError,
		Title: "OpenAI server error or overload",
		Explanation: "OpenAI's servers answered with an error of their own: 500 server_error, 503 " +
			"overloaded or slow_down (or Cloudflare's own 500). It is on OpenAI's side even when " +
			"the status page does not show an incident yet.",
		Severity: Degrading,
		// Server-side: the status page first (it says whether to wait),
		// then back-off; nothing local helps.
		Remedies: []string{"check-status", "wait-retry", "contact-support"},
	},
	{
		ID:    CauseOriginError,
		Title: "Origin unreachable or an unexpected answer",
		Explanation: "Cloudflare answered for OpenAI because it could not reach OpenAI's servers " +
			"(522 timed out, 521 refused, 502/504 bad gateway, 525/526 certificate trouble), or an " +
			"answer came back that neither Cloudflare nor OpenAI's API shaped: a plain 403, 429 or " +
			"5xx without Cloudflare markers, a Cloudflare site-configuration error, a redirect loop or " +
			"an unexpected page. The first is on OpenAI's side; the second is usually written by a " +
			"proxy, firewall or ISP in the path.",
		Severity: Degrading,
		// Cloudflare's origin errors are OpenAI's side: the status page and
		// back-off. Answers nobody on OpenAI's side shaped get the path
		// remedies (the rule picks).
		Remedies: []string{"check-status", "wait-retry", "contact-support"},
	},
	{
		ID:    CauseChallenge,
		Title: "Cloudflare challenge (a browser is needed, not a block)",
		Explanation: "Cloudflare asks the client to prove it is a browser (\"Verify you are human\", " +
			"\"Enable JavaScript and cookies to continue\"). That is not a block: a normal browser " +
			"with JavaScript and cookies passes it. Scripts cannot. If a browser keeps looping on the " +
			"challenge, the clock, extensions or the IP's reputation are usually behind it.",
		Severity: Degrading,
		Remedies: []string{"use-real-browser", "sync-clock", "disable-extensions", "change-network"},
	},
	{
		ID:    CauseClockSkew,
		Title: "System clock is wrong",
		Explanation: "This machine's clock differs from Cloudflare's by minutes or more. Certificate " +
			"checks, challenge tokens and login cookies are time-limited, so a wrong clock makes " +
			"them fail or loop.",
		Severity: Degrading,
		Remedies: []string{"sync-clock"},
	},
	{
		ID:    CauseAccountFlag,
		Title: "Account-level flag",
		Explanation: "Nothing on this machine or network explains a block, so it may be tied to your " +
			"OpenAI account or session rather than your connection. Only OpenAI support can see or " +
			"lift an account flag; give them the diagnostics.",
		Severity: Blocking,
		Remedies: []string{"contact-support", "private-window", "clear-browser-data"},
	},
	{
		ID:    CauseBrowserState,
		Title: "The browser: its cookies, cache or extensions",
		Explanation: "Nothing on this machine or network blocks ChatGPT: requests from here succeed. " +
			"The problem is then most likely in the browser: stale or corrupted cookies and cached " +
			"data for chatgpt.com, or an extension interfering.",
		Severity: Advisory,
		Remedies: []string{"clear-browser-data", "private-window", "disable-extensions"},
	},
	{
		ID:    CauseSlowNetwork,
		Title: "Slow connection",
		Explanation: "Requests succeed, but one phase of them (looking the name up, opening the " +
			"connection, the TLS handshake, or the wait for the first byte of the answer) takes " +
			"far longer than it should. Nothing is blocked; pages load slowly or time out on a bad " +
			"day. The phase says where to look: DNS is the resolver, connect and TLS are the path " +
			"(Wi-Fi, VPN, a distant exit), the first byte is the server or a proxy queueing requests.",
		Severity: Advisory,
		Remedies: []string{"use-independent-dns", "change-network", "check-status"},
	},
}
