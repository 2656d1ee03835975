package probes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
)

// detailsTypes maps the details_type written next to a result's details to
// the type that decodes them. An explicit name, rather than a guess from Kind
// and ID, keeps a saved document readable when IDs change and lets several
// probes of one family carry different details. Names are stable: they are
// part of the JSON schema (docs/json.md).
var detailsTypes = map[string]func() Details{
	"endpoint":       func() Details { return new(EndpointDetails) },
	"matrix":         func() Details { return new(MatrixDetails) },
	"edge_trace":     func() Details { return new(TraceDetails) },
	"status_page":    func() Details { return new(StatusPageDetails) },
	"api_key":        func() Details { return new(APIKeyDetails) },
	"host":           func() Details { return new(HostDetails) },
	"egress":         func() Details { return new(EgressDetails) },
	"vpn":            func() Details { return new(VPNDetails) },
	"tor":            func() Details { return new(TorDetails) },
	"captive":        func() Details { return new(CaptiveDetails) },
	"public_ip":      func() Details { return new(PublicIPDetails) },
	"dns_config":     func() Details { return new(DNSConfigDetails) },
	"dns_lookup":     func() Details { return new(DNSLookupDetails) },
	"dns_whoami":     func() Details { return new(DNSWhoamiDetails) },
	"proxy_env":      func() Details { return new(ProxyEnvDetails) },
	"proxy_settings": func() Details { return new(ProxySettingsDetails) },
	"pac":            func() Details { return new(PACDetails) },
	"proxy_reach":    func() Details { return new(ProxyReachDetails) },
}

// detailsNames is detailsTypes reversed, by pointer type.
var detailsNames = func() map[reflect.Type]string {
	m := make(map[reflect.Type]string, len(detailsTypes))
	for name, mk := range detailsTypes {
		m[reflect.TypeOf(mk())] = name
	}
	return m
}()

// DetailsTypes lists every details_type name, sorted, for documentation and
// for readers that want to check a document before decoding it.
func DetailsTypes() []string {
	out := make([]string, 0, len(detailsTypes))
	for name := range detailsTypes {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// DetailsType returns the details_type name of d ("dns_lookup"), or "" for
// nil details.
func DetailsType(d Details) string {
	if d == nil || reflect.ValueOf(d).IsNil() {
		return ""
	}
	return detailsNames[reflect.TypeOf(d)]
}

// resultFields is Result without its methods, so encoding/json can do the
// field work while Result's own methods add and read details_type.
type resultFields Result

// resultJSON is the wire form of a Result: its fields, then details_type
// naming the concrete type of details.
type resultJSON struct {
	resultFields
	DetailsType string          `json:"details_type,omitempty"`
	Details     json.RawMessage `json:"details,omitempty"`
}

// MarshalJSON writes the result with "details_type" next to "details", so
// a saved document can be decoded without guessing the details' type.
func (r Result) MarshalJSON() ([]byte, error) {
	out := resultJSON{resultFields: resultFields(r)}
	out.resultFields.Details = nil
	if r.Details != nil && !reflect.ValueOf(r.Details).IsNil() {
		name := DetailsType(r.Details)
		if name == "" {
			return nil, fmt.Errorf("result %s: details type %T is not registered", r.ID, r.Details)
		}
		b, err := marshalRaw(r.Details)
		if err != nil {
			return nil, fmt.Errorf("result %s: details: %w", r.ID, err)
		}
		out.DetailsType, out.Details = name, b
	}
	return marshalRaw(out)
}

// marshalRaw is json.Marshal without HTML escaping. encoding/json escapes
// what a MarshalJSON method returns only if its own encoder is told to, but
// cannot undo escaping done inside: json.Marshal here would turn every "<"
// in a body excerpt into \u003c even in --json output, which turns it off.
func marshalRaw(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads a result written by MarshalJSON, decoding details into
// the type details_type names. An unknown details_type is an error naming
// it, so a document from a newer gptdoctor fails clearly rather than losing
// what it measured.
func (r *Result) UnmarshalJSON(b []byte) error {
	var in resultJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*r = Result(in.resultFields)
	r.Details = nil
	if len(in.Details) == 0 || string(in.Details) == "null" {
		return nil
	}
	if in.DetailsType == "" {
		return fmt.Errorf("result %q: details without details_type", in.ID)
	}
	mk, ok := detailsTypes[in.DetailsType]
	if !ok {
		return fmt.Errorf("result %q: unknown details_type %q", in.ID, in.DetailsType)
	}
	d := mk()
	if err := json.Unmarshal(in.Details, d); err != nil {
		return fmt.Errorf("result %q: details (%s): %w", in.ID, in.DetailsType, err)
	}
	r.Details = d
	return nil
}
