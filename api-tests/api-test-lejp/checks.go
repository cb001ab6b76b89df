package main

import (
	"fmt"
	"strings"

	"github.com/lws-go/lws-go/lws/lejp"
	tk "github.com/lws-go/lws-go/lws/tokenize"
)

// simpleFind is one of lws's lws_json_simple_find checks.
type simpleFind struct {
	name  string
	check func() error
}

var simpleFinds = []simpleFind{
	{"simple_find nested", func() error {
		// lws_json_simple_find, then lws_json_simple_strcmp inside
		// what it found
		ext, _, ok := tk.JSONSimpleFind([]byte(`{"blah":123,"ext":{"authorized":1}}`), `"ext":`)
		if !ok {
			return fmt.Errorf("ext not found")
		}
		v, _, ok := tk.JSONSimpleFind(ext, `"authorized":`)
		if !ok || string(v) != "1" {
			return fmt.Errorf("authorized: %q %v, expected \"1\"", v, ok)
		}
		return nil
	}},
	{"simple_find string", func() error {
		v, _, ok := tk.JSONSimpleFind([]byte(`{"blah":123,"auth_user":"andy@warmcat.com","thing":"yeah"}`), `"auth_user":`)
		if !ok || len(v) != 16 {
			return fmt.Errorf("wrong string len %d isolated", len(v))
		}
		return nil
	}},
}

// badDoc is a document past one of lejp's bounds: it must be refused with
// the given result, whatever size its pieces come in.
type badDoc struct {
	name string
	doc  string
	want int
}

var badDocs = []badDoc{
	{"nesting: 100 objects", strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100), lejp.RejectStackOverflow},
	{"nesting: 100 arrays", `{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}", lejp.RejectStackOverflow},
	{"nesting: outer array of 100", strings.Repeat("[", 100) + strings.Repeat("]", 100), lejp.RejectStackOverflow},
	{"path: member name of 300 bytes", `{"` + strings.Repeat("n", 300) + `":1}`, lejp.RejectUnknown},
	{"path: 70 levels of 3-byte names", strings.Repeat(`{"abc":`, 70) + "1" + strings.Repeat("}", 70), lejp.RejectUnknown},
	{"number: 30 digits", `{"a":` + strings.Repeat("9", 30) + "}", lejp.RejectMPCOrENeither},
	{"control character in a string", "{\"a\":\"x\x01\"}", lejp.RejectMPIllegalCtrl},
	{"not JSON", "hello", lejp.RejectIdleNoBrace},
}

// checkBad feeds b whole and then a byte at a time; both must end in the
// expected rejection, with the callback told Failed.
func checkBad(b badDoc) error {
	for _, piece := range []int{len(b.doc), 1} {
		var ctx lejp.Ctx
		failed := false
		ctx.Construct(func(_ *lejp.Ctx, r lejp.Reason) int {
			if r == lejp.Failed {
				failed = true
			}
			return 0
		}, nil, nil)
		n := lejp.Continue
		for in := []byte(b.doc); len(in) > 0 && n == lejp.Continue; {
			k := min(piece, len(in))
			n = ctx.Parse(in[:k])
			in = in[k:]
		}
		if n != b.want || !failed {
			return fmt.Errorf("pieces of %d: %d '%s' (failed seen %v), expected %d '%s'", piece, n, lejp.ErrorToString(n), failed, b.want, lejp.ErrorToString(b.want))
		}
	}
	return nil
}
