// Package remedies turns a probe snapshot into what a person stuck on a
// blocked chat page needs: the cause, the proof, and the fix.
//
// It reads like the troubleshooting guide it encodes. The catalogue
// (causes.go, remedies.go) is reviewable data: every cause has an ID, a
// title, a plain explanation and its remedies in order; every remedy has
// steps per OS and browser and, where a fix can be applied locally, the ID
// of an action. The rules (rules*.go) are a pure function from a
// probes.Snapshot to ranked findings, each pointing at the results that prove
// it. The actions (action*.go) are the safe local fixes, planned per OS as
// argv (never a shell string) with the privilege, risk and scope each needs;
// Fix applies one through a Runner and re-probes to show before and after.
//
// Data flows one way: probes -> remedies -> report (and a future
// dashboard). This package imports probes and never the other way round,
// and it does no I/O except through its Runner (and the Probe and Confirm
// callbacks the caller hands to Fix).
//
// docs/causes.md is generated from the catalogue; a test fails when it
// drifts. Regenerate it with:
//
//	go test ./remedies -run TestCausesDoc -update
package remedies

//go:generate go test -run TestCausesDoc -update
