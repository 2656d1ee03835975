package ui

// paneID names the six panes; their order is the focus order and the
// number keys 1-6.
type paneID int

const (
	paneIdentity paneID = iota
	paneDNS
	paneProxy
	paneEndpoints
	paneRemedies
	paneActivity
	paneCount
)

var paneTitles = [paneCount]string{"Identity", "DNS", "Proxy", "Endpoints", "Remedies", "Activity"}

// Size limits. Below the minimum the dashboard says what it needs (and q
// still quits); from the grid size up the panes sit side by side.
const (
	// MinWidth and MinHeight are the smallest window the dashboard draws
	// in; below it, it says so (and q quits).
	MinWidth, MinHeight   = 60, 16
	gridWidth, gridHeight = 120, 32
	// The header is the verdict and the run line, with the most likely
	// cause on a line of its own from tallHeader rows up.
	headerHeight, tallHeader = 2, 30
	footerHeight             = 1
)

type rect struct{ X, Y, W, H int }

// layout is where everything goes for one window size.
//
// Grid (wide terminals):
//
//	┌ header (3 lines) ─────────────────────────────┐
//	│ Endpoints (60%)           │ Remedies (40%)    │
//	│ Identity  │ DNS           │ Proxy             │
//	│ Activity                                      │
//	└ help bar (1 line) ────────────────────────────┘
//
// Stacked (from 60x16 up to the grid): every pane is one summary line
// except the focused one, which takes the rest of the body and scrolls.
type layout struct {
	W, H     int
	TooSmall bool
	Stacked  bool
	Header   rect
	Body     rect
	Footer   rect
	// Panes are the grid's rectangles; in stacked mode see stackRects.
	Panes [paneCount]rect
}

// computeLayout is a pure function of the window size. Width or height 0
// (the first frame, before any size is known) counts as too small.
func computeLayout(w, h int) layout {
	l := layout{W: w, H: h}
	if w < MinWidth || h < MinHeight {
		l.TooSmall = true
		return l
	}
	hh := headerHeight
	if h >= tallHeader {
		hh++
	}
	l.Header = rect{0, 0, w, hh}
	l.Footer = rect{0, h - footerHeight, w, footerHeight}
	l.Body = rect{0, hh, w, h - hh - footerHeight}
	if w < gridWidth || h < gridHeight {
		l.Stacked = true
		return l
	}
	b := l.Body
	actH := max(5, b.H/6)
	topH := (b.H - actH) * 55 / 100
	midH := b.H - actH - topH
	leftW := w * 6 / 10
	l.Panes[paneEndpoints] = rect{0, b.Y, leftW, topH}
	l.Panes[paneRemedies] = rect{leftW, b.Y, w - leftW, topH}
	third := w / 3
	l.Panes[paneIdentity] = rect{0, b.Y + topH, third, midH}
	l.Panes[paneDNS] = rect{third, b.Y + topH, third, midH}
	l.Panes[paneProxy] = rect{2 * third, b.Y + topH, w - 2*third, midH}
	l.Panes[paneActivity] = rect{0, b.Y + topH + midH, w, actH}
	return l
}

// stackRects places the panes of stacked mode: one line each, the focused
// one expanded to fill the body.
func stackRects(body rect, focus paneID) [paneCount]rect {
	var r [paneCount]rect
	y := body.Y
	big := body.H - int(paneCount-1)
	for p := range paneCount {
		h := 1
		if p == focus {
			h = big
		}
		r[p] = rect{body.X, y, body.W, h}
		y += h
	}
	return r
}
