// Package archtest holds the rules on which way imports may run between
// gptdoctor's packages, and checks an import graph against them. Its test
// checks the real module, for every OS the tool ships on, so an import that
// compiles but runs the wrong way (remedies importing the lab, a collector
// importing a renderer) fails the build's tests instead of slowly tangling
// the layers that docs/architecture.md describes.
package archtest

import (
	"fmt"
	"sort"
	"strings"
)

// Module is the module path the rules are written against.
const Module = "github.com/gptdoctor/gptdoctor"

// Graph maps a package's import path to the packages it imports directly
// (non-test files only).
type Graph map[string][]string

// Rule forbids the packages matched by From (less those matched by Except)
// from depending, directly or through other packages, on any package
// matched by Forbid. A pattern is an import path, or a path ending in "/..."
// that matches the path and everything below it. A pattern that matches no
// package today (ui, session, watch) applies as soon as one appears.
type Rule struct {
	From, Except, Forbid []string
	// Why is the reason, printed with every violation.
	Why string
}

// m prefixes module-relative patterns with the module path.
func m(rel ...string) []string {
	out := make([]string, len(rel))
	for i, r := range rel {
		if r == "" {
			out[i] = Module
		} else {
			out[i] = Module + "/" + r
		}
	}
	return out
}

// ClassifierPkg is the pure response classifier a HAR reader or any other
// tool can call without pulling in the network collectors.
const ClassifierPkg = Module + "/probes/classify"

// Rules are the import rules of the module. Data flows one way: probes and
// remedies -> session -> the faces (report, ui, watch, the CLI), and the
// lab is test and demo equipment only.
var Rules = []Rule{
	{
		From:   m("probes/..."),
		Forbid: m("remedies/...", "report/...", "ui/...", "session/...", "watch/...", "internal/lab/..."),
		Why:    "probes measure and never diagnose, render or know the lab exists",
	},
	{
		From:   m("remedies/..."),
		Forbid: m("ui/...", "report/...", "session/...", "internal/lab/..."),
		Why:    "remedies diagnose and act; sessions drive them and faces render them, not the reverse",
	},
	{
		From:   m("session/..."),
		Forbid: m("ui/...", "report/...", "watch/...", "internal/lab/..."),
		Why:    "the session drives runs and actions; the faces (CLI, dashboard, report, watch) read it, not the reverse",
	},
	{
		From:   m("report/..."),
		Forbid: m("ui/..."),
		Why:    "the report renders on its own; the dashboard may use it, not the reverse",
	},
	{
		From:   []string{ClassifierPkg + "/..."},
		Forbid: []string{"net", "net/http", "os/exec"},
		Why:    "the classifier is pure: (status, headers, body) in, verdict out, no sockets or commands",
	},
	{
		From:   m("..."),
		Except: m("", "internal/lab/..."),
		Forbid: m("internal/lab/..."),
		Why:    "the lab is a fake internet for tests and the demo (package main) only",
	},
}

// Violation is one forbidden dependency, with the import chain that makes
// it.
type Violation struct {
	From, To string
	// Path is the chain of imports from From to To, both included.
	Path []string
	Why  string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s must not depend on %s (%s): %s", v.From, v.To, v.Why, strings.Join(v.Path, " -> "))
}

// Match reports whether path matches pattern.
func Match(pattern, path string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == base || strings.HasPrefix(path, base+"/")
	}
	return path == pattern
}

func matchAny(patterns []string, path string) bool {
	for _, p := range patterns {
		if Match(p, path) {
			return true
		}
	}
	return false
}

// Check returns every violation of rules in g, sorted. For each package and
// forbidden dependency it reports the shortest import chain, so the line to
// change is the first hop.
func Check(g Graph, rules []Rule) []Violation {
	var out []Violation
	pkgs := make([]string, 0, len(g))
	for p := range g {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, r := range rules {
		for _, p := range pkgs {
			if !matchAny(r.From, p) || matchAny(r.Except, p) {
				continue
			}
			for to, path := range reach(g, p) {
				if matchAny(r.Forbid, to) {
					out = append(out, Violation{From: p, To: to, Path: path, Why: r.Why})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].From != out[j].From {
			return out[i].From < out[j].From
		}
		return out[i].To < out[j].To
	})
	return out
}

// reach returns every package from depends on, with the shortest import
// chain to it (breadth first).
func reach(g Graph, from string) map[string][]string {
	paths := map[string][]string{}
	queue := []string{from}
	prev := map[string]string{from: ""}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, q := range g[p] {
			if _, seen := prev[q]; seen {
				continue
			}
			prev[q] = p
			queue = append(queue, q)
		}
	}
	for q := range prev {
		if q == from {
			continue
		}
		var path []string
		for at := q; at != ""; at = prev[at] {
			path = append([]string{at}, path...)
		}
		paths[q] = path
	}
	return paths
}
