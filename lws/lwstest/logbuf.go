package lwstest

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// LogBuffer collects what an example running in the test's process logs
// (pass it as the example's log writer); it is safe for the loop and the
// test to use at once.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write collects log output.
func (l *LogBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

// String is the output so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Wait waits until the output holds want, failing the test after within
// with what was logged.
func (l *LogBuffer) Wait(t testing.TB, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(l.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("never logged %q:\n%s", want, l.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
