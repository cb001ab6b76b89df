package lws

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
)

// echoProto echoes each message from its writeable callback, the way
// minimal-ws-server-echo does (without the ring).
func echoProto() *Protocol {
	type pss struct{ msgs [][]byte }
	return &Protocol{Name: "echo", NewSession: func() any { return &pss{} }, Callback: func(c *Conn, reason Reason, user any, in []byte) error {
		p, _ := user.(*pss)
		switch reason {
		case ReasonReceive:
			p.msgs = append(p.msgs, append([]byte(nil), in...))
			c.CallbackOnWritable()
		case ReasonServerWriteable:
			if len(p.msgs) == 0 {
				return nil
			}
			if _, err := c.Write(p.msgs[0], WriteBinary); err != nil {
				return err
			}
			p.msgs = p.msgs[1:]
			if len(p.msgs) > 0 {
				c.CallbackOnWritable()
			}
		}
		return nil
	}}
}

// BenchmarkEcho64 measures request/response echoes of 64 bytes over 50
// connections through the loop, clients in the same process. wsbench is the
// side-by-side figure; this one is for profiling the core.
func BenchmarkEcho64(b *testing.B) {
	c, err := NewContext(ContextInfo{Logger: slog.New(slog.DiscardHandler), VhostInfo: VhostInfo{Interface: "127.0.0.1", Protocols: []*Protocol{echoProto()}}})
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = c.Run(b.Context()); close(done) }()
	defer func() { c.Destroy(); <-done }()
	const conns = 50
	clients := make([]*websocket.Conn, conns)
	for i := range clients {
		ws, _, err := websocket.DefaultDialer.Dial("ws://"+c.Vhosts()[0].Addr()+"/", nil)
		if err != nil {
			b.Fatal(err)
		}
		defer ws.Close()
		clients[i] = ws
	}
	msg := bytes.Repeat([]byte("x"), 64)
	b.ResetTimer()
	var wg sync.WaitGroup
	per := b.N/conns + 1
	for _, ws := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				if err := ws.WriteMessage(websocket.BinaryMessage, msg); err != nil {
					b.Error(err)
					return
				}
				if _, _, err := ws.ReadMessage(); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
