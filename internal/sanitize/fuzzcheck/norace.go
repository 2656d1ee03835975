//go:build !race

package fuzzcheck

const (
	raceSlowdown = 1
	raceDetector = false
)
