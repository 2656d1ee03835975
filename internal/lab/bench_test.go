package lab

import (
	"testing"

	"github.com/gptdoctor/gptdoctor/probes"
)

// BenchmarkStartClose measures bringing a lab up and down: keys,
// certificates, DNS servers, edge listeners (CA files wait for Args or
// Env).
func BenchmarkStartClose(b *testing.B) {
	for _, name := range []string{"healthy", "proxy", "dns-hijack", "tls-intercepted"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l, err := Start(name, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if err := l.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFetch measures one fresh-connection HTTPS request through the
// lab, the unit every probe pays.
func BenchmarkFetch(b *testing.B) {
	l, err := Start("healthy", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	w := l.World(probes.World{})
	v := variant(probes.RouteDirect, probes.FamilyIPv4, probes.HeadersBrowser)
	for b.Loop() {
		if res := fetch(b, w, "https://chatgpt.com/", fetchOpts{variant: v}); res.status != 200 {
			b.Fatal(res.err)
		}
	}
}
