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

// An idle connection to the test server's lws-mirror-protocol: the client
// pings after 3 s of silence and the pong keeps it open.
func TestIdleConnectionIsPinged(t *testing.T) {
	srv := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Interface: "127.0.0.1", Protocols: []*lws.Protocol{plugins.Mirror}}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, switches.MustParse([]string{"ping", "-d", "1039", "--port", strconv.Itoa(srv.Vhosts()[0].Port())}), &logs)
	}()
	deadline := time.Now().Add(8 * time.Second)
	for !strings.Contains(logs.String(), "received pong 1") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	out := logs.String() // before Ctrl-C, which closes the connection
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "established") || !strings.Contains(out, "received pong 1") {
		t.Fatalf("no ping/pong in:\n%s", out)
	}
	if strings.Contains(out, "closed") {
		t.Fatalf("the connection closed although pongs came back:\n%s", out)
	}
}

// Stopped before the connection ever came up: the run failed.
func TestNeverConnectedFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := run(ctx, switches.MustParse([]string{"ping", "--port", "1"}), io.Discard); !errors.Is(err, errNeverConnected) {
		t.Fatalf("run: %v", err)
	}
}
