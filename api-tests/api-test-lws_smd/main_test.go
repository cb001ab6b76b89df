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

func runTest(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var l bytes.Buffer
	err := run(context.Background(), switches.MustParse(append([]string{"api-test"}, args...)), &l)
	return l.String(), err
}

// 2 × 500 messages keep the run to a second or two; the program's
// default is lws's 5000.
var quick = []string{"--count", "500", "--interval", "200"}

func TestPass(t *testing.T) {
	defer goleak.VerifyNone(t)
	log, err := runTest(t, quick...)
	if err != nil || !strings.Contains(log, "Completed: PASS: ") || !strings.Contains(log, " / 550, (busy: ") {
		t.Fatalf("%v\n%s", err, log)
	}
	if !strings.Contains(log, "overflow test added ") {
		t.Fatalf("no overflow test:\n%s", log)
	}
}

// Each expectation can fail the run: a message nobody hears expected to
// be heard, a queue too small to overflow, senders that cannot finish in
// time.
func TestFailsWhenAnExpectationIsWrong(t *testing.T) {
	t.Run("network heard", func(t *testing.T) {
		earlyDeliveries[`{"s":"network"}`] = 1
		defer func() { earlyDeliveries[`{"s":"network"}`] = 0 }()
		expectFail(t, "delivered 0 times, expected 1", quick...)
	})
	t.Run("no overflow", func(t *testing.T) {
		// 30 messages fit in lws's queue of 40
		expectFail(t, "didn't overflow", "--count", "30")
	})
	t.Run("timeout", func(t *testing.T) {
		saved := testTimeout
		testTimeout = 100 * time.Millisecond
		defer func() { testTimeout = saved }()
		expectFail(t, "did not finish in time", "--count", "5000", "--interval", "1000")
	})
}

func expectFail(t *testing.T, why string, args ...string) {
	t.Helper()
	defer goleak.VerifyNone(t)
	log, err := runTest(t, args...)
	if !errors.Is(err, errFail) || !strings.Contains(log, "Completed: FAIL") || !strings.Contains(log, why) {
		t.Fatalf("want FAIL with %q: %v\n%s", why, err, log)
	}
}
