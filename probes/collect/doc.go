// Package collect holds the probes that measure this machine and the
// networks between it and ChatGPT, and BuildPlan, which chooses them.
//
// Every probe takes its world (dialer, resolver, clock, environment,
// command runner, file system) from a probes.World, runs under a named
// timeout, and returns a probes.Result; the probes.Engine runs them. Files
// are named by probe family:
//
//	endpoint.go, matrix.go       one request per target and variant, and the matrix summary
//	trace.go, statuspage.go      Cloudflare's /cdn-cgi/trace, OpenAI's status page
//	apikey.go                    one authenticated API call
//	http_*.go, tls_*.go          the HTTP transport, body caps, evidence; TLS chains and interception
//	dns_*.go                     resolver configuration, lookups, whoami, DoH, OS parsers
//	identity_*.go                host, egress interface, VPN, Tor, captive portal, public IP
//	proxy_*.go                   proxy variables, desktop settings, PAC, reachability
//	world_*.go                   the real machine's dialer, host facts and command runner
//	failure*.go, timeouts.go     how a broken step is named, and the limits every step runs under
//
// Responses are read by package classify; results are the plain data of
// package probes.
package collect
