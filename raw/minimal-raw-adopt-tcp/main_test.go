package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// lockedBuffer is the example's log, written by the loop.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// httpServer is an lws HTTP server on a free port, the local stand-in
// for libwebsockets.org:80.
func httpServer(t *testing.T) string {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{
			Interface: "127.0.0.1",
			Mounts: []lws.Mount{{Mountpoint: "/", OriginFS: fstest.MapFS{"index.html": {Data: []byte("<html>adopted</html>")}},
				Def: "index.html", OriginProtocol: lws.OriginFile}},
		}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	return port
}

func runAgainst(t *testing.T, port string) (string, error) {
	t.Helper()
	var out lockedBuffer
	err := run(context.Background(), switches.MustParse([]string{"lws-minimal-raw-adopt-tcp", "-s", "127.0.0.1", "-p", port}), &out)
	return out.String(), err
}

// The adopted socket carries lws's request byte for byte to a real HTTP
// server; its answer is hexdumped, and the example ends when the server
// closes the connection. (lws's request has no Host:, so an HTTP/1.1
// server answers 400 and closes.)
func TestRequestThroughAdoptedSocket(t *testing.T) {
	out, err := runAgainst(t, httpServer(t))
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	for _, want := range []string{"LWS_CALLBACK_RAW_ADOPT", "LWS_CALLBACK_RAW_RX (", "LWS_CALLBACK_RAW_CLOSE"} {
		if !strings.Contains(out, want) {
			t.Fatalf("log lacks %q:\n%s", want, out)
		}
	}
	if dump := lwstest.HexdumpText(out); !strings.Contains(dump, "HTTP/1.1 400 Bad Request") {
		t.Fatalf("the server's answer is not in the hexdump:\n%s", out)
	}
}

// A server that hangs up without a word: the example fails, and one that
// is not there fails the connect.
func TestServerThatSaysNothingOrIsAbsent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	if out, err := runAgainst(t, port); err == nil || !strings.Contains(err.Error(), "without answering") {
		t.Fatalf("a silent server: %v\n%s", err, out)
	}
	ln.Close()
	if out, err := runAgainst(t, port); err == nil || !strings.Contains(err.Error(), "unable to connect") {
		t.Fatalf("no server: %v\n%s", err, out)
	}
}
