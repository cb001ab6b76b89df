package lws

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"
)

// noLeaks checks, after the context is destroyed, that no goroutine the
// test started is left. Register it before startContext so it runs last.
func noLeaks(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// logCapture collects the core's log lines so a test can check that bad
// input is reported clearly.
type logCapture struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// waitFor fails the test unless a log line containing want appears.
func (l *logCapture) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		got := l.b.String()
		l.mu.Unlock()
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	t.Fatalf("no log line with %q in:\n%s", want, l.b.String())
}

func (l *logCapture) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// closeRecorder is a protocol that reports its CLOSED callbacks.
func closeRecorder(closed chan<- struct{}) *Protocol {
	return &Protocol{Name: "rec", Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		if reason == ReasonClosed {
			closed <- struct{}{}
		}
		return nil
	}}
}

// rawUpgrade opens a TCP connection and completes a ws handshake by hand.
func rawUpgrade(t *testing.T, addr, protocol string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: %s\r\n\r\n", protocol)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake status %d", resp.StatusCode)
	}
	return conn, br
}

// clientFrame builds a masked client frame.
func clientFrame(fin bool, opcode byte, payload []byte, claimedLen int) []byte {
	b0 := opcode
	if fin {
		b0 |= 0x80
	}
	f := []byte{b0}
	switch {
	case claimedLen < 126:
		f = append(f, 0x80|byte(claimedLen))
	case claimedLen < 65536:
		f = append(f, 0x80|126, byte(claimedLen>>8), byte(claimedLen))
	default:
		f = append(f, 0x80|127)
		f = binary.BigEndian.AppendUint64(f, uint64(claimedLen))
	}
	mask := []byte{1, 2, 3, 4}
	f = append(f, mask...)
	for i, c := range payload {
		f = append(f, c^mask[i%4])
	}
	return f
}

func waitClosed(t *testing.T, closed <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no CLOSED callback", what)
	}
}

func TestMalformedUpgrades(t *testing.T) {
	noLeaks(t)
	closed := make(chan struct{}, 4)
	var logs logCapture
	c := startContext(t, ContextInfo{Logger: logs.logger(), VhostInfo: VhostInfo{Protocols: []*Protocol{closeRecorder(closed)}}})
	addr := c.Vhosts()[0].Addr()
	for name, req := range map[string]string{
		"no key":          "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n",
		"bad version":     "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n",
		"POST upgrade":    "POST / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n",
		"unknown proto":   "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: nope\r\n\r\n",
		"garbage request": "\x16\x03\x01 hello\r\n\r\n",
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = io.WriteString(conn, req)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("%s: status %d, want 4xx", name, resp.StatusCode)
		}
	}
	select {
	case <-closed:
		t.Fatal("a malformed upgrade reached the protocol")
	default:
	}
	logs.waitFor(t, "bad ws upgrade")
	logs.waitFor(t, "no matching ws protocol for nope")
}

func TestOversizedMessageCloses1009(t *testing.T) {
	noLeaks(t)
	closed := make(chan struct{}, 1)
	info := VhostInfo{Protocols: []*Protocol{closeRecorder(closed)}, MaxMessageSize: 1024}
	var logs logCapture
	c := startContext(t, ContextInfo{Logger: logs.logger(), VhostInfo: info})
	ws := dialWS(t, "ws://"+c.Vhosts()[0].Addr()+"/", "rec")
	_ = ws.WriteMessage(websocket.BinaryMessage, make([]byte, 4096))
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := ws.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Fatalf("got %v, want close 1009", err)
	}
	waitClosed(t, closed, "oversized")
	logs.waitFor(t, "read limit exceeded")
}

func TestInvalidUTF8Closes1007(t *testing.T) {
	noLeaks(t)
	closed := make(chan struct{}, 1)
	var logs logCapture
	c := startContext(t, ContextInfo{Logger: logs.logger(), VhostInfo: VhostInfo{Protocols: []*Protocol{closeRecorder(closed)}}})
	ws := dialWS(t, "ws://"+c.Vhosts()[0].Addr()+"/", "rec")
	_ = ws.WriteMessage(websocket.TextMessage, []byte{'o', 'k', 0xff, 0xfe})
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := ws.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseInvalidFramePayloadData) {
		t.Fatalf("got %v, want close 1007", err)
	}
	waitClosed(t, closed, "invalid utf-8")
	logs.waitFor(t, "not valid UTF-8")
}

// A rune split across fragments is valid; a truncated one at the end is not.
func TestUTF8AcrossPieces(t *testing.T) {
	euro := []byte("€") // 3 bytes
	var u utf8Check
	if !u.feed(euro[:1], false) || !u.feed(euro[1:2], false) || !u.feed(euro[2:], true) {
		t.Fatal("split rune refused")
	}
	u = utf8Check{}
	if u.feed(euro[:2], true) {
		t.Fatal("truncated rune accepted at message end")
	}
	u = utf8Check{}
	if u.feed([]byte{0xed, 0xa0, 0x80}, true) { // a UTF-16 surrogate
		t.Fatal("surrogate accepted")
	}
	// Fail fast (RFC 6455 8.1; Autobahn 6.4.2 and 6.4.4): a piece that
	// ends in a sequence that can no longer be valid is refused then, not
	// when the message ends.
	for _, tc := range []struct {
		name   string
		pieces [][]byte
	}{
		{"above U+10FFFF, second octet in the next piece", [][]byte{[]byte("\xce\xba\xf4"), {0x90}}},
		{"above U+10FFFF at the end of a piece", [][]byte{[]byte("\xce\xba\xf4\x90")}},
		{"surrogate at the end of a piece", [][]byte{[]byte("ok\xed\xa0")}},
		{"overlong at the end of a piece", [][]byte{[]byte("ok\xe0\x80")}},
		{"ascii after a lead octet in the next piece", [][]byte{[]byte("ok\xf0\x90"), []byte("a")}},
	} {
		u = utf8Check{}
		ok := true
		for _, p := range tc.pieces {
			ok = u.feed(p, false)
		}
		if ok {
			t.Errorf("%s: accepted before the message ended", tc.name)
		}
	}
	// Prefixes that can still be completed are kept.
	u = utf8Check{}
	if !u.feed([]byte("\xf4"), false) || !u.feed([]byte("\x8f\xbf"), false) || !u.feed([]byte("\xbf"), true) {
		t.Fatal("U+10FFFF split in three refused")
	}
}

func TestPeerVanishesMidMessage(t *testing.T) {
	noLeaks(t)
	closed := make(chan struct{}, 1)
	got := make(chan bool, 4) // IsFinalFragment of each piece
	p := closeRecorder(closed)
	inner := p.Callback
	p.Callback = func(c *Conn, reason Reason, pss any, in []byte) error {
		if reason == ReasonReceive {
			got <- c.IsFinalFragment()
		}
		return inner(c, reason, pss, in)
	}
	var logs logCapture
	c := startContext(t, ContextInfo{Logger: logs.logger(), VhostInfo: VhostInfo{Protocols: []*Protocol{p}}})
	conn, _ := rawUpgrade(t, c.Vhosts()[0].Addr(), "rec")
	// A frame announcing 1000 bytes, of which 10 arrive before the peer goes.
	frame := clientFrame(true, websocket.BinaryMessage, []byte("0123456789"), 1000)
	if _, err := conn.Write(frame); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	waitClosed(t, closed, "vanished peer")
	logs.waitFor(t, "ws peer went away")
	// As in lws, payload may be handed on as it arrives, but nothing
	// pretends the message ended: no piece is marked final.
	for {
		select {
		case final := <-got:
			if final {
				t.Fatal("a piece of the cut-off message was marked final")
			}
		default:
			return
		}
	}
}

func TestStalledFrameTimesOut(t *testing.T) {
	noLeaks(t)
	closed := make(chan struct{}, 1)
	info := VhostInfo{Protocols: []*Protocol{closeRecorder(closed)}, TimeoutSecs: 1}
	c := startContext(t, ContextInfo{VhostInfo: info})
	conn, br := rawUpgrade(t, c.Vhosts()[0].Addr(), "rec")
	frame := clientFrame(true, websocket.TextMessage, []byte("abc"), 100)
	_, _ = conn.Write(frame)
	waitClosed(t, closed, "stalled frame")
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(br); err != nil && !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "reset") {
		t.Fatalf("connection not closed: %v", err)
	}
}

func TestSlowlorisHeadersCut(t *testing.T) {
	noLeaks(t)
	info := fileVhost(0)
	info.TimeoutSecs = 1
	var logs logCapture
	c := startContext(t, ContextInfo{Logger: logs.logger(), VhostInfo: info})
	conn, err := net.Dial("tcp", c.Vhosts()[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: localhost\r\n")
	start := time.Now()
	for time.Since(start) < 8*time.Second {
		if _, err := io.WriteString(conn, "X-Slow: a\r\n"); err != nil {
			logs.waitFor(t, "incomplete request header")
			return // the server hung up on the trickle
		}
		_ = conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		var b [256]byte
		if _, err := conn.Read(b[:]); err != nil && !isTimeout(err) {
			logs.waitFor(t, "incomplete request header")
			return // closed (or answered with 408 and closed)
		}
	}
	t.Fatal("server kept a header trickle open for 8 s with a 1 s timeout")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
