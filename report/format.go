package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/gptdoctor/gptdoctor/session"
)

// Format is a report's file format.
type Format string

// Formats. Their values are the file extensions and --format's words.
const (
	Markdown Format = "md"
	JSON     Format = "json"
	HTML     Format = "html"
)

// Name is the format as people call it: Markdown, JSON or HTML.
func (f Format) Name() string {
	switch f {
	case JSON:
		return "JSON"
	case HTML:
		return "HTML"
	}
	return "Markdown"
}

// Formats lists every format, for help texts and export dialogs.
var Formats = []Format{Markdown, JSON, HTML}

// ParseFormat reads a --format value: md (or markdown), json, html (or
// htm).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "md", "markdown":
		return Markdown, nil
	case "json":
		return JSON, nil
	case "html", "htm":
		return HTML, nil
	}
	return "", fmt.Errorf("format %q: want md, json or html", s)
}

// FormatOf is the format a file name's extension names (.md, .markdown,
// .json, .html, .htm); ok is false for any other.
func FormatOf(path string) (f Format, ok bool) {
	ext := strings.TrimPrefix(filepath.Ext(path), ".")
	if ext == "" {
		return "", false
	}
	f, err := ParseFormat(ext)
	return f, err == nil
}

// DefaultName is the file a report is written to when none is named:
// gptdoctor-report-YYYYMMDD-HHMMSS.md in the local time of t, so two
// exports a second apart do not collide and a listing sorts by time.
func DefaultName(t time.Time, f Format) string {
	return "gptdoctor-report-" + t.Format("20060102-150405") + "." + string(f)
}

// Render writes the report of a session in one format. The record passes
// through Prepare first: nothing reaches w unsanitised, no secret reaches
// it at all.
func Render(w io.Writer, rec session.Record, f Format, opts Options) error {
	rec = Prepare(rec, opts)
	switch f {
	case Markdown:
		return writeMarkdown(w, rec)
	case JSON:
		return writeRecordJSON(w, rec)
	case HTML:
		return writeHTML(w, rec)
	}
	return fmt.Errorf("report: unknown format %q (want md, json or html)", f)
}
