package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	ls "github.com/lws-go/lws-go/lws/lwsstruct"
)

func runTest(t *testing.T) (stdout, log string, err error) {
	t.Helper()
	var out, l bytes.Buffer
	err = run(context.Background(), switches.MustParse([]string{"api-test"}), &out, &l)
	return out.String(), l.String(), err
}

// expectAgainst runs lws's test2 check against another expectation.
func expectAgainst(w io.Writer, want string) error {
	r, err := ls.Unmarshal([]byte(test2JSON), []ls.Schema{{Name: "t2", New: func() any { return new(t2Configs) }}})
	if err != nil {
		return err
	}
	return expectJSON(w, "t2", r.Value, ls.OmitSchema, want)
}

func TestPass(t *testing.T) {
	out, log, err := runTest(t)
	if err != nil || !strings.HasSuffix(strings.TrimSpace(log), "Completed: PASS") {
		t.Fatalf("%v\n%s", err, log)
	}
	// 8 round trips and 3 serialisations of lws's ad hoc checks
	if n := strings.Count(out, "\n"); n != 11 {
		t.Fatalf("%d serialisations printed, want 11:\n%s", n, out)
	}
}

// Changing one expected value fails the run.
func TestFailsWhenAnExpectationIsWrong(t *testing.T) {
	for name, brk := range map[string]func() func(){
		"round trip": func() func() {
			saved := roundTrips[5].want // the hostname cut to 31 bytes
			roundTrips[5].want = strings.Replace(saved, "Xe\"", "Xec\"", 1)
			return func() { roundTrips[5].want = saved }
		},
		"schema index": func() func() {
			saved := roundTrips[7]
			roundTrips[7].in = strings.Replace(saved.in, "sai-other", "sai-builder", 1)
			return func() { roundTrips[7] = saved }
		},
		"escaping": func() func() {
			saved := adHoc[2]
			adHoc[2].check = func(w io.Writer) error {
				return expectAgainst(w, strings.ReplaceAll(test2Expected, `\u0022`, `\"`))
			}
			return func() { adHoc[2] = saved }
		},
	} {
		t.Run(name, func(t *testing.T) {
			defer brk()()
			_, log, err := runTest(t)
			if !errors.Is(err, errFail) || !strings.Contains(log, "Completed: FAIL") {
				t.Fatalf("a wrong expectation passed: %v\n%s", err, log)
			}
		})
	}
}
