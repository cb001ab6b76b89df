package lwsstruct

import (
	"errors"
	"strings"
	"testing"
)

type rec struct {
	Name String  `json:"name" lws:"carray=8"`
	Note *String `json:"note,omitempty"`
	Kids []rec   `json:"kids,omitempty"`
	Raw  String  `json:"raw"`
}

var schemas = []Schema{{Name: "rec", New: func() any { return new(rec) }}}

// lws's escaping: quotes and control characters as \u00XX, the usual
// short escapes, UTF-8 and <>& as they are.
func TestPurify(t *testing.T) {
	got := string(AppendPurified(nil, "a\"b\\c\td\ne\rf\x01g<&>é"))
	want := `"a\u0022b\\c\td\ne\rf\u0001g<&>é"`
	if got != want {
		t.Fatalf("%s, want %s", got, want)
	}
}

// A char-array member keeps what fits, at every depth.
func TestClip(t *testing.T) {
	r, err := Unmarshal([]byte(`{"schema":"rec","name":"0123456789","kids":[{"name":"abcdefghij"}]}`), schemas)
	if err != nil {
		t.Fatal(err)
	}
	v := r.Value.(*rec)
	if v.Name != "0123456" || v.Kids[0].Name != "abcdefg" {
		t.Fatalf("%q %q", v.Name, v.Kids[0].Name)
	}
	out, err := Marshal("rec", v, 0)
	if err != nil || string(out) != `{"schema":"rec","name":"0123456","kids":[{"name":"abcdefg","raw":""}],"raw":""}` {
		t.Fatalf("%s %v", out, err)
	}
}

// Malformed documents, unknown schemas, wrong types and absurd nesting
// are errors that say so, not partial results.
func TestBadInput(t *testing.T) {
	for doc, want := range map[string]string{
		`{"schema":"nope"}`:           "no schema",
		`{"unknownfirst":1}`:          "no schema",
		`[1,2]`:                       "not an object",
		`{"schema":"rec","name":`:     "unexpected EOF",
		`{"schema":"rec","kids":"x"}`: "cannot unmarshal",
		`{"schema":"rec","kids":[` + strings.Repeat(`{"kids":[`, 20000): "exceeded max depth",
	} {
		_, err := Unmarshal([]byte(doc), schemas)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40s: %v, want %q", doc, err, want)
		}
	}
	if _, err := Unmarshal([]byte(`{"schema":"nope"}`), schemas); !errors.Is(err, ErrNoSchema) {
		t.Errorf("%v is not ErrNoSchema", err)
	}
}
