package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
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
	// lws's seed gives lws's budget
	if !strings.Contains(log, "test5: budget 7503") {
		t.Fatalf("test 5 did not follow lws's sequence:\n%s", log)
	}
}

// An unexpected head, with or without coalescing, fails the run.
func TestFailsWhenAnExpectationIsWrong(t *testing.T) {
	for name, v := range map[string]*string{"plain": &test4Plain, "coalesced": &test4Coalesced} {
		saved := *v
		*v = "hello again"
		log, err := runTest(t)
		*v = saved
		if !errors.Is(err, errFail) || !strings.Contains(log, "Completed: FAIL") {
			t.Fatalf("%s: a wrong expectation passed: %v\n%s", name, err, log)
		}
	}
}
