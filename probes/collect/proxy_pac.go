package collect

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"github.com/gptdoctor/gptdoctor/probes"
)

// pacMaxBytes caps a fetched PAC script. Real scripts are a few kilobytes;
// corporate ones with long host lists reach a few hundred. A megabyte
// keeps a hostile or broken server from filling memory.
const pacMaxBytes = 1 << 20

// pacMaxDirectives bounds the distinct directives reported.
const pacMaxDirectives = 32

var (
	pacStringLit = regexp.MustCompile(`"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'`)
	pacDirective = regexp.MustCompile(`(?i)^(PROXY|SOCKS|SOCKS4|SOCKS5|HTTP|HTTPS)\s+(\S+)$`)
	// pacOpenAIHosts are the names whose mention means the script treats
	// ChatGPT or the API specially (oaistatic and oaiusercontent serve
	// ChatGPT's assets and files).
	pacOpenAIHosts = []string{"openai.com", "chatgpt.com", "oaistatic.com", "oaiusercontent.com"}
)

// parsePACDirectives lists the distinct results a PAC script can return
// ("PROXY proxy.corp:3128", "SOCKS5 10.0.0.1:1080", "DIRECT"), read from
// its string literals without running it. A result assembled at run time
// from variables is not seen; the list says what the script can say, not
// what it says for a given URL.
func parsePACDirectives(script string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range pacStringLit.FindAllStringSubmatch(script, -1) {
		lit := m[1] + m[2]
		for _, part := range strings.Split(lit, ";") {
			part = strings.TrimSpace(part)
			var dir string
			if strings.EqualFold(part, "DIRECT") {
				dir = "DIRECT"
			} else if dm := pacDirective.FindStringSubmatch(part); dm != nil {
				// A value that is only control characters cleans to
				// nothing: no directive, not "HTTP ".
				if v := sanitize.LineN(dm[2], 255); v != "" {
					dir = strings.ToUpper(dm[1]) + " " + v
				}
			}
			if dir == "" || seen[dir] {
				continue
			}
			seen[dir] = true
			out = append(out, dir)
			if len(out) == pacMaxDirectives {
				return out
			}
		}
	}
	return out
}

// pacMentionsOpenAI reports whether a script names an OpenAI host.
func pacMentionsOpenAI(script string) bool {
	l := strings.ToLower(script)
	for _, h := range pacOpenAIHosts {
		if strings.Contains(l, h) {
			return true
		}
	}
	return false
}

// runPACProbe fetches the PAC script the desktop settings name (directly,
// as browsers do, following redirects as they do; file: URLs through the
// world's file system) and reports what it can return. Status: fail when
// it cannot be fetched (browsers then fall back or fail), warn when it
// names OpenAI hosts (browsers may route ChatGPT specially), pass
// otherwise; unknown when the run ended first.
func runPACProbe(ctx context.Context, w probes.World, pacURL string) probes.Result {
	d := &probes.PACDetails{URL: sanitize.URL(pacURL)}
	body, status, nf := fetchPAC(ctx, w, pacURL)
	d.StatusCode = status
	if nf != nil {
		return probes.Result{Status: nf.status(), Details: d,
			Reason: fmt.Sprintf("the PAC script %s cannot be fetched (%s): browsers that use it fall back to direct or fail", d.URL, nf.Reason),
			Error:  &probes.StepError{Step: nf.Step, Message: "pac: " + nf.Message, Timeout: nf.Timeout}}
	}
	if status != 0 && status != http.StatusOK {
		return probes.Result{Status: probes.StatusFail, Details: d,
			Reason: fmt.Sprintf("the PAC script %s answered %d: browsers that use it fall back to direct or fail", d.URL, status),
			Error:  &probes.StepError{Step: "request", Message: fmt.Sprintf("pac: GET %s: status %d", d.URL, status)}}
	}
	d.Truncated = len(body) > pacMaxBytes
	if d.Truncated {
		body = body[:pacMaxBytes]
	}
	d.Bytes = len(body)
	script := string(body)
	d.MentionsOpenAI = pacMentionsOpenAI(script)
	d.Directives = parsePACDirectives(script)
	ev := []string{fmt.Sprintf("%s: %d bytes", d.URL, d.Bytes)}
	if d.Truncated {
		ev = append(ev, fmt.Sprintf("read only the first %d bytes", pacMaxBytes))
	}
	if len(d.Directives) > 0 {
		ev = append(ev, "can return: "+strings.Join(d.Directives, ", "))
	}
	res := probes.Result{Details: d, Evidence: ev}
	switch {
	case d.MentionsOpenAI:
		res.Status = probes.StatusWarn
		res.Reason = "the PAC script has rules naming OpenAI or ChatGPT hosts: browsers may send ChatGPT a different way than other sites"
	case len(d.Directives) == 0:
		res.Status = probes.StatusPass
		res.Reason = fmt.Sprintf("PAC script fetched (%d bytes); no literal proxy directives found", d.Bytes)
	default:
		res.Status = probes.StatusPass
		res.Reason = fmt.Sprintf("PAC script fetched (%d bytes); it can return %s", d.Bytes, strings.Join(d.Directives, ", "))
	}
	return res
}

// fetchPAC reads up to pacMaxBytes+1 bytes of the script: over http(s)
// with fetch, from a file: URL through the world's file system. status is
// 0 for file: URLs.
func fetchPAC(ctx context.Context, w probes.World, raw string) ([]byte, int, *netFailure) {
	fail := func(step, msg string) *netFailure {
		return &netFailure{Step: step, Code: "pac_" + step, Message: step + ": " + msg, Reason: msg}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, 0, fail("config", "the PAC URL does not parse")
	}
	switch strings.ToLower(u.Scheme) {
	case "file":
		if w.FS == nil {
			return nil, 0, fail("read", "no file system to read "+sanitize.LineN(u.Path, 200)+" from")
		}
		p := strings.TrimPrefix(u.Path, "/")
		if !fs.ValidPath(p) {
			return nil, 0, fail("read", "bad PAC file path "+sanitize.LineN(u.Path, 200))
		}
		f, err := w.FS.Open(p)
		if err != nil {
			return nil, 0, fail("read", errLine(err))
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, pacMaxBytes+1))
		if err != nil {
			return nil, 0, fail("read", errLine(err))
		}
		return b, 0, nil
	case "http", "https":
		tm := timeoutsFor(0, w.Limits)
		tm.Probe = pacFetchTimeout
		fr := fetch(ctx, w, fetchSpec{
			URL:          u.String(),
			Variant:      probes.Variant{Route: probes.RouteDirect, Family: probes.FamilyAny, Headers: probes.HeadersPlain},
			MaxRedirects: maxRedirects,
			BodyLimit:    pacMaxBytes + 1,
			Timeouts:     tm,
		})
		status := fr.Details.StatusCode
		switch {
		case fr.Fail != nil:
			return nil, 0, fr.Fail
		case fr.Cut != "":
			return nil, status, fail("request", fr.Cut)
		case fr.Details.BodyTruncated && len(fr.Body) <= pacMaxBytes:
			// Stopped before the script ended, not at the cap.
			return nil, status, fail("read", fr.BodyNote)
		}
		return fr.Body, status, nil
	}
	return nil, 0, fail("config", fmt.Sprintf("PAC URL scheme %q is not fetched", sanitize.LineN(u.Scheme, 16)))
}
