package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lws-go/lws-go/lws/lwsac"
)

func runTest(t *testing.T) (string, error) {
	t.Helper()
	var l bytes.Buffer
	err := run(context.Background(), switches.MustParse([]string{"api-test"}), &l)
	return l.String(), err
}

func TestPass(t *testing.T) {
	log, err := runTest(t)
	if err != nil || !strings.HasSuffix(strings.TrimSpace(log), "Completed: PASS") {
		t.Fatalf("%v\n%s", err, log)
	}
}

// A wrong sum or chunk count fails the run.
func TestFailsWhenAnExpectationIsWrong(t *testing.T) {
	for _, v := range []*int{&wantSum, &wantChunks} {
		saved := *v
		*v++
		log, err := runTest(t)
		*v = saved
		if !errors.Is(err, errFail) || strings.Contains(log, "PASS") {
			t.Fatalf("a wrong expectation passed: %v\n%s", err, log)
		}
	}
}

// The point of lwsac: the 1000 entries cost 4 allocations, where plain
// new() costs 1000.
func TestAllocations(t *testing.T) {
	chunked := testing.AllocsPerRun(5, func() {
		var ac lwsac.Chunks[mytest]
		var head *mytest
		for n := range count {
			m := ac.Use()
			m.payload, m.listNext, head = n, head, m
		}
	})
	plain := testing.AllocsPerRun(5, func() {
		var head *mytest
		for n := range count {
			head = &mytest{payload: n, listNext: head}
		}
		sink = head
	})
	if chunked != float64(wantChunks) || plain != float64(count) {
		t.Fatalf("%v allocations from chunks, %v plain", chunked, plain)
	}
}

var sink *mytest
