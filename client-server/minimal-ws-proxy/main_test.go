package main

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
	"github.com/lws-go/lws-go/lws/plugins"
)

// upstream runs a dumb-increment-protocol server and returns its address.
func upstream(t *testing.T) string {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Interface: "127.0.0.1", Protocols: []*lws.Protocol{plugins.DumbIncrement}}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	return c.Vhosts()[0].Addr()
}

func proxy(t *testing.T, up string) *lws.Context {
	t.Helper()
	return lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"proxy", "--port", "0", "--upstream", up}), ready)
	})
}

// Two browsers-by-proxy both receive the upstream counter, in order.
func TestProxyPassesCounterToEveryClient(t *testing.T) {
	p := proxy(t, upstream(t))
	d := websocket.Dialer{Subprotocols: []string{"lws-minimal-proxy"}}
	var clients []*websocket.Conn
	for i := 0; i < 2; i++ {
		ws, _, err := d.Dial("ws://"+p.Vhosts()[0].Addr()+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		clients = append(clients, ws)
	}
	for _, ws := range clients {
		last := -1
		for i := 0; i < 5; i++ {
			_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, b, err := ws.ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			n, err := strconv.Atoi(string(b))
			if err != nil || n <= last {
				t.Fatalf("got %q after %d", b, last)
			}
			last = n
		}
	}
}

// Upstream not there at first: the proxy retries every second and gets
// going once it appears.
func TestProxyRetriesUpstream(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := proxy(t, addr)
	time.Sleep(1500 * time.Millisecond) // at least one failed attempt
	_, port, _ := net.SplitHostPort(addr)
	portNum, _ := strconv.Atoi(port)
	lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Interface: "127.0.0.1", Port: portNum, Protocols: []*lws.Protocol{plugins.DumbIncrement}}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	d := websocket.Dialer{Subprotocols: []string{"lws-minimal-proxy"}}
	ws, _, err := d.Dial("ws://"+p.Vhosts()[0].Addr()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, _, err := ws.ReadMessage(); err != nil {
		t.Fatalf("no counter after upstream appeared: %v", err)
	}
}

func TestChromiumShowsCounter(t *testing.T) {
	p := proxy(t, upstream(t))
	_, port, _ := net.SplitHostPort(p.Vhosts()[0].Addr())
	tab := lwstest.NewBrowser(t).NewTab("http://localhost:" + port + "/")
	tab.WaitFor("ws", func() string { return tab.Text("#status") }, "ws open", 10*time.Second)
	tab.WaitFor("counter", func() string { return tab.Value("#r") }, "\n", 10*time.Second)
}
