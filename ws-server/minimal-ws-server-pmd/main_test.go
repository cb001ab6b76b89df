package main

import (
	"context"
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
		return run(ctx, switches.MustParse([]string{"lws-minimal-ws-server-pmd", "--port", "0"}), ready)
	})
}

// Deflate is negotiated and a long, compressible message goes round.
func TestChatCompressed(t *testing.T) {
	c := start(t)
	d := websocket.Dialer{Subprotocols: []string{"lws-minimal"}, EnableCompression: true}
	a, resp, err := d.Dial("ws://"+c.Vhosts()[0].Addr()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if ext := resp.Header.Get("Sec-Websocket-Extensions"); !strings.Contains(ext, "permessage-deflate") {
		t.Fatalf("extensions %q", ext)
	}
	msg := strings.Repeat("compress me please ", 500)
	if err := a.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	_ = a.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, got, err := a.ReadMessage(); err != nil || string(got) != msg {
		t.Fatalf("got %d bytes, %v", len(got), err)
	}
}

func TestChromiumNegotiatesDeflate(t *testing.T) {
	c := start(t)
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	url := "http://localhost:" + port + "/"
	b := lwstest.NewBrowser(t)
	one, two := b.NewTab(url), b.NewTab(url)
	for _, tab := range []*lwstest.Tab{one, two} {
		tab.WaitFor("ws", func() string { return tab.Text("#status") }, "ws open", 10*time.Second)
	}
	one.Type("#m", "deflated hello")
	one.Click("#b")
	two.WaitFor("tab two", func() string { return two.Value("#r") }, "deflated hello", 10*time.Second)
}

// Two clients' messages in two parts each, interleaved on the wire: each
// connection's parts are put together on their own, so every client gets
// both messages whole.
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
