package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/gptdoctor/gptdoctor/internal/sanitize"
	"strings"

	"github.com/gptdoctor/gptdoctor/probes"
)

// DecodeRecord reads a saved session: a Record as `report --format json`
// writes it, or a `check --json` Document, which becomes a one-run record.
// Errors say what the file is not, in one line.
func DecodeRecord(data []byte) (Record, error) {
	var probe struct {
		SchemaVersion *int            `json:"schema_version"`
		Runs          json.RawMessage `json:"runs"`
		Results       json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return Record{}, fmt.Errorf("not a gptdoctor JSON file: %s", jsonProblem(err))
	}
	switch {
	case probe.SchemaVersion == nil:
		return Record{}, errors.New("not a gptdoctor JSON file: no schema_version")
	case *probe.SchemaVersion > SchemaVersion:
		return Record{}, fmt.Errorf("written by a newer gptdoctor (schema_version %d; this one reads %d): update gptdoctor", *probe.SchemaVersion, SchemaVersion)
	case *probe.SchemaVersion < 1:
		return Record{}, fmt.Errorf("not a gptdoctor JSON file: schema_version %d", *probe.SchemaVersion)
	}
	switch {
	case probe.Runs != nil:
		return decodeSession(data)
	case probe.Results != nil:
		doc, err := decodeDocument(data)
		if err != nil {
			return Record{}, err
		}
		return RecordOf(doc), nil
	}
	return Record{}, errors.New("not a gptdoctor session or check --json document: it has neither runs nor results")
}

// The wire forms read results one by one (see decodeResults); the
// shallower Results field hides the embedded one from encoding/json.
type (
	recordWire struct {
		Record
		Runs []runWire `json:"runs"`
	}
	runWire struct {
		RunRecord
		Results []json.RawMessage `json:"results"`
	}
	documentWire struct {
		Document
		Results []json.RawMessage `json:"results"`
	}
)

func decodeSession(data []byte) (Record, error) {
	var w recordWire
	if err := json.Unmarshal(data, &w); err != nil {
		return Record{}, fmt.Errorf("read session: %s", jsonProblem(err))
	}
	rec := w.Record
	rec.Runs = make([]RunRecord, 0, len(w.Runs))
	for _, rw := range w.Runs {
		run := rw.RunRecord
		var err error
		if run.Results, err = decodeResults(rw.Results); err != nil {
			return Record{}, fmt.Errorf("read session: run %d: %w", run.Seq, err)
		}
		rec.Runs = append(rec.Runs, run)
	}
	return rec, nil
}

func decodeDocument(data []byte) (Document, error) {
	var w documentWire
	if err := json.Unmarshal(data, &w); err != nil {
		return Document{}, fmt.Errorf("read check document: %s", jsonProblem(err))
	}
	doc := w.Document
	var err error
	if doc.Results, err = decodeResults(w.Results); err != nil {
		return Document{}, fmt.Errorf("read check document: %w", err)
	}
	return doc, nil
}

// decodeResults reads each result with probes.Result's own decoding, which
// reads details by the details_type written next to them; details without
// one (documents written before details_type existed) are read as the type
// the result's kind and ID imply.
func decodeResults(raws []json.RawMessage) ([]probes.Result, error) {
	out := make([]probes.Result, 0, len(raws))
	for _, raw := range raws {
		var peek struct {
			DetailsType string          `json:"details_type"`
			Details     json.RawMessage `json:"details"`
		}
		if err := json.Unmarshal(raw, &peek); err != nil {
			return nil, fmt.Errorf("result: %s", jsonProblem(err))
		}
		var r probes.Result
		var err error
		if peek.DetailsType == "" && len(peek.Details) > 0 && !bytes.Equal(peek.Details, []byte("null")) {
			r, err = decodeLegacyResult(raw)
		} else if err = json.Unmarshal(raw, &r); err != nil {
			err = fmt.Errorf("result %q: %s", r.ID, jsonProblem(err))
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// decodeLegacyResult reads a result whose details carry no details_type:
// everything but the details as usual, the details by kind and ID.
func decodeLegacyResult(raw json.RawMessage) (probes.Result, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return probes.Result{}, fmt.Errorf("result: %s", jsonProblem(err))
	}
	details := fields["details"]
	delete(fields, "details")
	delete(fields, "details_type")
	rest, err := json.Marshal(fields)
	if err != nil {
		return probes.Result{}, fmt.Errorf("result: %w", err)
	}
	var r probes.Result
	if err := json.Unmarshal(rest, &r); err != nil {
		return probes.Result{}, fmt.Errorf("result %q: %s", r.ID, jsonProblem(err))
	}
	if len(details) == 0 || bytes.Equal(details, []byte("null")) {
		return r, nil
	}
	d := legacyDetails(r.Kind, r.ID)
	if d == nil {
		return probes.Result{}, fmt.Errorf("result %q: details of unknown type for kind %q", r.ID, r.Kind)
	}
	if err := json.Unmarshal(details, d); err != nil {
		return probes.Result{}, fmt.Errorf("result %q: details: %s", r.ID, jsonProblem(err))
	}
	r.Details = d
	return r, nil
}

// legacyDetails is the details type a result of this kind and ID carries,
// as docs/json.md lists them ("Details, by result kind"); nil when none is
// known.
func legacyDetails(kind probes.Kind, id string) probes.Details {
	switch kind {
	case probes.KindEndpoint:
		return new(probes.EndpointDetails)
	case probes.KindMatrix:
		return new(probes.MatrixDetails)
	case probes.KindEdgeTrace:
		return new(probes.TraceDetails)
	case probes.KindStatusPage:
		return new(probes.StatusPageDetails)
	case probes.KindAPIKey:
		return new(probes.APIKeyDetails)
	}
	byID := []struct {
		prefix string
		mk     func() probes.Details
	}{
		{"identity:host", func() probes.Details { return new(probes.HostDetails) }},
		{"identity:egress", func() probes.Details { return new(probes.EgressDetails) }},
		{"identity:vpn", func() probes.Details { return new(probes.VPNDetails) }},
		{"identity:tor", func() probes.Details { return new(probes.TorDetails) }},
		{"identity:captive", func() probes.Details { return new(probes.CaptiveDetails) }},
		{"identity:public-ip", func() probes.Details { return new(probes.PublicIPDetails) }},
		{"dns:config", func() probes.Details { return new(probes.DNSConfigDetails) }},
		{"dns:lookup:", func() probes.Details { return new(probes.DNSLookupDetails) }},
		{"dns:whoami", func() probes.Details { return new(probes.DNSWhoamiDetails) }},
		{"proxy:env", func() probes.Details { return new(probes.ProxyEnvDetails) }},
		{"proxy:desktop", func() probes.Details { return new(probes.ProxySettingsDetails) }},
		{"proxy:pac", func() probes.Details { return new(probes.PACDetails) }},
		{"proxy:reach:", func() probes.Details { return new(probes.ProxyReachDetails) }},
	}
	for _, t := range byID {
		if id == t.prefix || strings.HasSuffix(t.prefix, ":") && strings.HasPrefix(id, t.prefix) {
			return t.mk()
		}
	}
	return nil
}

// jsonProblem shortens encoding/json's messages to what a person can act
// on, with the byte offset of a syntax error.
// The text is sanitised: encoding/json and the types it decodes (a time
// that does not parse) quote the file, and a saved session is untrusted.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return sanitize.Line(fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset))
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return sanitize.Line(fmt.Sprintf("field %s: want %s, got JSON %s", te.Field, te.Type, te.Value))
	}
	return sanitize.Line(err.Error())
}
