package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestPass(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), switches.MustParse([]string{"api-test"}), &out); err != nil || !strings.HasSuffix(strings.TrimSpace(out.String()), "Completed: PASS") {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"httpbin_get: QOS_ACK_REMOTE", "httpbin_get404: QOS_NACK_REMOTE", "httpbin_post: QOS_ACK_REMOTE"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
}

// The test can fail: expecting a refusal where the peer accepts ends the
// run with FAIL.
func TestFailsWhenExpectationsAreWrong(t *testing.T) {
	saved := tests
	defer func() { tests = saved }()
	tests = []atss{{streamtype: "httpbin_get", expectNack: true}}
	var out bytes.Buffer
	if err := run(context.Background(), switches.MustParse([]string{"api-test"}), &out); !errors.Is(err, errFail) || !strings.Contains(out.String(), "Completed: FAIL") {
		t.Fatalf("%v\n%s", err, out.String())
	}
}
