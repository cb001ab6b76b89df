package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T, args ...string) *lws.Context {
	t.Helper()
	return lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse(append([]string{"lws-minimal-ws-server-echo", "-p", "0"}, args...)), ready)
	})
}

func dial(t *testing.T, c *lws.Context, compress bool) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{EnableCompression: compress}
	// No subprotocol named: the first protocol in the table answers.
	ws, resp, err := d.Dial("ws://"+c.Vhosts()[0].Addr()+"/", nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { ws.Close() })
	if got := resp.Header.Get("Sec-Websocket-Extensions"); compress && got == "" {
		t.Fatal("permessage-deflate not negotiated")
	}
	return ws
}

func echo(t *testing.T, ws *websocket.Conn, mt int, msg []byte) {
	t.Helper()
	if err := ws.WriteMessage(mt, msg); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	gotType, got, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if gotType != mt || !bytes.Equal(got, msg) {
		t.Fatalf("echo of %d bytes (type %d) came back as %d bytes (type %d)", len(msg), mt, len(got), gotType)
	}
}

func TestEchoKeepsTypeAndContent(t *testing.T) {
	for _, compress := range []bool{false, true} {
		c := start(t)
		ws := dial(t, c, compress)
		echo(t, ws, websocket.TextMessage, []byte("hello"))
		echo(t, ws, websocket.BinaryMessage, []byte{0, 1, 2, 255})
		echo(t, ws, websocket.TextMessage, []byte{})
		// Bigger than the 1024-byte rx pieces: comes back whole.
		big := bytes.Repeat([]byte("0123456789abcdef"), 20000)
		echo(t, ws, websocket.BinaryMessage, big)
	}
}

// A fragmented message: the client sends it in explicit frames.
func TestEchoFragmentedMessage(t *testing.T) {
	c := start(t)
	ws := dial(t, c, false)
	w, err := ws.NextWriter(websocket.TextMessage)
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for i := 0; i < 5; i++ {
		part := bytes.Repeat([]byte{'a' + byte(i)}, 3000)
		want = append(want, part...)
		if _, err := w.Write(part); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, got, err := ws.ReadMessage()
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("got %d bytes, %v", len(got), err)
	}
}

// A client that sends far more than it reads: flow control pauses reading
// instead of dropping, and everything comes back in order.
func TestFlowControlLosesNothing(t *testing.T) {
	c := start(t, "-n")
	ws := dial(t, c, false)
	const n = 3000
	errc := make(chan error, 1)
	go func() {
		for i := 0; i < n; i++ {
			msg := bytes.Repeat([]byte{byte(i)}, 2000)
			if err := ws.WriteMessage(websocket.BinaryMessage, msg); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	time.Sleep(200 * time.Millisecond) // let the server fill up first
	for i := 0; i < n; i++ {
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, got, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if len(got) != 2000 || got[0] != byte(i) {
			t.Fatalf("message %d out of order or cut: len %d first %d", i, len(got), got[0])
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// -o: one connection, then exit; success only if a whole message went back.
func TestOnceMode(t *testing.T) {
	for _, tc := range []struct {
		name string
		send bool
		want error
	}{{"echoed", true, nil}, {"nothing echoed", false, errEchoFailed}} {
		t.Run(tc.name, func(t *testing.T) {
			ready := make(chan *lws.Context, 1)
			done := make(chan error, 1)
			go func() {
				done <- run(context.Background(), switches.MustParse([]string{"x", "-p", "0", "-o"}), func(c *lws.Context) { ready <- c })
			}()
			c := <-ready
			ws, _, err := websocket.DefaultDialer.Dial("ws://"+c.Vhosts()[0].Addr()+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.send {
				echo(t, ws, websocket.TextMessage, []byte("once"))
			}
			_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
			ws.Close()
			select {
			case err := <-done:
				if !errors.Is(err, tc.want) {
					t.Fatalf("run returned %v, want %v", err, tc.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("-o did not exit after the connection closed")
			}
		})
	}
}

// Plain HTTP to an echo-only server is refused: there is no http protocol
// and no mount.
func TestPlainHTTPRefused(t *testing.T) {
	c := start(t)
	resp, err := http.Get("http://" + c.Vhosts()[0].Addr() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d", resp.StatusCode)
	}
}
