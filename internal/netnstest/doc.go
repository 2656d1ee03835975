// Package netnstest gives tests a Linux network namespace of their own, so a
// test can run real network code (the kernel's routing, the real binary
// with its defaults) where nothing it sends can leave the machine: a fresh
// namespace has no link to the outside, and whatever a test adds stays
// inside it. Elsewhere, and without root or iproute2, tests are skipped
// with the reason.
package netnstest
