package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
	"github.com/lws-go/lws-go/lws/plugins"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func dumbServer(t *testing.T, protocols ...*lws.Protocol) int {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Interface: "127.0.0.1", Protocols: protocols}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	return c.Vhosts()[0].Port()
}

// -t against the test server's protocol: ten numbers, in order, exit 0,
// well within lws's 20 s.
func TestTenMessages(t *testing.T) {
	port := dumbServer(t, plugins.DumbIncrement)
	var logs syncBuffer
	start := time.Now()
	err := run(context.Background(), switches.MustParse([]string{"rx", "-t", "-s", "127.0.0.1", "-p", strconv.Itoa(port)}), &logs)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, logs.String())
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("took %v", d)
	}
	out := logs.String()
	for i := 0; i < 10; i++ {
		if !strings.Contains(out, "RX: "+strconv.Itoa(i)+"\n") {
			t.Fatalf("no RX: %d in\n%s", i, out)
		}
	}
	if !strings.Contains(out, "Completed OK") {
		t.Fatalf("no Completed OK in\n%s", out)
	}
}

// A server that closes after two messages: -t fails.
func TestTooFewMessagesFails(t *testing.T) {
	twice := &lws.Protocol{Name: "dumb-increment-protocol", NewSession: func() any { return new(int) },
		Callback: func(c *lws.Conn, reason lws.Reason, pss any, in []byte) error {
			n, _ := pss.(*int)
			switch reason {
			case lws.ReasonEstablished:
				c.CallbackOnWritable()
			case lws.ReasonServerWriteable:
				if *n == 2 {
					return errors.New("enough")
				}
				if _, err := c.Write([]byte(strconv.Itoa(*n)), lws.WriteText); err != nil {
					return err
				}
				*n++
				c.CallbackOnWritable()
			}
			return nil
		}}
	port := dumbServer(t, twice)
	var logs syncBuffer
	err := run(context.Background(), switches.MustParse([]string{"rx", "-t", "-s", "127.0.0.1", "-p", strconv.Itoa(port)}), &logs)
	if !errors.Is(err, errTooFew) {
		t.Fatalf("run: %v\n%s", err, logs.String())
	}
}

// Without -t a run that received nothing (nobody listening) fails: lws's
// exits 0, which tells a CI job nothing.
func TestNothingReceivedFails(t *testing.T) {
	if err := run(context.Background(), switches.MustParse([]string{"rx", "-s", "127.0.0.1", "-p", "1"}), io.Discard); !errors.Is(err, errNothing) {
		t.Fatalf("run: %v", err)
	}
}
