// Package lwsstruct is what lws's lws_struct adds on top of a JSON codec:
// documents that say which type they are with a leading "schema" member
// (LSM_SCHEMA), fixed-size string members that keep only what fits
// (LSM_CARRAY, a C char array), and strings written with lws's escaping
// (lws_json_purify), so that what lws's serialiser writes, this writes
// byte for byte.
//
// The mapping itself, lws's lws_struct_map_t tables, is Go's struct tags
// and encoding/json: a member lws maps is a field with a `json` tag, in map
// order; LSM_STRING_PTR and LSM_CHILD_PTR are pointers with omitempty (a
// NULL is left out), LSM_LIST a slice with omitempty, LSM_CARRAY a String
// with an `lws:"carray=N"` tag, numbers and booleans plain fields (always
// written, 0 and false when absent). The same tags name the columns of the
// SQLite mapping (lws_struct_sqlite) in api-test-lws_struct_sqlite.
package lwsstruct

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// String is a string member written with lws's escaping: '"' and control
// characters as \u00XX, tab, newline, CR and '\' as \t \n \r \\, anything
// else as it is (lws_json_purify).
type String string

// MarshalJSON implements json.Marshaler with lws's escaping.
func (s String) MarshalJSON() ([]byte, error) {
	return AppendPurified(nil, string(s)), nil
}

const hex = "0123456789abcdef"

// AppendPurified appends s to b as a JSON string with lws's escaping
// (lws_json_purify, quotes included).
func AppendPurified(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\\':
			b = append(b, '\\', '\\')
		case c == '"' || c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// Schema is one entry of a schema table (LSM_SCHEMA): the name a
// document's "schema" member carries and the type it makes.
type Schema struct {
	Name string
	New  func() any // a pointer to a new, empty value
}

// Result is what Unmarshal made.
type Result struct {
	Value  any // what the schema's New made, filled in (lws's a.dest)
	Index  int // which schema (lws's a.top_schema_index)
	Unused int // bytes after the document (lejp_parse's return)
}

// ErrNoSchema is returned for a document no schema of the table fits.
var ErrNoSchema = errors.New("lwsstruct: no schema for the document")

// Unmarshal decodes one document into the type its leading "schema"
// member names, as lws_struct's JSON parser does. A document without one
// gets the first schema whose type has a member named like the document's
// first member. Bytes after the document are left over, not an error.
func Unmarshal(doc []byte, schemas []Schema) (Result, error) {
	idx, err := pickSchema(doc, schemas)
	if err != nil {
		return Result{}, err
	}
	v := schemas[idx].New()
	dec := json.NewDecoder(bytes.NewReader(doc))
	if err := dec.Decode(v); err != nil {
		return Result{}, fmt.Errorf("lwsstruct: %s: %w", schemas[idx].Name, err)
	}
	Clip(v)
	return Result{Value: v, Index: idx, Unused: len(doc) - int(dec.InputOffset())}, nil
}

// pickSchema reads the document's first member.
func pickSchema(doc []byte, schemas []Schema) (int, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, fmt.Errorf("lwsstruct: not an object: %v", err)
	}
	t, err := dec.Token()
	if err != nil {
		return 0, fmt.Errorf("lwsstruct: %w", err)
	}
	first, _ := t.(string)
	if first == "schema" {
		var name string
		if err := dec.Decode(&name); err != nil {
			return 0, fmt.Errorf("lwsstruct: schema: %w", err)
		}
		for i, s := range schemas {
			if s.Name == name {
				return i, nil
			}
		}
		return 0, fmt.Errorf("%w: %q", ErrNoSchema, name)
	}
	for i, s := range schemas {
		if hasMember(reflect.TypeOf(s.New()).Elem(), first) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%w: first member %q", ErrNoSchema, first)
}

func hasMember(t reflect.Type, name string) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := 0; i < t.NumField(); i++ {
		if n, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); n == name {
			return true
		}
	}
	return false
}

// Clip cuts every `lws:"carray=N"` string of v, and of what it points to
// or holds, to N-1 bytes, as copying into a C char[N] does.
func Clip(v any) { clip(reflect.ValueOf(v)) }

func clip(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			clip(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			clip(v.Index(i))
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := v.Field(i)
			if !f.CanSet() {
				continue
			}
			if n, ok := carray(t.Field(i).Tag); ok && f.Kind() == reflect.String {
				if s := f.String(); len(s) > n-1 {
					f.SetString(s[:n-1])
				}
				continue
			}
			clip(f)
		}
	}
}

// carray reads an `lws:"carray=N"` tag.
func carray(tag reflect.StructTag) (int, bool) {
	v, ok := strings.CutPrefix(tag.Get("lws"), "carray=")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n > 0
}

// Flags change what Marshal writes (LSSERJ_FLAG_*).
type Flags int

// OmitSchema leaves the "schema" member out (LSSERJ_FLAG_OMIT_SCHEMA).
const OmitSchema Flags = 1 << 1

// Marshal writes v as lws_struct_json_serialize does: compact, members
// in map order, "schema" first unless OmitSchema.
func Marshal(schema string, v any, flags Flags) ([]byte, error) {
	var b bytes.Buffer
	if err := Encode(&b, schema, v, flags); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Encode is Marshal onto a writer.
func Encode(w io.Writer, schema string, v any, flags Flags) error {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false) // lws writes <, > and & as they are
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("lwsstruct: %s: %w", schema, err)
	}
	out := bytes.TrimSuffix(body.Bytes(), []byte("\n"))
	if flags&OmitSchema == 0 {
		if len(out) < 2 || out[0] != '{' {
			return fmt.Errorf("lwsstruct: %s: not an object", schema)
		}
		head := AppendPurified([]byte(`{"schema":`), schema)
		if len(out) > 2 {
			head = append(head, ',')
		}
		out = append(head, out[1:]...)
	}
	_, err := w.Write(out)
	return err
}
