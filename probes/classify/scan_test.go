package classify

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// naiveHits finds anchors the slow, obvious way: fold the whole body and
// search each word from every offset.
func naiveHits(words []string, body string) hits {
	var h hits
	b := []byte(body)
	for i := range b {
		b[i] = lower(b[i])
	}
	low := string(b)
	type ev struct {
		end int
		a   anchor
	}
	var evs []ev
	for i := 0; i < len(low); i++ {
		for a, w := range words {
			if strings.HasPrefix(low[i:], w) {
				evs = append(evs, ev{i + len(w), anchor(a)})
			}
		}
	}
	// The automaton reports in order of end offset; match that order (one
	// word cannot end twice at the same offset, so ties do not matter).
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].end < evs[j].end })
	for _, e := range evs {
		h.add(e.a, e.end-len(words[e.a]))
	}
	return h
}

func TestScannerMatchesNaiveSearch(t *testing.T) {
	words := []string{"he", "she", "his", "hers", "error code", "ray id", "a", "aa", "aaa", "<title", "</title", "ip:", "zip:"}
	sc := newScanner(words)
	alphabet := []string{"h", "e", "s", "i", "r", "a", "E", "R", "O", " ", "c", "d", "y", "<", "/", "t", "l", "p", ":", "z", "\xff", "\x00", "o"}
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 2000; iter++ {
		var b strings.Builder
		n := rng.IntN(200)
		for i := 0; i < n; i++ {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		body := b.String()
		var got hits
		sc.scan([]byte(body), &got)
		want := naiveHits(words, body)
		for a := range words {
			if got.n[a] != want.n[a] || got.pos[a] != want.pos[a] {
				t.Fatalf("body %q word %q: got %v, want %v", body, words[a], got.at(anchor(a)), want.at(anchor(a)))
			}
		}
	}
}

func TestBodyScannerFindsEveryAnchorCaseInsensitively(t *testing.T) {
	for a, w := range anchorText {
		body := "xx " + strings.ToUpper(w) + " yy"
		var h hits
		bodyScanner.scan([]byte(body), &h)
		if h.first(anchor(a)) != 3 {
			t.Errorf("anchor %q: first = %d, want 3", w, h.first(anchor(a)))
		}
		if w != strings.ToLower(w) {
			t.Errorf("anchor %q is not lower case", w)
		}
	}
}
