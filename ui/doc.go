// Package ui is gptdoctor's full-screen dashboard: a live diagnosis that
// fills as probe results stream in, refreshes gently, and applies remedies
// from a confirmation dialog.
//
// One root Model implements tea.Model. The panes (header, identity, DNS,
// proxy, endpoints, remedies, activity) are plain structs the root sizes,
// feeds and renders; they never run anything. Every piece of I/O (starting
// a run, reading its results, applying an action, writing a report) runs in
// a tea.Cmd that returns a typed message tagged with the run it belongs to,
// so a result of an older run can never overwrite a newer one.
//
// The layout is a pure function of the window size (layout.go), the key
// bindings are one struct that also drives the help bar and the ? overlay
// (keys.go), and every colour comes from one semantic palette (styles.go);
// a glyph and a word carry every status, so NO_COLOR loses nothing.
package ui
