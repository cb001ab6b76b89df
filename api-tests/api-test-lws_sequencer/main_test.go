package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func runTest(t *testing.T) (string, error) {
	t.Helper()
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	// lws's 3 s step timeout, shortened so the silent step takes 2 s
	// (still ample for a local GET on a busy machine)
	saved := stepTimeout
	stepTimeout = 2 * time.Second
	defer func() { stepTimeout = saved }()
	var l bytes.Buffer
	err := run(context.Background(), switches.MustParse([]string{"api-test"}), &l)
	return l.String(), err
}

func TestPass(t *testing.T) {
	log, err := runTest(t)
	if err != nil || !strings.HasSuffix(strings.TrimSpace(log), "Completed: PASS") {
		t.Fatalf("%v\n%s", err, log)
	}
	for _, want := range []string{"seq done step 1 (resp 200)", "seq done step 2 (resp 200)", "seq done step 3 (resp 404)",
		"test 4 got expected timeout", "test 5 failed as expected", "sequence completed OK"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
}

// Any step ending otherwise than lws's test expects fails the run.
func TestFailsWhenAnExpectationIsWrong(t *testing.T) {
	for name, brk := range map[string]func(){
		"404 expected 200":       func() { steps[2].status = 200 },
		"silent peer answers":    func() { steps[3].expect = "done" },
		"refused port times out": func() { steps[4].expect = "timeout" },
	} {
		t.Run(name, func(t *testing.T) {
			saved := append([]step(nil), steps...)
			brk()
			defer copy(steps, saved)
			log, err := runTest(t)
			if !errors.Is(err, errFail) || !strings.Contains(log, "Completed: FAIL") || !strings.Contains(log, "seq ") {
				t.Fatalf("a wrong expectation passed: %v\n%s", err, log)
			}
		})
	}
}
