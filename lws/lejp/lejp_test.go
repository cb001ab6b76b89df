package lejp

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// record parses doc in pieces of size piece and returns every callback
// as text (Start is left out: lws calls it again for each piece that
// starts at the root).
func record(t *testing.T, doc string, paths []string, piece int) ([]string, int) {
	t.Helper()
	var got []string
	var ctx Ctx
	ctx.Construct(func(ctx *Ctx, r Reason) int {
		if r != Start {
			got = append(got, fmt.Sprintf("%d %v %d %q %q", r, ctx.Indexes(), ctx.PathMatch(), ctx.Path(), ctx.Buf()))
		}
		return 0
	}, nil, paths)
	n := Continue
	for in := []byte(doc); len(in) > 0 && n == Continue; {
		k := min(piece, len(in))
		n = ctx.Parse(in[:k])
		in = in[k:]
	}
	return got, n
}

const doc = `{"schema":"x","a":[1,2.5,-3e2,true,false,null,"s\u00e9\u4e2d\n"],` +
	`"o":{"p":{"q":[[1],[2,{"r":"t"}]]}},"e":{},"f":[]}`

// Fed a byte at a time, or in 7-byte pieces, the parser calls back
// exactly as for the whole document.
func TestPiecesAgree(t *testing.T) {
	paths := []string{"a[]", "o.*.q[][]", "o.p.q[][].r"}
	whole, n := record(t, doc, paths, len(doc))
	if n != 0 {
		t.Fatalf("whole: %d %s", n, ErrorToString(n))
	}
	for _, piece := range []int{1, 7} {
		got, n := record(t, doc, paths, piece)
		if n != 0 || !slices.Equal(got, whole) {
			t.Fatalf("pieces of %d: %d\n%s\nwhole:\n%s", piece, n, strings.Join(got, "\n"), strings.Join(whole, "\n"))
		}
	}
	if !slices.Contains(whole, fmt.Sprintf("%d [6] 1 \"a[]\" %q", ValStrEnd, "s\u00e9\u4e2d\n")) {
		t.Fatalf("\\u escapes not decoded to UTF-8:\n%s", strings.Join(whole, "\n"))
	}
}

// A string over one chunk comes as 254-byte chunks and a last piece.
func TestStringChunks(t *testing.T) {
	long := strings.Repeat("0123456789", 60)
	var got strings.Builder
	chunks := 0
	var ctx Ctx
	ctx.Construct(func(ctx *Ctx, r Reason) int {
		switch r {
		case ValStrChunk:
			chunks++
			if len(ctx.Buf()) != StringChunk {
				t.Errorf("chunk of %d", len(ctx.Buf()))
			}
			got.WriteString(ctx.Buf())
		case ValStrEnd:
			got.WriteString(ctx.Buf())
		}
		return 0
	}, nil, nil)
	if n := ctx.Parse([]byte(`{"s":"` + long + `"}`)); n != 0 {
		t.Fatal(n, ErrorToString(n))
	}
	if chunks != 2 || got.String() != long {
		t.Fatalf("%d chunks, %d bytes", chunks, got.Len())
	}
}

// A callback can refuse the document, and the wildcard of a match is
// what it stood for.
func TestCallbackRejectsAndWildcard(t *testing.T) {
	var ctx Ctx
	var wild string
	ctx.Construct(func(ctx *Ctx, r Reason) int {
		if r == ValNumInt && ctx.PathMatch() == 1 {
			wild = ctx.Wildcard(0)
			return -1
		}
		return 0
	}, nil, []string{"cfg.*.port"})
	if n := ctx.Parse([]byte(`{"cfg":{"web":{"port":80}}}`)); n != RejectCallback {
		t.Fatalf("%d", n)
	}
	if wild != "web" {
		t.Fatalf("wildcard %q", wild)
	}
}

// Deep nesting is refused at lws's depth, not followed.
func TestNestingBound(t *testing.T) {
	for depth, want := range map[int]int{60: 0, 70: RejectStackOverflow} {
		doc := `{"a":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "}"
		if _, n := record(t, doc, nil, len(doc)); n != want {
			t.Errorf("depth %d: %d %s, want %d", depth, n, ErrorToString(n), want)
		}
	}
}

// ParserPush hands a subtree to another callback until it ends.
func TestParserPush(t *testing.T) {
	var ctx Ctx
	var inner []string
	var sub Callback = func(ctx *Ctx, r Reason) int {
		if r == ValStrEnd {
			inner = append(inner, ctx.Path()+"="+ctx.Buf())
		}
		return 0
	}
	ctx.Construct(func(ctx *Ctx, r Reason) int {
		if r == PairName && ctx.PathMatch() == 1 {
			if err := ctx.ParserPush(nil, nil, sub); err != nil {
				t.Error(err)
			}
		}
		return 0
	}, nil, []string{"sub"})
	if n := ctx.Parse([]byte(`{"sub":{"x":"1","y":"2"}}`)); n != 0 {
		t.Fatal(n, ErrorToString(n))
	}
	if !slices.Equal(inner, []string{"x=1", "y=2"}) {
		t.Fatalf("%v", inner)
	}
}
