package main

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
	"github.com/lws-go/lws-go/lws/plugins"
)

// timedLog records each log line with the time it was written.
type timedLog struct {
	mu    sync.Mutex
	lines []string
	times []time.Time
}

func (l *timedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		l.lines = append(l.lines, line)
		l.times = append(l.times, time.Now())
	}
	return len(p), nil
}

// waitFor returns when a line containing s has been logged.
func (l *timedLog) waitFor(t *testing.T, s string, timeout time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		for i, line := range l.lines {
			if strings.Contains(line, s) {
				at := l.times[i]
				l.mu.Unlock()
				return at
			}
		}
		l.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no log line with %q after %v", s, timeout)
	return time.Time{}
}

// times returns when each line containing s was logged.
func (l *timedLog) timesOf(s string) []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []time.Time
	for i, line := range l.lines {
		if strings.Contains(line, s) {
			out = append(out, l.times[i])
		}
	}
	return out
}

// dumbServer runs a dumb-increment-protocol server until stop is called.
func dumbServer(t *testing.T, tlsInfo lws.TLSInfo) (port int, stop func()) {
	t.Helper()
	c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{
		Name: "localhost", Interface: "127.0.0.1", Protocols: []*lws.Protocol{plugins.DumbIncrement}, TLS: tlsInfo,
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = c.Run(ctx); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return c.Vhosts()[0].Port(), stop
}

// startClient runs the example; the returned channel is closed when run
// has returned, its error then in *result.
func startClient(t *testing.T, logs *timedLog, args ...string) (done chan struct{}, result *error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done, result = make(chan struct{}), new(error)
	go func() {
		*result = run(ctx, switches.MustParse(append([]string{"lws-minimal-ws-client"}, args...)), logs)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("client did not stop")
		}
	})
	return done, result
}

// The client receives the counter, then, with the server gone, reconnects
// on the 1-2-3-4-5 s backoff (plus at most 20% jitter) and gives up after
// five failures in a row, returning errGaveUp (lws exits 0 there).
func TestReceivesThenRetriesOnBackoffAndGivesUp(t *testing.T) {
	port, stopServer := dumbServer(t, lws.TLSInfo{})
	var logs timedLog
	done, result := startClient(t, &logs, "-s", "127.0.0.1", "-p", strconv.Itoa(port))
	logs.waitFor(t, "established", 10*time.Second)
	logs.waitFor(t, "0000: 31", 10*time.Second) // the hexdump of "1"
	stopServer()
	closedAt := logs.waitFor(t, "] U: closed", 10*time.Second)
	select {
	case <-done:
		if !errors.Is(*result, errGaveUp) {
			t.Fatalf("run: %v, want %v", *result, errGaveUp)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("client did not give up")
	}
	logs.waitFor(t, "connection attempts exhausted", time.Second)
	fails := logs.timesOf("CLIENT_CONNECTION_ERROR")
	if len(fails) != 5 {
		t.Fatalf("%d failed attempts, want 5", len(fails))
	}
	prev := closedAt
	for i, at := range fails {
		base := time.Duration(i+1) * time.Second
		gap := at.Sub(prev)
		if gap < base || gap > base+base/5+300*time.Millisecond {
			t.Errorf("attempt %d came %v after the previous failure, want %v plus up to 20%%", i+1, gap, base)
		}
		prev = at
	}
}

// -j accepts the self-signed certificate the workspace's servers use;
// without it the connection is refused for the certificate.
func TestTLSNeedsAllowSelfSigned(t *testing.T) {
	cert, key := lwstest.CertFiles(t)
	port, _ := dumbServer(t, lws.TLSInfo{CertFile: cert, KeyFile: key})
	var good timedLog
	startClient(t, &good, "-s", "localhost", "-p", strconv.Itoa(port), "--ssl", "-j")
	good.waitFor(t, "established", 10*time.Second)
	var bad timedLog
	startClient(t, &bad, "-s", "localhost", "-p", strconv.Itoa(port), "--ssl")
	bad.waitFor(t, "certificate", 10*time.Second)
	if len(bad.timesOf("established")) != 0 {
		t.Fatal("connected to a self-signed server without -j")
	}
}
