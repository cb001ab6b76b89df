package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
	"github.com/lws-go/lws-go/lws/plugins"
	"go.uber.org/goleak"
)

// mirrorServer runs an lws-mirror-protocol server (the test server's) that
// counts connections whose peer closed with a close frame.
func mirrorServer(t *testing.T) (port int, clean *atomic.Int64) {
	t.Helper()
	clean = new(atomic.Int64)
	counter := &lws.Protocol{Name: "lws-mirror-protocol", NewSession: plugins.Mirror.NewSession,
		Callback: func(c *lws.Conn, reason lws.Reason, pss any, in []byte) error {
			if reason == lws.ReasonWSPeerInitiatedClose {
				clean.Add(1)
			}
			if reason == lws.ReasonClosed {
				closedCount.Add(1)
			}
			if reason == lws.ReasonEstablished {
				estCount.Add(1)
			}
			return plugins.Mirror.Callback(c, reason, pss, in)
		}}
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{Logger: slog.New(slog.DiscardHandler), VhostInfo: lws.VhostInfo{Interface: "127.0.0.1", Protocols: []*lws.Protocol{counter}}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	return c.Vhosts()[0].Port(), clean
}

var closedCount, estCount atomic.Int64

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// -c 50 -l 5000: every connection is made and closes cleanly (the server
// saw a close frame from each), and goroutines and heap return to their
// baseline.
func TestSpam5000(t *testing.T) {
	port, clean := mirrorServer(t)
	ignore := goleak.IgnoreCurrent()
	before := heapAlloc()
	start := time.Now()
	err := run(context.Background(), switches.MustParse([]string{"spam", "-d", "1", "-c", "50", "-l", "5000", "--port", strconv.Itoa(port)}), io.Discard)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Logf("5000 connections, 50 at a time, in %v", time.Since(start).Round(time.Millisecond))
	deadline := time.Now().Add(5 * time.Second)
	for clean.Load() < 5000 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("server: established %d closed %d clean %d", estCount.Load(), closedCount.Load(), clean.Load())
	if got := clean.Load(); got != 5000 {
		t.Fatalf("server saw %d clean closes, want 5000", got)
	}
	goleak.VerifyNone(t, ignore)
	if after := heapAlloc(); after > before+1<<20 {
		t.Fatalf("heap grew from %d to %d bytes", before, after)
	}
}

func TestFailsWhenServerIsMissing(t *testing.T) {
	err := run(context.Background(), switches.MustParse([]string{"spam", "-d", "1", "-c", "2", "-l", "4", "--port", "1"}), io.Discard)
	if !errors.Is(err, errIncomplete) {
		t.Fatalf("run against nobody: %v", err)
	}
}
