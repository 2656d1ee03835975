// Package lab is an in-process fake internet on loopback: a Cloudflare edge
// for chatgpt.com, chat.openai.com, api.openai.com, status.openai.com,
// cloudflare-dns.com and cp.cloudflare.com, honest and lying DNS servers,
// an HTTP CONNECT proxy, middleboxes (ISP block page, captive portal) and
// hostile servers. Tests, benchmarks and `gptdoctor demo SCENARIO` run every
// probe against it; probes never know it exists.
//
// # How probes reach it
//
// Only by injection. The lab's DNS answers the real host names with
// realistic Cloudflare addresses (chatgpt.com A 104.18.32.47, AAAA
// 2606:4700::6812:202f), and the World's Dialer is a probes.ConnectTo whose
// rules send each such IP:port to a listener on 127.0.0.1. The real binary
// gets the same rules through --connect-to flags (Lab.Args) and the
// machine's trust store through SSL_CERT_FILE (Lab.Env).
//
// # Identities
//
// Cloudflare's answer depends on how a request arrives, so the edge runs one
// pair of listeners (HTTPS and plain HTTP) per client identity:
//
//   - direct-ipv4: the machine's IPv4 path (203.0.113.10 in most scenarios);
//     every A record's address:443 maps here.
//   - direct-ipv6: the IPv6 path (2001:db8::10); every AAAA record's
//     [address]:443 maps here. Both listeners are on 127.0.0.1, so the lab
//     does not need ::1.
//   - proxy-any: the lab proxy's egress (198.51.100.80). Only the proxy
//     dials it.
//
// A handler learns its identity from the listener that accepted the
// connection, and answers accordingly: its trace reports that identity's
// ip/loc/colo, and firewall rules of the scenario match on it.
//
// # What the edge reads from a request
//
// A request is browser-like when its User-Agent starts "Mozilla/5.0 (", is
// not HeadlessChrome, and its Accept names text/html; the sig-1010 rule
// blocks everything else, and Cloudflare error pages go to non-browsers as
// the 16-byte "error code: NNNN". Accept negotiates JSON (RFC 9457) and
// Markdown error bodies as Cloudflare documents. API expectations assume
// requests without a key, except Expectation.APIKey, which is the answer to
// the key the scenario puts in OPENAI_API_KEY.
//
// # Middleboxes
//
// In dns-hijack the ISP resolver answers chatgpt.com, chat.openai.com and
// status.openai.com with 198.51.100.7, which serves a block page over plain
// HTTP and presents a self-signed certificate for block.isp.example over
// HTTPS (so HTTPS fails certificate checks), and api.openai.com with
// 0.0.0.0 and ::, where connections are refused. In captive-portal every
// plain-HTTP request is redirected to login.hotspot.example and every HTTPS
// connection is refused.
//
// # Safety
//
// Every address the lab hands out (records, hijack answers, 0.0.0.0,
// resolvers, DoH, the captive-portal host) has a connect-to rule to a
// loopback listener or to a loopback port that refuses connections (held
// by the lab, so no other listener can take it), and so do the local
// ports the Tor and VPN probes knock on (127.0.0.1:9050, 9150, 40000), so
// the developer's own Tor or WARP stays out of a demo. The World's base
// dialer reaches only the lab's own listeners ("lab: no route to
// 198.51.100.9:443" for anything else, loopback included), and its
// resolver asks only the lab's DNS, never the host's /etc/hosts; the
// proxy tunnels only to the edge. A probe that forgets a rule fails loudly
// instead of leaving the lab.
package lab
