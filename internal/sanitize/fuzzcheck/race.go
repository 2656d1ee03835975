//go:build race

package fuzzcheck

// The same checks run in CI's -race step. The race detector makes code
// 5-10 times slower, so the time bound stretches with it; and sync.Pool
// drops items at random under it (to expose races), so encoders and
// buffers are not reused and an input allocates up to 16 times what it
// does in production: the allocation bound holds only without it.
const (
	raceSlowdown = 10
	raceDetector = true
)
