// Command api-test-lws_tokenize is lws's api-test-lws_tokenize in Go: it
// runs lws's tokenizer vectors through the core's tokenize package (lws's
// lws_tokenize), then lws's checks of the string helpers beside it:
// ${name} expansion in chunks (lws_strexp), wildcard matching
// (lws_strcmp_wildcard), lws_json_simple_find, and the ones the standard
// library is here (base64 decoding, bounded search, HTTP dates). It prints
// "Completed: PASS: <vectors>, FAIL: 0" and exits 0 when all agree.
//
// With -s it also tokenizes a string of yours under the -f flags and
// prints the elements, as lws's does:
//
//	go run ./api-tests/api-test-lws_tokenize -s "a=1, b" -f 4
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	tk "github.com/lws-go/lws-go/lws/tokenize"
)

// switches are lws's: -s a string to tokenize, -f its flags.
var switches = cmdline.Switches{
	{Name: "-s", Kind: cmdline.String, Arg: "string", Help: "tokenize this string and print the elements"},
	{Name: "-f", Kind: cmdline.Int, Arg: "flags", Default: "0", Help: "LWS_TOKENIZE_F_* flags for -s"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stdout, os.Stderr) })
}

var errFail = errors.New("api-test-lws_tokenize: FAIL")

func run(_ context.Context, o *cmdline.Values, stdout, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS API selftest: lws_tokenize")

	ok, fail := 0, 0
	for i, v := range vectors {
		if err := checkVector(v); err != nil {
			logs.Noticef(log, "vector %d %q: %v", i+1, v.in, err)
			fail++
			continue
		}
		ok++
	}
	for _, c := range helperChecks() {
		if err := c.check(); err != nil {
			logs.Errf(log, "%s: %v", c.name, err)
			fail++
		}
	}

	if o.Has("-s") {
		printVector(stdout, o.String("-s"), tk.Flags(o.Int("-f")), len(vectors)+1)
	}

	logs.Userf(log, "Completed: PASS: %d, FAIL: %d", ok, fail)
	if ok == 0 || fail != 0 {
		return errFail
	}
	return nil
}

// checkVector tokenizes v.in and compares each element with lws's
// expectation: the kind always, the bytes for tokens and delimiters.
func checkVector(v vector) error {
	ts := tk.New([]byte(v.in), v.flags)
	for m := 0; ; m++ {
		e := ts.Next()
		if m == len(v.exp) {
			return fmt.Errorf("expected the end earlier, got %v %q", e, ts.Token)
		}
		x := v.exp[m]
		if e != x.e {
			return fmt.Errorf("element %d: %v, expected %v", m, e, x.e)
		}
		if e > 0 && string(ts.Token) != x.value {
			return fmt.Errorf("element %d: %q, expected %q", m, ts.Token, x.value)
		}
		if e <= 0 {
			return nil
		}
	}
}

// printVector shows how s tokenizes, as lws's -s does: the string, its
// flags and each element with lws's name for it and its length.
func printVector(w io.Writer, s string, flags tk.Flags, n int) {
	fmt.Fprintf(w, "{%q, %d, []expected{ // expected%d\n", s, flags, n)
	ts := tk.New([]byte(s), flags)
	for {
		e := ts.Next()
		fmt.Fprintf(w, "  {%s, %q}, // %d\n", e, ts.Token, len(ts.Token))
		if e <= 0 {
			break
		}
	}
	fmt.Fprintf(w, "}},\n")
}
