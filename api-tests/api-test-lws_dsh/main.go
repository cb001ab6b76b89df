// Command api-test-lws_dsh is lws's api-test-lws_dsh in Go, on the core's
// dsh package (lws's lws_dsh, the shared heap whose kinds are FIFOs): per
// kind FIFO allocation and retrieval, everything freed back to one hole,
// an allocation no heap can meet refused while a second heap carries on,
// the whole buffer used up and recovered, a PRNG-driven spam of both kinds
// with erratic draining, and sequential release. The heap's bookkeeping is
// checked after every step. It prints "Completed: PASS" and exits 0, or
// "Completed: FAIL" and exits 1.
package main

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/dsh"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are lws's: only the builtins.
var switches = cmdline.Switches{}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errFail = errors.New("api-test-lws_dsh: FAIL")

func run(_ context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS API selftest: lws_dsh")

	tests := []struct {
		name string
		fn   func() error
	}{
		{"test1", test1},
		{"test3", test3},
		{"test4", func() error { return test4(0) }},
		{"test4 (coalescing)", func() error { return test4(dsh.EnableCoalesce) }},
		{"test5", func() error { return test5(log) }},
		{"test6", test6},
	}
	ret := 0
	for _, t := range tests {
		n := 0
		if err := t.fn(); err != nil {
			logs.Errf(log, "%s: %v", t.name, err)
			n = 1
		}
		logs.Userf(log, "%s: %d", t.name, n)
		if ret |= n; ret != 0 {
			break
		}
	}
	if ret != 0 {
		logs.Userf(log, "Completed: FAIL")
		return errFail
	}
	logs.Userf(log, "Completed: PASS")
	return nil
}
