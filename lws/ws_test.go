package lws

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// chat is the minimal-ws-server protocol in miniature: the vhd keeps the
// newest message and its number, each pss the last number it sent.
type chatVhd struct {
	msg  []byte
	num  int
	errs []error // what a second write in one callback returned
}

type chatPss struct{ last int }

func chatProtocol() *Protocol {
	p := &Protocol{Name: "lws-minimal", NewSession: func() any { return &chatPss{} }}
	p.Callback = func(c *Conn, reason Reason, pss any, in []byte) error {
		switch reason {
		case ReasonProtocolInit:
			c.SetProtocolData(&chatVhd{})
		case ReasonEstablished:
			vhd := c.ProtocolData().(*chatVhd)
			pss.(*chatPss).last = vhd.num
		case ReasonReceive:
			vhd := c.ProtocolData().(*chatVhd)
			vhd.msg = append(vhd.msg[:0], in...)
			vhd.num++
			c.Vhost().CallbackOnWritableAllProtocol(p)
		case ReasonServerWriteable:
			vhd := c.ProtocolData().(*chatVhd)
			ps := pss.(*chatPss)
			if ps.last == vhd.num {
				return nil
			}
			if _, err := c.Write(vhd.msg, WriteText); err != nil {
				return fmt.Errorf("chat write: %w", err)
			}
			_, err := c.Write(vhd.msg, WriteText)
			vhd.errs = append(vhd.errs, err)
			ps.last = vhd.num
		}
		return nil
	}
	return p
}

func TestChatBroadcast(t *testing.T) {
	chat := chatProtocol()
	c := startContext(t, ContextInfo{VhostInfo: VhostInfo{Name: "localhost", Protocols: []*Protocol{{Name: "http", Callback: HTTPDummy}, chat}}})
	url := "ws://" + c.Vhosts()[0].Addr() + "/"
	a := dialWS(t, url, "lws-minimal")
	b := dialWS(t, url, "lws-minimal")
	time.Sleep(50 * time.Millisecond)
	if err := a.WriteMessage(websocket.TextMessage, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if got := readText(t, b); got != "hello" {
		t.Fatalf("b got %q", got)
	}
	if got := readText(t, a); got != "hello" {
		t.Fatalf("a got %q", got)
	}
	// The second write in each writeable callback must have been refused.
	errs := make(chan []error, 1)
	c.Do(func() { errs <- append([]error(nil), c.Vhosts()[0].ProtocolData(chat).(*chatVhd).errs...) })
	got := <-errs
	if len(got) == 0 {
		t.Fatal("no writeable callback recorded")
	}
	for _, err := range got {
		if !errors.Is(err, ErrSecondWrite) {
			t.Fatalf("second write returned %v, want ErrSecondWrite", err)
		}
	}
}

func TestWriteOutsideWriteable(t *testing.T) {
	result := make(chan error, 1)
	p := &Protocol{Name: "p", Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		if reason == ReasonReceive {
			_, err := c.Write([]byte("x"), WriteText)
			result <- err
		}
		return nil
	}}
	c := startContext(t, ContextInfo{VhostInfo: VhostInfo{Protocols: []*Protocol{p}}})
	ws := dialWS(t, "ws://"+c.Vhosts()[0].Addr()+"/")
	_ = ws.WriteMessage(websocket.TextMessage, []byte("hi"))
	select {
	case err := <-result:
		if !errors.Is(err, ErrNotWriteable) {
			t.Fatalf("write in RECEIVE returned %v, want ErrNotWriteable", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no RECEIVE")
	}
}

// A client that stops reading must not delay the others: the loop keeps
// serving while that client's backlog waits in its own flusher.
func TestSlowReaderDoesNotBlockLoop(t *testing.T) {
	const msgSize = 64 << 10
	payload := []byte(strings.Repeat("x", msgSize))
	// flood sends a big message on every writeable callback, forever.
	p := &Protocol{Name: "flood", Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		switch reason {
		case ReasonEstablished:
			c.CallbackOnWritable()
		case ReasonServerWriteable:
			if c.Path() == "/flood" {
				if _, err := c.Write(payload, WriteBinary); err != nil {
					return err
				}
				c.CallbackOnWritable()
				return nil
			}
		case ReasonReceive:
			c.CallbackOnWritable()
		}
		return nil
	}}
	echo := &Protocol{Name: "echo", NewSession: func() any { return new([]byte) }, Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		switch reason {
		case ReasonReceive:
			*pss.(*[]byte) = append([]byte(nil), in...)
			c.CallbackOnWritable()
		case ReasonServerWriteable:
			_, err := c.Write(*pss.(*[]byte), WriteText)
			return err
		}
		return nil
	}}
	c := startContext(t, ContextInfo{VhostInfo: VhostInfo{Protocols: []*Protocol{p, echo}}})
	addr := c.Vhosts()[0].Addr()
	// The stalled client: small receive window, never reads.
	d := websocket.Dialer{Subprotocols: []string{"flood"}, NetDial: func(network, a string) (net.Conn, error) {
		conn, err := net.Dial(network, a)
		if err == nil {
			_ = conn.(*net.TCPConn).SetReadBuffer(4096)
		}
		return conn, err
	}}
	stalled, _, err := d.Dial("ws://"+addr+"/flood", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	time.Sleep(300 * time.Millisecond) // let the flood fill every buffer
	e := dialWS(t, "ws://"+addr+"/", "echo")
	for i := range 50 {
		msg := fmt.Sprintf("ping %d", i)
		start := time.Now()
		if err := e.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		if got := readText(t, e); got != msg {
			t.Fatalf("echo got %q want %q", got, msg)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("echo took %v while another client stalls", d)
		}
	}
}

// Validity (lws's retry_and_idle_policy, -v in the examples): an idle peer
// is pinged; one that answers stays, one that does not is hung up on.
func TestValidityPingAndHangup(t *testing.T) {
	closed := make(chan struct{}, 2)
	pongs := make(chan struct{}, 16)
	p := &Protocol{Name: "v", Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		switch reason {
		case ReasonClosed:
			closed <- struct{}{}
		case ReasonReceivePong:
			pongs <- struct{}{}
		}
		return nil
	}}
	info := VhostInfo{Protocols: []*Protocol{p}, RetryPolicy: &RetryBackoff{SecsSinceValidPing: 1, SecsSinceValidHangup: 2}}
	c := startContext(t, ContextInfo{VhostInfo: info})
	url := "ws://" + c.Vhosts()[0].Addr() + "/"
	alive := dialWS(t, url, "v")
	silent := dialWS(t, url, "v")
	// alive reads, so gorilla answers the server's pings; silent never reads.
	go func() {
		for {
			if _, _, err := alive.ReadMessage(); err != nil {
				return
			}
		}
	}()
	select {
	case <-closed:
	case <-time.After(6 * time.Second):
		t.Fatal("silent peer was not hung up on")
	}
	select {
	case <-pongs:
	default:
		t.Fatal("no pong from the peer that reads")
	}
	time.Sleep(1500 * time.Millisecond)
	select {
	case <-closed:
		t.Fatal("the peer answering pings was hung up on too")
	default:
	}
	_ = silent.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, _, err := silent.ReadMessage(); err == nil {
		t.Fatal("silent peer's connection still delivers")
	}
}
