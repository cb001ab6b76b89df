package tokenize

import (
	"strings"
	"testing"
)

// A token longer than the collect buffer is refused, not grown into.
func TestTooLong(t *testing.T) {
	ts := New([]byte(strings.Repeat("a", 300)), 0)
	if e := ts.Next(); e != TooLong {
		t.Fatalf("%v, want TooLong", e)
	}
	if len(ts.Token) != CollectSize-1 {
		t.Fatalf("token of %d bytes", len(ts.Token))
	}
}

// With FlagChunk a long token and a long quoted string come in pieces
// that add up to the whole.
func TestChunks(t *testing.T) {
	for _, tc := range []struct {
		in          string
		chunk, last Elem
	}{
		{strings.Repeat("b", 600), TokenChunk, Token},
		{`"` + strings.Repeat("q ", 300) + `"`, QuotedStringChunk, QuotedString},
	} {
		ts := New([]byte(tc.in), FlagChunk)
		var got strings.Builder
		for {
			e := ts.Next()
			got.Write(ts.Token)
			if e == tc.last {
				break
			}
			if e != tc.chunk {
				t.Fatalf("%v after %d bytes", e, got.Len())
			}
		}
		if want := strings.Trim(tc.in, `"`); got.String() != want {
			t.Fatalf("chunks add up to %d bytes, want %d", got.Len(), len(want))
		}
		if e := ts.Next(); e != Ended {
			t.Fatalf("%v after the last chunk", e)
		}
	}
}

// Malformed input ends in lws's errors.
func TestErrors(t *testing.T) {
	for in, want := range map[string]Elem{
		`"open`:  ErrUntermString,
		"1.2.3":  ErrMalformedFloat,
		"12=x":   ErrNumOnLHS,
		"ab\xc3": ErrBrokenUTF8,
	} {
		ts := New([]byte(in), 0)
		e := ts.Next()
		for e > 0 {
			e = ts.Next()
		}
		if e != want {
			t.Errorf("%q: %v, want %v", in, e, want)
		}
	}
	ts := New([]byte("more"), FlagExpectMore)
	if e := ts.Next(); e != WantRead {
		t.Errorf("expect-more: %v", e)
	}
}

// A ${name} over 31 bytes and an unknown name are fatal; "$x" is literal.
func TestStrexpErrors(t *testing.T) {
	lookup := func(n string) (string, bool) { return "v", n == "k" }
	out := make([]byte, 64)
	if r, _, _ := NewStrexp(lookup, out).Expand([]byte("${" + strings.Repeat("n", 40) + "}")); r != StrexpFatalNameTooLong {
		t.Errorf("long name: %d", r)
	}
	if r, _, _ := NewStrexp(lookup, out).Expand([]byte("${nope}")); r != StrexpFatalNameUnknown {
		t.Errorf("unknown name: %d", r)
	}
	e := NewStrexp(lookup, out)
	if r, _, _ := e.Expand([]byte("$x ${k}")); r != StrexpDone || string(e.Output()) != "$x v" {
		t.Errorf("literal $: %d %q", r, e.Output())
	}
}
