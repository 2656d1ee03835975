package remedies

// OpenAIDomains are the names ChatGPT and the API need, for allowlist
// requests to IT and for proxy or filter exceptions. Cloudflare's challenge
// host is included: without it a challenge can never complete.
var OpenAIDomains = []string{
	"chatgpt.com", "*.chatgpt.com",
	"openai.com", "*.openai.com",
	"*.oaistatic.com", "*.oaiusercontent.com",
	"challenges.cloudflare.com",
}

const (
	osLinux   = "linux"
	osDarwin  = "darwin"
	osWindows = "windows"
)

var (
	onUnix    = []string{osLinux, osDarwin}
	onLinux   = []string{osLinux}
	onDarwin  = []string{osDarwin}
	onWindows = []string{osWindows}
)

// remedies is the remedy catalogue: the guide's fixes, in words a person can
// follow, each pointing at the action that applies it where one exists.
var remedies = []Remedy{
	{
		ID:          "check-status",
		Title:       "Check OpenAI's status page",
		Explanation: "If OpenAI reports an incident, the problem is on their side and nothing local will fix it.",
		Action:      ActionOpenStatus,
		Steps: []Step{
			{Text: "Open https://status.openai.com/ and look for incidents affecting ChatGPT or the API."},
			{Text: "If an incident is open, wait for it to be resolved; then reload."},
		},
	},
	{
		ID:          "wait-retry",
		Title:       "Wait, then retry with exponential back-off",
		Explanation: "Rate limits and overloads lift by themselves; quick retries can extend them.",
		Action:      ActionRetry,
		Steps: []Step{
			{Text: "Wait as long as the server asks (Retry-After; Cloudflare's 1015 default is 30 seconds) before trying again."},
			{Text: "Stop auto-refresh, scripts and extra tabs that hit the same site meanwhile."},
			{Text: "In scripts, retry with exponential back-off (2 s, 4 s, 8 s …) and honour Retry-After and the x-ratelimit-reset-* headers."},
		},
	},
	{
		ID:          "clear-browser-data",
		Title:       "Clear chatgpt.com cookies and cached data",
		Explanation: "Stale or corrupted cookies and cached files for chatgpt.com break sign-in and challenges. Clearing only these sites keeps everything else.",
		Steps: []Step{
			{Text: "Clear cookies and site data only for chatgpt.com and openai.com (you will be signed out there), then reload."},
			{Text: "Chrome: open chrome://settings/content/all, search \"chatgpt\" and \"openai\", and delete each site's data.", Browser: "chrome"},
			{Text: "Chromium: open chrome://settings/content/all, search \"chatgpt\" and \"openai\", and delete each site's data.", Browser: "chromium"},
			{Text: "Edge: open edge://settings/siteData, search \"chatgpt\" and \"openai\", and delete each site's data.", Browser: "edge"},
			{Text: "Brave: open brave://settings/content/all, search \"chatgpt\" and \"openai\", and delete each site's data.", Browser: "brave"},
			{Text: "Firefox: Settings → Privacy & Security → Cookies and Site Data → Manage Data…, search \"chatgpt\" and \"openai\", Remove Selected, Save Changes.", Browser: "firefox"},
			{Text: "Safari: Settings → Privacy → Manage Website Data…, search \"chatgpt\" and \"openai\", Remove.", Browser: "safari", OS: onDarwin},
		},
	},
	{
		ID:          "private-window",
		Title:       "Try a private window or another browser",
		Explanation: "A private window starts without cookies and (usually) without extensions, so it tells browser state apart from the network.",
		Action:      ActionPrivateWindow,
		Steps: []Step{
			{Text: "Open chatgpt.com in a private window: Ctrl+Shift+N in Chrome, Edge, Brave and Chromium, Ctrl+Shift+P in Firefox.", OS: []string{osLinux, osWindows}},
			{Text: "Open chatgpt.com in a private window: ⌘⇧N in Chrome, Edge, Brave and Safari, ⌘⇧P in Firefox.", OS: onDarwin},
			{Text: "If it works there, the normal profile's cookies or extensions are the cause; if it fails in another browser too, the browser is not the cause."},
		},
	},
	{
		ID:          "disable-extensions",
		Title:       "Disable browser extensions",
		Explanation: "VPN and proxy extensions, user-agent switchers, anti-fingerprinting and some ad blockers change what Cloudflare sees or block its challenge.",
		Steps: []Step{
			{Text: "Turn every extension off, reload chatgpt.com, then turn them back on one at a time to find the culprit."},
			{Text: "Chrome: chrome://extensions", Browser: "chrome"},
			{Text: "Chromium: chrome://extensions", Browser: "chromium"},
			{Text: "Edge: edge://extensions", Browser: "edge"},
			{Text: "Brave: brave://extensions (also try lowering Shields for chatgpt.com)", Browser: "brave"},
			{Text: "Firefox: about:addons", Browser: "firefox"},
			{Text: "Safari: Settings → Extensions", Browser: "safari", OS: onDarwin},
			{Text: "Likely suspects: VPN or proxy extensions, user-agent switchers, privacy or anti-fingerprint tools, blockers that block challenges.cloudflare.com."},
		},
	},
	{
		ID:          "disable-https-scanning",
		Title:       "Turn off HTTPS scanning in security software",
		Explanation: "Antivirus HTTPS scanning and debugging proxies re-sign every secure connection, which changes how the browser looks to Cloudflare.",
		Steps: []Step{
			{Text: "In your antivirus or security suite, turn off HTTPS / SSL / encrypted-connection scanning, or exclude chatgpt.com and openai.com from it; then restart the browser."},
			{Text: "Kaspersky: Settings → Network settings → Encrypted connections scanning → Do not scan encrypted connections (or add the sites as exclusions)."},
			{Text: "ESET: Setup → Advanced setup → Protections → SSL/TLS → disable SSL/TLS filtering or exclude the sites."},
			{Text: "Avast / AVG: Menu → Settings → Protection → Core Shields → Web Shield → untick Enable HTTPS scanning."},
			{Text: "Bitdefender: Protection → Online Threat Prevention → Settings → turn off Encrypted web scan."},
			{Text: "Debugging proxies (mitmproxy, Charles, Fiddler, Burp): stop them or exclude these hosts."},
			{Text: "Corporate inspection (Zscaler, Netskope, Fortinet …) cannot be switched off locally: ask IT to exempt the OpenAI domains."},
		},
	},
	{
		ID:          "disable-vpn",
		Title:       "Turn off the VPN, WARP or Tor and test a direct connection",
		Explanation: "Cloudflare judges the IP your traffic leaves from. A VPN, WARP or Tor exit is shared and often blocked.",
		Steps: []Step{
			{Text: "Disconnect the VPN (or Cloudflare WARP, or close Tor Browser) in its own app, then run gptdoctor check again."},
			{Text: "If it works without it, the exit IP is blocked: keep it off for ChatGPT, exclude chatgpt.com and openai.com with split tunnelling, or pick another server."},
			{Text: "Browser VPN extensions count too: disable them."},
		},
	},
	{
		ID:          "bypass-proxy",
		Title:       "Test without the proxy, then turn it off",
		Explanation: "gptdoctor can re-check bypassing every configured proxy for one run, without changing any setting. If that works, the proxy is the problem.",
		Action:      ActionBypassProxy,
		Steps: []Step{
			{Text: "Re-check once without the proxy (gptdoctor fix bypass-proxy); nothing on the machine changes."},
			{Text: "Shell: unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY, and remove them from ~/.bashrc, ~/.zshrc or ~/.profile.", OS: onUnix},
			{Text: "GNOME: Settings → Network → Network Proxy → Off. KDE: System Settings → Network → Proxy → No proxy.", OS: onLinux},
			{Text: "macOS: System Settings → Network → (your connection) → Details → Proxies, turn them off.", OS: onDarwin},
			{Text: "Windows: Settings → Network & internet → Proxy, turn off Use a proxy server and Use setup script; remove HTTPS_PROXY under System Properties → Environment Variables.", OS: onWindows},
			{Text: "A company proxy cannot simply be turned off: ask IT instead."},
		},
	},
	{
		ID:          "change-network",
		Title:       "Switch network or get a new public IP",
		Explanation: "When the public IP is flagged, only a different IP helps.",
		Steps: []Step{
			{Text: "Try a phone hotspot (mobile data): it gives you a different public IP. If ChatGPT works there, your usual network's IP is flagged."},
			{Text: "Power-cycle your router or modem for a few minutes: many ISPs then hand out a new public IP (not all do)."},
			{Text: "On a VPN, switch to another server or turn it off."},
			{Text: "Renewing this computer's DHCP lease rarely changes the public IP behind a home router; gptdoctor offers it (renew-dhcp) only for broken local connections."},
		},
	},
	{
		ID:          "renew-lease",
		Title:       "Renew this computer's network address (DHCP)",
		Explanation: "Asks the router for a fresh local address. It drops the connection for a moment and fixes a broken local lease, not a flagged public IP.",
		Action:      ActionRenewDHCP,
		Steps: []Step{
			{Text: "Save your work first: the connection (and any SSH or VPN session) drops for a few seconds."},
		},
	},
	{
		ID:          "flush-dns",
		Title:       "Flush the DNS cache",
		Explanation: "Clears cached name answers so the next lookup asks the resolver again. Browsers keep a cache of their own.",
		Action:      ActionFlushDNS,
		Steps: []Step{
			{Text: "Flush the system cache of the resolver in use: resolvectl flush-caches (systemd-resolved), nscd -i hosts (nscd), or a SIGHUP to dnsmasq; gptdoctor picks the one this machine runs.", OS: onLinux},
			{Text: "sudo dscacheutil -flushcache, then sudo killall -HUP mDNSResponder.", OS: onDarwin},
			{Text: "ipconfig /flushdns", OS: onWindows},
			{Text: "Chrome: chrome://net-internals/#dns → Clear host cache.", Browser: "chrome"},
			{Text: "Chromium: chrome://net-internals/#dns → Clear host cache.", Browser: "chromium"},
			{Text: "Edge: edge://net-internals/#dns → Clear host cache.", Browser: "edge"},
			{Text: "Brave: brave://net-internals/#dns → Clear host cache.", Browser: "brave"},
			{Text: "Firefox: about:networking#dns → Clear DNS Cache.", Browser: "firefox"},
		},
	},
	{
		ID:          "use-independent-dns",
		Title:       "Use a resolver that answers truthfully",
		Explanation: "If your resolver rewrites or refuses OpenAI's names, ask another one.",
		Steps: []Step{
			{Text: "Look for chatgpt.com or openai.com lines in /etc/hosts and remove them.", OS: onUnix},
			{Text: "Look for chatgpt.com or openai.com lines in C:\\Windows\\System32\\drivers\\etc\\hosts and remove them (as administrator).", OS: onWindows},
			{Text: "Turn on Secure DNS in the browser: Chrome, Edge and Brave under Settings → Privacy and security → Use secure DNS; Firefox under Settings → Privacy & Security → DNS over HTTPS."},
			{Text: "Or set the system's DNS servers to 1.1.1.1 and 8.8.8.8 in the network settings."},
			{Text: "If a school, company or parental-control resolver blocks OpenAI on purpose, only its owner can change that."},
		},
	},
	{
		ID:          "reset-network",
		Title:       "Reset Windows network settings (last resort)",
		Explanation: "Rebuilds the Winsock catalogue and the TCP/IP settings. It needs an administrator, a restart, and removes VPN and antivirus network components and static IP or DNS settings.",
		Action:      ActionWinsockReset,
		OS:          onWindows,
		Steps: []Step{
			{Text: "Only if nothing else worked: open Terminal as administrator and run netsh winsock reset, then netsh int ip reset, then restart Windows."},
			{Text: "Afterwards reinstall or repair VPN and antivirus software and re-enter any static IP or DNS settings."},
		},
	},
	{
		ID:          "login-portal",
		Title:       "Sign in to the network's login page",
		Explanation: "A captive portal lets traffic through only after you sign in or accept its terms.",
		Steps: []Step{
			{Text: "Open a plain http:// page (for example http://neverssl.com) in the browser: the network's login page appears. Sign in or accept the terms."},
			{Text: "If no page appears, turn Wi-Fi off and on, or forget the network and join it again."},
			{Text: "Then run gptdoctor check again."},
		},
	},
	{
		ID:          "check-connection",
		Title:       "Check the connection itself",
		Explanation: "Nothing answers at all, so start at the bottom.",
		Steps: []Step{
			{Text: "Check Wi-Fi or the cable, and that airplane mode is off; open any other website."},
			{Text: "Restart the router or modem if nothing loads."},
			{Text: "A VPN's kill switch blocks all traffic while the VPN is disconnected: reconnect it or turn the kill switch off."},
		},
	},
	{
		ID:          "prefer-ipv4",
		Title:       "Use IPv4 until the IPv6 path is fixed",
		Explanation: "Browsers prefer IPv6 when it exists. Turning IPv6 off on the connection makes them use IPv4, which works.",
		Steps: []Step{
			{Text: "NetworkManager: nmcli connection modify <connection> ipv6.method disabled, then reconnect (undo with ipv6.method auto).", OS: onLinux},
			{Text: "macOS: sudo networksetup -setv6off Wi-Fi (undo with -setv6automatic Wi-Fi).", OS: onDarwin},
			{Text: "Windows: Control Panel → Network and Sharing Center → adapter Properties → untick Internet Protocol Version 6 (TCP/IPv6).", OS: onWindows},
			{Text: "Tell your ISP or VPN provider that Cloudflare blocks their IPv6 range, and turn IPv6 back on once it is fixed."},
		},
	},
	{
		ID:          "contact-support",
		Title:       "Contact OpenAI support with the diagnostics",
		Explanation: "Only OpenAI can see which rule blocked a request or whether an account is flagged. The Ray ID lets them find the exact request.",
		Action:      ActionCopyTicket,
		Steps: []Step{
			{Text: "Copy the ticket gptdoctor prepares: Ray IDs, the IP and country Cloudflare saw, the time in UTC, your OS, and what you already tried."},
			{Text: "Send it through https://help.openai.com (the chat icon, then Send us a message)."},
		},
	},
	{
		ID:          "use-real-browser",
		Title:       "Use a normal, current browser",
		Explanation: "Cloudflare's checks expect a real browser with JavaScript and cookies.",
		Steps: []Step{
			{Text: "Open chatgpt.com in a current Chrome, Edge, Firefox or Safari with JavaScript and cookies on, and complete the check if one appears."},
			{Text: "Remove user-agent switchers and anti-fingerprinting extensions; allow challenges.cloudflare.com in script and ad blockers."},
			{Text: "Scripts and headless browsers cannot pass: use the API at api.openai.com with a key instead of the web app."},
		},
	},
	{
		ID:          "sync-clock",
		Title:       "Sync the system clock",
		Explanation: "Certificates, challenge tokens and cookies are time-limited; a clock minutes off breaks them.",
		Steps: []Step{
			{Text: "sudo timedatectl set-ntp true, then check that timedatectl status says System clock synchronized: yes.", OS: onLinux},
			{Text: "System Settings → General → Date & Time → turn on Set time and date automatically.", OS: onDarwin},
			{Text: "Settings → Time & language → Date & time → turn on Set time automatically, then Sync now.", OS: onWindows},
			{Text: "Check the time zone too: a wrong zone with a right-looking clock is still wrong."},
		},
	},
	{
		ID:          "ask-it-allowlist",
		Title:       "Ask IT to allowlist the OpenAI domains",
		Explanation: "On a managed network only IT can change the proxy, filter or TLS inspection rules.",
		Steps: []Step{
			{Text: "Ask IT to allow these domains through the proxy and firewall and to exempt them from TLS inspection: chatgpt.com, *.chatgpt.com, openai.com, *.openai.com, *.oaistatic.com, *.oaiusercontent.com, challenges.cloudflare.com."},
			{Text: "Ask them not to add X-Forwarded-For or Via headers to these requests, and to check whether the company's egress IP is blocked (give them the Ray IDs)."},
			{Text: "If blocking AI services is company policy, use the tools the company approves."},
		},
	},
	{
		ID:          "fix-api-key",
		Title:       "Fix or regenerate the API key",
		Explanation: "A 401 means the key the program sent is not accepted.",
		Steps: []Step{
			{Text: "Check the variable the program reads (OPENAI_API_KEY unless configured otherwise) and that the value has no quotes, spaces or line breaks."},
			{Text: "Create a new key at https://platform.openai.com/api-keys and replace the old one; a revoked key stays invalid."},
			{Text: "Check that the key belongs to the organisation and project you expect."},
		},
	},
	{
		ID:          "set-api-key",
		Title:       "Set the API key",
		Explanation: "The program that calls the API must see the key in its environment.",
		Steps: []Step{
			{Text: "export OPENAI_API_KEY=… in the shell that runs the program; add it to ~/.bashrc, ~/.zshrc or ~/.profile to keep it.", OS: onUnix},
			{Text: "setx OPENAI_API_KEY \"…\", then open a new terminal (setx does not change the current one).", OS: onWindows},
			{Text: "If the key is set and the API still says it is missing, a proxy may strip the Authorization header: re-check with gptdoctor fix bypass-proxy."},
		},
	},
	{
		ID:          "add-billing",
		Title:       "Add credit or raise the spending limit",
		Explanation: "An exhausted quota does not recover by waiting or retrying.",
		Steps: []Step{
			{Text: "Check usage at https://platform.openai.com/usage and billing at https://platform.openai.com/settings/organization/billing."},
			{Text: "Add credit or raise the organisation's or project's budget; new credit can take a few minutes to apply."},
			{Text: "Stop automatic retries meanwhile: they cannot succeed."},
		},
	},
	{
		ID:          "update-ip-allowlist",
		Title:       "Allow your IP in the key's project",
		Explanation: "The key's project accepts only listed IP addresses.",
		Steps: []Step{
			{Text: "Ask an owner of the OpenAI organisation to add your egress IP (the IP Cloudflare saw, in the findings) to the project's IP allowlist, or to lift the restriction."},
			{Text: "Or call the API from the network the allowlist was made for (the office or its VPN)."},
		},
	},
	{
		ID:          "check-location",
		Title:       "Check where your connection appears to be",
		Explanation: "OpenAI serves only the countries on its supported list, judged by the location of your IP.",
		Steps: []Step{
			{Text: "Compare the country Cloudflare places your IP in (in the findings) with OpenAI's list: https://help.openai.com/en/articles/5347006."},
			{Text: "If you are in a supported country but appear elsewhere, a VPN or proxy exit or a corporate network is to blame: turn it off or pick an exit in your own country."},
			{Text: "If your own ISP's address is placed in the wrong country, the ISP can ask geolocation providers to correct it."},
			{Text: "Using a VPN to appear in a supported country can break OpenAI's terms of use."},
		},
	},
	{
		ID:          "scan-malware",
		Title:       "Scan for malware",
		Explanation: "Cloudflare error 1012 means it saw malicious traffic from your computer or network.",
		Steps: []Step{
			{Text: "Run a full scan with your antivirus (Windows: Microsoft Defender full scan)."},
			{Text: "Check other devices on the same network: they share the public IP Cloudflare judged."},
		},
	},
}
