package main

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"

	"github.com/lws-go/lws-go/lws/dsh"
	"github.com/lws-go/lws-go/lws/logs"
)

// expectHead takes the head of kind, which must hold one of wants, and
// releases it.
func expectHead(d *dsh.DSH, kind int, wants ...string) error {
	h := d.Head(kind)
	if h == nil {
		return fmt.Errorf("no head for kind %d", kind)
	}
	got := h.Bytes()
	h.Release()
	for _, w := range wants {
		if bytes.Equal(got, []byte(w)) {
			return d.Check()
		}
	}
	return fmt.Errorf("kind %d head %q (%d), expected %q", kind, got, len(got), wants)
}

func alloc(d *dsh.DSH, kind int, b []byte) error {
	if err := d.AllocTail(kind, b, nil); err != nil {
		return err
	}
	return d.Check()
}

// test1 is lws's: one heap, two kinds, everything freed back to one hole.
func test1() error {
	d := dsh.New(16384, 2, 0)
	for _, a := range []struct {
		kind int
		s    string
	}{{0, "hello"}, {1, "some other string"}, {0, "hello again"}} {
		if err := alloc(d, a.kind, []byte(a.s)); err != nil {
			return err
		}
	}
	if err := expectHead(d, 1, "some other string"); err != nil {
		return err
	}
	if err := expectHead(d, 0, "hello"); err != nil {
		return err
	}
	if err := expectHead(d, 0, "hello again"); err != nil {
		return err
	}
	if d.InUse() != 0 {
		return fmt.Errorf("%d bytes still in use", d.InUse())
	}
	return nil
}

// test3 is lws's: two heaps, an allocation neither can meet is refused
// and the other heap carries on.
func test3() error {
	blob := make([]byte, 5000)
	d1, d2 := dsh.New(4096, 2, 0), dsh.New(4096, 2, 0)
	if err := alloc(d1, 0, blob[:4000]); err != nil {
		return err
	}
	if err := alloc(d2, 0, []byte("hello")); err != nil {
		return err
	}
	// there is no room for this: it must fail, and say why
	if err := d1.AllocTail(0, blob[:5000], nil); !errors.Is(err, dsh.ErrNoRoom) {
		return fmt.Errorf("didn't fail to alloc 5000 as expected: %v", err)
	}
	return alloc(d2, 0, []byte("hello again"))
}

// test4 is lws's: use up the whole free list, recover, allocate again.
func test4(flags dsh.Flags) error {
	blob := make([]byte, 4096)
	d := dsh.New(4096, 2, flags)
	if err := alloc(d, 0, blob[:4000]); err != nil {
		return err
	}
	if h := d.Head(0); h == nil || len(h.Bytes()) != 4000 {
		return fmt.Errorf("head 1 mismatch")
	}
	d.Head(0).Release()
	if err := alloc(d, 0, []byte("some other string")); err != nil {
		return err
	}
	if err := alloc(d, 0, []byte("hello again")); err != nil {
		return err
	}
	// it may (should...) coalesce
	return expectHead(d, 0, test4Heads(flags)...)
}

// test4Heads is what test 4's head may hold: without coalescing the
// first string, with it both run together.
func test4Heads(flags dsh.Flags) []string {
	if flags&dsh.EnableCoalesce != 0 {
		return []string{test4Coalesced}
	}
	return []string{test4Plain}
}

var (
	test4Plain     = "some other string"
	test4Coalesced = "some other stringhello again"
)

// test5 is lws's: PRNG-driven writes of both kinds with erratic draining,
// the heap checked after every step, then drained.
func test5(log *slog.Logger) error {
	blob := make([]byte, 4096)
	x := newXos(0x123456789abcdef0)
	budget := int(x.next()%4000) + 4000
	logs.Noticef(log, "test5: budget %d", budget)
	d := dsh.New(409600, 2, 0)
	allocs, reads := 0, 0
	drain := func(kind int) error {
		for h := d.Head(kind); h != nil; h = d.Head(kind) {
			h.Release()
			reads++
			if err := d.Check(); err != nil {
				return err
			}
		}
		return nil
	}
	for ; budget >= 0; budget-- {
		for _, w := range []struct{ kind, pct int }{{0, 60}, {1, 80}} {
			if x.percent(w.pct) {
				size := int(x.next()&127) + 1
				if d.AllocTail(w.kind, blob[:size], nil) == nil {
					allocs++
				}
				if err := d.Check(); err != nil {
					return err
				}
			}
		}
		for _, r := range []struct{ kind, pct int }{{0, 40}, {1, 30}} {
			if x.percent(r.pct) {
				if err := drain(r.kind); err != nil {
					return err
				}
			}
		}
	}
	if err := drain(0); err != nil {
		return err
	}
	if err := drain(1); err != nil {
		return err
	}
	logs.Noticef(log, "test5: %d allocations, %d reads", allocs, reads)
	if allocs != reads || d.InUse() != 0 {
		return fmt.Errorf("%d allocations, %d reads, %d bytes left in use", allocs, reads, d.InUse())
	}
	return nil
}

// test6 is lws's: sequential allocation and release, in kind order.
func test6() error { return test1() }
