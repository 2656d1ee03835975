// Package classify names what an HTTP response means for someone trying to
// reach ChatGPT or the OpenAI API: a Cloudflare block (1020, 1015, 1010,
// 1009, IP bans, other 1xxx) or challenge, a Cloudflare 5xx, an OpenAI API
// error by its JSON error code, an origin error, a captive portal, some
// other page, or a normal answer, with the Ray ID, colo, and the client IP
// and country a block page states.
//
// Classify is a pure function of (status, headers, body prefix): it never
// dials, resolves or runs a command, and the architecture test keeps net,
// net/http and os/exec out of its dependencies, so anything that holds a
// response (the collectors, a HAR reader, a support tool reading a saved
// page) can call it.
package classify
