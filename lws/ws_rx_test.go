package lws

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// These tests drive the receive path with hand-made frames split in every
// way a network can split them; a plain ws server connection is parsed on
// the loop (ws_fast.go), so each case checks that what a protocol sees does
// not depend on how the bytes arrived.

// rxMsg is a message reassembled from ReasonReceive pieces.
type rxMsg struct {
	data   []byte
	binary bool
	pieces int
}

// rxRecorder reassembles messages from pieces, checking the first/final
// flags as it goes, and echoes each whole message back when echo is set.
func rxRecorder(size int, echo bool, msgs chan<- rxMsg, bad chan<- string) *Protocol {
	type pss struct {
		cur   *rxMsg
		queue []rxMsg
	}
	return &Protocol{
		Name:         "rx",
		RxBufferSize: size,
		NewSession:   func() any { return &pss{} },
		Callback: func(c *Conn, reason Reason, user any, in []byte) error {
			p, _ := user.(*pss)
			switch reason {
			case ReasonReceive:
				if len(in) > size {
					bad <- fmt.Sprintf("piece of %d bytes, rx buffer is %d", len(in), size)
				}
				if c.IsFirstFragment() != (p.cur == nil) {
					bad <- fmt.Sprintf("first flag %v with a message open: %v", c.IsFirstFragment(), p.cur != nil)
				}
				if p.cur == nil {
					p.cur = &rxMsg{binary: c.FrameIsBinary()}
				}
				p.cur.data = append(p.cur.data, in...)
				p.cur.pieces++
				if c.IsFinalFragment() {
					msgs <- *p.cur
					if echo {
						p.queue = append(p.queue, *p.cur)
						c.CallbackOnWritable()
					}
					p.cur = nil
				}
			case ReasonServerWriteable:
				if len(p.queue) == 0 {
					return nil
				}
				m := p.queue[0]
				p.queue = p.queue[1:]
				if _, err := c.Write(m.data, WriteWSFlags(m.binary, true, true)); err != nil {
					return err
				}
				if len(p.queue) > 0 {
					c.CallbackOnWritable()
				}
			}
			return nil
		},
	}
}

func wantMsg(t *testing.T, msgs <-chan rxMsg, bad <-chan string, want []byte, binary bool) rxMsg {
	t.Helper()
	select {
	case m := <-msgs:
		if !bytes.Equal(m.data, want) || m.binary != binary {
			t.Fatalf("got %d bytes (binary %v), want %d bytes (binary %v)", len(m.data), m.binary, len(want), binary)
		}
		return m
	case b := <-bad:
		t.Fatal(b)
	case <-time.After(10 * time.Second):
		t.Fatalf("no message of %d bytes", len(want))
	}
	return rxMsg{}
}

// trickle writes b in chunks of n bytes with a pause between them, so the
// server's reads see partial headers and payloads.
func trickle(t *testing.T, conn net.Conn, b []byte, n int) {
	t.Helper()
	for len(b) > 0 {
		k := min(n, len(b))
		if _, err := conn.Write(b[:k]); err != nil {
			t.Fatal(err)
		}
		b = b[k:]
		time.Sleep(time.Millisecond)
	}
}

func TestReceiveAcrossReadBoundaries(t *testing.T) {
	noLeaks(t)
	msgs := make(chan rxMsg, 16)
	bad := make(chan string, 16)
	c := startContext(t, ContextInfo{VhostInfo: VhostInfo{Protocols: []*Protocol{rxRecorder(100, false, msgs, bad)}}})
	conn, br := rawUpgrade(t, c.Vhosts()[0].Addr(), "rx")

	text := []byte(strings.Repeat("héllo wörld ", 30)) // 420 bytes, runes split across pieces
	big := bytes.Repeat([]byte{0, 1, 2, 3, 4, 5, 6}, 30000)

	// One message in one frame, 3 bytes at a time.
	trickle(t, conn, clientFrame(true, websocket.TextMessage, text, len(text)), 3)
	if m := wantMsg(t, msgs, bad, text, false); m.pieces < 5 {
		t.Fatalf("420 bytes came in %d pieces of at most 100", m.pieces)
	}

	// A fragmented message with a ping between its fragments, trickled.
	var frag []byte
	frag = append(frag, clientFrame(false, websocket.TextMessage, text[:150], 150)...)
	frag = append(frag, clientFrame(true, websocket.PingMessage, []byte("mid"), 3)...)
	frag = append(frag, clientFrame(false, 0, text[150:151], 1)...)
	frag = append(frag, clientFrame(false, 0, nil, 0)...)
	frag = append(frag, clientFrame(true, 0, text[151:], len(text)-151)...)
	trickle(t, conn, frag, 5)
	wantMsg(t, msgs, bad, text, false)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(br, hdr); err != nil || hdr[0] != 0x8a || hdr[1] != 3 {
		t.Fatalf("pong header %x, err %v", hdr, err)
	}
	if p := make([]byte, 3); func() bool { _, err := io.ReadFull(br, p); return err != nil || string(p) != "mid" }() {
		t.Fatal("pong payload is not the ping's")
	}

	// A 210 KB binary frame in one write (several reads on the server),
	// then an empty message and two small ones sent in a single write.
	if _, err := conn.Write(clientFrame(true, websocket.BinaryMessage, big, len(big))); err != nil {
		t.Fatal(err)
	}
	wantMsg(t, msgs, bad, big, true)
	var three []byte
	three = append(three, clientFrame(true, websocket.BinaryMessage, nil, 0)...)
	three = append(three, clientFrame(true, websocket.TextMessage, []byte("a"), 1)...)
	three = append(three, clientFrame(true, websocket.TextMessage, []byte("bc"), 2)...)
	if _, err := conn.Write(three); err != nil {
		t.Fatal(err)
	}
	wantMsg(t, msgs, bad, nil, true)
	wantMsg(t, msgs, bad, []byte("a"), false)
	wantMsg(t, msgs, bad, []byte("bc"), false)
}

func TestOversizedFragmentedMessageCloses1009(t *testing.T) {
	noLeaks(t)
	closed := make(chan struct{}, 1)
	var logs logCapture
	info := VhostInfo{Protocols: []*Protocol{closeRecorder(closed)}, MaxMessageSize: 1000}
	c := startContext(t, ContextInfo{Logger: logs.logger(), VhostInfo: info})
	conn, br := rawUpgrade(t, c.Vhosts()[0].Addr(), "rec")
	// Three fragments of 400 bytes: each is fine, the message is not.
	for i := 0; i < 3; i++ {
		op := byte(websocket.BinaryMessage)
		if i > 0 {
			op = 0
		}
		if _, err := conn.Write(clientFrame(i == 2, op, make([]byte, 400), 400)); err != nil {
			break // the server may already have closed
		}
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	hdr := make([]byte, 4)
	if _, err := io.ReadFull(br, hdr); err != nil || hdr[0] != 0x88 || int(hdr[2])<<8|int(hdr[3]) != websocket.CloseMessageTooBig {
		t.Fatalf("close frame header %x, err %v; want close 1009", hdr, err)
	}
	waitClosed(t, closed, "oversized fragmented message")
	logs.waitFor(t, "read limit exceeded")
}

func TestDeflatedMessagesRoundTrip(t *testing.T) {
	noLeaks(t)
	msgs := make(chan rxMsg, 16)
	bad := make(chan string, 16)
	info := VhostInfo{Protocols: []*Protocol{rxRecorder(1024, true, msgs, bad)}, Deflate: true}
	c := startContext(t, ContextInfo{VhostInfo: info})
	d := websocket.Dialer{EnableCompression: true, Subprotocols: []string{"rx"}}
	ws, resp, err := d.Dial("ws://"+c.Vhosts()[0].Addr()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if ext := resp.Header.Get("Sec-Websocket-Extensions"); !strings.Contains(ext, "permessage-deflate") {
		t.Fatalf("permessage-deflate not negotiated: %q", ext)
	}
	for _, size := range []int{1, 1000, 300000} {
		msg := []byte(strings.Repeat("compress me ", size/12+1))[:size]
		if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
			t.Fatal(err)
		}
		wantMsg(t, msgs, bad, msg, false)
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, got, err := ws.ReadMessage()
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("echo of %d bytes: got %d bytes, err %v", size, len(got), err)
		}
	}
}

func TestRxFlowControlKeepsBufferedMessages(t *testing.T) {
	noLeaks(t)
	got := make(chan string, 8)
	p := &Protocol{Name: "fc", Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		switch reason {
		case ReasonReceive:
			got <- string(in)
			if string(in) == "first" {
				// Stop reading; restart in 300 ms from a timer.
				c.RxFlowControl(false)
				c.SetTimer(300 * time.Millisecond)
			}
		case ReasonTimer:
			c.RxFlowControl(true)
		}
		return nil
	}}
	c := startContext(t, ContextInfo{VhostInfo: VhostInfo{Protocols: []*Protocol{p}}})
	conn, _ := rawUpgrade(t, c.Vhosts()[0].Addr(), "fc")
	var all []byte
	for _, m := range []string{"first", "second", "third"} {
		all = append(all, clientFrame(true, websocket.TextMessage, []byte(m), len(m))...)
	}
	start := time.Now()
	if _, err := conn.Write(all); err != nil { // one write: all three arrive in one read
		t.Fatal(err)
	}
	for _, want := range []string{"first", "second", "third"} {
		select {
		case m := <-got:
			if m != want {
				t.Fatalf("got %q, want %q", m, want)
			}
			if want == "second" && time.Since(start) < 250*time.Millisecond {
				t.Fatalf("second message delivered %v after the first, while reading was paused", time.Since(start))
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%q never arrived", want)
		}
	}
}

func TestBacklogDrainsInOrder(t *testing.T) {
	noLeaks(t)
	const msgs, size = 40, 256 << 10 // 10 MB: far more than the socket buffers
	p := &Protocol{Name: "bulk", NewSession: func() any { return new(int) }, Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		n, _ := pss.(*int)
		if n == nil {
			return nil // vhost-level reasons carry no pss
		}
		switch reason {
		case ReasonEstablished:
			c.CallbackOnWritable()
		case ReasonServerWriteable:
			if *n == msgs {
				return nil
			}
			b := bytes.Repeat([]byte{byte(*n)}, size)
			if _, err := c.Write(b, WriteBinary); err != nil {
				return err
			}
			*n++
			c.CallbackOnWritable()
		}
		return nil
	}}
	c := startContext(t, ContextInfo{VhostInfo: VhostInfo{Protocols: []*Protocol{p}}})
	ws := dialWS(t, "ws://"+c.Vhosts()[0].Addr()+"/", "bulk")
	time.Sleep(300 * time.Millisecond) // let the server fill the socket and queue
	for i := 0; i < msgs; i++ {
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, b, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if len(b) != size || b[0] != byte(i) || b[size-1] != byte(i) {
			t.Fatalf("message %d: %d bytes starting %d", i, len(b), b[0])
		}
	}
}

// As in lws, ESTABLISHED has run before the client sees the 101, so a
// client that talks at once never meets a connection its protocol does not
// know yet (two chat clients: the second one's first message cannot reach
// the server before the first one's ESTABLISHED).
func TestEstablishedBeforeHandshakeAnswer(t *testing.T) {
	noLeaks(t)
	established := make(chan time.Time, 4)
	p := &Protocol{Name: "est", Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		if reason == ReasonEstablished {
			time.Sleep(100 * time.Millisecond) // a slow ESTABLISHED: the 101 must wait for it
			established <- time.Now()
		}
		return nil
	}}
	c := startContext(t, ContextInfo{VhostInfo: VhostInfo{Protocols: []*Protocol{p}}})
	for i := 0; i < 3; i++ {
		ws := dialWS(t, "ws://"+c.Vhosts()[0].Addr()+"/", "est")
		answered := time.Now()
		select {
		case at := <-established:
			if !at.Before(answered) {
				t.Fatalf("ESTABLISHED ran %v after the client had its 101", at.Sub(answered))
			}
		default:
			t.Fatal("the client had its 101 before ESTABLISHED ran")
		}
		ws.Close()
	}
}
