// Package report turns one diagnosis session into what people and scripts
// read: a session's documents (schema in docs/json.md) and a readable terminal
// summary. It renders; it never probes or diagnoses.
package report
