package ui

import (
	"net"
	"os"
	"os/user"
	"regexp"
	"strings"
)

// masker hides what identifies a person on a screenshot or in a shared
// report: IP addresses, the machine's host name and the user's name.
type masker struct {
	names map[string]string // name -> what replaces it
	order []string
}

var (
	ipv4RE = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)
	// ipv6Candidate finds runs of hex and colons; only those that parse as
	// an IPv6 address are masked, so clock times (20:41:03) stay.
	ipv6Candidate = regexp.MustCompile(`(?i)[0-9a-f]*:[0-9a-f:.]*:[0-9a-f:.]*`)
)

func newMasker() *masker {
	mk := &masker{names: map[string]string{}}
	if h, err := os.Hostname(); err == nil {
		mk.add(h, "‹host›")
	}
	if u, err := user.Current(); err == nil {
		mk.add(u.Username, "‹user›")
	}
	return mk
}

// add masks a name from now on (the host name the identity probe
// reports, which in the demo is the lab's staged machine).
func (mk *masker) add(name, as string) {
	name = strings.TrimSpace(name)
	if len(name) < 3 {
		return // too short to mask without garbling ordinary words
	}
	if _, ok := mk.names[name]; ok {
		return
	}
	mk.names[name] = as
	mk.order = append(mk.order, name)
}

func (mk *masker) mask(s string) string {
	s = ipv4RE.ReplaceAllStringFunc(s, func(c string) string {
		if net.ParseIP(c) == nil {
			return c
		}
		return "x.x.x.x"
	})
	s = ipv6Candidate.ReplaceAllStringFunc(s, func(c string) string {
		if net.ParseIP(strings.Trim(c, ":.")) == nil {
			return c
		}
		return "x:x::x"
	})
	for _, n := range mk.order {
		s = strings.ReplaceAll(s, n, mk.names[n])
	}
	return s
}
