package main

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws/lwstest"
)

// h2spec v2.2.1 in strict mode, the HTTP/2 conformance suite (RFC 7540,
// RFC 7541 and the generic tests): every one of its 146 tests passes.
// Without h2spec the test is skipped, unless CI=true.
func TestH2specStrict(t *testing.T) {
	h2spec := lwstest.RequirePeer(t, "h2spec")
	port := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, h2spec, "--strict", "-t", "-k", "-h", "127.0.0.1", "-p", port).CombinedOutput()
	m := regexp.MustCompile(`(\d+) tests, (\d+) passed, (\d+) skipped, (\d+) failed`).FindStringSubmatch(string(out))
	if m == nil || m[1] != "146" || m[2] != "146" || m[4] != "0" {
		summary := "no summary"
		if m != nil {
			summary = m[0]
		}
		report := string(out)
		if i := strings.Index(report, "Failures:"); i >= 0 {
			report = report[i:]
		}
		t.Fatalf("h2spec --strict: %s, want 146 tests, 146 passed, 0 failed (err %v)\n%s", summary, err, report)
	}
}
