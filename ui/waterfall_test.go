package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/gptdoctor/gptdoctor/probes"
)

// TestWaterfallFirstByteStartsAfterTheHandshake: httptrace's first byte
// counts from the start of the request, so its bar begins where TLS ended
// and ends at the first byte's time; no bar runs past the total's.
func TestWaterfallFirstByteStartsAfterTheHandshake(t *testing.T) {
	ms := func(n int) probes.Millis { return probes.Millis(time.Duration(n) * time.Millisecond) }
	const width = 40
	lines := waterfall(newStyles(true, true), probes.PhaseTimings{DNS: ms(1), Connect: ms(3), TLS: ms(16), FirstByte: ms(28), Total: ms(28)}, width)
	bar := func(name string) (start, end int) {
		for _, l := range lines {
			l = ansi.Strip(l)
			if strings.HasPrefix(l, name) {
				body := []rune(l[20:])
				start = -1
				for i, r := range body {
					if r == '█' || r == '▔' {
						if start < 0 {
							start = i
						}
						end = i + 1
					}
				}
				return start, end
			}
		}
		t.Fatalf("no %s line in\n%s", name, strings.Join(lines, "\n"))
		return 0, 0
	}
	_, tlsEnd := bar("TLS")
	fbStart, fbEnd := bar("first byte")
	_, totalEnd := bar("total")
	if fbStart < tlsEnd-1 || fbEnd > totalEnd || totalEnd > width {
		t.Errorf("first byte bar %d..%d, TLS ends at %d, total ends at %d (width %d)\n%s",
			fbStart, fbEnd, tlsEnd, totalEnd, width, strings.Join(lines, "\n"))
	}
	if !strings.Contains(ansi.Strip(lines[3]), "first byte     28ms") {
		t.Errorf("the first byte line should say when it arrived (28ms)\n%s", strings.Join(lines, "\n"))
	}
}
