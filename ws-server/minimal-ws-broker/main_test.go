package main

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T) *lws.Context {
	t.Helper()
	return lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-ws-broker", "--port", "0"}), ready)
	})
}

func dial(t *testing.T, c *lws.Context, path string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"lws-minimal-broker"}}
	ws, _, err := d.Dial("ws://"+c.Vhosts()[0].Addr()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func TestPublishReachesSubscribersOnly(t *testing.T) {
	c := start(t)
	pub := dial(t, c, "/publisher")
	// Published with nobody subscribed: dropped, never seen later.
	if err := pub.WriteMessage(websocket.TextMessage, []byte("into the void")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	s1, s2 := dial(t, c, "/"), dial(t, c, "/")
	time.Sleep(50 * time.Millisecond)
	for i := 0; i < 20; i++ {
		msg := fmt.Sprintf("tid: 0, msg: %d", i)
		if err := pub.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		for _, s := range []*websocket.Conn{s1, s2} {
			_ = s.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, got, err := s.ReadMessage()
			if err != nil || string(got) != msg {
				t.Fatalf("subscriber got %q, %v; want %q", got, err, msg)
			}
		}
	}
	// The publisher itself receives nothing.
	_ = pub.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, got, err := pub.ReadMessage(); err == nil {
		t.Fatalf("publisher received %q", got)
	}
}

func TestChromiumPublishAndSubscribe(t *testing.T) {
	c := start(t)
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	tab := lwstest.NewBrowser(t).NewTab("http://localhost:" + port + "/")
	tab.WaitFor("both sockets", func() string { return tab.Text("#status") }, "ws open", 10*time.Second)
	// An outside publisher and the page's own publisher both reach the page.
	pub := dial(t, c, "/publisher")
	if err := pub.WriteMessage(websocket.TextMessage, []byte("from outside")); err != nil {
		t.Fatal(err)
	}
	tab.WaitFor("subscriber", func() string { return tab.Value("#r") }, "from outside", 10*time.Second)
	tab.Type("#m", "from the page")
	tab.Click("#b")
	tab.WaitFor("subscriber", func() string { return tab.Value("#r") }, "from the page", 10*time.Second)
}

// Two publishers' messages in two parts each, interleaved on the wire:
// each publisher's parts are put together on their own, so subscribers get
// both messages whole.
func TestInterleavedFragments(t *testing.T) {
	for _, tc := range []interleaved{
		{name: "one frame in two writes", split: inWrites, early: true},
		{name: "fragments", split: inFrames},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pieces := watchReceive(t, ProtocolLwsMinimalBroker)
			addr := start(t).Vhosts()[0].Addr()
			dial := func(path string) *rawClient { return rawDial(t, addr, path, "lws-minimal-broker", false) }
			s1, s2 := dial("/"), dial("/")
			a, b := dial("/publisher"), dial("/publisher")
			exchange(t, tc, pieces, a, b, map[string]*rawClient{"subscriber 1": s1, "subscriber 2": s2})
		})
	}
}
