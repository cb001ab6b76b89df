// Command api-test-lwsac is lws's api-test-lwsac in Go: 1000 list entries
// are allocated from the core's lwsac (lws's chunk allocator) and linked
// into a list, the list is walked summing the payloads, which must come to
// 499500, and the chunks are freed in one go. It prints "Completed: PASS"
// and exits 0, or exits 1.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/lwsac"
)

// switches are lws's: only the builtins.
var switches = cmdline.Switches{}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

// mytest is lws's struct mytest: a payload and the list link
// (lws_list_ptr), which need not be first in the struct.
type mytest struct {
	payload  int
	listNext *mytest
}

// lws's expectations: the sum of 0..999, and the chunks 1000 16-byte
// entries take in 4000-byte chunks.
var (
	count      = 1000
	wantSum    = 499500
	wantChunks = 4
)

var errFail = errors.New("api-test-lwsac: FAIL")

func run(_ context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS API selftest: lwsac")

	// 1) allocate and link the entries (lwsac_use, lws_list_ptr_insert)
	var ac lwsac.Chunks[mytest]
	var head *mytest
	for n := range count {
		m := ac.Use()
		m.payload = n
		m.listNext, head = head, m
	}

	// 2) the 1000 allocations took a few chunks (lwsac_info)
	chunks, items := ac.Info()
	logs.Noticef(log, "lwsac: %d objects in %d chunks", items, chunks)

	// 3) walk the list, summing the payloads (lws_list_ptr_advance)
	acc := 0
	for m := head; m != nil; m = m.listNext {
		acc += m.payload
	}

	// 4) everything goes at once (lwsac_free)
	ac.Free()

	if err := check(acc, chunks); err != nil {
		logs.Errf(log, "FAIL %v", err)
		return errFail
	}
	logs.Userf(log, "Completed: PASS")
	return nil
}

func check(acc, chunks int) error {
	if acc != wantSum {
		return fmt.Errorf("acc %d, expected %d", acc, wantSum)
	}
	if chunks != wantChunks {
		return fmt.Errorf("%d chunks, expected %d", chunks, wantChunks)
	}
	return nil
}
