package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T) *lws.Context {
	t.Helper()
	return lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-ws-server-ring", "--port", "0"}), ready)
	})
}

func dial(t *testing.T, c *lws.Context, readBuf int) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"lws-minimal"}}
	if readBuf > 0 {
		d.NetDial = func(network, addr string) (net.Conn, error) {
			conn, err := net.Dial(network, addr)
			if err == nil {
				_ = conn.(*net.TCPConn).SetReadBuffer(readBuf)
			}
			return conn, err
		}
	}
	ws, _, err := d.Dial("ws://"+c.Vhosts()[0].Addr()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func read(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(b)
}

func TestChatThroughRing(t *testing.T) {
	c := start(t)
	a, b := dial(t, c, 0), dial(t, c, 0)
	time.Sleep(50 * time.Millisecond) // both established before the first message
	// More messages than the ring holds: everyone reads as they go, so
	// nobody lags and nothing is lost.
	for i := 0; i < 20; i++ {
		msg := fmt.Sprintf("message %d", i)
		if err := a.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		for _, ws := range []*websocket.Conn{a, b} {
			if got := read(t, ws); got != msg {
				t.Fatalf("got %q want %q", got, msg)
			}
		}
	}
}

// The slow-reader policy: a client that stops reading holds the oldest tail
// once its socket buffers are full; when the ring fills it is disconnected,
// and the others go on receiving every message in order.
func TestLaggingClientIsCulled(t *testing.T) {
	c := start(t)
	slow := dial(t, c, 4096)
	fast := dial(t, c, 0)
	time.Sleep(50 * time.Millisecond)
	big := strings.Repeat("x", 256<<10) // fills the slow client's buffers fast
	const n = 40
	for i := 0; i < n; i++ {
		msg := fmt.Sprintf("%03d%s", i, big)
		if err := fast.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		if got := read(t, fast); got[:3] != msg[:3] {
			t.Fatalf("fast client got message %s, want %s", got[:3], msg[:3])
		}
	}
	// The slow client now reads: it gets what was in flight, then the close.
	got := 0
	for {
		_ = slow.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, _, err := slow.ReadMessage(); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("slow client was never disconnected (read %d messages)", got)
			}
			break
		}
		got++
	}
	if got >= n {
		t.Fatalf("slow client received all %d messages: it was not culled", got)
	}
}

func TestChromiumChatThroughRing(t *testing.T) {
	c := start(t)
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	url := "http://localhost:" + port + "/"
	b := lwstest.NewBrowser(t)
	one, two := b.NewTab(url), b.NewTab(url)
	for _, tab := range []*lwstest.Tab{one, two} {
		tab.WaitFor("ws connection", func() string { return tab.Text("#status") }, "ws open", 10*time.Second)
	}
	one.Type("#m", "through the ring")
	one.Click("#b")
	two.WaitFor("tab two", func() string { return two.Value("#r") }, "through the ring", 10*time.Second)
}

// Two clients' messages in two parts each, interleaved on the wire: each
// connection's parts are put together on their own, so every client gets
// both messages whole through the ring.
func TestInterleavedFragments(t *testing.T) {
	for _, tc := range []interleaved{
		{name: "one frame in two writes", split: inWrites, early: true},
		{name: "fragments", split: inFrames},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pieces := watchReceive(t, ProtocolLwsMinimal)
			addr := start(t).Vhosts()[0].Addr()
			dial := func() *rawClient { return rawDial(t, addr, "/", "lws-minimal", false) }
			a, b, listener := dial(), dial(), dial()
			exchange(t, tc, pieces, a, b, map[string]*rawClient{"a": a, "b": b, "listener": listener})
		})
	}
}
