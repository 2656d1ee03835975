// Package watch runs the diagnosis periodically and exports every run: as
// Prometheus metrics on /metrics, and as one JSON document per line in a
// log. It is the fleet face of gptdoctor: an IT team runs it as an agent on
// many machines and reads Grafana instead of a terminal on each.
//
// Like every face it is a thin front-end over a session.Session: it starts
// runs and reads their diagnosis, and never probes or decides an outcome on
// its own, so a metric can never disagree with `check`.
//
// Everything it exports is bounded: label values come from closed lists or
// are sanitised and length-capped, and the series of a matrix cell that
// disappears are removed, so a scraper's storage cannot grow without limit
// whatever a remote server answers.
package watch
