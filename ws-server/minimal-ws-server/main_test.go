package main

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// start runs the example with args on a free port until the test ends.
func start(t *testing.T, args ...string) *lws.Context {
	t.Helper()
	return lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse(append([]string{"lws-minimal-ws-server", "--port", "0"}, args...)), ready)
	})
}

func dial(t *testing.T, url string, d *websocket.Dialer) *websocket.Conn {
	t.Helper()
	ws, _, err := d.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func TestChatBetweenTwoClients(t *testing.T) {
	c := start(t)
	url := "ws://" + c.Vhosts()[0].Addr() + "/"
	d := &websocket.Dialer{Subprotocols: []string{"lws-minimal"}}
	a, b := dial(t, url, d), dial(t, url, d)
	// A message longer than the protocol's 128-byte rx buffer arrives in
	// pieces and must still be broadcast whole.
	long := strings.Repeat("0123456789", 30)
	for _, msg := range []string{"hello from a", long} {
		if err := a.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		for name, ws := range map[string]*websocket.Conn{"a": a, "b": b} {
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, got, err := ws.ReadMessage()
			if err != nil || string(got) != msg {
				t.Fatalf("%s got %q, %v; want %q", name, got, err, msg)
			}
		}
	}
}

func TestTLSAndStrictHost(t *testing.T) {
	c := start(t, "-s", "-h")
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	d := &websocket.Dialer{Subprotocols: []string{"lws-minimal"}, TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	// Host: localhost:<port> names the vhost: accepted.
	dial(t, "wss://localhost:"+port+"/", d)
	// Host: 127.0.0.1:<port> does not: the strict host check refuses it.
	if _, resp, err := d.Dial("wss://127.0.0.1:"+port+"/", nil); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("strict host check let 127.0.0.1 in (err %v)", err)
	}
}

// curl is the peer users meet first: it must see the page, lws's security
// headers, a 404 for a missing file and a refusal for path traversal.
func TestCurl(t *testing.T) {
	c := start(t)
	base := "http://" + c.Vhosts()[0].Addr()
	r := lwstest.Curl(t, base+"/")
	if r.Status != 200 || !strings.Contains(r.Body, "lws-go minimal ws server") || r.Header.Get("Content-Type") != "text/html" {
		t.Fatalf("GET /: %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'",
		"X-Frame-Options":         "deny",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	} {
		if !strings.HasPrefix(r.Header.Get(h), want) {
			t.Errorf("%s: %q, want %q", h, r.Header.Get(h), want)
		}
	}
	if r := lwstest.Curl(t, base+"/nope.html"); r.Status != 404 {
		t.Errorf("missing file: %d", r.Status)
	}
	for _, p := range []string{"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd"} {
		if r := lwstest.Curl(t, "--path-as-is", base+p); r.Status != 403 || strings.Contains(r.Body, "root:") {
			t.Errorf("%s: %d %q", p, r.Status, r.Body)
		}
	}
}

// The page in a real browser, twice: text sent from one tab appears in
// both, through the page's own example.js and the lws-minimal protocol.
func TestChromiumChat(t *testing.T) {
	c := start(t)
	url := "http://localhost:" + c.Vhosts()[0].Addr()[strings.LastIndex(c.Vhosts()[0].Addr(), ":")+1:] + "/"
	b := lwstest.NewBrowser(t)
	one, two := b.NewTab(url), b.NewTab(url)
	for _, tab := range []*lwstest.Tab{one, two} {
		tab.WaitFor("ws connection", func() string { return tab.Text("#status") }, "ws open", 10*time.Second)
	}
	one.Type("#m", "typed in tab one")
	one.Click("#b")
	two.WaitFor("tab two", func() string { return two.Value("#r") }, "typed in tab one", 10*time.Second)
	one.WaitFor("tab one", func() string { return one.Value("#r") }, "typed in tab one", 10*time.Second)
}

// Two clients' messages in two parts each, interleaved on the wire: each
// connection's parts are put together on their own, so every client gets
// both messages whole (the chat collected them per vhost once, and a
// message became one client's start with the other's end).
func TestInterleavedFragments(t *testing.T) {
	for _, tc := range []struct {
		interleaved
		tls bool
	}{
		{interleaved{name: "fragments over wss", split: inFrames, early: true}, true},
		{interleaved{name: "one frame in two writes", split: inWrites, early: true}, false},
		{interleaved{name: "fragments over ws", split: inFrames}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pieces := watchReceive(t, ProtocolLwsMinimal)
			var args []string
			if tc.tls {
				args = append(args, "-s")
			}
			addr := start(t, args...).Vhosts()[0].Addr()
			dial := func() *rawClient { return rawDial(t, addr, "/", "lws-minimal", tc.tls) }
			a, b, listener := dial(), dial(), dial()
			exchange(t, tc.interleaved, pieces, a, b, map[string]*rawClient{"a": a, "b": b, "listener": listener})
		})
	}
}
