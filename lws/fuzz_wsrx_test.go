//go:build linux

package lws

import (
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// FuzzWSReceive is the differential fuzz target of the ws receive path on
// loop-owned sockets (ws_fast.go: rxFast and the frame scanner in front of
// gorilla's parser). A byte stream, split where the fuzzer chooses, goes
// through a real loop-owned connection over TCP: from a raw client to a
// server connection (masked frames), or from a raw server to a client
// connection (unmasked). The same bytes go to plain gorilla/websocket
// reading with NextReader (same read limit, same permessage-deflate
// setting). Both must deliver the same messages (data, binary flag,
// boundaries), answer the same pings and close with the same code.
//
// The reference is gorilla with the RFCs applied where gorilla is lax;
// each such rule is written out in wsReference with its section. Where a
// difference is allowed (two failures inside one compressed message, which
// the loop meets in another order because it gathers the message first),
// wsReference says so and why.
//
// Inputs: stream, the bytes after the handshake; cuts, the sizes of the
// writes the stream is sent in (each 1..255 bytes, 0 for "the rest"; the
// loop reads each write separately); mode, the bits of wsFuzzMode.
func FuzzWSReceive(f *testing.F) {
	env := newWSFuzzEnv(f)
	f.Add([]byte("\x81\x85\x00\x00\x00\x00hello"), []byte{3}, byte(0))
	f.Fuzz(func(t *testing.T, stream, cuts []byte, mode byte) {
		if len(stream) > 1<<20 {
			return
		}
		m := wsFuzzMode(mode)
		got := env.run(t, stream, splitStream(stream, cuts, 64), m)
		want := wsReference(stream, m)
		if why := want.mismatch(got); why != "" {
			t.Fatalf("%s: %s\nloop:      %s\nreference: %s", m, why, got, want)
		}
	})
}

// wsFuzzMode is the fuzzer's choice of connection.
type wsFuzzMode byte

var (
	wsFuzzLimits  = [4]int64{64, 1000, 70000, 1 << 20} // vhost read limits
	wsFuzzRxSizes = [4]int{1, 7, 100, 4096}            // protocol rx buffer sizes
)

func (m wsFuzzMode) deflate() bool { return m&1 != 0 }
func (m wsFuzzMode) client() bool  { return m&2 != 0 } // the loop is the client
func (m wsFuzzMode) limitIdx() int { return int(m>>2) & 3 }
func (m wsFuzzMode) rxIdx() int    { return int(m>>4) & 3 }
func (m wsFuzzMode) early() bool   { return m&0x40 != 0 } // client: first write goes with the 101
func (m wsFuzzMode) limit() int64  { return wsFuzzLimits[m.limitIdx()] }
func (m wsFuzzMode) rxSize() int   { return wsFuzzRxSizes[m.rxIdx()] }

func (m wsFuzzMode) String() string {
	side := "server"
	if m.client() {
		side = "client"
	}
	return fmt.Sprintf("%s deflate=%v limit=%d rx=%d early=%v", side, m.deflate(), m.limit(), m.rxSize(), m.early())
}

// splitStream cuts stream into the writes the fuzzer chose, at most max.
func splitStream(stream, cuts []byte, max int) [][]byte {
	var chunks [][]byte
	for _, c := range cuts {
		if len(stream) == 0 || c == 0 || len(chunks) == max-1 {
			break
		}
		n := min(int(c), len(stream))
		chunks = append(chunks, stream[:n])
		stream = stream[n:]
	}
	if len(stream) > 0 {
		chunks = append(chunks, stream)
	}
	return chunks
}

// wsRecord is what one connection showed: the messages its protocol
// received and the frames it wrote (pongs and its close frame).
type wsRecord struct {
	msgs  []fuzzMsg
	pongs []string
	close int // the status code of the close frame sent; 0 without one, 1005 for an empty one
	bad   []string
}

type fuzzMsg struct {
	data   []byte
	binary bool
	done   bool // the final piece arrived
}

func (r wsRecord) String() string {
	var b strings.Builder
	for _, m := range r.msgs {
		fmt.Fprintf(&b, "[%d bytes binary=%v done=%v %q] ", len(m.data), m.binary, m.done, clip(m.data))
	}
	fmt.Fprintf(&b, "pongs=%d close=%d", len(r.pongs), r.close)
	if len(r.bad) > 0 {
		fmt.Fprintf(&b, " bad=%q", r.bad)
	}
	return b.String()
}

func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}

// wsFuzzPss reassembles the messages of one connection from its pieces,
// checking the piece flags and sizes as it goes.
type wsFuzzPss struct {
	rec wsRecord
	cur *fuzzMsg
}

func (p *wsFuzzPss) piece(c *Conn, in []byte, size int) {
	if len(in) > size {
		p.rec.bad = append(p.rec.bad, fmt.Sprintf("piece of %d bytes, rx buffer %d", len(in), size))
	}
	if c.IsFirstFragment() != (p.cur == nil) {
		p.rec.bad = append(p.rec.bad, fmt.Sprintf("first=%v with a message open=%v", c.IsFirstFragment(), p.cur != nil))
	}
	if p.cur == nil {
		p.cur = &fuzzMsg{binary: c.FrameIsBinary()}
	} else if p.cur.binary != c.FrameIsBinary() {
		p.rec.bad = append(p.rec.bad, "binary flag changed within a message")
	}
	p.cur.data = append(p.cur.data, in...)
	if c.IsFinalFragment() {
		p.cur.done = true
		p.rec.msgs = append(p.rec.msgs, *p.cur)
		p.cur = nil
	}
}

// wsFuzzEnv is one context per fuzz worker, reused across inputs: vhosts
// (one per read limit, chosen by Host:) sharing one listener, each with a
// protocol per rx buffer size (chosen by subprotocol), and a raw listener
// the loop's client connections dial. Each input gets a fresh connection.
type wsFuzzEnv struct {
	ctx    *Context
	vhosts [len(wsFuzzLimits)]*Vhost
	addr   string
	srv    *net.TCPListener
	events chan wsFuzzEvent
}

type wsFuzzEvent struct {
	established bool
	closed      *wsFuzzPss
	err         string
}

func newWSFuzzEnv(f *testing.F) *wsFuzzEnv {
	e := &wsFuzzEnv{events: make(chan wsFuzzEvent, 16)}
	protos := []*Protocol{{Name: "http", Callback: HTTPDummy}}
	for i, size := range wsFuzzRxSizes {
		protos = append(protos, &Protocol{
			Name:         fmt.Sprintf("rx%d", i),
			RxBufferSize: size,
			NewSession:   func() any { return &wsFuzzPss{} },
			Callback: func(c *Conn, reason Reason, user any, in []byte) error {
				p, _ := user.(*wsFuzzPss)
				switch reason {
				case ReasonClientEstablished:
					e.events <- wsFuzzEvent{established: true}
				case ReasonReceive, ReasonClientReceive:
					p.piece(c, in, size)
				case ReasonClosed, ReasonClientClosed:
					if p.cur != nil {
						p.rec.msgs = append(p.rec.msgs, *p.cur)
						p.cur = nil
					}
					e.events <- wsFuzzEvent{closed: p}
				case ReasonClientConnectionError:
					e.events <- wsFuzzEvent{err: string(in)}
				}
				return nil
			},
		})
	}
	vhost := func(i int, port int) VhostInfo {
		return VhostInfo{Name: fmt.Sprintf("l%d", i), Port: port, Interface: "127.0.0.1", Protocols: protos,
			Deflate: true, MaxMessageSize: wsFuzzLimits[i], TimeoutSecs: 60}
	}
	info := ContextInfo{VhostInfo: vhost(0, 0), NoIdleTrim: true}
	info.Logger = slog.New(slog.DiscardHandler)
	c, err := NewContext(info)
	if err != nil {
		f.Fatal(err)
	}
	e.ctx = c
	e.vhosts[0] = c.Vhosts()[0]
	for i := 1; i < len(wsFuzzLimits); i++ {
		if e.vhosts[i], err = c.CreateVhost(vhost(i, e.vhosts[0].Port())); err != nil {
			f.Fatal(err)
		}
	}
	e.addr = e.vhosts[0].Addr()
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		f.Fatal(err)
	}
	e.srv = ln
	done := make(chan error, 1)
	runCtx := f.Context()
	go func() { done <- c.Run(runCtx) }()
	f.Cleanup(func() {
		ln.Close()
		c.Stop()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			f.Error("context did not stop")
		}
	})
	return e
}

// settle returns once the loop has read what was written before: the
// first turn it runs in is followed by a poll that reports the bytes, the
// second comes after they were serviced.
func (e *wsFuzzEnv) settle() {
	for range 2 {
		done := make(chan struct{})
		if !e.ctx.Do(func() { close(done) }) {
			return
		}
		<-done
	}
}

func (e *wsFuzzEnv) wait(t *testing.T, what string) wsFuzzEvent {
	t.Helper()
	select {
	case ev := <-e.events:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s within 10 s", what)
	}
	return wsFuzzEvent{}
}

// run sends the chunks over a fresh loop-owned connection and returns what
// it showed.
func (e *wsFuzzEnv) run(t *testing.T, stream []byte, chunks [][]byte, m wsFuzzMode) wsRecord {
	var conn *net.TCPConn
	var br *bufio.Reader
	if m.client() {
		conn, br, chunks = e.dialClient(t, chunks, m)
	} else {
		conn, br = e.dialServer(t, m)
	}
	defer conn.Close()
	written := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(br) // a reset after the peer's close ends it too
		written <- b
	}()
	for _, c := range chunks {
		if _, err := conn.Write(c); err != nil {
			break // the loop closed the connection
		}
		e.settle()
	}
	_ = conn.CloseWrite()
	var out []byte
	select {
	case out = <-written:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: the loop did not close the connection within 10 s", m)
	}
	ev := e.wait(t, "CLOSED callback")
	if ev.closed == nil {
		t.Fatalf("%s: %+v instead of the CLOSED callback", m, ev)
	}
	rec := ev.closed.rec
	var err error
	if rec.pongs, rec.close, err = sentFrames(out, m.client()); err != nil {
		t.Fatalf("%s: the loop wrote %q: %v", m, out, err)
	}
	return rec
}

const wsFuzzKey = "dGhlIHNhbXBsZSBub25jZQ=="

// dialServer upgrades a raw connection to a server connection of the loop.
func (e *wsFuzzEnv) dialServer(t *testing.T, m wsFuzzMode) (*net.TCPConn, *bufio.Reader) {
	c, err := net.DialTimeout("tcp", e.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn := c.(*net.TCPConn)
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	ext := ""
	if m.deflate() {
		ext = "Sec-WebSocket-Extensions: permessage-deflate\r\n"
	}
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: l%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: rx%d\r\n%s\r\n",
		m.limitIdx(), wsFuzzKey, m.rxIdx(), ext)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("%s: upgrade: %v %v", m, resp, err)
	}
	if got := strings.Contains(resp.Header.Get("Sec-Websocket-Extensions"), "permessage-deflate"); got != m.deflate() {
		t.Fatalf("%s: permessage-deflate negotiated: %v", m, got)
	}
	return conn, br
}

// dialClient has the loop connect a client to the raw listener, answers
// its handshake (with the first chunk in the same write when m.early) and
// returns once the loop has the connection, with the chunks still to send.
func (e *wsFuzzEnv) dialClient(t *testing.T, chunks [][]byte, m wsFuzzMode) (*net.TCPConn, *bufio.Reader, [][]byte) {
	port := e.srv.Addr().(*net.TCPAddr).Port
	e.ctx.Do(func() {
		_, err := e.ctx.ClientConnect(ClientConnectInfo{Address: "127.0.0.1", Port: port,
			Protocol: fmt.Sprintf("rx%d", m.rxIdx()), Vhost: e.vhosts[m.limitIdx()], Deflate: m.deflate()})
		if err != nil {
			e.events <- wsFuzzEvent{err: err.Error()}
		}
	})
	_ = e.srv.SetDeadline(time.Now().Add(10 * time.Second))
	conn, err := e.srv.AcceptTCP()
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(conn)
	req, err := http.ReadRequest(br)
	if err != nil {
		t.Fatal(err)
	}
	answer := wsAnswer(req, m.deflate())
	if m.early() && len(chunks) > 0 {
		answer = append(answer, chunks[0]...)
		chunks = chunks[1:]
	}
	if _, err := conn.Write(answer); err != nil {
		t.Fatal(err)
	}
	if ev := e.wait(t, "CLIENT_ESTABLISHED"); !ev.established {
		t.Fatalf("%s: %+v instead of CLIENT_ESTABLISHED", m, ev)
	}
	return conn, br, chunks
}

// wsAnswer is a server's 101 to the handshake req.
func wsAnswer(req *http.Request, deflate bool) []byte {
	h := sha1.Sum([]byte(req.Header.Get("Sec-Websocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	ext := ""
	if deflate && strings.Contains(req.Header.Get("Sec-Websocket-Extensions"), "permessage-deflate") {
		ext = "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n"
	}
	proto := ""
	if p := req.Header.Get("Sec-Websocket-Protocol"); p != "" {
		proto = "Sec-WebSocket-Protocol: " + p + "\r\n"
	}
	return []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(h[:]) + "\r\n" + proto + ext + "\r\n")
}

// sentFrames reads the control frames an endpoint wrote: the pongs'
// payloads and the status of its close frame (0 without one, 1005 for an
// empty one). Anything else is an error.
func sentFrames(b []byte, masked bool) (pongs []string, close int, err error) {
	for len(b) > 0 {
		h, ok := parseFrameHeader(b)
		if !ok || h.masked() != masked || int64(len(b)-h.hlen) < h.plen {
			return pongs, close, fmt.Errorf("truncated or malformed frame %x", b)
		}
		p := h.payload(b)
		b = b[h.hlen+int(h.plen):]
		switch {
		case close != 0:
			return pongs, close, errors.New("a frame after the close frame")
		case h.b0 == 0x8a:
			pongs = append(pongs, string(p))
		case h.b0 == 0x88 && len(p) == 0:
			close = websocket.CloseNoStatusReceived
		case h.b0 == 0x88 && len(p) >= 2:
			close = int(binary.BigEndian.Uint16(p))
		default:
			return pongs, close, fmt.Errorf("unexpected frame %x", h.b0)
		}
	}
	return pongs, close, nil
}

// wsExpect is what the reference allows the loop to show.
type wsExpect struct {
	msgs []fuzzMsg // complete messages, then the part of a failed one that was read
	// closes are the close statuses allowed (0: no close frame).
	closes []int
	pongs  []string
	// pongsMin, when not -1, lets the loop stop answering pings after
	// that many: within a compressed message that fails (see wsReference).
	pongsMin int
	failedAt int // the message that failed, -1 if none did
	// loosePongs, when not -1: past that many pongs, the loop's need
	// only be among the reference's (see wsReference).
	loosePongs int
	// alt is what the loop may show instead (see wsReference).
	alt *wsExpect
}

func (w wsExpect) String() string {
	r := wsRecord{msgs: w.msgs, pongs: w.pongs}
	s := fmt.Sprintf("%s closes=%v pongsMin=%d loosePongs=%d", r, w.closes, w.pongsMin, w.loosePongs)
	if w.alt != nil {
		s += "\n       or: " + w.alt.String()
	}
	return s
}

// mismatch says how got differs from what w allows, or "".
func (w wsExpect) mismatch(got wsRecord) string {
	why := w.mismatch1(got)
	if why != "" && w.alt != nil && w.alt.mismatch(got) == "" {
		return ""
	}
	return why
}

func (w wsExpect) mismatch1(got wsRecord) string {
	if len(got.bad) > 0 {
		return "bad pieces: " + strings.Join(got.bad, "; ")
	}
	wantDone := 0
	for _, m := range w.msgs {
		if m.done {
			wantDone++
		}
	}
	for i, m := range got.msgs {
		if i >= len(w.msgs) {
			return fmt.Sprintf("message %d was not expected", i)
		}
		r := w.msgs[i]
		switch {
		case m.binary != r.binary:
			return fmt.Sprintf("message %d: binary %v, want %v", i, m.binary, r.binary)
		case m.done && !r.done:
			return fmt.Sprintf("message %d delivered whole; the reference failed it", i)
		case m.done && !bytes.Equal(m.data, r.data):
			return fmt.Sprintf("message %d differs", i)
		case !m.done && !bytes.HasPrefix(r.data, m.data):
			return fmt.Sprintf("partial message %d is not a prefix of the reference's", i)
		}
	}
	done := 0
	for _, m := range got.msgs {
		if m.done {
			done++
		}
	}
	if done != wantDone {
		return fmt.Sprintf("%d messages delivered, want %d", done, wantDone)
	}
	okClose := false
	for _, c := range w.closes {
		okClose = okClose || c == got.close
	}
	if !okClose {
		return fmt.Sprintf("close status %d, want one of %v", got.close, w.closes)
	}
	if w.loosePongs >= 0 {
		rest := slices.Clone(w.pongs[min(w.loosePongs, len(w.pongs)):])
		for i, p := range got.pongs {
			if i < w.loosePongs {
				if i >= len(w.pongs) || p != w.pongs[i] {
					return fmt.Sprintf("pong %d carries %q, want %q", i, p, w.pongs[i:min(i+1, len(w.pongs))])
				}
				continue
			}
			j := slices.Index(rest, p)
			if j < 0 {
				return fmt.Sprintf("pong %d carries %q, which the reference did not send", i, p)
			}
			rest = slices.Delete(rest, j, j+1)
		}
		return ""
	}
	if w.pongsMin < 0 {
		if len(got.pongs) != len(w.pongs) {
			return fmt.Sprintf("%d pongs, want %d", len(got.pongs), len(w.pongs))
		}
	} else if len(got.pongs) < w.pongsMin || len(got.pongs) > len(w.pongs) {
		return fmt.Sprintf("%d pongs, want %d to %d", len(got.pongs), w.pongsMin, len(w.pongs))
	}
	for i, p := range got.pongs {
		if p != w.pongs[i] {
			return fmt.Sprintf("pong %d carries %q, want %q", i, p, w.pongs[i])
		}
	}
	return ""
}

// wsReference reads stream with gorilla/websocket (an endpoint on an
// in-memory connection, NextReader and the message reader, as a plain
// gorilla application reads) and applies what the RFCs require where
// gorilla does not:
//
//   - A frame header RFC 6455 forbids but gorilla takes fails the
//     connection with 1002 (wsViolation). The bytes from that header on are
//     withheld from gorilla; reaching their end means reaching the header.
//   - Text must be UTF-8 (RFC 6455 8.1: 1007), checked as it arrives:
//     the connection fails as soon as the bytes received cannot begin valid
//     UTF-8 ("finds that the byte stream is not ... valid"), however the
//     message is fragmented.
//   - A compressed message is held to the read limit once inflated too
//     (RFC 6455 10.4: "limits on frame size and total message size",
//     close 1009 as 7.4.1 says); gorilla counts wire bytes only.
//   - A frame that takes a message past the read limit gets close 1009
//     (RFC 6455 7.4.1), also where gorilla's length sum overflows and it
//     returns ErrReadLimit without a close frame.
//   - A close frame without a status is answered with 1000 (RFC 6455 5.5.1
//     lets the answer carry any status; 7.4.1: 1000 is a normal closure);
//     gorilla answers with an empty close frame.
//
// The loop checks a frame header once all of it is here (extended length
// and masking key), and the read limit of a continuation frame once its
// first payload byte is (gorilla reads on into the payload); gorilla
// checks the first two bytes of a header as soon as they arrive. RFC 6455
// does not say when a check is made: where the stream ends inside the
// header of a frame (or right after a continuation header) that gorilla
// refuses, ending without a close frame, as for any stream that ends
// inside a frame, is allowed too.
//
// A compressed message is gathered whole by the loop before gorilla
// inflates it, and inflated in rx-buffer pieces read one ahead: when it
// fails, the loop may meet its failures in another order than a reader
// that checks each inflated read, and it scans the message's frames
// before inflating any. RFC 6455 does not order these failures, so every
// failure the reference meets within that message is allowed, as is the
// one its frames meet when read without inflating, and the pings between
// its frames may go unanswered. A compressed message whose
// frames run past the read limit plus 64 KiB without ending may get 1009
// before it is complete (the loop's bound on gathered bytes).
func wsReference(stream []byte, m wsFuzzMode) wsExpect {
	walk := walkFrames(stream, !m.client())
	want := wsReferenceRun(stream, walk, m)
	if walk.tail < 0 {
		return want
	}
	// The loop cannot tell the stream from the one without its last
	// header until that header is whole: where that one may end without
	// a close frame, so may this one.
	cut := stream[:walk.tail]
	c := wsReferenceRun(cut, walkFrames(cut, !m.client()), m)
	if slices.Contains(c.closes, 0) || c.alt != nil && slices.Contains(c.alt.closes, 0) {
		want.closes = appendOnce(want.closes, 0)
		if want.alt != nil {
			want.alt.closes = appendOnce(want.alt.closes, 0)
		}
	}
	return want
}

func wsReferenceRun(stream []byte, walk frameWalk, m wsFuzzMode) wsExpect {
	server := !m.client()
	feed := stream
	if walk.violation >= 0 {
		feed = stream[:walk.violation]
	}
	ws, mc := gorillaEndpoint(feed, m)
	ws.SetReadLimit(m.limit())
	want := wsExpect{pongsMin: -1, failedAt: -1, loosePongs: -1}
	// outcome turns gorilla's read error into the close status the
	// endpoint must send.
	outcome := func(err error) int {
		if wsEOF(err) {
			if walk.violation >= 0 {
				return websocket.CloseProtocolError
			}
			return 0
		}
		_, code, _ := sentFrames(mc.out.Bytes(), !server)
		switch {
		case code == websocket.CloseNoStatusReceived:
			return websocket.CloseNormalClosure
		case code == 0 && errors.Is(err, websocket.ErrReadLimit):
			return websocket.CloseMessageTooBig
		}
		return code
	}
	pongs := func() []string {
		p, _, _ := sentFrames(mc.out.Bytes(), !server)
		return p
	}
	buf := make([]byte, 4096)
	for k := 0; ; k++ {
		mt, r, err := ws.NextReader()
		if err != nil {
			want.closes = append(want.closes, outcome(err))
			break
		}
		compressed := walk.compressed[k]
		before := len(pongs())
		// The loop scans the frames of a compressed message before it
		// inflates it: where they fail (read without inflating), it
		// may fail there first.
		var frames *wsExpect
		if compressed {
			alt := slices.Clone(stream)
			p := walk.start[k]
			alt[p] = alt[p]&0x80 | websocket.BinaryMessage
			if a := wsReferenceRun(alt, walkFrames(alt, !m.client()), m); a.failedAt == k {
				frames = &a
			}
		}
		msg := fuzzMsg{binary: mt == websocket.BinaryMessage}
		var check refUTF8
		var failed []int // failures met within this message
		var rerr error
		for rerr == nil {
			n, err := r.Read(buf)
			msg.data = append(msg.data, buf[:n]...)
			end := err == io.EOF
			if !msg.binary && !check.feed(buf[:n], end) {
				failed = appendOnce(failed, websocket.CloseInvalidFramePayloadData)
			}
			if compressed && int64(len(msg.data)) > m.limit() {
				failed = appendOnce(failed, websocket.CloseMessageTooBig)
			}
			switch {
			case end:
				err = nil
			case err != nil:
				rerr = err
				failed = appendOnce(failed, outcome(err))
			}
			if end || (len(failed) > 0 && !compressed) ||
				int64(len(msg.data)) > m.limit()+int64(2*m.rxSize())+64<<10 {
				break
			}
		}
		if compressed && walk.span[k] > m.limit()+64<<10 {
			failed = appendOnce(failed, websocket.CloseMessageTooBig)
		}
		if len(failed) == 0 {
			msg.done = true
			want.msgs = append(want.msgs, msg)
			if frames != nil && want.alt == nil {
				// gorilla's inflater ended (a final deflate block)
				// before the frames that fail.
				want.alt = &wsExpect{msgs: append(slices.Clone(want.msgs[:k]), fuzzMsg{binary: msg.binary}),
					closes: frames.closes, pongs: pongs(), pongsMin: before, failedAt: k, loosePongs: -1}
			}
			if compressed && want.loosePongs < 0 && deflateEndsEarly(walk.payload[k]) {
				// The deflate data ends before the message: gorilla
				// skips the rest of it at its next read, which for the
				// loop comes with the next message (RFC 1951 and 7692
				// say nothing of bytes after the final block). Pings in
				// that rest may be answered later or, if nothing
				// follows, not at all, and a close frame there not
				// answered.
				want.loosePongs = before
				if walk.closed[k] {
					want.closes = append(want.closes, 0)
				}
			}
			continue
		}
		if compressed {
			want.pongsMin = before
			if frames != nil {
				for _, c := range frames.closes {
					failed = appendOnce(failed, c)
				}
			}
		}
		want.msgs = append(want.msgs, msg)
		want.closes, want.failedAt = failed, k
		break
	}
	want.pongs = pongs()
	return want
}

// deflateEndsEarly reports whether the compressed data of a message
// (with the tail RFC 7692 7.2.2 appends) reaches a final block before its
// end.
func deflateEndsEarly(payload []byte) bool {
	tail := "\x00\x00\xff\xff\x01\x00\x00\xff\xff"
	r := strings.NewReader(string(payload) + tail)
	if _, err := io.CopyN(io.Discard, flate.NewReader(r), 1<<22); err != io.EOF {
		return false
	}
	return r.Len() > len(tail)
}

func appendOnce(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// wsEOF reports gorilla's ways of saying the bytes ran out.
func wsEOF(err error) bool {
	var ce *websocket.CloseError
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &ce) && ce.Code == websocket.CloseAbnormalClosure
}

// refUTF8 checks text as it arrives, independently of the core's
// utf8Check: it fails as soon as the bytes seen cannot begin valid UTF-8.
type refUTF8 struct{ tail []byte }

func (u *refUTF8) feed(p []byte, final bool) bool {
	b := append(u.tail, p...)
	for len(b) > 0 && utf8.FullRune(b) {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			return false
		}
		b = b[n:]
	}
	u.tail = append([]byte(nil), b...)
	return !final || len(u.tail) == 0
}

// frameWalk is what the reference needs to know of the stream's frames:
// where the first header RFC 6455 forbids starts (-1 if none), and for
// each message, whether it is compressed and how far its frames run.
type frameWalk struct {
	violation  int
	compressed []bool
	start      []int    // where each message's first frame starts
	payload    [][]byte // its data, unmasked (of compressed messages, bounded)
	closed     []bool   // a close frame came before its final frame
	span       []int64
	// tail is where the stream ends inside a frame header, or where the
	// header of a continuation frame starts whose payload has not; -1 if
	// neither.
	tail int
}

// walkFrames walks the complete frames of stream; fromClient: a client's
// (masked) frames.
func walkFrames(stream []byte, fromClient bool) frameWalk {
	w := frameWalk{violation: -1, tail: -1}
	pos, open := 0, -1 // open: the message whose frames are being walked
	for {
		h, ok := parseFrameHeader(stream[pos:])
		if !ok {
			if len(stream)-pos >= 2 {
				w.tail = pos
			}
			break
		}
		if wsViolation(stream[pos:]) {
			w.violation = pos
			break
		}
		op := h.opcode()
		if op == websocket.TextMessage || op == websocket.BinaryMessage {
			w.compressed = append(w.compressed, h.b0&0x40 != 0)
			w.start = append(w.start, pos)
			w.payload = append(w.payload, nil)
			w.closed = append(w.closed, false)
			w.span = append(w.span, int64(len(stream)-pos))
			open = len(w.span) - 1
		}
		if int64(len(stream)-pos-h.hlen) < h.plen {
			if op == 0 && h.b0&0x70 == 0 && h.masked() == fromClient && len(stream)-pos == h.hlen {
				w.tail = pos // a header only its read limit is left to check on
			}
			break
		}
		if open >= 0 && op < 8 && w.compressed[open] && len(w.payload[open]) < 1<<20 {
			w.payload[open] = append(w.payload[open], h.payload(stream[pos:])...)
		}
		pos += h.hlen + int(h.plen)
		if open >= 0 && (op < 8 && h.fin() || op == websocket.CloseMessage) {
			w.span[open] -= int64(len(stream) - pos)
			w.closed[open] = op == websocket.CloseMessage
			open = -1
		}
	}
	return w
}

// wsViolation reports a frame header (all of it at the front of b) that
// RFC 6455 forbids and gorilla takes, or drops without a close frame:
//
//   - a 64-bit length with the most significant bit set (RFC 6455 5.2:
//     "the most significant bit MUST be 0"); gorilla returns
//     ErrReadLimit without a close frame;
//   - a close frame with a 1-byte payload (RFC 6455 5.5.1: a body starts
//     with a 2-byte status); gorilla takes it as a close without status;
//   - RSV1 on a continuation or control frame (RFC 7692 6: the
//     "Per-Message Compressed" bit is set on the first frame of a data
//     message only; RFC 6455 5.2: an RSV bit no extension gives a meaning
//     fails the connection); with permessage-deflate negotiated gorilla
//     takes it.
func wsViolation(b []byte) bool {
	op := b[0] & 0x0f
	switch {
	case b[1]&0x7f == 127 && b[2]&0x80 != 0:
		return true
	case op == websocket.CloseMessage && b[1]&0x7f == 1:
		return true
	case b[0]&0x40 != 0 && (op == 0 || op >= 8):
		return true
	}
	return false
}

// gorillaEndpoint is a gorilla connection (server, or client with
// m.client) reading stream, with what it writes kept in mc.out.
func gorillaEndpoint(stream []byte, m wsFuzzMode) (*websocket.Conn, *memConn) {
	mc := &memConn{in: stream}
	if m.client() {
		mc.answer = func(req []byte) []byte {
			r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(req)))
			if err != nil {
				panic(err)
			}
			return wsAnswer(r, m.deflate())
		}
		d := websocket.Dialer{EnableCompression: m.deflate(), NetDial: func(string, string) (net.Conn, error) { return mc, nil }}
		ws, _, err := d.Dial("ws://fuzz/", nil)
		if err != nil {
			panic(err)
		}
		return ws, mc
	}
	req := &http.Request{Method: http.MethodGet, Header: http.Header{
		"Connection": {"Upgrade"}, "Upgrade": {"websocket"},
		"Sec-Websocket-Version": {"13"}, "Sec-Websocket-Key": {wsFuzzKey},
	}}
	if m.deflate() {
		req.Header.Set("Sec-Websocket-Extensions", "permessage-deflate")
	}
	up := websocket.Upgrader{EnableCompression: m.deflate(), CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(&memHijacker{c: mc, h: http.Header{}}, req, nil)
	if err != nil {
		panic(err)
	}
	mc.out.Reset() // the 101
	return ws, mc
}

// memConn is an in-memory connection for the reference: reads come from
// in (after the answer to the handshake written, for a client), writes
// are kept.
type memConn struct {
	in     []byte
	out    bytes.Buffer
	answer func(req []byte) []byte
}

func (c *memConn) Read(p []byte) (int, error) {
	if c.answer != nil {
		c.in = append(c.answer(c.out.Bytes()), c.in...)
		c.answer = nil
		c.out.Reset()
	}
	if len(c.in) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.in)
	c.in = c.in[n:]
	return n, nil
}

func (c *memConn) Write(p []byte) (int, error)      { return c.out.Write(p) }
func (c *memConn) Close() error                     { return nil }
func (c *memConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *memConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *memConn) SetDeadline(time.Time) error      { return nil }
func (c *memConn) SetReadDeadline(time.Time) error  { return nil }
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }

// memHijacker lets gorilla's Upgrader take a memConn.
type memHijacker struct {
	c *memConn
	h http.Header
}

func (h *memHijacker) Header() http.Header         { return h.h }
func (h *memHijacker) Write(b []byte) (int, error) { return len(b), nil }
func (h *memHijacker) WriteHeader(int)             {}
func (h *memHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return h.c, bufio.NewReadWriter(bufio.NewReader(h.c), bufio.NewWriter(h.c)), nil
}
