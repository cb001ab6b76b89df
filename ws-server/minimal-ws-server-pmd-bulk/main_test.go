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

func start(t *testing.T, args ...string) *lws.Context {
	t.Helper()
	return lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse(append([]string{"pmd-bulk", "--port", "0"}, args...)), ready)
	})
}

// verified asks the loop how many messages the server checked intact.
func verified(c *lws.Context) int {
	got := make(chan int, 1)
	c.Do(func() { got <- c.Vhosts()[0].ProtocolData(ProtocolPmdBulk).(*pmdVhd).verified })
	return <-got
}

// Both directions byte for byte: the client checks what the server sent,
// sends it back, and the server checks it; with and without deflate, text
// and random bytes, fragments and one blob.
func TestBulkBothWays(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		compress bool
	}{
		{"random, deflate", nil, true},
		{"random, no deflate", []string{"-n"}, false},
		{"text, deflate", []string{"-c"}, true},
		{"text, one blob, deflate", []string{"-c", "-b"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := start(t, tc.args...)
			d := websocket.Dialer{Subprotocols: []string{"lws-minimal-pmd-bulk"}, EnableCompression: true}
			ws, resp, err := d.Dial("ws://"+c.Vhosts()[0].Addr()+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			if ext := resp.Header.Get("Sec-Websocket-Extensions"); (ext != "") != tc.compress {
				t.Fatalf("extensions %q with compress=%v", ext, tc.compress)
			}
			_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
			mt, msg, err := ws.ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			want := newBulkStream(len(tc.args) > 0 && tc.args[0] == "-c")
			if mt != websocket.BinaryMessage || len(msg) != messageSize || !want.check(msg) {
				t.Fatalf("received type %d, %d bytes, content ok=%v", mt, len(msg), want.done())
			}
			if err := ws.WriteMessage(websocket.BinaryMessage, msg); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for verified(c) == 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if verified(c) != 1 {
				t.Fatal("the server did not verify the message coming back")
			}
		})
	}
}

// A corrupted echo is caught: the server closes the connection.
func TestCorruptEchoRefused(t *testing.T) {
	c := start(t)
	d := websocket.Dialer{Subprotocols: []string{"lws-minimal-pmd-bulk"}}
	ws, _, err := d.Dial("ws://"+c.Vhosts()[0].Addr()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, msg, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	msg[70000] ^= 1
	_ = ws.WriteMessage(websocket.BinaryMessage, msg)
	if _, _, err := ws.ReadMessage(); err == nil {
		t.Fatal("connection still open after a corrupted echo")
	}
	if verified(c) != 0 {
		t.Fatal("corrupted message counted as verified")
	}
}

func TestChromiumEchoes(t *testing.T) {
	c := start(t)
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	tab := lwstest.NewBrowser(t).NewTab("http://localhost:" + port + "/")
	tab.WaitFor("extensions", func() string { return tab.Text("#ext") }, "permessage-deflate", 10*time.Second)
	tab.WaitFor("message", func() string { return tab.Text("#log") }, "received 133700 bytes", 10*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for verified(c) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if verified(c) != 1 {
		t.Fatal("the browser's echo was not verified")
	}
}
