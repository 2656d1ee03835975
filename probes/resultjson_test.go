package probes

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fill sets every field reachable from v to a non-zero value, so a field the
// JSON round trip drops (a missing tag, json:"-", a lossy type) makes the
// decoded value differ. Slices and maps get two elements so order counts.
func fill(t *testing.T, v reflect.Value, path string, seed *int) {
	*seed++
	n := *seed
	if strings.Count(path, ".") > 8 {
		// A type that contains itself (ProxySettingsDetails.Also) is
		// filled two levels deep and left empty below.
		return
	}
	switch v.Type() {
	case reflect.TypeOf(time.Time{}):
		v.Set(reflect.ValueOf(time.Date(2026, 12, 7, 10, 0, n%60, n*1000, time.UTC)))
		return
	case reflect.TypeOf(Millis(0)):
		// JSON keeps microseconds; 1.001 ms is 1000999.9999999999 ns as
		// a float, which a truncating decoder would read back 1 ns short.
		v.Set(reflect.ValueOf(Millis(time.Duration(n)*time.Second + 1001*time.Microsecond)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(path + "-" + string(rune('a'+n%26)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(n) + 0.25)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem(), path, seed)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i), path+"[]", seed)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			fill(t, k, path+".key", seed)
			e := reflect.New(v.Type().Elem()).Elem()
			fill(t, e, path+"[k]", seed)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() {
				if unsaved[v.Type().Name()+"."+f.Name] {
					continue
				}
				t.Errorf("%s.%s is unexported: it cannot reach a saved document", path, f.Name)
				continue
			}
			fill(t, v.Field(i), path+"."+f.Name, seed)
		}
	default:
		t.Errorf("%s: no filler for %s", path, v.Type())
	}
}

// unsaved are the unexported detail fields that must never reach a saved
// document, and why.
var unsaved = map[string]bool{
	// The PAC URL as configured, credentials included: only the redacted
	// PACURL is written.
	"ProxySettingsDetails.pacRaw": true,
}

// TestDetailsRoundTrip writes a result carrying each details type, filled
// in every field, and reads it back equal: a saved --json document loses
// nothing a probe measured.
func TestDetailsRoundTrip(t *testing.T) {
	for _, name := range DetailsTypes() {
		t.Run(name, func(t *testing.T) {
			d := detailsTypes[name]()
			seed := 0
			fill(t, reflect.ValueOf(d).Elem(), reflect.TypeOf(d).Elem().Name(), &seed)
			in := Result{RunID: "r1", ID: "x:" + name, Kind: KindDNS, Title: "t", Status: StatusWarn, Reason: "why",
				Started: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC), Duration: Millis(1234567 * time.Microsecond),
				Evidence: []string{"a", "b"}, Error: &StepError{Step: "dns", Message: "m", Timeout: true}, Details: d}
			b, err := json.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), `"details_type":"`+name+`"`) {
				t.Fatalf("details_type %q not written: %s", name, b)
			}
			var out Result
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatalf("decode: %v\n%s", err, b)
			}
			if !reflect.DeepEqual(in, out) {
				t.Fatalf("round trip differs:\n in: %#v\nout: %#v\njson: %s", in.Details, out.Details, b)
			}
		})
	}
}

// TestDetailsRegistryComplete fails when a type gains a details() method
// without a details_type name, which MarshalJSON would refuse at run time.
func TestDetailsRegistryComplete(t *testing.T) {
	fset := token.NewFileSet()
	names, _ := filepath.Glob("*.go")
	n := 0
	for _, fn := range names {
		if strings.HasSuffix(fn, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, fn, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Name.Name == "details" {
				n++
				typ := fd.Recv.List[0].Type.(*ast.StarExpr).X.(*ast.Ident).Name
				found := false
				for rt := range detailsNames {
					found = found || rt.Elem().Name() == typ
				}
				if !found {
					t.Errorf("%s implements Details but has no details_type in detailsTypes", typ)
				}
			}
		}
	}
	if n != len(detailsTypes) {
		t.Errorf("%d details types in the source, %d registered", n, len(detailsTypes))
	}
}

// TestResultDecodeErrors checks that a document this version cannot read
// fails with an error naming what is wrong, never a panic or silent loss.
func TestResultDecodeErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"id":"a","details_type":"warp_drive","details":{}}`, `unknown details_type "warp_drive"`},
		{`{"id":"a","details":{"x":1}}`, `details without details_type`},
		{`{"id":"a","details_type":"dns_lookup","details":[1]}`, `details (dns_lookup)`},
		{`{"id":"a","details_type":"dns_lookup","details":null}`, ``},
		{`{"id":"a"}`, ``},
	} {
		var r Result
		err := json.Unmarshal([]byte(tc.in), &r)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.in, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one containing %q", tc.in, err, tc.want)
		}
	}
}

// TestSnapshotRoundTrip decodes a snapshot whose results carry nil, typed
// and missing details.
func TestSnapshotRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	in := Snapshot{RunID: "r", Started: at, Finished: at.Add(time.Second), Results: []Result{
		{ID: "a", Kind: KindDNS, Status: StatusPass, Started: at, Details: &DNSLookupDetails{Host: "chatgpt.com"}},
		{ID: "b", Kind: KindProxy, Status: StatusSkipped, Started: at},
	}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Snapshot
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("snapshot differs after a round trip:\n%s", b)
	}
}

// TestResultJSONKeepsHTML: a result's own encoding leaves "<", ">" and "&"
// as they are, so an encoder with HTML escaping off (the --json output)
// prints body excerpts readably, and one with it on still escapes them.
func TestResultJSONKeepsHTML(t *testing.T) {
	r := Result{ID: "a", Evidence: []string{"redirect: 308 a -> b"}, Details: &EndpointDetails{BodyExcerpt: "<title>ChatGPT</title> & co"}}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<title>ChatGPT</title> & co") || !strings.Contains(b.String(), "a -> b") {
		t.Errorf("HTML escaped though the encoder was told not to: %s", b.String())
	}
	escaped, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(escaped), "<title>") {
		t.Errorf("json.Marshal left HTML unescaped: %s", escaped)
	}
}
