package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lws-go/lws-go/lws/lejp"
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
	if n := strings.Count(log, "++++++++++++++++ test"); n != 16 {
		t.Fatalf("%d documents parsed, want 16", n)
	}
}

// Changing any one expected value fails the run: a value buffer, an
// index, a path, a path match, a reason, the malformed document's
// verdict, a bound's verdict.
func TestFailsWhenAnExpectationIsWrong(t *testing.T) {
	breaks := map[string]func() func(){
		"buf": func() func() {
			s := &docs[0].steps[10] // nspawn_timeout 1800
			saved := s.buf
			s.buf = "1801"
			return func() { s.buf = saved }
		},
		"index": func() func() {
			s := &docs[10].steps[20]
			saved := s.indexes
			s.indexes = append([]uint16(nil), saved...)
			s.indexes[len(s.indexes)-1]++
			return func() { s.indexes = saved }
		},
		"path": func() func() {
			s := &docs[2].steps[20]
			saved := s.path
			s.path += "x"
			return func() { s.path = saved }
		},
		"path match": func() func() {
			s := &docs[15].steps[10]
			saved := s.pathMatch
			s.pathMatch++
			return func() { s.pathMatch = saved }
		},
		"reason": func() func() {
			s := &docs[12].steps[6] // "b": 1.0 is a float
			saved := s.reason
			s.reason = lejp.ValNumInt
			return func() { s.reason = saved }
		},
		"one step fewer": func() func() {
			saved := docs[4].steps
			docs[4].steps = saved[:len(saved)-1]
			return func() { docs[4].steps = saved }
		},
		"malformed": func() func() {
			docs[9].mustFail = false
			return func() { docs[9].mustFail = true }
		},
		"bound": func() func() {
			saved := badDocs[0].want
			badDocs[0].want = lejp.RejectMPDelimIStack
			return func() { badDocs[0].want = saved }
		},
	}
	for name, brk := range breaks {
		t.Run(name, func(t *testing.T) {
			defer brk()()
			log, err := runTest(t)
			if !errors.Is(err, errFail) || !strings.Contains(log, "Completed: FAIL") {
				t.Fatalf("a wrong expectation passed: %v\n%s", err, log)
			}
		})
	}
}
