package main

// A ws client written by hand, for tests that interleave two clients'
// messages on the wire (the same file in every chat-like example).

import (
	"bufio"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// rawClient is a ws client written by hand, frame by frame, so a test can
// send a message in fragments, or one frame in several writes, and
// interleave them with another client's.
type rawClient struct {
	conn net.Conn
	r    *bufio.Reader
}

// rawDial upgrades a connection (TLS if useTLS) to ws on path with the
// subprotocol.
func rawDial(t *testing.T, addr, path, proto string, useTLS bool) *rawClient {
	t.Helper()
	d := &net.Dialer{Timeout: 5 * time.Second}
	var conn net.Conn
	var err error
	if useTLS {
		conn, err = tls.DialWithDialer(d, "tcp", addr, &tls.Config{InsecureSkipVerify: true})
	} else {
		conn, err = d.Dial("tcp", addr)
	}
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: %s\r\n\r\n", path, addr, proto)
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	return &rawClient{conn: conn, r: r}
}

const (
	opCont = 0x0
	opText = 0x1
)

// frame is one masked client frame.
func frame(fin bool, op byte, payload []byte) []byte {
	b := []byte{op}
	if fin {
		b[0] |= 0x80
	}
	if n := len(payload); n < 126 {
		b = append(b, 0x80|byte(n))
	} else {
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	}
	mask := []byte{0x37, 0xfa, 0x21, 0x3d}
	b = append(b, mask...)
	for i, x := range payload {
		b = append(b, x^mask[i%4])
	}
	return b
}

func (c *rawClient) write(t *testing.T, b []byte) {
	t.Helper()
	if _, err := c.conn.Write(b); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// message reads one whole data message from the server (whose frames are
// never masked), skipping control frames.
func (c *rawClient) message(t *testing.T) string {
	t.Helper()
	var msg []byte
	for {
		var h [2]byte
		if _, err := io.ReadFull(c.r, h[:]); err != nil {
			t.Fatalf("read frame: %v", err)
		}
		n := int(h[1] & 0x7f)
		switch n {
		case 126:
			var l [2]byte
			if _, err := io.ReadFull(c.r, l[:]); err != nil {
				t.Fatalf("read frame: %v", err)
			}
			n = int(binary.BigEndian.Uint16(l[:]))
		case 127:
			t.Fatal("unexpectedly long frame")
		}
		p := make([]byte, n)
		if _, err := io.ReadFull(c.r, p); err != nil {
			t.Fatalf("read frame: %v", err)
		}
		if h[0]&0x08 != 0 {
			continue // a control frame
		}
		msg = append(msg, p...)
		if h[0]&0x80 != 0 {
			return string(msg)
		}
	}
}

// watchReceive wraps the protocol's callback for the test: every piece a
// connection receives is also sent on the channel returned, so a test
// knows what the protocol has been given without sleeping.
func watchReceive(t *testing.T, p *lws.Protocol) <-chan string {
	t.Helper()
	pieces := make(chan string, 256)
	orig := p.Callback
	p.Callback = func(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
		if reason == lws.ReasonReceive {
			select {
			case pieces <- string(in):
			default: // never block the loop; the test fails on a missing piece
			}
		}
		return orig(c, reason, user, in)
	}
	// Registered before the server starts, so it runs after it stopped.
	t.Cleanup(func() { p.Callback = orig })
	return pieces
}

// waitPiece waits until the protocol has received a piece starting with
// prefix.
func waitPiece(t *testing.T, pieces <-chan string, prefix string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case p := <-pieces:
			if strings.HasPrefix(p, prefix) {
				return
			}
		case <-timeout:
			t.Fatalf("the protocol never received a piece starting %q", prefix)
		}
	}
}

// interleaved is how a test sends two messages, each in two parts.
type interleaved struct {
	name string
	// split gives the bytes of a message's first and second part.
	split func(first, second string) ([]byte, []byte)
	// early: the protocol sees a first part before the second is sent.
	// Over plain ws the core hands on a fragmented message only once
	// all its frames are here, so no piece can be waited for.
	early bool
}

// inFrames sends a message as two ws fragments.
func inFrames(first, second string) ([]byte, []byte) {
	return frame(false, opText, []byte(first)), frame(true, opCont, []byte(second))
}

// inWrites sends a message as one ws frame, written in two parts.
func inWrites(first, second string) ([]byte, []byte) {
	b := frame(true, opText, []byte(first+second))
	k := len(b) - len(second)
	return b[:k], b[k:]
}

// exchange has a and b send a message each in two parts, interleaved on
// the wire (a's first part, b's first, a's second, b's second), and checks
// that every listener gets both messages whole, never one's start with
// the other's end. pieces is watchReceive's channel.
func exchange(t *testing.T, tc interleaved, pieces <-chan string, a, b *rawClient, listeners map[string]*rawClient) {
	t.Helper()
	// First parts of several times a 128-byte rx buffer, so the
	// protocol gets them in pieces.
	a1, a2 := "a: "+strings.Repeat("A", 400), strings.Repeat("a", 140)+" (end of a)"
	b1, b2 := "b: "+strings.Repeat("B", 400), strings.Repeat("b", 140)+" (end of b)"
	aFirst, aSecond := tc.split(a1, a2)
	bFirst, bSecond := tc.split(b1, b2)
	a.write(t, aFirst)
	if tc.early {
		waitPiece(t, pieces, "a: ")
	}
	b.write(t, bFirst)
	if tc.early {
		waitPiece(t, pieces, "b: ")
	}
	// Read a's message before b's second part goes (the chat of
	// minimal-ws-server keeps only the newest message).
	a.write(t, aSecond)
	for name, cl := range listeners {
		if got := cl.message(t); got != a1+a2 {
			t.Fatalf("%s got %s, want a's message %s", name, brief(got), brief(a1+a2))
		}
	}
	b.write(t, bSecond)
	for name, cl := range listeners {
		if got := cl.message(t); got != b1+b2 {
			t.Fatalf("%s got %s, want b's message %s", name, brief(got), brief(b1+b2))
		}
	}
}

// brief shows a long message by its ends and length.
func brief(s string) string {
	if len(s) <= 24 {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q...%q (%d bytes)", s[:12], s[len(s)-12:], len(s))
}
