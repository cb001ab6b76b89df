//go:build linux

package lws

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// A plain (non-TLS) ws server connection is serviced the way lws services
// every connection: after the upgrade its socket leaves the Go runtime
// (net.TCPConn, its netFD and poll descriptor are closed; only a duplicate
// descriptor stays) and sits on the loop's epoll set. The loop goroutine
// reads it with non-blocking read(2) into one buffer shared by the whole
// loop (lws's pt->serv_buf), finds the frame boundaries, lets gorilla parse
// exactly the bytes of frames that are complete, calls the protocol, and
// writes with non-blocking write(2); what the kernel does not take waits in
// the connection (lws's buflist_out) until EPOLLOUT. No goroutine is
// involved per message and an idle connection holds no buffer at all.
//
// gorilla stays in charge of the protocol: header validation, unmasking,
// read limits, close handling and permessage-deflate. The loop only makes
// sure it never has to wait: gorilla's Read is given the bytes of one step
// (a frame header, the payload bytes that arrived, or a whole message) and
// nothing more.

// fdConn is the connection's socket while the loop owns it. It implements
// net.Conn because gorilla's Conn is built on one; only the loop calls it
// once the connection is established.
type fdConn struct {
	w     *wsConn
	buf   []byte // storage for in when it outlives one read
	in    []byte // received bytes not consumed yet
	out   []byte // bytes the kernel has not taken yet
	allow int32  // how many bytes of in gorilla may take now
	errno uint16 // first write error (an errno); later writes fail with it
	inRx  bool   // in points into the loop's shared read buffer
	// deflate: permessage-deflate was negotiated (noteDeflate), so a
	// frame with RSV1 starts a compressed message; without it gorilla
	// refuses such a frame at its header.
	deflate bool
}

// noteDeflate records whether permessage-deflate was negotiated: from
// the server's 101 (resp), or for a server connection from its own 101,
// which gorilla has just written and which waits in out.
func (f *fdConn) noteDeflate(resp http.Header) {
	if resp != nil {
		for _, v := range resp.Values("Sec-Websocket-Extensions") {
			for ext := range strings.SplitSeq(v, ",") {
				name, _, _ := strings.Cut(ext, ";")
				f.deflate = f.deflate || strings.TrimSpace(name) == "permessage-deflate"
			}
		}
		return
	}
	f.deflate = bytes.Contains(f.out, []byte("\r\nSec-WebSocket-Extensions: permessage-deflate"))
}

// errPastStep is what gorilla would get if it read beyond what the loop
// allowed: a bug in the frame scan, reported rather than waited on.
var errPastStep = errors.New("lws: ws parser read past a complete frame")

// takeFD takes the socket away from the Go runtime: dup the descriptor,
// close the net.TCPConn (releasing its runtime poll descriptor) and keep
// the duplicate, which shares the non-blocking mode.
func takeFD(tc *net.TCPConn) (int, error) {
	raw, err := tc.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	var derr error
	if err := raw.Control(func(f uintptr) {
		r, _, e := syscall.Syscall(syscall.SYS_FCNTL, f, syscall.F_DUPFD_CLOEXEC, 0)
		if e != 0 {
			derr = e
			return
		}
		fd = int(r)
	}); err != nil {
		return -1, fmt.Errorf("socket control: %w", err)
	}
	if derr != nil {
		return -1, fmt.Errorf("dup socket: %w", derr)
	}
	_ = tc.Close()
	return fd, nil
}

// Read gives gorilla bytes of the current step only.
func (f *fdConn) Read(p []byte) (int, error) {
	k := min(int(f.allow), len(f.in))
	if k == 0 {
		return 0, errPastStep
	}
	n := copy(p, f.in[:k])
	f.in = f.in[n:]
	f.allow -= int32(n)
	return n, nil
}

// Write never blocks: it writes what the kernel takes and keeps the rest,
// in order, for EPOLLOUT; the writeable callback waits until it has left.
func (f *fdConn) Write(p []byte) (int, error) {
	if err := f.writeErr(); err != nil {
		return 0, err
	}
	if len(f.out) > 0 || !f.w.watched {
		// Behind earlier bytes, or before ESTABLISHED (the 101): wait.
		f.out = append(f.out, p...)
		return len(p), nil
	}
	if f.w.c.ctx.loop.io.deferring {
		// In the writeable pass: written with the pass's other writes
		// when it ends (poller.endPass), possibly on another core.
		f.out = append(f.out, p...)
		f.w.c.ctx.loop.io.pass = append(f.w.c.ctx.loop.io.pass, f)
		return len(p), nil
	}
	n, err := writeFD(f.fdi(), p)
	if err != nil {
		f.fail(err)
		return 0, f.writeErr()
	}
	if n < len(p) {
		f.out = append(f.out, p[n:]...)
		f.w.updateEvents() // wait for EPOLLOUT
	}
	return len(p), nil
}

func (f *fdConn) busy() bool { return len(f.out) > 0 }

// fdi is the socket's descriptor (kept once, in the wsConn).
func (f *fdConn) fdi() int { return int(f.w.fd) }

// fail records the first write error (an errno keeps the struct small).
func (f *fdConn) fail(err error) {
	if f.errno != 0 {
		return
	}
	var e syscall.Errno
	if !errors.As(err, &e) || e == 0 || e > 0xffff {
		e = syscall.EIO
	}
	f.errno = uint16(e)
}

// writeErr is the first write error, if any.
func (f *fdConn) writeErr() error {
	if f.errno == 0 {
		return nil
	}
	return fmt.Errorf("ws socket write: %w", syscall.Errno(f.errno))
}

// flushNow writes what waits (on the loop or the pass helper).
func (f *fdConn) flushNow() {
	if f.fdi() < 0 || len(f.out) == 0 {
		return
	}
	n, err := writeFD(f.fdi(), f.out)
	if err != nil {
		f.fail(err)
		return
	}
	f.out = f.out[n:]
}

// flushed runs on the loop after a pass's writes: whatever the kernel
// did not take waits for EPOLLOUT; if everything left, the connection is
// writeable again.
func (f *fdConn) flushed() {
	w := f.w
	if w.fdClosed {
		return
	}
	if err := f.writeErr(); err != nil {
		if w.closing {
			w.closeFD()
			return
		}
		// A peer that went may have said goodbye first: take what it
		// sent (its close frame) before giving up on the connection,
		// as lws services POLLIN before POLLOUT.
		w.fastRead()
		if !w.c.closed {
			w.fastFail(err)
		}
		return
	}
	if len(f.out) > 0 {
		w.updateEvents()
		return
	}
	f.out = nil
	held := w.txHeld
	w.txHeld = false
	w.updateEvents()
	if w.closing {
		w.flushedClosing()
		return
	}
	if held {
		// Reading stopped while the output waited; what was read and
		// not handed on yet goes on at the next turn.
		w.c.ctx.loop.post(w.resumeRx)
	}
	w.c.writeDone()
}

// closeUnwatched closes a socket the loop never took.
func (f *fdConn) closeUnwatched() {
	if !f.w.fdClosed {
		f.w.fdClosed = true
		_ = syscall.Close(f.fdi())
	}
}

// Close is gorilla's Close. gorilla calls it only if the upgrade fails
// after the hijack, before the loop took the socket; once it has, the loop
// closes the socket itself (closeFD).
func (f *fdConn) Close() error {
	if !f.w.watched {
		f.closeUnwatched()
	}
	return nil
}

func (f *fdConn) LocalAddr() net.Addr {
	sa, err := syscall.Getsockname(f.fdi())
	if err != nil {
		return nil
	}
	return sockaddrTCP(sa)
}

func (f *fdConn) RemoteAddr() net.Addr {
	sa, err := syscall.Getpeername(f.fdi())
	if err != nil {
		return nil
	}
	return sockaddrTCP(sa)
}

// Deadlines mean nothing here: the loop never waits on this socket.
func (f *fdConn) SetDeadline(time.Time) error      { return nil }
func (f *fdConn) SetReadDeadline(time.Time) error  { return nil }
func (f *fdConn) SetWriteDeadline(time.Time) error { return nil }

func sockaddrTCP(sa syscall.Sockaddr) net.Addr {
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		return &net.TCPAddr{IP: a.Addr[:], Port: a.Port}
	case *syscall.SockaddrInet6:
		return &net.TCPAddr{IP: a.Addr[:], Port: a.Port}
	}
	return nil
}

// writeFD writes once; EAGAIN is "nothing taken", not an error.
func writeFD(fd int, p []byte) (int, error) {
	for {
		n, err := syscall.Write(fd, p)
		switch err {
		case nil:
			return n, nil
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return 0, nil
		}
		return 0, err
	}
}

func readFD(fd int, p []byte) (int, error) {
	for {
		n, err := syscall.Read(fd, p)
		if err == syscall.EINTR {
			continue
		}
		return n, err
	}
}

// fastEvents is what the connection waits for: reads unless paused (or,
// once closed, unless our FIN went and the peer's answer is awaited), and
// writes while bytes wait to leave.
func (w *wsConn) fastEvents() uint32 {
	var ev uint32
	switch {
	case w.closing:
		if w.finSent {
			ev = pollReadable
		}
	case !w.paused && !w.txHeld:
		ev = pollReadable
	}
	if w.fc.busy() {
		ev |= syscall.EPOLLOUT
	}
	return ev
}

// updateEvents tells epoll when what the connection waits for changed.
func (w *wsConn) updateEvents() {
	if !w.watched || w.fdClosed {
		return
	}
	ev := w.fastEvents()
	if ev == w.evMask {
		return
	}
	if err := w.c.ctx.poll.modify(w, ev); err != nil {
		w.c.ctx.log.Error("ws socket not watched", "peer", w.c.peer, "err", err)
		return
	}
	w.evMask = ev
}

// fastEvent services one epoll event of the connection, on the loop.
func (w *wsConn) fastEvent(ev uint32) {
	if ev&syscall.EPOLLOUT != 0 {
		w.flushOut()
	}
	if w.fdClosed || ev&(syscall.EPOLLIN|syscall.EPOLLRDHUP|syscall.EPOLLHUP|syscall.EPOLLERR) == 0 {
		return
	}
	if w.closing {
		w.drainClosing()
		return
	}
	if w.paused && ev&(syscall.EPOLLHUP|syscall.EPOLLERR) != 0 {
		w.fastFail(io.ErrUnexpectedEOF) // gone while we were not reading
		return
	}
	w.fastRead()
}

// fastRead reads what arrived and hands every complete frame on.
func (w *wsConn) fastRead() {
	f := w.fc
	if w.rxHeld() {
		// Output is stuck (or rx paused): read nothing more until it
		// moves, or f.in would grow instead.
		w.updateEvents()
		return
	}
	p := &w.c.ctx.loop.io
	rx := p.rxBuffer()
	n, err := readFD(f.fdi(), rx)
	if err == syscall.EAGAIN {
		return
	}
	if err != nil || n == 0 {
		if err == nil {
			err = io.EOF
			if len(f.in) > 0 || w.payloadLeft > 0 {
				err = io.ErrUnexpectedEOF
			}
		}
		w.fastFail(err)
		return
	}
	if len(f.in) == 0 {
		f.in, f.inRx = rx[:n], true
	} else {
		f.buf = append(append(f.buf[:0], f.in...), rx[:n]...)
		f.in = f.buf
	}
	w.c.ctx.noteTraffic(n)
	w.rxFast()
	w.keepRest()
	w.updateEvents() // stop watching for reads if the output got stuck
}

// rxPending hands on bytes already read (a client's frames that came with
// the 101) that no readiness event will announce.
func (w *wsConn) rxPending() {
	if len(w.fc.in) > 0 && !w.c.closed {
		w.rxFast()
		w.keepRest()
	}
}

// keepRest moves bytes that wait for the rest of their frame out of the
// shared read buffer; an idle connection keeps no buffer.
// A frame that stops arriving part way (the ws slowloris) closes the
// connection once the vhost's timeout passes without more of it.
func (w *wsConn) keepRest() {
	f := w.fc
	if w.fdClosed {
		f.in, f.buf, f.inRx = nil, nil, false
		return
	}
	partial := len(f.in) > 0 || w.payloadLeft > 0 || w.msgR != nil || w.whole != nil
	switch {
	case partial && !w.paused && !w.txHeld && !w.c.closed:
		if w.stall == nil {
			w.stall = &Sul{}
		}
		w.c.ctx.Schedule(w.stall, w.c.vh.timeout(), func(*Sul) { w.stalled() })
	case w.stall != nil:
		w.c.ctx.CancelSul(w.stall)
	}
	if len(f.in) == 0 {
		f.in, f.buf, f.inRx = nil, nil, false
		return
	}
	if f.inRx {
		f.buf = append(f.buf[:0], f.in...)
		f.in, f.inRx = f.buf, false
	}
}

// stalled closes a connection whose frame stopped arriving.
func (w *wsConn) stalled() {
	c := w.c
	if c.closed {
		return
	}
	c.ctx.log.Info("ws frame stalled, closing", "peer", c.PeerAddr(), "timeout", c.vh.timeout())
	c.closeNow(closeReasonTimeout)
}

// rxFast hands on what f.in holds, frame by frame. Data frames that are
// not compressed, alone or fragments of a message, are delivered as their
// payload arrives, in pieces of the protocol's rx buffer size, as lws's
// lws_ws_frame_rest_is_payload does: nothing of them is held beyond what
// the last read brought. A compressed message is handed to gorilla once
// all its frames are here (at most the read limit) and inflated a slice
// per loop turn (pumpWhole). Reading stops while the protocol has paused
// rx or too much output waits for a peer that does not read (rxHeld).
func (w *wsConn) rxFast() {
	f, c := w.fc, w.c
	w.mu.Lock()
	w.lend()
	w.mu.Unlock()
	defer func() {
		f.allow = 0
		w.mu.Lock()
		w.giveBack()
		w.mu.Unlock()
	}()
	for !c.closed && !w.rxHeld() {
		if w.whole != nil && w.whole.r != nil {
			if !w.pumpWhole() {
				return
			}
			continue
		}
		if w.payloadLeft > 0 {
			if len(f.in) <= int(w.hdrLeft) {
				return // the rest of the frame has not arrived
			}
			if err := w.streamPayload(); err != nil {
				w.fastFail(err)
				return
			}
			continue
		}
		if w.whole != nil {
			if !w.scanWhole() {
				return
			}
			continue
		}
		h, ok := parseFrameHeader(f.in)
		if !ok {
			return
		}
		if why := h.violation(f.in); why != "" {
			w.protocolError(why)
			return
		}
		op, fin := h.opcode(), h.fin()
		plain := h.masked() != w.client && h.b0&0x70 == 0 // right mask, no RSV bit
		switch {
		case plain && (op == websocket.PingMessage || op == websocket.PongMessage) && fin && h.shortLen():
			// A ping or pong, between messages or between the fragments
			// of one: answered here, as lws does.
			size := h.hlen + int(h.plen)
			if len(f.in) < size {
				return
			}
			w.controlFast(h, f.in[:size])
			f.in = f.in[size:]
		case plain && w.msgR == nil && (op == websocket.TextMessage || op == websocket.BinaryMessage):
			// A new message: gorilla reads the header (and checks it and
			// the read limit), the payload streams.
			f.allow = int32(h.hlen)
			mt, r, err := w.ws.NextReader()
			if err != nil {
				w.fastFail(err)
				return
			}
			w.msgR, w.payloadLeft, w.frameFin = r, h.plen, fin
			w.rxBin, w.rxStart, w.check = mt == websocket.BinaryMessage, true, utf8Check{}
			if h.plen == 0 && fin {
				w.msgR = nil
				w.deliverNow(nil, true, true)
			}
		case plain && w.msgR != nil && op == 0:
			// The next fragment of the open message. gorilla reads its
			// header together with the first payload bytes.
			switch {
			case h.plen > 0:
				if len(f.in) <= h.hlen {
					return
				}
				w.hdrLeft, w.payloadLeft, w.frameFin = uint8(h.hlen), h.plen, fin
			case !fin:
				f.in = f.in[h.hlen:] // empty and not the last: nothing to hand on
			default:
				if err := w.endFragments(h); err != nil {
					w.fastFail(err)
					return
				}
			}
		case w.msgR == nil && f.deflate && h.masked() != w.client && h.b0&0x70 == 0x40 && (op == websocket.TextMessage || op == websocket.BinaryMessage):
			w.whole = &wholeMsg{} // compressed: gathered, then inflated
		default:
			// A close frame, or a frame gorilla refuses: it sees exactly
			// that frame and answers it.
			w.handOver(h)
			return
		}
	}
}

// rxHeld reports whether the loop must not take more from the peer now:
// the protocol paused rx (lws_rx_flow_control), or more output waits for
// the peer than maxPendingOut (a peer that sends pings and never reads
// the pongs is not read either, as lws stops servicing rx while its
// output is stuck); TCP then pushes back on the peer.
func (w *wsConn) rxHeld() bool {
	if w.paused {
		return true
	}
	if len(w.fc.out) >= maxPendingOut {
		w.txHeld = true
		return true
	}
	return false
}

// streamPayload hands on the payload bytes of the current frame that have
// arrived, in pieces of the protocol's rx buffer size. gorilla is allowed
// exactly the bytes of each piece (plus the frame header before the first),
// so it never buffers anything the loop does not know about, and a pause
// between two pieces leaves the rest in f.in.
func (w *wsConn) streamPayload() error {
	f := w.fc
	size := w.c.proto.rxBufferSize()
	piece, _ := w.c.ctx.loop.io.pieces(size)
	for !w.c.closed && w.payloadLeft > 0 && len(f.in) > int(w.hdrLeft) {
		n := int(min(w.payloadLeft, int64(size), int64(len(f.in)-int(w.hdrLeft))))
		f.allow = int32(n) + int32(w.hdrLeft)
		w.hdrLeft = 0
		if _, err := io.ReadFull(w.msgR, piece[:n]); err != nil {
			return err
		}
		w.payloadLeft -= int64(n)
		final := w.frameFin && w.payloadLeft == 0
		if !w.rxBin && !w.check.feed(piece[:n], final) {
			return w.badUTF8()
		}
		first := w.rxStart
		w.rxStart = false
		if final {
			w.msgR = nil
		}
		w.deliverNow(piece[:n], first, final)
		if w.rxHeld() {
			break
		}
	}
	return nil
}

// endFragments takes an empty final fragment: the message ends with an
// empty final piece.
func (w *wsConn) endFragments(h frameHdr) error {
	f := w.fc
	f.allow = int32(h.hlen)
	var one [1]byte
	if n, err := w.msgR.Read(one[:]); n != 0 || err != io.EOF {
		if err == nil {
			err = errPastStep
		}
		return err
	}
	if !w.rxBin && !w.check.feed(nil, true) {
		return w.badUTF8()
	}
	w.msgR = nil
	w.deliverNow(nil, w.rxStart, true)
	return nil
}

// handOver lets gorilla read the frame at the front of f.in, one it
// refuses or a close frame: it answers (close 1002, or the close reply)
// and reports an error, which ends the connection.
func (w *wsConn) handOver(h frameHdr) {
	f := w.fc
	size := h.hlen
	// A close frame gorilla takes is read whole; one whose header it
	// refuses (RSV bits, no FIN, the wrong mask) is refused at once,
	// without waiting for a payload that may never come.
	if h.opcode() == websocket.CloseMessage && h.shortLen() && h.fin() && h.b0&0x70 == 0 && h.masked() != w.client {
		size += int(h.plen)
		if len(f.in) < size {
			return
		}
	} else {
		w.writeWanted() // a refused frame: the replies before it first
	}
	f.allow = int32(size)
	var err error
	if w.msgR != nil {
		var one [1]byte
		_, err = w.msgR.Read(one[:])
	} else {
		_, _, err = w.ws.NextReader()
	}
	if err == nil {
		err = errPastStep
	}
	w.fastFail(err)
}

// protocolError fails the connection with close 1002, for frames gorilla
// would take or drop silently (RFC 6455 5.2 and 7.4.1).
func (w *wsConn) protocolError(why string) {
	w.writeWanted()
	w.saidClose = true
	_ = w.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseProtocolError, why),
		time.Now().Add(time.Second))
	w.fastFail(fmt.Errorf("ws protocol error: %s", why))
}

// writeWanted runs the writeable callbacks the protocol asked for before
// a bad frame that ends the connection is answered with close 1002:
// what it meant to send in reply to the messages before that frame goes
// out ahead of the close frame, as it would have had the frames arrived in
// separate reads. It stops once output is pending (what is queued leaves
// before the close frame, in order) or after a few callbacks.
func (w *wsConn) writeWanted() {
	for i := 0; i < 4 && w.c.wantWritable && !w.c.closed && !w.c.busy(); i++ {
		w.c.serviceWriteable()
	}
}

// wholeTurn bounds how much of a compressed message is inflated per loop
// turn: a small message bomb cannot keep the loop from everyone else.
const wholeTurn = 256 << 10

// scanWhole scans the compressed message's frames that arrived; once all
// are here gorilla starts reading it. It reports false to wait for more.
func (w *wsConn) scanWhole() bool {
	f, m, limit := w.fc, w.whole, w.c.vh.maxMessageSize()
	end, wire, state := scanMessage(f.in, m.scanned, m.wire, limit, !w.client)
	m.scanned, m.wire = end, wire
	switch state {
	case scanMore:
		if int64(len(f.in)) > limit+64<<10 {
			w.tooBig() // control frames without end between the fragments
		}
		return false
	case scanTooBig:
		w.tooBig()
		return false
	case scanBad:
		h, _ := parseFrameHeader(f.in[end:])
		why := h.violation(f.in[end:])
		if why == "" {
			why = "malformed frame header in a compressed message"
		}
		w.protocolError(why)
		return false
	}
	f.allow = int32(min(end, math.MaxInt32))
	mt, r, err := w.ws.NextReader()
	if err != nil {
		w.fastFail(err)
		return false
	}
	m.r, m.allow = r, int(f.allow)
	w.rxBin, w.rxStart, w.check = mt == websocket.BinaryMessage, true, utf8Check{}
	return true
}

// pumpWhole inflates and delivers up to wholeTurn bytes of the compressed
// message. It reports true once the message is done; otherwise it stops
// because rx is held (resumed later) or the turn's share is used, and the
// rest is left for the next turn.
func (w *wsConn) pumpWhole() bool {
	f, m, c := w.fc, w.whole, w.c
	size := c.proto.rxBufferSize()
	limit := c.vh.maxMessageSize()
	f.allow = int32(m.allow)
	defer func() { m.allow = int(f.allow) }()
	read := func(p []byte) ([]byte, bool, error) {
		n, err := readPiece(m.r, p, &m.eof)
		switch err {
		case nil:
			return p[:n], false, nil
		case io.EOF, errLastPiece:
			return p[:n], true, nil
		}
		return nil, false, err
	}
	if m.ahead == nil {
		p, last, err := read(make([]byte, size))
		if err != nil {
			w.fastFail(err)
			return false
		}
		m.ahead, m.last = p, last
	}
	piece, _ := c.ctx.loop.io.pieces(size)
	for done := 0; ; {
		cur := piece[:copy(piece, m.ahead)]
		final := m.last
		if !final {
			p, last, err := read(m.ahead[:cap(m.ahead)])
			if err != nil {
				w.fastFail(err)
				return false
			}
			m.ahead, m.last = p, last
			final = last && len(p) == 0
		}
		c.ctx.noteTraffic(len(cur))
		if m.out += int64(len(cur)); m.out > limit {
			w.tooBig()
			return false
		}
		if !w.rxBin && !w.check.feed(cur, final) {
			w.fastFail(w.badUTF8())
			return false
		}
		first := w.rxStart
		w.rxStart = false
		if final {
			w.whole = nil
		}
		w.deliverNow(cur, first, final)
		if final {
			return true
		}
		if c.closed || w.rxHeld() {
			return false
		}
		if done += len(cur); done >= wholeTurn {
			// Let the loop serve the others, then go on.
			c.ctx.loop.post(w.resumeRx)
			return false
		}
	}
}

// resumeRx hands on, at a later loop turn, what the connection has read
// but not delivered yet.
func (w *wsConn) resumeRx() {
	if !w.c.closed && !w.fdClosed && !w.rxHeld() {
		w.rxFast()
		w.keepRest()
	}
}

// deliverNow is ReasonReceive, called on the loop while reading.
func (w *wsConn) deliverNow(data []byte, first, final bool) {
	c := w.c
	if c.closed {
		return
	}
	w.lastValid = monoNow()
	c.rxFirst, c.rxFinal, c.rxBinary = first, final, w.rxBin
	if w.client {
		c.deliver(ReasonClientReceive, data)
		return
	}
	c.deliver(ReasonReceive, data)
}

// controlFast answers a ping or takes a pong (frame is the whole frame).
func (w *wsConn) controlFast(h frameHdr, frame []byte) {
	if h.opcode() == websocket.PingMessage {
		_ = w.ws.WriteControl(websocket.PongMessage, h.payload(frame), time.Now().Add(time.Second))
		return
	}
	w.gotPong()
}

// tooBig refuses a message longer than the read limit as gorilla does:
// close 1009.
func (w *wsConn) tooBig() {
	w.saidClose = true
	_ = w.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseMessageTooBig, "message too big"),
		time.Now().Add(time.Second))
	w.fastFail(websocket.ErrReadLimit)
}

// fastFail ends the connection after a read error, on the loop.
func (w *wsConn) fastFail(err error) {
	if w.noteReadErr(err) {
		w.c.closeNow(w.failWhy(err))
	}
}

// setRxPausedFast is lws_rx_flow_control for a loop connection: stop or
// restart watching for reads; bytes already read wait in the connection
// and are handed on at the next turn once reading restarts.
func (w *wsConn) setRxPausedFast(paused bool) {
	w.mu.Lock()
	w.paused = paused
	w.mu.Unlock()
	w.updateEvents()
	if !paused && (len(w.fc.in) > 0 || w.whole != nil) {
		// Not now: this may be a callback of a read in progress, which
		// is using the loop's shared buffers.
		w.c.ctx.loop.post(w.resumeRx)
	}
}

// flushOut writes what waits to leave, on EPOLLOUT.
func (w *wsConn) flushOut() {
	f := w.fc
	f.flushNow()
	if f.errno == 0 && len(f.out) > 0 {
		return // the kernel took part: wait for the next EPOLLOUT
	}
	f.flushed()
}

// shutdownFast closes a loop connection: a close frame when the close is
// ours, then (once it has left) FIN and a wait of at most closeAckTime for
// the peer's end, lws's close handshake; after a peer's close or loss,
// close once what was written has left.
func (w *wsConn) shutdownFast(c *Conn, why closeWhy) {
	c.ctx.CancelSul(&w.validity)
	if w.stall != nil {
		c.ctx.CancelSul(w.stall)
	}
	w.mu.Lock()
	w.closing = true
	w.giveBack()
	w.mu.Unlock()
	w.msgR = nil
	w.fc.in, w.fc.buf = nil, nil
	w.finWanted = why != closeReasonPeer
	if w.finWanted && w.ws != nil {
		w.sayGoodbye(c, why)
	}
	if !w.watched {
		w.fc.flushNow() // the 101 and our close frame, if the kernel takes them
		w.closeFD()
		return
	}
	if !w.fc.busy() {
		w.flushedClosing()
		return
	}
	// A peer that does not take the backlog in time gets a reset.
	c.ctx.Schedule(&w.validity, closeAckTime, func(*Sul) { w.resetFD() })
	w.updateEvents()
}

// flushedClosing runs when a closing connection's bytes have all left.
func (w *wsConn) flushedClosing() {
	if !w.finWanted {
		w.closeFD()
		return
	}
	// Half-close so the peer sees the end, then read (and drop) until
	// its own end: closing with unread data would reset the connection
	// and the peer could lose our close frame.
	_ = syscall.Shutdown(int(w.fd), syscall.SHUT_WR)
	w.finSent = true
	w.c.ctx.Schedule(&w.validity, closeAckTime, func(*Sul) { w.closeFD() })
	w.updateEvents()
}

// drainClosing reads and drops what a closing connection's peer sends
// until its end.
func (w *wsConn) drainClosing() {
	n, err := readFD(int(w.fd), w.c.ctx.loop.io.rxBuffer())
	if err == syscall.EAGAIN {
		return
	}
	if err != nil || n == 0 || !w.finSent {
		w.closeFD()
	}
}

// resetFD closes with a reset: the peer stopped taking our bytes.
func (w *wsConn) resetFD() {
	_ = syscall.SetsockoptLinger(int(w.fd), syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0})
	w.closeFD()
}

// closeFD stops watching the socket and closes it.
func (w *wsConn) closeFD() {
	if w.fdClosed {
		return
	}
	w.fdClosed = true
	ctx := w.c.ctx
	ctx.CancelSul(&w.validity)
	if w.stall != nil {
		ctx.CancelSul(w.stall)
	}
	w.unwatch()
	_ = syscall.Close(int(w.fd))
	w.fd = -1
	w.fc.in, w.fc.buf, w.fc.out = nil, nil, nil
}

// loopClients: plain ws client sockets are loop-owned too.
const loopClients = true

// toLoop hands a client's socket to the loop after a good handshake; the
// bytes that followed the 101 are the first the loop parses.
func (h *clientConn) toLoop(w *wsConn) error {
	fd, err := takeFD(h.tc)
	if err != nil {
		return err
	}
	h.fc = &fdConn{w: w, buf: h.rest, in: h.rest}
	h.rest = nil
	w.fc, w.fd = h.fc, int32(fd)
	return nil
}
