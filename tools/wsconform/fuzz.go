package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"sync"
	"time"
)

// The fuzzing endpoint: one WebSocket connection whose every octet the
// harness writes itself, driven by a case and judged the way Autobahn's
// FuzzingProtocol and WebSocketProtocol judge it (failByDrop off: a
// protocol error is answered with a close frame, not a dropped socket).
//
// All protocol state lives on one goroutine (the connection's loop); the
// reader and the writer are goroutines of their own so that a peer that
// does not read, or floods, never blocks the loop.

// Autobahn's outcomes. Behavior is about what was received, behaviorClose
// about how the connection ended.
const (
	vOK             = "OK"
	vNonStrict      = "NON-STRICT"
	vInformational  = "INFORMATIONAL"
	vUnimplemented  = "UNIMPLEMENTED"
	vFailed         = "FAILED"
	vWrongCode      = "WRONG CODE"
	vUnclean        = "UNCLEAN"
	vFailedByClient = "FAILED BY CLIENT"
)

// Autobahn's protocol timeouts (closeHandshakeTimeout,
// serverConnectionDropTimeout, openHandshakeTimeout).
const (
	closeHandshakeTimeout = time.Second
	serverDropTimeout     = time.Second
	openHandshakeTimeout  = 5 * time.Second
	// chopPause separates writes the case wants apart (chops and sync
	// frames), Autobahn's QUEUED_WRITE_DELAY give or take the timer's
	// resolution: the peer should see them in separate reads.
	chopPause = 20 * time.Microsecond
)

type wsState int

const (
	stOpen wsState = iota
	stClosing
	stClosed
)

// event is what a case records: a message, a pong, or one of its own
// timeouts ("timeout" with the tag in data).
type event struct {
	kind   string
	data   []byte
	binary bool
}

func (e event) equal(o event) bool {
	return e.kind == o.kind && e.binary == o.binary && bytes.Equal(e.data, o.data)
}

func msgEvent(data []byte, binary bool) event {
	return event{kind: "message", data: data, binary: binary}
}
func pongEvent(data []byte) event   { return event{kind: "pong", data: data} }
func timeoutEvent(tag string) event { return event{kind: "timeout", data: []byte(tag)} }

// expectation is one acceptable sequence of events and what matching it
// earns (Autobahn's self.expected[OK] / [NON_STRICT]).
type expectation struct {
	verdict string
	events  []event
}

// closeExpect is Autobahn's expectedClose.
type closeExpect struct {
	closedByMe   bool  // the harness sends the first close frame
	codes        []int // close codes the peer may send
	requireClean bool  // the close handshake must complete
	// wrongEndpointFatal: the peer closing when the harness should (or the
	// other way round) fails the case itself, not only the close; for
	// UTF-8 cases, where it means the peer did not notice invalid text.
	wrongEndpointFatal bool
}

// loop runs posted functions one at a time on the connection's goroutine.
type loop struct {
	mu   sync.Mutex
	q    []func()
	wake chan struct{}
}

func newLoop() *loop { return &loop{wake: make(chan struct{}, 1)} }

func (l *loop) post(fn func()) {
	l.mu.Lock()
	l.q = append(l.q, fn)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// run serves posted functions until stop reports true.
func (l *loop) run(stop func() bool) {
	for !stop() {
		l.mu.Lock()
		q := l.q
		l.q = nil
		l.mu.Unlock()
		if len(q) == 0 {
			<-l.wake
			continue
		}
		for _, fn := range q {
			fn()
		}
	}
}

// writer writes queued octets in order. Consecutive plain chunks go out
// in one write; a chunk marked apart is written on its own and followed by
// chopPause.
type writer struct {
	nc     net.Conn
	mu     sync.Mutex
	chunks []chunk
	wake   chan struct{}
	end    bool // close the socket once everything queued has left
	done   chan struct{}
}

type chunk struct {
	b     []byte
	apart bool
}

func newWriter(nc net.Conn) *writer {
	w := &writer{nc: nc, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *writer) push(b []byte, apart bool) {
	w.mu.Lock()
	w.chunks = append(w.chunks, chunk{b, apart})
	w.mu.Unlock()
	w.poke()
}

func (w *writer) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// closeAfterFlush closes the socket once what is queued has left (at most
// a few seconds later: a peer that stopped reading gets no more time).
func (w *writer) closeAfterFlush() {
	w.mu.Lock()
	w.end = true
	w.mu.Unlock()
	_ = w.nc.SetWriteDeadline(time.Now().Add(3 * time.Second))
	w.poke()
}

func (w *writer) run() {
	defer close(w.done)
	var plain []byte
	failed := false
	write := func(b []byte) {
		if !failed && len(b) > 0 {
			if _, err := w.nc.Write(b); err != nil {
				failed = true // the reader sees the connection go
			}
		}
	}
	for {
		w.mu.Lock()
		cs, end := w.chunks, w.end
		w.chunks = nil
		w.mu.Unlock()
		if len(cs) == 0 {
			if end {
				_ = w.nc.Close()
				return
			}
			<-w.wake
			continue
		}
		plain = plain[:0]
		for _, c := range cs {
			if !c.apart {
				plain = append(plain, c.b...)
				continue
			}
			write(plain)
			plain = plain[:0]
			write(c.b)
			time.Sleep(chopPause)
		}
		write(plain)
	}
}

// timer is a case or protocol timer that fires on the loop unless stopped.
type timer struct {
	t       *time.Timer
	stopped bool
}

func (t *timer) stop() {
	if t != nil {
		t.stopped = true
		t.t.Stop()
	}
}

// fuzzConn is one case run over one connection.
type fuzzConn struct {
	server bool // the harness is the server (the fuzzing server's side)
	nc     net.Conn
	lp     *loop
	out    *writer
	state  wsState
	rx     []byte
	lost   bool

	hdrChecked bool // the header of the frame at the front of rx was checked

	// What Autobahn's WebSocketProtocol records about the connection.
	wasOpen     bool
	closedByMe  bool // we sent the first close frame
	failedByMe  bool // we failed the connection (protocol error, timeout)
	droppedByMe bool // we closed the TCP connection
	wasClean    bool // the close handshake completed
	notClean    string
	remoteCode  int // closeNone if the peer's close had no code
	closeTimer  *timer
	timers      []*timer

	// Receiving a message.
	inMsg      bool
	msgBinary  bool
	msgText    bool
	msgZip     bool
	msgUTF8Bad bool
	msg        []byte
	utf8       utf8Validator
	pmd        *pmd // nil unless permessage-deflate was agreed

	// The case.
	spec          *caseSpec
	expected      []expectation
	expectClose   closeExpect
	received      []event
	behavior      string
	behaviorClose string
	result        string
	resultClose   string
	suppressClose bool
	autoFragment  int
	txFrames      [16]int
	onMessage     func(data []byte, binary bool)
	onLost        func()
	notes         []string
	started       time.Time
	ended         time.Time
}

func newFuzzConn(nc net.Conn, server bool, spec *caseSpec) *fuzzConn {
	return &fuzzConn{
		server:        server,
		nc:            nc,
		lp:            newLoop(),
		spec:          spec,
		remoteCode:    closeNone,
		behavior:      vFailed,
		behaviorClose: vFailed,
		result:        "Actual events differ from any expected.",
		resultClose:   "TCP connection was dropped without close handshake",
	}
}

func (p *fuzzConn) note(format string, args ...any) {
	p.notes = append(p.notes, fmt.Sprintf(format, args...))
}

// after runs fn on the loop after d, unless the timer is stopped first or
// the connection has gone.
func (p *fuzzConn) after(d time.Duration, fn func()) *timer {
	t := &timer{}
	t.t = time.AfterFunc(d, func() {
		p.lp.post(func() {
			if !t.stopped && !p.lost {
				fn()
			}
		})
	})
	p.timers = append(p.timers, t)
	return t
}

// run starts the connection once the opening handshake is done (rest are
// octets that came with it) and returns when the case is judged. watchdog
// bounds the whole case: at its end the connection is failed, and dropped
// shortly after if that does not end it.
func (p *fuzzConn) run(rest []byte, watchdog time.Duration) {
	p.out = newWriter(p.nc)
	go p.readLoop(rest)
	p.lp.post(p.open)
	p.after(watchdog, func() {
		p.note("the case did not end within %v", watchdog)
		p.failConnection(closeGoingAway, "going away")
		p.after(2*time.Second, func() { p.dropConnection(true) })
	})
	p.lp.run(func() bool { return p.lost })
	<-p.out.done
}

func (p *fuzzConn) readLoop(rest []byte) {
	if len(rest) > 0 {
		b := append([]byte(nil), rest...)
		p.lp.post(func() { p.dataReceived(b) })
	}
	buf := make([]byte, 64<<10)
	for {
		n, err := p.nc.Read(buf)
		if n > 0 {
			b := append([]byte(nil), buf[:n]...)
			p.lp.post(func() { p.dataReceived(b) })
		}
		if err != nil {
			p.lp.post(p.connectionLost)
			return
		}
	}
}

func (p *fuzzConn) open() {
	p.wasOpen = true
	p.started = time.Now()
	p.spec.open(p)
}

// --- sending ---

// sendData queues octets: chopped into writes of chop octets, or as one
// write apart (sync), or with whatever else is queued.
func (p *fuzzConn) sendData(raw []byte, sync bool, chop int) {
	if chop > 0 {
		for i := 0; i < len(raw); i += chop {
			p.out.push(raw[i:min(i+chop, len(raw))], true)
		}
		return
	}
	p.out.push(raw, sync)
}

func (p *fuzzConn) sendFrame(f frameOpt) {
	if p.state == stClosed {
		return
	}
	p.txFrames[f.op&0x0f]++
	p.sendData(encodeFrame(f, !p.server), f.sync, f.chop)
}

// sendMessage sends a message as Autobahn's sendMessage does: compressed
// when permessage-deflate was agreed, cut into frames of fragSize (or the
// auto-fragment size) octets. Like Autobahn it sends an empty final
// fragment when the payload is a multiple of the fragment size.
func (p *fuzzConn) sendMessage(payload []byte, binary bool, fragSize int) {
	if p.state != stOpen {
		return
	}
	op := byte(opText)
	if binary {
		op = opBinary
	}
	var rsv byte
	if p.pmd != nil {
		z, err := p.pmd.compress(payload)
		if err != nil {
			p.note("%v", err)
			p.failConnection(closeInternalError, "compression failed")
			return
		}
		payload, rsv = z, 4 // RSV1 marks a compressed message (RFC 7692 6)
	}
	if fragSize <= 0 {
		fragSize = p.autoFragment
	}
	if fragSize <= 0 || len(payload) <= fragSize {
		p.sendFrame(frameOpt{op: op, payload: payload, rsv: rsv})
		return
	}
	first := true
	for i := 0; ; i += fragSize {
		j := i + fragSize
		done := j > len(payload)
		j = min(j, len(payload))
		f := frameOpt{op: opCont, payload: payload[i:j], noFin: !done}
		if first {
			f.op, f.rsv, first = op, rsv, false
		}
		p.sendFrame(f)
		if done {
			return
		}
	}
}

// sendCloseFrame sends a close frame as Autobahn's sendCloseFrame does,
// whatever its payload (code closeNone: none; a reason without a code is
// sent as is), and starts the closing handshake.
func (p *fuzzConn) sendCloseFrame(code int, reason []byte, isReply bool) {
	if p.state != stOpen {
		return
	}
	var payload []byte
	if code != closeNone {
		payload = binary.BigEndian.AppendUint16(nil, uint16(code))
	}
	payload = append(payload, reason...)
	p.sendFrame(frameOpt{op: opClose, payload: payload})
	p.state = stClosing
	p.closedByMe = !isReply
	if p.closedByMe {
		p.closeTimer = p.after(closeHandshakeTimeout, p.closeHandshakeTimedOut)
	}
}

// sendClose is the polite close (Autobahn's sendClose): a reason is cut
// to the 123 octets a close frame has room for.
func (p *fuzzConn) sendClose(code int, reason string) {
	r := []byte(reason)
	if len(r) > maxCloseReasonOctets {
		r = r[:maxCloseReasonOctets]
	}
	p.sendCloseFrame(code, r, false)
}

// failConnection is _Fail the WebSocket Connection_ (RFC 6455 7.1.7) with
// a close frame first (failByDrop off); a second failure while closing
// drops the TCP connection.
func (p *fuzzConn) failConnection(code int, reason string) {
	if p.state == stClosed {
		return
	}
	p.failedByMe = true
	if p.state != stClosing {
		r := []byte(reason)
		if len(r) > maxCloseReasonOctets {
			r = r[:maxCloseReasonOctets]
		}
		p.sendCloseFrame(code, r, false)
		return
	}
	p.dropConnection(false)
}

func (p *fuzzConn) protocolViolation(why string) {
	p.note("protocol violation by the peer: %s", why)
	p.failConnection(closeProtocolError, why)
}

func (p *fuzzConn) invalidPayload(why string) {
	p.note("invalid payload from the peer: %s", why)
	p.failConnection(closeInvalidPayload, why)
}

// dropConnection closes the TCP connection: at once (abort, a reset) or
// once what is queued has left.
func (p *fuzzConn) dropConnection(abort bool) {
	if p.state == stClosed {
		return
	}
	p.droppedByMe = true
	p.state = stClosed
	if abort {
		if tc, ok := p.nc.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = p.nc.Close()
		return
	}
	p.out.closeAfterFlush()
}

func (p *fuzzConn) closeHandshakeTimedOut() {
	if p.state != stClosed {
		p.wasClean = false
		p.notClean = "the peer did not answer our close frame within " + closeHandshakeTimeout.String()
		p.dropConnection(true)
	}
}

func (p *fuzzConn) serverDropTimedOut() {
	if p.state != stClosed {
		p.wasClean = false
		p.notClean = "the server did not close the TCP connection within " + serverDropTimeout.String() + " of the close handshake"
		p.dropConnection(true)
	}
}

// killAfter fails the connection after d unless it ended (Autobahn's
// killAfter: the case's deadline for the peer to act).
func (p *fuzzConn) killAfter(d time.Duration) {
	p.after(d, func() {
		if p.state != stClosed {
			p.failConnection(closeGoingAway, "going away")
		}
	})
}

// closeAfter starts the closing handshake after d (Autobahn's closeAfter).
func (p *fuzzConn) closeAfter(d time.Duration) {
	p.after(d, func() { p.sendClose(closeNone, "") })
}

// continueLater runs fn after d unless the connection closed.
func (p *fuzzConn) continueLater(d time.Duration, fn func()) {
	p.after(d, func() {
		if p.state != stClosed {
			fn()
		}
	})
}

// --- receiving ---

func (p *fuzzConn) dataReceived(b []byte) {
	if p.state == stClosed {
		return
	}
	p.rx = append(p.rx, b...)
	p.processFrames()
}

// processFrames takes every complete frame from p.rx, checking each
// header as Autobahn's processData does (RFC 6455 5.2-5.5, RFC 7692 6).
// A violation fails the connection and parsing goes on, so that the
// peer's answer to our close frame is still seen.
func (p *fuzzConn) processFrames() {
	for p.state != stClosed {
		b := p.rx
		if len(b) < 2 {
			return
		}
		fin := b[0]&0x80 != 0
		rsv := (b[0] >> 4) & 7
		op := b[0] & 0x0f
		masked := b[1]&0x80 != 0
		l1 := int(b[1] & 0x7f)
		hlen := 2
		switch l1 {
		case 126:
			hlen += 2
		case 127:
			hlen += 8
		}
		if masked {
			hlen += 4
		}
		if len(b) < hlen {
			return
		}
		plen := uint64(l1)
		switch l1 {
		case 126:
			plen = uint64(binary.BigEndian.Uint16(b[2:]))
		case 127:
			plen = binary.BigEndian.Uint64(b[2:])
		}
		if !p.hdrChecked {
			// Checked once, as soon as the header is here.
			p.hdrChecked = true
			p.checkHeader(fin, rsv, op, masked, l1, plen)
			if p.state == stClosed {
				return
			}
		}
		if uint64(len(b)-hlen) < plen {
			return // the payload has not all arrived
		}
		p.hdrChecked = false
		payload := append([]byte(nil), b[hlen:hlen+int(plen)]...)
		if masked {
			var key [4]byte
			copy(key[:], b[hlen-4:hlen])
			maskBytes(payload, key)
		}
		p.rx = b[hlen+int(plen):]
		p.frame(fin, rsv, op, payload)
	}
}

func (p *fuzzConn) checkHeader(fin bool, rsv, op byte, masked bool, l1 int, plen uint64) {
	// RSV bits must be 0 unless an extension gives them a meaning; RSV1
	// is permessage-deflate's (RFC 6455 5.2, RFC 7692 6).
	if rsv != 0 && (p.pmd == nil || rsv != 4) {
		p.protocolViolation(fmt.Sprintf("RSV = %d and no extension negotiated", rsv))
	}
	// Client frames are masked, server frames are not (RFC 6455 5.1).
	if p.server && !masked {
		p.protocolViolation("unmasked client-to-server frame")
	}
	if !p.server && masked {
		p.protocolViolation("masked server-to-client frame")
	}
	if op > 7 {
		// Control frames: not fragmented, at most 125 octets, known
		// opcodes, a close payload is empty or holds a code (RFC 6455
		// 5.5, 5.5.1), never compressed (RFC 7692 6.1).
		switch {
		case !fin:
			p.protocolViolation("fragmented control frame")
		case l1 > maxControlPayload:
			p.protocolViolation("control frame with payload length > 125 octets")
		case op != opClose && op != opPing && op != opPong:
			p.protocolViolation(fmt.Sprintf("control frame using reserved opcode %d", op))
		case op == opClose && l1 == 1:
			p.protocolViolation("received close control frame with payload len 1")
		case p.pmd != nil && rsv == 4:
			p.protocolViolation("received compressed control frame")
		}
	} else {
		// Data frames: known opcodes, continuation only inside a
		// fragmented message, RSV1 only on its first frame (RFC 6455
		// 5.4, 5.6; RFC 7692 6.1).
		switch {
		case op > opBinary:
			p.protocolViolation(fmt.Sprintf("data frame using reserved opcode %d", op))
		case !p.inMsg && op == opCont:
			p.protocolViolation("received continuation data frame outside fragmented message")
		case p.inMsg && op != opCont:
			p.protocolViolation("received non-continuation data frame while inside fragmented message")
		case p.pmd != nil && rsv == 4 && p.inMsg:
			p.protocolViolation("received continuation data frame with compress bit set")
		}
	}
	// The length uses the fewest octets and its top bit is 0 (RFC 6455
	// 5.2).
	switch {
	case l1 == 126 && plen < 126:
		p.protocolViolation("invalid data frame length (not using minimal length encoding)")
	case l1 == 127 && plen > 1<<63-1:
		p.protocolViolation("invalid data frame length (>2^63)")
		p.dropConnection(true)
	case l1 == 127 && plen < 65536:
		p.protocolViolation("invalid data frame length (not using minimal length encoding)")
	}
}

func (p *fuzzConn) frame(fin bool, rsv, op byte, payload []byte) {
	if op > 7 {
		switch op {
		case opClose:
			code := closeNone
			var reason []byte
			if len(payload) > 1 {
				code = int(binary.BigEndian.Uint16(payload))
				reason = payload[2:]
			}
			p.closeFrame(code, reason, len(payload) > 2)
		case opPing:
			if p.state == stOpen {
				p.sendFrame(frameOpt{op: opPong, payload: payload})
			}
		case opPong:
			p.received = append(p.received, pongEvent(payload))
			p.finishWhenDone()
		}
		return
	}
	if !p.inMsg {
		p.inMsg = true
		p.msgZip = p.pmd != nil && rsv == 4
		p.msgBinary = op == opBinary
		p.msgText = op == opText
		p.msgUTF8Bad = false
		p.utf8 = utf8Validator{}
		p.msg = nil
	}
	p.msg = append(p.msg, payload...)
	if p.msgText && !p.msgZip && !p.msgUTF8Bad && !p.utf8.feed(payload) {
		// Text must be UTF-8, checked as it arrives (RFC 6455 8.1).
		p.msgUTF8Bad = true
		p.invalidPayload("encountered invalid UTF-8 while processing text message")
	}
	if !fin {
		return
	}
	p.inMsg = false
	data := p.msg
	p.msg = nil
	if p.msgZip {
		var err error
		if data, err = p.pmd.decompress(data); err != nil {
			// Data that does not inflate fails the connection (RFC 7692
			// 7.2.2).
			p.note("%v", err)
			p.failConnection(closeProtocolError, "invalid compressed data")
			return
		}
		if p.msgText && !p.utf8.feed(data) {
			p.msgUTF8Bad = true
			p.invalidPayload("encountered invalid UTF-8 while processing text message")
		}
	}
	if p.msgText && !p.msgUTF8Bad && !p.utf8.complete() {
		p.invalidPayload("UTF-8 text message payload ended within Unicode code point")
	}
	if p.failedByMe {
		return
	}
	if p.onMessage != nil {
		p.onMessage(data, p.msgBinary)
		return
	}
	p.received = append(p.received, msgEvent(data, p.msgBinary))
	p.finishWhenDone()
}

// closeFrame is Autobahn's onCloseFrame: the code and reason are checked
// (RFC 6455 7.4, 5.5.1: the reason is UTF-8), then the closing handshake
// goes on by state.
func (p *fuzzConn) closeFrame(code int, reason []byte, hasReason bool) {
	p.remoteCode = closeNone
	if code != closeNone && !closeCodeAllowed(code) {
		p.protocolViolation(fmt.Sprintf("invalid close code %d", code))
		p.remoteCode = closeNormal
	} else {
		p.remoteCode = code
	}
	if hasReason && !validUTF8(reason) {
		p.invalidPayload("invalid close reason (non-UTF8 payload)")
	}
	switch p.state {
	case stClosing:
		// The answer to our close frame.
		p.closeTimer.stop()
		p.wasClean = true
		if p.server {
			p.dropConnection(true) // a server closes the TCP connection first (RFC 6455 7.1.1)
		} else {
			p.after(serverDropTimeout, p.serverDropTimedOut)
		}
	case stOpen:
		// The peer starts the closing handshake: answer it (RFC 6455
		// 5.5.1).
		p.wasClean = true
		p.sendCloseFrame(closeNormal, nil, true)
		if p.server {
			p.dropConnection(false)
		}
	}
}

func (p *fuzzConn) connectionLost() {
	if p.lost {
		return
	}
	p.lost = true
	p.state = stClosed
	for _, t := range p.timers {
		t.stop()
	}
	if !p.wasClean && !p.droppedByMe && p.notClean == "" {
		p.notClean = "peer dropped the TCP connection without previous WebSocket closing handshake"
	}
	p.ended = time.Now()
	p.judge()
	// What is queued (our answer to a close frame the peer sent just
	// before its FIN) still goes out, then the socket closes.
	p.out.closeAfterFlush()
}

// finishWhenDone starts the closing handshake once what was received
// matches every expected outcome, if the case wants the harness to close.
func (p *fuzzConn) finishWhenDone() {
	for _, e := range p.expected {
		if !eventsEqual(p.received, e.events) {
			return
		}
	}
	if p.expectClose.closedByMe && !p.suppressClose {
		p.sendClose(p.expectClose.codes[0], "")
	}
}

func eventsEqual(a, b []event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].equal(b[i]) {
			return false
		}
	}
	return true
}

// judge is Autobahn's Case.onConnectionLost.
func (p *fuzzConn) judge() {
	for _, e := range p.expected {
		if eventsEqual(p.received, e.events) {
			p.behavior = e.verdict
			p.result = "Actual events match at least one expected."
			break
		}
	}
	if !p.wasOpen {
		p.behaviorClose = vFailed
		p.resultClose = "The WebSocket opening handshake was never completed!"
	} else {
		ec := p.expectClose
		switch {
		case ec.closedByMe != p.closedByMe:
			p.behaviorClose = vFailed
			p.resultClose = "The connection was failed by the wrong endpoint"
		case ec.requireClean && !p.wasClean:
			p.behaviorClose = vUnclean
			p.resultClose = "The spec requires the connection to be failed cleanly here"
		case p.remoteCode != closeNone && !containsInt(ec.codes, p.remoteCode):
			p.behaviorClose = vWrongCode
			p.resultClose = fmt.Sprintf("The close code should have been %v or empty", ec.codes)
		case !p.server && p.droppedByMe:
			p.behaviorClose = vFailedByClient
			p.resultClose = "It is preferred that the server close the TCP connection"
		default:
			p.behaviorClose = vOK
			p.resultClose = "Connection was properly closed"
		}
		if ec.wrongEndpointFatal && ec.closedByMe != p.closedByMe {
			p.behavior = vFailed
		}
	}
	if p.onLost != nil {
		p.onLost()
	}
	if !p.wasClean && p.notClean != "" {
		p.note("not clean: %s", p.notClean)
	}
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
