package report

import (
	"encoding/json"
	"fmt"
	"github.com/gptdoctor/gptdoctor/session"
	"io"
)

// WriteJSON writes the document as indented JSON followed by a newline.
// HTML escaping is off: the output is read by people and jq, not embedded in
// pages, and every string in it was already sanitised.
func WriteJSON(w io.Writer, d session.Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("report: write JSON: %w", err)
	}
	return nil
}
