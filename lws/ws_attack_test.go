//go:build unix

package lws

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Attacks on the ws server, each on both of its read paths: a plain
// connection (the loop owns the socket) and a TLS one (read cycles and a
// flusher goroutine).

var sides = []struct {
	name string
	tls  bool
}{{"plain", false}, {"tls", true}}

// startWSServer starts a context serving info, over TLS when tlsOn.
func startWSServer(t *testing.T, tlsOn bool, info VhostInfo) *Context {
	t.Helper()
	if tlsOn {
		cert, key := selfSigned(t)
		info.TLS = TLSInfo{CertMem: cert, KeyMem: key}
	}
	return startContext(t, ContextInfo{VhostInfo: info})
}

// rawUpgradeOn completes a ws handshake by hand over TCP or TLS, with a
// small receive buffer so a client that does not read is felt at once.
func rawUpgradeOn(t *testing.T, addr, protocol string, tlsOn bool, extensions string) (net.Conn, *bufio.Reader) {
	t.Helper()
	return rawUpgradeBuf(t, addr, protocol, tlsOn, extensions, 4096)
}

// rawUpgradeBuf is rawUpgradeOn with a receive buffer of rcvbuf bytes (0:
// the kernel's default, which grows).
func rawUpgradeBuf(t *testing.T, addr, protocol string, tlsOn bool, extensions string, rcvbuf int) (net.Conn, *bufio.Reader) {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		if rcvbuf == 0 {
			return nil
		}
		return rc.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf)
		})
	}}
	var conn net.Conn
	var err error
	if tlsOn {
		conn, err = tls.DialWithDialer(&d, "tcp", addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	} else {
		conn, err = d.Dial("tcp", addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	ext := ""
	if extensions != "" {
		ext = "Sec-WebSocket-Extensions: " + extensions + "\r\n"
	}
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: %s\r\n%s\r\n", protocol, ext)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake status %d", resp.StatusCode)
	}
	if extensions != "" && !strings.Contains(resp.Header.Get("Sec-Websocket-Extensions"), "permessage-deflate") {
		t.Fatalf("permessage-deflate not negotiated")
	}
	return conn, br
}

// connRecorder is a protocol that hands its connections to the test and
// reports CLOSED.
func connRecorder(conns chan<- *Conn, closed chan<- struct{}) *Protocol {
	return &Protocol{Name: "rec", Callback: func(c *Conn, reason Reason, _ any, _ []byte) error {
		switch reason {
		case ReasonEstablished:
			conns <- c
		case ReasonClosed:
			closed <- struct{}{}
		}
		return nil
	}}
}

// A peer that sends pings as fast as it can and never reads the pongs:
// the server stops reading it once maxPendingOut bytes wait, instead of
// queueing pongs without end.
func TestPingFloodBoundsOutput(t *testing.T) {
	for _, side := range sides {
		t.Run(side.name, func(t *testing.T) {
			noLeaks(t)
			conns, closed := make(chan *Conn, 1), make(chan struct{}, 1)
			srv := startWSServer(t, side.tls, VhostInfo{Protocols: []*Protocol{connRecorder(conns, closed)}})
			conn, _ := rawUpgradeBuf(t, srv.Vhosts()[0].Addr(), "rec", side.tls, "", 0)
			c := wait(t, conns, "ESTABLISHED")
			ping := bytes.Repeat(clientFrame(true, websocket.PingMessage, make([]byte, 125), 125), 512)
			sent := 0
			deadline := time.Now().Add(5 * time.Second)
			for sent < 64<<20 && time.Now().Before(deadline) {
				// Once the server stops reading, the write stalls.
				_ = conn.SetWriteDeadline(time.Now().Add(300 * time.Millisecond))
				n, err := conn.Write(ping)
				sent += n
				if err != nil {
					break
				}
			}
			out := pendingOut(t, srv, c)
			t.Logf("sent %d MB of pings; %d bytes of pongs wait on the server", sent>>20, out)
			if limit := 2*maxPendingOut + 64<<10; out > limit {
				t.Fatalf("%d bytes of pongs queued for a peer that does not read (bound %d)", out, limit)
			}
			conn.Close()
			waitClosed(t, closed, "ping flooder gone")
		})
	}
}

// compressedFrame is a masked binary frame with RSV1 (compressed).
func compressedFrame(payload []byte) []byte {
	f := clientFrame(true, websocket.BinaryMessage, payload, len(payload))
	f[0] |= 0x40
	return f
}

const pmd = "permessage-deflate; server_no_context_takeover; client_no_context_takeover"

// A small compressed message that inflates past the read limit is refused
// with 1009 once inflated that far: the limit holds for what it inflates
// to, not only for the bytes on the wire.
func TestDeflateBombCloses1009(t *testing.T) {
	for _, side := range sides {
		t.Run(side.name, func(t *testing.T) {
			noLeaks(t)
			conns, closed := make(chan *Conn, 1), make(chan struct{}, 1)
			info := VhostInfo{Protocols: []*Protocol{connRecorder(conns, closed)}, Deflate: true, MaxMessageSize: 1 << 20}
			bomb := deflate(t, make([]byte, 64<<20)) // about 64 KB on the wire; made before the connection's deadline starts
			srv := startWSServer(t, side.tls, info)
			conn, br := rawUpgradeOn(t, srv.Vhosts()[0].Addr(), "rec", side.tls, pmd)
			if _, err := conn.Write(compressedFrame(bomb)); err != nil {
				t.Fatal(err)
			}
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			hdr := make([]byte, 4)
			if _, err := io.ReadFull(br, hdr); err != nil || hdr[0] != 0x88 || int(binary.BigEndian.Uint16(hdr[2:])) != websocket.CloseMessageTooBig {
				t.Fatalf("got frame header %x (err %v), want close 1009", hdr, err)
			}
			waitClosed(t, closed, "deflate bomb")
		})
	}
}

// Inflating a large compressed message never keeps the loop from the
// other connections: it is inflated a slice per loop turn, and a message
// that reaches another connection meanwhile is delivered before the
// large one ends.
func TestInflationSharesTheLoop(t *testing.T) {
	noLeaks(t)
	const big = 48 << 20
	events := make(chan string, 1024)
	release := make(chan struct{})
	var got int
	p := &Protocol{Name: "rx", RxBufferSize: 64 << 10, Callback: func(c *Conn, reason Reason, _ any, in []byte) error {
		if reason != ReasonReceive {
			return nil
		}
		if !c.FrameIsBinary() {
			events <- "small"
			return nil
		}
		if got == 0 {
			events <- "first piece"
			<-release // the small message is now in its socket
		}
		if got += len(in); c.IsFinalFragment() {
			events <- fmt.Sprintf("big final %d", got)
		}
		return nil
	}}
	srv := startWSServer(t, false, VhostInfo{Protocols: []*Protocol{p}, Deflate: true, MaxMessageSize: 64 << 20})
	addr := srv.Vhosts()[0].Addr()
	bomb := compressedFrame(deflate(t, make([]byte, big)))
	bigConn, _ := rawUpgradeOn(t, addr, "rx", false, pmd)
	smallConn, _ := rawUpgradeOn(t, addr, "rx", false, "")
	if _, err := bigConn.Write(bomb); err != nil {
		t.Fatal(err)
	}
	if e := wait(t, events, "first piece"); e != "first piece" {
		t.Fatalf("got %q first", e)
	}
	if _, err := smallConn.Write(clientFrame(true, websocket.TextMessage, []byte("hi"), 2)); err != nil {
		t.Fatal(err)
	}
	close(release)
	if e := wait(t, events, "next event"); e != "small" {
		t.Fatalf("got %q before the small message: one connection's inflation held the loop", e)
	}
	if e := wait(t, events, "big final"); e != fmt.Sprintf("big final %d", big) {
		t.Fatalf("got %q", e)
	}
}

// rxPauser pauses rx in the first piece of every message and reports each
// piece; the test resumes rx by hand.
func rxPauser(conns chan<- *Conn, pieces chan<- int, size int) *Protocol {
	return &Protocol{Name: "pause", RxBufferSize: size, Callback: func(c *Conn, reason Reason, _ any, in []byte) error {
		switch reason {
		case ReasonEstablished:
			conns <- c
		case ReasonReceive:
			n := len(in)
			if c.IsFinalFragment() {
				n = -n - 1 // marks the last piece
			}
			pieces <- n
			if c.IsFirstFragment() {
				c.RxFlowControl(false)
			}
		}
		return nil
	}}
}

// lws_rx_flow_control(wsi, 0) holds between the pieces of one message:
// nothing more is delivered until rx is enabled again, and then the whole
// message arrives, for one frame, many fragments and a compressed message.
func TestRxFlowControlBetweenPieces(t *testing.T) {
	msg := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KB
	var fragments []byte
	for i := 0; i < len(msg); i += 100 {
		op := byte(0)
		if i == 0 {
			op = websocket.BinaryMessage
		}
		end := min(i+100, len(msg))
		fragments = append(fragments, clientFrame(end == len(msg), op, msg[i:end], end-i)...)
	}
	cases := []struct {
		name, ext string
		wire      []byte
	}{
		{"one frame", "", clientFrame(true, websocket.BinaryMessage, msg, len(msg))},
		{"fragments", "", fragments},
		{"compressed", pmd, nil},
	}
	for _, side := range sides {
		for _, tc := range cases {
			t.Run(side.name+"/"+tc.name, func(t *testing.T) {
				noLeaks(t)
				conns, pieces := make(chan *Conn, 1), make(chan int, 1024)
				srv := startWSServer(t, side.tls, VhostInfo{Protocols: []*Protocol{rxPauser(conns, pieces, 1024)}, Deflate: true})
				conn, _ := rawUpgradeOn(t, srv.Vhosts()[0].Addr(), "pause", side.tls, tc.ext)
				c := wait(t, conns, "ESTABLISHED")
				wire := tc.wire
				if wire == nil {
					wire = compressedFrame(deflate(t, msg))
				}
				if _, err := conn.Write(wire); err != nil {
					t.Fatal(err)
				}
				total := wait(t, pieces, "first piece")
				select {
				case n := <-pieces:
					t.Fatalf("a piece of %d bytes arrived while rx was paused", n)
				case <-time.After(300 * time.Millisecond):
				}
				srv.Do(func() { c.RxFlowControl(true) })
				for {
					n := wait(t, pieces, "the rest of the message")
					if n < 0 {
						total += -n - 1
						break
					}
					total += n
				}
				if total != len(msg) {
					t.Fatalf("got %d bytes, want %d", total, len(msg))
				}
			})
		}
	}
}

// A fragmented message is handed on as its fragments arrive, not held
// until its last one: a peer cannot make the server hold a message.
func TestFragmentsAreNotHeld(t *testing.T) {
	for _, side := range sides {
		t.Run(side.name, func(t *testing.T) {
			noLeaks(t)
			conns, pieces := make(chan *Conn, 1), make(chan int, 1024)
			p := &Protocol{Name: "frag", Callback: func(c *Conn, reason Reason, _ any, in []byte) error {
				switch reason {
				case ReasonEstablished:
					conns <- c
				case ReasonReceive:
					pieces <- len(in)
				}
				return nil
			}}
			srv := startWSServer(t, side.tls, VhostInfo{Protocols: []*Protocol{p}})
			conn, _ := rawUpgradeOn(t, srv.Vhosts()[0].Addr(), "frag", side.tls, "")
			wait(t, conns, "ESTABLISHED")
			var wire []byte
			for i := 0; i < 64; i++ { // 64 x 1 KB, and no final fragment
				op := byte(0)
				if i == 0 {
					op = websocket.BinaryMessage
				}
				wire = append(wire, clientFrame(false, op, make([]byte, 1024), 1024)...)
			}
			if _, err := conn.Write(wire); err != nil {
				t.Fatal(err)
			}
			// One piece may wait to learn whether it is the last (the
			// read cycles read a piece ahead); the rest is handed on.
			got := 0
			for got < 64<<10-defaultRxBufferSize {
				got += wait(t, pieces, fmt.Sprintf("pieces of the unfinished message (%d bytes so far)", got))
			}
		})
	}
}

// Frames RFC 6455 forbids but gorilla takes quietly are refused with
// close 1002: a 64-bit length with its top bit set, a close frame with a
// 1-byte payload.
func TestProtocolErrorsClose1002(t *testing.T) {
	topBit := []byte{0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4}
	cases := map[string][]byte{
		"length top bit":     topBit,
		"close of one byte":  clientFrame(true, websocket.CloseMessage, []byte{3}, 1),
		"rsv1 on a fragment": append(clientFrame(false, websocket.TextMessage, []byte("a"), 1), rsv1(clientFrame(true, 0, []byte("b"), 1))...),
	}
	for _, side := range sides {
		for name, frame := range cases {
			if side.tls && name == "rsv1 on a fragment" {
				continue // the read cycles leave fragments to gorilla (no deflate here: RSV1 refused)
			}
			t.Run(side.name+"/"+name, func(t *testing.T) {
				noLeaks(t)
				conns, closed := make(chan *Conn, 1), make(chan struct{}, 1)
				srv := startWSServer(t, side.tls, VhostInfo{Protocols: []*Protocol{connRecorder(conns, closed)}})
				conn, br := rawUpgradeOn(t, srv.Vhosts()[0].Addr(), "rec", side.tls, "")
				if _, err := conn.Write(frame); err != nil {
					t.Fatal(err)
				}
				_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				hdr := make([]byte, 4)
				if _, err := io.ReadFull(br, hdr); err != nil || hdr[0] != 0x88 || int(binary.BigEndian.Uint16(hdr[2:])) != websocket.CloseProtocolError {
					t.Fatalf("got frame header %x (err %v), want close 1002", hdr, err)
				}
				waitClosed(t, closed, name)
			})
		}
	}
}

func rsv1(f []byte) []byte { f[0] |= 0x40; return f }

// Invalid UTF-8 split across the fragments of a text message: close 1007.
func TestInvalidUTF8AcrossFragments(t *testing.T) {
	for _, side := range sides {
		t.Run(side.name, func(t *testing.T) {
			noLeaks(t)
			conns, closed := make(chan *Conn, 1), make(chan struct{}, 1)
			srv := startWSServer(t, side.tls, VhostInfo{Protocols: []*Protocol{connRecorder(conns, closed)}})
			conn, br := rawUpgradeOn(t, srv.Vhosts()[0].Addr(), "rec", side.tls, "")
			// "é" is C3 A9; C3 followed by a non-continuation byte is not UTF-8.
			wire := append(clientFrame(false, websocket.TextMessage, []byte("ok \xc3"), 4), clientFrame(true, 0, []byte("("), 1)...)
			if _, err := conn.Write(wire); err != nil {
				t.Fatal(err)
			}
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			hdr := make([]byte, 4)
			if _, err := io.ReadFull(br, hdr); err != nil || hdr[0] != 0x88 || int(binary.BigEndian.Uint16(hdr[2:])) != websocket.CloseInvalidFramePayloadData {
				t.Fatalf("got frame header %x (err %v), want close 1007", hdr, err)
			}
			waitClosed(t, closed, "invalid UTF-8")
		})
	}
}

// RFC 7692 7: a server declines a permessage-deflate offer it cannot
// honour (an unknown or repeated parameter, a bad value, or, for gorilla's
// 32 KB window, server_max_window_bits below 15, 7.1.2.1) and takes the
// next offer it can, if any. Autobahn's cases 13.3.x, 13.5.x and 13.7.x
// offer server_max_window_bits=9.
func TestDeflateOffersDeclinedUnlessHonoured(t *testing.T) {
	for _, side := range sides {
		t.Run(side.name, func(t *testing.T) {
			noLeaks(t)
			srv := startWSServer(t, side.tls, VhostInfo{Protocols: []*Protocol{echoProto()}, Deflate: true})
			for _, tc := range []struct{ offers, want string }{
				{"permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=9", ""},
				{"permessage-deflate; server_max_window_bits=9, permessage-deflate; server_no_context_takeover", "permessage-deflate"},
				{"permessage-deflate; client_max_window_bits=12; server_max_window_bits=15", "permessage-deflate"},
				{"permessage-deflate; x-unknown", ""},
				{"permessage-deflate; client_no_context_takeover; client_no_context_takeover", ""},
				{"permessage-deflate; server_no_context_takeover=1", ""},
				{"x-webkit-deflate-frame, permessage-deflate", "permessage-deflate"},
			} {
				if got := deflateAnswer(t, srv.Vhosts()[0].Addr(), side.tls, tc.offers); !strings.HasPrefix(got, tc.want) || (tc.want == "") != (got == "") {
					t.Errorf("offers %q answered with %q, want %q", tc.offers, got, tc.want)
				}
			}
		})
	}
}

// deflateAnswer is the Sec-WebSocket-Extensions of the 101 a ws handshake
// with these offers gets.
func deflateAnswer(t *testing.T, addr string, tlsOn bool, offers string) string {
	t.Helper()
	var conn net.Conn
	var err error
	if tlsOn {
		conn, err = tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	} else {
		conn, err = net.Dial("tcp", addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: echo\r\n"+
		"Sec-WebSocket-Extensions: %s\r\n\r\n", offers)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("offers %q: status %d", offers, resp.StatusCode)
	}
	return resp.Header.Get("Sec-Websocket-Extensions")
}
