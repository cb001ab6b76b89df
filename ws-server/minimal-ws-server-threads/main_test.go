package main

import (
	"context"
	"net"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
	"go.uber.org/goleak"
)

func start(t *testing.T) *lws.Context {
	t.Helper()
	return lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-ws-server-threads", "--port", "0"}), ready)
	})
}

var line = regexp.MustCompile(`^myconfig: tid: ([01]), msg: (\d+)$`)

// Each producer's messages arrive in order, from both producers, at every
// client.
func TestProducersReachEveryClient(t *testing.T) {
	c := start(t)
	d := websocket.Dialer{Subprotocols: []string{"lws-minimal"}}
	var clients []*websocket.Conn
	for i := 0; i < 2; i++ {
		ws, _, err := d.Dial("ws://"+c.Vhosts()[0].Addr()+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		clients = append(clients, ws)
	}
	for _, ws := range clients {
		next := map[string]int{}
		seen := map[string]bool{}
		for i := 0; i < 20; i++ {
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, b, err := ws.ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			m := line.FindStringSubmatch(string(b))
			if m == nil {
				t.Fatalf("unexpected line %q", b)
			}
			n, _ := strconv.Atoi(m[2])
			if _, ok := next[m[1]]; ok && n < next[m[1]] {
				t.Fatalf("tid %s went back from %d to %d", m[1], next[m[1]], n)
			}
			next[m[1]] = n + 1
			seen[m[1]] = true
		}
		if !seen["0"] || !seen["1"] {
			t.Fatalf("not both producers seen: %v", seen)
		}
	}
}

// The producer goroutines end with the vhost.
func TestProducersStopWithContext(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, switches.MustParse([]string{"x", "--port", "0"}), nil) }()
	time.Sleep(300 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestChromiumShowsProducers(t *testing.T) {
	c := start(t)
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	tab := lwstest.NewBrowser(t).NewTab("http://localhost:" + port + "/")
	tab.WaitFor("tid 0", func() string { return tab.Value("#r") }, "myconfig: tid: 0", 10*time.Second)
	tab.WaitFor("tid 1", func() string { return tab.Value("#r") }, "myconfig: tid: 1", 10*time.Second)
}
