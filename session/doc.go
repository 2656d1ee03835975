// Package session owns one diagnosis session: the runs (plan, budget and
// world), the results streaming in tagged with their run, the diagnosis of
// each finished run (findings and the outcome with its exit code), the
// history of runs, and the remedies applied with their before and after.
//
// Every face of gptdoctor is a thin front-end over a Session: check prints
// the latest diagnosis, fix plans and applies one action, the dashboard
// streams runs into panes and applies actions from a dialog, report writes
// the whole session to a file and watch exports each run as metrics. None
// of them starts a probe or decides an exit code on its own, so they cannot
// disagree.
//
// Data flows one way: probes and remedies feed the session; the session
// never imports a renderer (report, ui, watch).
package session
