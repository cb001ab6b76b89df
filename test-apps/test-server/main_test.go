package main

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T, args ...string) string {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse(append([]string{"test-server", "--port", "0"}, args...)), ready)
	})
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	return port
}

func TestPageAndProtocolsOverTLS(t *testing.T) {
	port := start(t, "-s")
	r := lwstest.Curl(t, "-k", "https://localhost:"+port+"/")
	if r.Status != 200 || !strings.Contains(r.Body, "dumb-increment-protocol") {
		t.Fatalf("page: %d", r.Status)
	}
	// The header minimal-http-client-custom-headers looks for.
	if got := r.Header.Get("Test-Custom-Header"); got != "hello" {
		t.Fatalf("test-custom-header %q", got)
	}
	d := websocket.Dialer{Subprotocols: []string{"dumb-increment-protocol"}, TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	ws, _, err := d.Dial("wss://localhost:"+port+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, b, err := ws.ReadMessage(); err != nil || string(b) != "0" {
		t.Fatalf("first number %q, %v", b, err)
	}
}

func TestChromiumCounterAndMirror(t *testing.T) {
	port := start(t)
	b := lwstest.NewBrowser(t)
	one, two := b.NewTab("http://localhost:"+port+"/"), b.NewTab("http://localhost:"+port+"/")
	for _, tab := range []*lwstest.Tab{one, two} {
		tab.WaitFor("mirror socket", func() string { return tab.Text("#mirror-status") }, "ws open", 10*time.Second)
	}
	// The counter runs.
	one.WaitFor("counter", func() string { return one.Text("#number") }, "1", 10*time.Second)
	one.Type("#m", "mirrored line")
	one.Click("#send")
	two.WaitFor("mirror", func() string { return two.Text("#mirrored") }, "mirrored line", 10*time.Second)
	two.WaitFor("lws-status", func() string { return two.Text("#status-count") }, "2", 10*time.Second)
}
