//go:build unix

package plugins

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// proxy runs a raw-only vhost with raw-proxy relaying to onward.
func proxy(t *testing.T, onward string) string {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{
			Interface: "127.0.0.1",
			Protocols: []*lws.Protocol{RawProxy},
			Options:   lws.OptionOnlyRaw,
			PVO:       lws.PVO{"raw-proxy": {"onward": "ipv4:" + onward}},
		}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	return c.Vhosts()[0].Addr()
}

// listen serves each accepted connection with fn.
func listen(t *testing.T, fn func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go fn(c)
		}
	}()
	return ln.Addr().String()
}

// 4 MB each way through the proxy arrive unchanged.
func TestRawProxyRelaysBothWays(t *testing.T) {
	onward := listen(t, func(c net.Conn) { defer c.Close(); _, _ = io.Copy(c, c) })
	conn, err := net.Dial("tcp", proxy(t, onward))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	data := make([]byte, 4<<20)
	_, _ = rand.Read(data)
	go func() { _, _ = conn.Write(data) }()
	got := make([]byte, len(data))
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.ReadFull(conn, got); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("echo through the proxy: %v (equal %v)", err, bytes.Equal(got, data))
	}
}

// The onward side refusing the connect closes the accepted one.
func TestRawProxyOnwardRefuses(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	conn, err := net.Dial("tcp", proxy(t, dead))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := conn.Read(make([]byte, 16)); err != io.EOF {
		t.Fatalf("read %d bytes, %v: want the connection closed", n, err)
	}
}

// The onward side vanishing mid-transfer: what it sent still arrives,
// then the accepted connection closes.
func TestRawProxyOnwardVanishes(t *testing.T) {
	onward := listen(t, func(c net.Conn) {
		buf := make([]byte, 10)
		_, _ = io.ReadFull(c, buf)
		_, _ = c.Write([]byte("last words"))
		c.Close()
	})
	conn, err := net.Dial("tcp", proxy(t, onward))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go func() { _, _ = conn.Write(bytes.Repeat([]byte("x"), 1<<20)) }()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(conn)
	if string(got) != "last words" {
		t.Fatalf("got %q, %v", got, err)
	}
}

// A client that never reads while the onward side sends without end:
// the proxy stops reading the onward side, so what the onward side
// manages to write stays bounded (socket buffers plus the proxy's
// queue), not the whole stream.
func TestRawProxyPeerThatNeverReads(t *testing.T) {
	var written atomic.Int64
	onward := listen(t, func(c net.Conn) {
		defer c.Close()
		chunk := make([]byte, 64<<10)
		for {
			_ = c.SetWriteDeadline(time.Now().Add(2 * time.Second))
			n, err := c.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	conn, err := net.Dial("tcp", proxy(t, onward))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Wait for the writer to stall.
	var last int64 = -1
	for i := 0; i < 100; i++ {
		time.Sleep(100 * time.Millisecond)
		w := written.Load()
		if w == last && w > 0 {
			break
		}
		last = w
	}
	if w := written.Load(); w > 64<<20 {
		t.Fatalf("the onward side wrote %d MB to a client that reads nothing", w>>20)
	}
	t.Logf("the onward side stalled after %d KB", written.Load()>>10)
}
