// Command api-test-lejp is lws's api-test-lejp in Go: it parses lws's 16
// documents with the core's lejp package (lws's streaming JSON parser)
// and requires every callback lws's test expects, in order, with the same
// reason, path, path match, array indexes and value buffer: nesting,
// unknown members, strings longer than one 254-byte chunk, a document fed
// only its first 200 bytes, an empty object, floats against integers,
// arrays of arrays with wildcard patterns, and one malformed document that
// must fail. Then lws's lws_json_simple_find checks, and documents over
// lejp's bounds (nesting, path length), which must be refused. It prints
// "Completed: PASS" and exits 0, or "Completed: FAIL" and exits 1.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/lejp"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are lws's: only the builtins.
var switches = cmdline.Switches{}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errFail = errors.New("api-test-lejp: FAIL")

func run(_ context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS API selftest: lejp")

	e := 0
	// One parser for every document, as lws's test has: what a parse
	// leaves in the value buffer is what the next one starts with.
	var ctx lejp.Ctx
	for m, d := range docs {
		logs.Userf(log, "++++++++++++++++ test %d", m+1)
		if err := parseDoc(&ctx, d, log); err != nil {
			logs.Errf(log, "test %d: %v", m+1, err)
			e++
		}
	}
	for _, c := range simpleFinds {
		if err := c.check(); err != nil {
			logs.Errf(log, "%s: %v", c.name, err)
			e++
		}
	}
	for _, b := range badDocs {
		if err := checkBad(b); err != nil {
			logs.Errf(log, "%s: %v", b.name, err)
			e++
		}
	}

	if e != 0 {
		logs.Userf(log, "Completed: FAIL")
		return errFail
	}
	logs.Userf(log, "Completed: PASS")
	return nil
}

// parseDoc parses one document, comparing each callback with the next
// expected step (lws's test_cb), and checks the result.
func parseDoc(ctx *lejp.Ctx, d docTest, log *slog.Logger) error {
	step := 0
	var mismatch error
	cb := func(ctx *lejp.Ctx, reason lejp.Reason) int {
		if step >= len(d.steps) {
			mismatch = fmt.Errorf("extra callback %d at %q", reason, ctx.Path())
			return -1
		}
		if err := d.steps[step].compare(ctx, reason); err != nil {
			mismatch = fmt.Errorf("step %d: %w", step, err)
			return -1
		}
		step++
		return 0
	}
	ctx.Construct(cb, nil, d.paths)
	ctx.Flags = d.flags
	in := []byte(d.doc)
	if d.parseLen != 0 {
		in = in[:d.parseLen]
	}
	n := ctx.Parse(in)
	log.Log(context.Background(), logs.LevelInfo, "parsed", "n", n)
	switch {
	case mismatch != nil:
		return mismatch
	case n < 0 && n != lejp.Continue && !d.mustFail:
		return fmt.Errorf("JSON decode failed '%s'", lejp.ErrorToString(n))
	case (n >= 0 || n == lejp.Continue) && d.mustFail:
		return fmt.Errorf("JSON decode should have failed")
	case step != len(d.steps):
		return fmt.Errorf("%d callbacks, expected %d", step, len(d.steps))
	}
	return nil
}

// compare checks one callback against lws's expectation.
func (s step) compare(ctx *lejp.Ctx, reason lejp.Reason) error {
	switch {
	case reason != s.reason:
		return fmt.Errorf("reason mismatch %d vs %d", reason, s.reason)
	case !slices.Equal(ctx.Indexes(), s.indexes) && (len(ctx.Indexes()) != 0 || len(s.indexes) != 0):
		return fmt.Errorf("indexes mismatch %v vs %v", ctx.Indexes(), s.indexes)
	case ctx.PathMatch() != s.pathMatch:
		return fmt.Errorf("path_match mismatch %d vs %d", ctx.PathMatch(), s.pathMatch)
	case ctx.Path() != s.path:
		return fmt.Errorf("path mismatch '%s' vs '%s'", ctx.Path(), s.path)
	case ctx.Buf() != s.buf:
		return fmt.Errorf("buf mismatch '%s' vs '%s'", ctx.Buf(), s.buf)
	}
	return nil
}
