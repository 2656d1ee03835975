package lab

import (
	"net"
	"sync"
)

// group tracks every goroutine and connection the lab owns, so Close can
// end them all and wait: a closed lab leaves nothing running.
type group struct {
	mu     sync.Mutex
	wg     sync.WaitGroup
	closed bool
	conns  map[net.Conn]struct{}
}

// enter registers a goroutine about to run; false means the lab is closing
// and the goroutine must not start.
func (g *group) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.wg.Add(1)
	return true
}

func (g *group) leave() { g.wg.Done() }

// goFunc runs fn in a tracked goroutine, unless the lab is closing. It
// cannot be while Start runs, so the servers Start launches ignore the
// result.
func (g *group) goFunc(fn func()) bool {
	if !g.enter() {
		return false
	}
	go func() {
		defer g.leave()
		fn()
	}()
	return true
}

// hold registers a connection Close must close; false means the lab is
// closing (the caller closes c).
func (g *group) hold(c net.Conn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	if g.conns == nil {
		g.conns = map[net.Conn]struct{}{}
	}
	g.conns[c] = struct{}{}
	return true
}

// release forgets a connection its owner closed.
func (g *group) release(c net.Conn) {
	g.mu.Lock()
	delete(g.conns, c)
	g.mu.Unlock()
}

// shutdown refuses new goroutines, closes held connections and waits for
// every tracked goroutine. Callers close listeners first so accept loops
// end.
func (g *group) shutdown() {
	g.mu.Lock()
	g.closed = true
	conns := g.conns
	g.conns = nil
	g.mu.Unlock()
	for c := range conns {
		_ = c.Close()
	}
	g.wg.Wait()
}
