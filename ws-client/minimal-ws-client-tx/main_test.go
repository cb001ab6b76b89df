package main

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"go.uber.org/goleak"
)

var publishedLine = regexp.MustCompile(`^tid: ([01]), msg: (\d+)$`)

// broker is a stand-in for minimal-ws-broker's publisher side: it hands
// what arrives on /publisher to the test.
func broker(t *testing.T, port int, got chan<- string) (*lws.Context, func()) {
	t.Helper()
	p := &lws.Protocol{Name: "lws-minimal-broker", Callback: func(c *lws.Conn, reason lws.Reason, pss any, in []byte) error {
		if reason == lws.ReasonReceive && c.Path() == "/publisher" {
			select {
			case got <- string(in):
			default:
			}
		}
		return nil
	}}
	c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Interface: "127.0.0.1", Port: port, Protocols: []*lws.Protocol{p}}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = c.Run(context.Background()); close(done) }()
	return c, func() { c.Destroy(); <-done }
}

func expectBoth(t *testing.T, got <-chan string) {
	t.Helper()
	last := map[string]int{"0": -1, "1": -1}
	seen := map[string]bool{}
	deadline := time.After(10 * time.Second)
	for len(seen) < 2 || len(got) > 0 {
		select {
		case msg := <-got:
			m := publishedLine.FindStringSubmatch(msg)
			if m == nil {
				t.Fatalf("unexpected message %q", msg)
			}
			n, _ := strconv.Atoi(m[2])
			if n <= last[m[1]] {
				t.Fatalf("tid %s went from %d to %d", m[1], last[m[1]], n)
			}
			last[m[1]], seen[m[1]] = n, true
		case <-deadline:
			t.Fatalf("saw producers %v only", seen)
		}
	}
}

// Both producers' messages reach the broker in order; after the broker
// goes away and comes back on the same port, the client reconnects and
// publishing resumes; at the end no goroutine is left.
func TestPublishesAndReconnects(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	got := make(chan string, 1000)
	srv, stop := broker(t, 0, got)
	port := srv.Vhosts()[0].Port()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, switches.MustParse([]string{"tx", "-s", "127.0.0.1", "-p", strconv.Itoa(port)}), io.Discard)
	}()
	expectBoth(t, got)
	stop()
	for len(got) > 0 {
		<-got
	}
	_, stop = broker(t, port, got)
	defer stop()
	expectBoth(t, got)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// With no broker the run publishes nothing, and says so.
func TestNothingPublishedFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := run(ctx, switches.MustParse([]string{"tx", "-s", "127.0.0.1", "-p", "1"}), io.Discard); !errors.Is(err, errNothingSent) {
		t.Fatalf("run: %v", err)
	}
}
