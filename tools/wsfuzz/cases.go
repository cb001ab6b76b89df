package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// message is one message a case sends, whose echo must come back with the
// same type and bytes.
type message struct {
	typ  int
	data []byte
}

// fuzzCase is one test case: messages sent through a connection whose
// write buffer (so the size of the fragments a long message is cut into)
// is bufSize. All is sent before the echoes are read, so the peer has
// several messages in flight at once.
type fuzzCase struct {
	name    string
	bufSize int
	msgs    []message
	ping    []byte // a ping sent first, whose pong must carry it back
}

func text(s string) message { return message{websocket.TextMessage, []byte(s)} }

// cases are the cases, numbered from 1 as Autobahn numbers its own.
var cases = func() []fuzzCase {
	var many []message
	for i := range 100 {
		many = append(many, text(fmt.Sprintf("message %d", i)))
	}
	big := make([]byte, 300*1024)
	for i := range big {
		big[i] = byte(i * 7)
	}
	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(i)
	}
	return []fuzzCase{
		{name: "text", bufSize: 4096, msgs: []message{text("Hello from lws-go's wsfuzz")}},
		{name: "binary, every byte value", bufSize: 4096, msgs: []message{{websocket.BinaryMessage, binary}}},
		{name: "empty text", bufSize: 4096, msgs: []message{text("")}},
		{name: "text in 64-byte fragments", bufSize: 64, msgs: []message{text(strings.Repeat("fragmented ", 30))}},
		{name: "300 KB binary in 4 KB fragments", bufSize: 4096, msgs: []message{{websocket.BinaryMessage, big}}},
		{name: "64 KB of multi-byte UTF-8", bufSize: 1000, msgs: []message{text(strings.Repeat("ünïcödé € 𝄞 ", 64*1024/20))}},
		{name: "ping, then text", bufSize: 4096, ping: []byte("wsfuzz ping"), msgs: []message{text("after the ping")}},
		{name: "100 messages back to back", bufSize: 4096, msgs: many},
	}
}()

// play runs c on ws: it sends, then checks every echo, then closes
// normally.
func (c fuzzCase) play(ws *websocket.Conn) error {
	deadline := time.Now().Add(10 * time.Second)
	_ = ws.SetReadDeadline(deadline)
	pong := make(chan []byte, 1)
	if c.ping != nil {
		ws.SetPongHandler(func(data string) error {
			select {
			case pong <- []byte(data):
			default:
			}
			return nil
		})
		if err := ws.WriteControl(websocket.PingMessage, c.ping, deadline); err != nil {
			return fmt.Errorf("ping: %w", err)
		}
	}
	sent := make(chan error, 1)
	go func() {
		for _, m := range c.msgs {
			w, err := ws.NextWriter(m.typ)
			if err == nil {
				_, err = w.Write(m.data)
			}
			if err == nil {
				err = w.Close()
			}
			if err != nil {
				sent <- fmt.Errorf("send: %w", err)
				return
			}
		}
		sent <- nil
	}()
	for i, m := range c.msgs {
		typ, got, err := ws.ReadMessage()
		if err != nil {
			<-sent
			return fmt.Errorf("echo %d of %d: %w", i+1, len(c.msgs), err)
		}
		if typ != m.typ || !bytes.Equal(got, m.data) {
			<-sent
			return fmt.Errorf("echo %d of %d differs: type %d, %d bytes; sent type %d, %d bytes", i+1, len(c.msgs), typ, len(got), m.typ, len(m.data))
		}
	}
	if err := <-sent; err != nil {
		return err
	}
	// The closing handshake: the peer answers the close, and any pong
	// still on its way arrives before that answer.
	if err := ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), deadline); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if _, _, err := ws.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		return fmt.Errorf("closing handshake: %v", err)
	}
	if c.ping != nil {
		select {
		case p := <-pong:
			if !bytes.Equal(p, c.ping) {
				return fmt.Errorf("pong carried %q, want %q", p, c.ping)
			}
		default:
			return errors.New("no pong")
		}
	}
	return nil
}
