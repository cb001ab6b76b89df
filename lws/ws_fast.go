//go:build linux

package lws

import (
	"errors"
	"fmt"
	"io"
	"net"
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
	buf   []byte        // storage for in when it outlives one read
	in    []byte        // received bytes not consumed yet
	allow int           // how many bytes of in gorilla may take now
	out   []byte        // bytes the kernel has not taken yet
	errno syscall.Errno // first write error; later writes fail with it
	inRx  bool          // in points into the loop's shared read buffer
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
	k := min(f.allow, len(f.in))
	if k == 0 {
		return 0, errPastStep
	}
	n := copy(p, f.in[:k])
	f.in = f.in[n:]
	f.allow -= n
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
	if f.w.c.ctx.poll.deferring {
		// In the writeable pass: written with the pass's other writes
		// when it ends (poller.endPass), possibly on another core.
		f.out = append(f.out, p...)
		f.w.c.ctx.poll.pass = append(f.w.c.ctx.poll.pass, f)
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
	if !errors.As(err, &f.errno) || f.errno == 0 {
		f.errno = syscall.EIO
	}
}

// writeErr is the first write error, if any.
func (f *fdConn) writeErr() error {
	if f.errno == 0 {
		return nil
	}
	return fmt.Errorf("ws socket write: %w", f.errno)
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
	w.updateEvents()
	if w.closing {
		w.flushedClosing()
		return
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
	case !w.paused:
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
	p := w.c.ctx.poll
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
	w.rxFast()
	w.keepRest()
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
	partial := len(f.in) > 0 || w.payloadLeft > 0
	switch {
	case partial && !w.paused && !w.c.closed:
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

// rxFast hands on every complete frame in f.in. A message in one
// uncompressed frame, the common case, is delivered as its payload
// arrives, in pieces of the protocol's rx buffer size; fragmented and
// compressed messages are handed to gorilla once all their frames are here
// (at most the read limit), so it never waits mid-message.
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
	for !c.closed && !w.paused {
		if w.payloadLeft > 0 {
			if len(f.in) == 0 {
				return
			}
			k := min(w.payloadLeft, int64(len(f.in)))
			last := k == w.payloadLeft
			w.payloadLeft -= k
			if err := w.streamPayload(int(k), last); err != nil {
				w.fastFail(err)
				return
			}
			continue
		}
		h, ok := parseFrameHeader(f.in)
		if !ok {
			return
		}
		switch {
		case (h.b0 == 0x89 || h.b0 == 0x8a) && h.masked() != w.client && h.plen <= 125:
			// A ping or pong between messages: answered here, as lws does.
			size := h.hlen + int(h.plen)
			if len(f.in) < size {
				return
			}
			w.controlFast(h, f.in[:size])
			f.in = f.in[size:]
		case (h.b0 == 0x81 || h.b0 == 0x82) && h.masked() != w.client:
			// A whole message in one frame: gorilla reads the header
			// (and checks it and the read limit), the payload streams.
			f.allow = h.hlen
			mt, r, err := w.ws.NextReader()
			if err != nil {
				w.fastFail(err)
				return
			}
			w.msgR, w.payloadLeft = r, h.plen
			w.rxBin, w.rxStart, w.check = mt == websocket.BinaryMessage, true, utf8Check{}
			if h.plen == 0 {
				w.msgR = nil
				w.deliverNow(nil, true, true)
			}
		default:
			end, state := scanMessage(f.in, c.vh.maxMessageSize(), !w.client)
			switch state {
			case scanMore:
				if int64(len(f.in)) > c.vh.maxMessageSize()+64<<10 {
					w.tooBig()
				}
				return
			case scanTooBig:
				w.tooBig()
				return
			}
			f.allow = end
			if err := w.readWhole(); err != nil {
				w.fastFail(err)
				return
			}
		}
	}
}

// streamPayload reads the next k payload bytes of the current frame and
// delivers them; last says they end the message.
func (w *wsConn) streamPayload(k int, last bool) error {
	size := w.c.proto.rxBufferSize()
	piece, _ := w.c.ctx.poll.pieces(size)
	w.fc.allow = k
	for k > 0 && !w.c.closed {
		n := min(k, size)
		if _, err := io.ReadFull(w.msgR, piece[:n]); err != nil {
			return err
		}
		k -= n
		final := last && k == 0
		if !w.rxBin && !w.check.feed(piece[:n], final) {
			return w.badUTF8()
		}
		first := w.rxStart
		w.rxStart = false
		if final {
			w.msgR = nil
		}
		w.deliverNow(piece[:n], first, final)
	}
	return nil
}

// readWhole reads one complete message (all its bytes are allowed) through
// gorilla and delivers it in pieces, the last one marked final.
func (w *wsConn) readWhole() error {
	mt, r, err := w.ws.NextReader()
	if err != nil {
		return err
	}
	binary := mt == websocket.BinaryMessage
	// The loop's two pieces take turns: the one read ahead is never the
	// one being delivered.
	bufs := [2][]byte{}
	bufs[0], bufs[1] = w.c.ctx.poll.pieces(w.c.proto.rxBufferSize())
	turn := 0
	next := func() []byte { turn ^= 1; return bufs[turn] }
	return w.readPieces(r, binary, next, func([]byte) {}, func(p []byte, first, final bool) bool {
		w.rxBin = binary
		w.deliverNow(p, first, final)
		return !w.c.closed
	})
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
	_ = w.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseMessageTooBig, "message too big"),
		time.Now().Add(time.Second))
	w.fastFail(websocket.ErrReadLimit)
}

// fastFail ends the connection after a read error, on the loop.
func (w *wsConn) fastFail(err error) {
	if w.noteReadErr(err) {
		w.c.closeNow(closeReasonPeer)
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
	if !paused && len(w.fc.in) > 0 {
		// Not now: this may be a callback of a read in progress, which
		// is using the loop's shared buffers.
		w.c.ctx.loop.post(func() {
			if !w.c.closed && !w.paused {
				w.rxFast()
				w.keepRest()
			}
		})
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
	n, err := readFD(int(w.fd), w.c.ctx.poll.rxBuffer())
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
	ctx.poll.remove(w)
	_ = syscall.Close(int(w.fd))
	w.fd = -1
	w.fc.in, w.fc.buf, w.fc.out = nil, nil, nil
}

// rxBuffer is the loop's one read buffer (lws's pt->serv_buf).
func (p *poller) rxBuffer() []byte {
	if p.rx == nil {
		p.rx = make([]byte, 64<<10)
	}
	return p.rx
}

// pieces returns the loop's two receive pieces of at least size bytes:
// what ReasonReceive carries is valid only during the callback, as in lws.
func (p *poller) pieces(size int) ([]byte, []byte) {
	if cap(p.pieceA) < size {
		p.pieceA, p.pieceB = make([]byte, size), make([]byte, size)
	}
	return p.pieceA[:size], p.pieceB[:size]
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
