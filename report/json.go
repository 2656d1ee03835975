package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/gptdoctor/gptdoctor/session"
)

// WriteJSON writes the document as indented JSON followed by a newline.
// HTML escaping is off: the output is read by people and jq, not embedded in
// pages, and every string in it was already sanitised.
func WriteJSON(w io.Writer, d session.Document) error { return encodeJSON(w, d) }

// writeRecordJSON writes the session record the same way: what
// session.DecodeRecord and report --from read back.
func writeRecordJSON(w io.Writer, rec session.Record) error { return encodeJSON(w, rec) }

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("report: write JSON: %w", err)
	}
	return nil
}
