package main

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T, timing map[string]string, args ...string) *lws.Context {
	t.Helper()
	return lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse(append([]string{"lws-minimal-ws-server-timer", "--port", "0"}, args...)), timing, ready)
	})
}

// openFor reports how long an idle connection stayed open, up to limit.
func openFor(t *testing.T, c *lws.Context, limit time.Duration) time.Duration {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"timer"}}
	ws, _, err := d.Dial("ws://"+c.Vhosts()[0].Addr()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	begin := time.Now()
	_ = ws.SetReadDeadline(begin.Add(limit))
	_, _, err = ws.ReadMessage() // the server sends nothing: this ends at close or deadline
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return limit
	}
	return time.Since(begin)
}

// The timer keeps pushing the timeout back: an idle connection outlives
// its 1 s timeout many times over.
func TestTimerKeepsConnectionAlive(t *testing.T) {
	c := start(t, map[string]string{"interval-ms": "200", "timeout-secs": "1"})
	if d := openFor(t, c, 3*time.Second); d < 3*time.Second {
		t.Fatalf("closed after %v although the timer re-arms the 1 s timeout every 200 ms", d)
	}
}

// Without a timer firing in time, the timeout closes the connection.
func TestTimeoutClosesWhenTimerIsLate(t *testing.T) {
	c := start(t, map[string]string{"interval-ms": "5000", "timeout-secs": "1"})
	if d := openFor(t, c, 4*time.Second); d >= 4*time.Second {
		t.Fatal("connection outlived its 1 s timeout")
	}
}

func TestChromiumOverTLS(t *testing.T) {
	c := start(t, nil, "-s")
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	tab := lwstest.NewBrowser(t).NewTab("https://localhost:" + port + "/")
	tab.WaitFor("wss connection", func() string { return tab.Text("#status") }, "ws open", 10*time.Second)
}
