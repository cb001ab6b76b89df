package plugins

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func serve(t *testing.T) string {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{
			Interface: "127.0.0.1",
			Protocols: []*lws.Protocol{{Name: "http", Callback: lws.HTTPDummy}, DumbIncrement, Mirror, PostDemo},
			Mounts:    []lws.Mount{{Mountpoint: "/formtest", OriginProtocol: lws.OriginCallback, Protocol: PostDemo.Name}},
		}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	return "ws://" + c.Vhosts()[0].Addr()
}

func dial(t *testing.T, url, proto string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{proto}}
	ws, _, err := d.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func readNumber(t *testing.T, ws *websocket.Conn) int {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatalf("not a number: %q", b)
	}
	return n
}

func TestDumbIncrement(t *testing.T) {
	ws := dial(t, serve(t)+"/", "dumb-increment-protocol")
	for want := 0; want < 5; want++ {
		if got := readNumber(t, ws); got != want {
			t.Fatalf("got %d want %d", got, want)
		}
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte("reset\n")); err != nil {
		t.Fatal(err)
	}
	// After the reset the count starts again from 0 (a number or two in
	// flight may still arrive first).
	for i := 0; ; i++ {
		if readNumber(t, ws) == 0 {
			break
		}
		if i > 3 {
			t.Fatal("reset did not zero the counter")
		}
	}
	_ = ws.WriteMessage(websocket.TextMessage, []byte("closeme\n"))
	for {
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, err := ws.ReadMessage()
		if err == nil {
			continue
		}
		if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
			t.Fatalf("closeme ended with %v, want close 1001", err)
		}
		if ce := err.(*websocket.CloseError); ce.Text != "seeya" {
			t.Fatalf("close text %q", ce.Text)
		}
		return
	}
}

func TestMirrorInstances(t *testing.T) {
	base := serve(t)
	a1 := dial(t, base+"/?mirror=a", "lws-mirror-protocol")
	a2 := dial(t, base+"/?mirror=a", "lws-mirror-protocol")
	b1 := dial(t, base+"/?mirror=b", "lws-mirror-protocol")
	time.Sleep(50 * time.Millisecond)
	if err := a1.WriteMessage(websocket.TextMessage, []byte("d #001122 1 2 3 4;")); err != nil {
		t.Fatal(err)
	}
	for name, ws := range map[string]*websocket.Conn{"a1": a1, "a2": a2} {
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, b, err := ws.ReadMessage(); err != nil || string(b) != "d #001122 1 2 3 4;" {
			t.Fatalf("%s got %q, %v", name, b, err)
		}
	}
	_ = b1.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, b, err := b1.ReadMessage(); err == nil {
		t.Fatalf("instance b received %q from instance a", b)
	}
}

func TestStatusListsClients(t *testing.T) {
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Interface: "127.0.0.1", Protocols: []*lws.Protocol{Status}}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	url := "ws://" + c.Vhosts()[0].Addr() + "/"
	readReport := func(ws *websocket.Conn) statusReport {
		t.Helper()
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		var r statusReport
		if err := ws.ReadJSON(&r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	d := websocket.Dialer{Subprotocols: []string{"lws-status"}}
	a, _, err := d.Dial(url, http.Header{"User-Agent": {"agent \"A\""}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if r := readReport(a); len(r.Conns) != 1 || r.Conns[0].UA != `agent "A"` {
		t.Fatalf("first report %+v", r)
	}
	b, _, err := d.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := readReport(a); len(r.Conns) != 2 || r.WSI != "2" {
		t.Fatalf("after b joined: %+v", r)
	}
	b.Close()
	for {
		if r := readReport(a); len(r.Conns) == 1 {
			break // b's leaving was reported
		}
	}
}
