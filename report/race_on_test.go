//go:build race

package report

// raceEnabled: the race detector slows every request several times over,
// so runs against the lab under fast limits time out where they would not.
const raceEnabled = true
