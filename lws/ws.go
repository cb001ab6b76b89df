package lws

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wsConn is the network side of a ws connection. A plain connection,
// server or client, belongs to the loop entirely (fc: see ws_fast.go). A
// TLS server connection is written by the loop (through gorilla, onto a
// non-blocking nbConn) and read in short "read cycles" on a core goroutine
// started only when the socket has data; a TLS client connection reads on
// its own goroutine. Either way an idle server connection parks no
// goroutine and holds no read buffer.
type wsConn struct {
	c      *Conn
	ws     *websocket.Conn
	fc     *fdConn       // the loop owns the socket (plain ws)
	nb     *nbConn       // or: writes go through a flusher (TLS, or no epoll)
	nc     net.Conn      // what gorilla reads: nb, or a tls.Conn over nb
	br     *bufio.Reader // gorilla's reader; holds a lent buffer only while reading
	mu     sync.Mutex
	lent   *bufio.Reader  // the pooled reader whose buffer br is using
	msgW   io.WriteCloser // an open fragmented message (WriteNoFin)
	policy *RetryBackoff

	validity  Sul
	lastValid int64 // monoNow() when the peer was last heard from

	inflight   int           // pieces posted to the loop and not yet delivered (w.mu)
	readerWait chan struct{} // made when the reader waits for the loop to catch up
	peerClose  *[]byte       // the peer's close frame payload, once received (w.mu)
	resumed    chan struct{} // closed when a paused client reader may go on (w.mu)
	heldRx     *[]func()     // pieces that reached the loop while rx was paused (loop)

	// A loop connection's read state (loop-owned, ws_fast.go).
	payloadLeft int64     // payload bytes of the current frame still to come
	msgR        io.Reader // gorilla's reader for the message being streamed
	whole       *wholeMsg // a compressed message being gathered or inflated
	stall       *Sul      // a frame stopped arriving part way
	check       utf8Check // UTF-8 state of a streamed text message
	evMask      uint32    // what epoll watches for
	fd          int32     // the socket, for the poller
	hdrLeft     uint8     // header bytes of the current frame gorilla has yet to read

	// Flags, together so they pack.
	tls           bool
	watched       bool // on the poller (poll_linux.go)
	reading       bool // a read cycle goroutine is running
	paused        bool // lws_rx_flow_control(wsi, 0)
	parked        bool // the cycle stopped because of paused
	closing       bool
	client        bool // a client connection
	clientReading bool // the client's reader goroutine runs (w.mu)
	finSent       bool // our close frame left and we half-closed (w.mu)
	rxBin         bool // the message being received is binary (loop)
	rxStart       bool // its next piece is the first (loop)
	frameFin      bool // the frame being streamed ends its message (loop)
	txHeld        bool // reading stopped until the output drains (loop)
	saidClose     bool // we refused the peer's data with a close frame (the reader)
	fdClosed      bool // the socket is closed (loop)
	finWanted     bool // closing: our close frame, then FIN and wait (loop)
}

// maxPendingOut is how much unsent output a connection may have before
// it is not read any more until the peer takes some (lws stops servicing
// rx while a connection's output is stuck).
const maxPendingOut = 64 << 10

// readAhead is how many received pieces may wait for the loop per
// connection before the reader stops taking more from the socket.
const readAhead = 8

// rxPool lends read buffers to connections for the length of a read cycle.
var rxPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// txPool is gorilla's write buffer pool: a buffer is held only while a
// message is being written.
var txPool = &sync.Pool{}

// lend gives br a pooled buffer to read with (w.mu held).
func (w *wsConn) lend() {
	if w.lent != nil || w.br == nil {
		return // lent already, or a client: gorilla keeps its own reader
	}
	p := rxPool.Get().(*bufio.Reader)
	p.Reset(w.nc)
	w.lent = p
	*w.br = *p // br now reads into p's buffer; gorilla keeps using br
}

// giveBack returns the lent buffer once nothing is buffered (w.mu held).
func (w *wsConn) giveBack() {
	if w.lent == nil || w.br.Buffered() > 0 {
		return
	}
	*w.br = bufio.Reader{}
	w.lent.Reset(nil)
	rxPool.Put(w.lent)
	w.lent = nil
}

// hijacker hands gorilla our own buffered reader, so the core can lend and
// reclaim its buffer, and puts the socket under the loop (fdConn) or, for
// TLS, a non-blocking nbConn under the connection.
type hijacker struct {
	http.ResponseWriter
	a *wsServerConn
}

// wsServerConn is a ws server connection in one allocation: the wsi, its
// ws state, the loop-owned socket and the reader gorilla parses from. Four
// objects that live and die together cost less memory as one.
type wsServerConn struct {
	conn Conn
	ws   wsConn
	fd   fdConn
	br   bufio.Reader
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("connection cannot be hijacked")
	}
	nc, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	if brw.Reader.Buffered() > 0 {
		return nc, brw, nil // gorilla refuses data sent before the handshake completed
	}
	w := &h.a.ws
	if rc, ok := nc.(*replayConn); ok {
		// The fast path read this request; once net/http has consumed it
		// the plain TCP connection is all there is.
		if rc.br != nil && rc.br.Buffered() > 0 {
			nc.Close()
			return nil, nil, errors.New("client sent data before the handshake completed")
		}
		nc = rc.TCPConn
	}
	switch conn := nc.(type) {
	case *net.TCPConn:
		if fd, err := takeFD(conn); err == nil {
			h.a.fd = fdConn{w: w}
			w.fc, w.nc, w.fd = &h.a.fd, &h.a.fd, int32(fd)
			break
		} else if !errors.Is(err, errors.ErrUnsupported) {
			nc.Close()
			return nil, nil, err
		}
		nb, err := newNBConn(conn)
		if err != nil {
			nc.Close()
			return nil, nil, err
		}
		nb.hold()
		w.nb, w.nc = nb, nb
	case *tls.Conn:
		nb, ok := conn.NetConn().(*nbConn)
		if !ok {
			nc.Close()
			return nil, nil, errors.New("tls connection not on an lws listener")
		}
		nb.hold()
		w.nb, w.nc, w.tls = nb, conn, true
	default:
		nc.Close()
		return nil, nil, fmt.Errorf("unexpected connection type %T", nc)
	}
	if w.nb != nil {
		w.fd = int32(w.nb.fd())
	}
	w.br = &h.a.br
	w.mu.Lock()
	w.lend()
	w.mu.Unlock()
	return w.nc, bufio.NewReadWriter(w.br, brw.Writer), nil
}

// upgrade turns a request into a ws connection bound to one of the vhost's
// protocols (lws's HTTP upgrade handling).
func (v *Vhost) upgrade(rw http.ResponseWriter, r *http.Request) {
	ctx := v.ctx
	if v.info.Options&OptionVhostUpgStrictHost != 0 && !v.hostMatches(r.Host) {
		v.refuse(rw, r, http.StatusForbidden, "strict host check refused upgrade for Host "+r.Host)
		return
	}
	proto, name := v.wsProtocol(websocket.Subprotocols(r))
	if proto == nil {
		v.refuse(rw, r, http.StatusBadRequest, "no matching ws protocol for "+strings.Join(websocket.Subprotocols(r), ","))
		return
	}
	a := new(wsServerConn)
	c := &a.conn
	c.init(v, proto, roleWS, r)
	// FILTER_PROTOCOL_CONNECTION: the protocol may refuse before the 101.
	verdict := make(chan error, 1)
	if !ctx.loop.post(func() { verdict <- c.call(ReasonFilterProtocolConnection, nil) }) {
		http.Error(rw, "shutting down", http.StatusServiceUnavailable)
		return
	}
	select {
	case err := <-verdict:
		if err != nil {
			v.refuse(rw, r, http.StatusForbidden, "protocol refused the connection: "+err.Error())
			return
		}
	case <-ctx.destroyCh:
		http.Error(rw, "shutting down", http.StatusServiceUnavailable)
		return
	}
	w := &a.ws
	w.c, w.policy = c, &defaultRetry
	if v.info.RetryPolicy != nil {
		w.policy = v.info.RetryPolicy
	}
	c.ws = w
	up := websocket.Upgrader{
		HandshakeTimeout:  v.timeout(),
		WriteBufferPool:   txPool,
		EnableCompression: v.info.Deflate,
		CheckOrigin:       func(*http.Request) bool { return true }, // lws does not check Origin
		Error: func(rw http.ResponseWriter, r *http.Request, status int, reason error) {
			v.refuse(rw, r, status, "bad ws upgrade: "+reason.Error())
		},
	}
	var hdr http.Header
	if name != "" {
		hdr = http.Header{"Sec-Websocket-Protocol": {name}}
	}
	if up.EnableCompression {
		keepDeflateOffers(r.Header)
	}
	ws, err := up.Upgrade(&hijacker{ResponseWriter: rw, a: a}, r, hdr)
	if err != nil {
		ctx.log.Info("ws upgrade failed", "peer", r.RemoteAddr, "err", err)
		return
	}
	w.ws = ws
	if w.fc != nil {
		w.fc.noteDeflate(nil)
	}
	ws.SetCloseHandler(w.onPeerClose)
	ws.SetReadLimit(v.maxMessageSize())
	if w.nb != nil {
		ws.SetPingHandler(w.pong)
	}
	ws.SetPongHandler(func(string) error {
		ctx.loop.post(func() { w.gotPong() })
		return nil
	})
	w.mu.Lock()
	w.giveBack()
	w.mu.Unlock()
	if !ctx.loop.post(func() { w.establish() }) {
		w.closeSocket()
	}
}

// keepDeflateOffers leaves in h only the permessage-deflate offers
// gorilla can honour, so that it accepts one of those or none: gorilla
// takes the first offer whatever it asks for, while RFC 7692 7 says a
// server MUST decline an offer with an unknown or repeated parameter, a
// bad value, or a configuration it does not support. gorilla compresses
// with a 32 KB window, so an offer asking for server_max_window_bits below
// 15 is one it does not support (RFC 7692 7.1.2.1: accepting it would mean
// answering with that window). Other extensions stay; gorilla ignores
// them.
func keepDeflateOffers(h http.Header) {
	offers := h.Values("Sec-Websocket-Extensions")
	if len(offers) == 0 {
		return
	}
	var keep []string
	for _, v := range offers {
		for _, e := range strings.Split(v, ",") {
			if e = strings.TrimSpace(e); e != "" && deflateOfferOK(e) {
				keep = append(keep, e)
			}
		}
	}
	h.Del("Sec-Websocket-Extensions")
	if len(keep) > 0 {
		h.Set("Sec-Websocket-Extensions", strings.Join(keep, ", "))
	}
}

// deflateOfferOK reports whether gorilla can honour extension offer e
// (true for extensions other than permessage-deflate).
func deflateOfferOK(e string) bool {
	params := strings.Split(e, ";")
	if !strings.EqualFold(strings.TrimSpace(params[0]), "permessage-deflate") {
		return true
	}
	seen := map[string]bool{}
	for _, p := range params[1:] {
		name, value, hasValue := strings.Cut(p, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.Trim(strings.TrimSpace(value), `"`)
		if seen[name] {
			return false
		}
		seen[name] = true
		switch name {
		case "server_no_context_takeover", "client_no_context_takeover":
			if hasValue {
				return false
			}
		case "client_max_window_bits":
			// What the client can do; gorilla never asks it to narrow.
			if hasValue {
				if n, err := strconv.Atoi(value); err != nil || n < 8 || n > 15 {
					return false
				}
			}
		case "server_max_window_bits":
			if value != "15" {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func (v *Vhost) maxMessageSize() int64 {
	if v.info.MaxMessageSize > 0 {
		return v.info.MaxMessageSize
	}
	return 16 << 20
}

// hostMatches implements the strict Host check: the vhost name, with the
// listen port when one is given.
func (v *Vhost) hostMatches(host string) bool {
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = host, ""
	}
	if !strings.EqualFold(name, v.name) {
		return false
	}
	return port == "" || port == fmt.Sprint(v.port)
}

// establish runs on the loop once gorilla has written the 101. The 101 is
// held until ESTABLISHED has run, so, as in lws, a client never talks to a
// connection its protocol has not met yet (a chat message from another
// client cannot slip in between).
func (w *wsConn) establish() {
	c := w.c
	ctx := c.ctx
	ctx.conns.add(c)
	ctx.noteNewConn()
	if w.nb != nil {
		w.nb.enterLoopMode(func() { ctx.loop.post(c.writeDone) }, w.readFailed, ctx.goroutine)
	}
	w.lastValid = monoNow()
	c.deliver(ReasonEstablished, nil)
	c.req = nil // lws detaches the header table once the upgrade is done
	if c.closed {
		return
	}
	w.watch()
}

// watch puts an established connection on the poller and starts its
// validity checks. A loop-owned socket then sends what waited for
// ESTABLISHED (a server's 101) and hands on what was read before it was
// watched (frames a server sent with its 101 to a client), since no
// readiness event will announce either.
func (w *wsConn) watch() {
	c := w.c
	events := uint32(pollEvents)
	if w.fc != nil {
		events = w.fastEvents()
	}
	w.watched, w.evMask = true, events
	if err := c.ctx.poll.add(w, events); err != nil {
		w.watched = false
		c.ctx.log.Error("ws connection not watched", "peer", c.peer, "err", err)
		c.closeNow(closeReasonPeer)
		return
	}
	if w.fc != nil && w.fc.busy() {
		w.flushOut()
	}
	if c.closed {
		return // the flush failed: validity must not take the close's timer
	}
	w.scheduleValidity()
	if w.fc != nil {
		w.rxPending()
	}
}

// pollFD is the socket the event loop watches.
func (w *wsConn) pollFD() int { return int(w.fd) }

// pollEvent is the ws role's handle_POLLIN / handle_POLLOUT: a loop-owned
// socket is serviced right here; otherwise a read cycle starts.
func (w *wsConn) pollEvent(ev uint32) {
	if w.fc != nil {
		w.fastEvent(ev)
		return
	}
	w.readable()
}

// closeAtTeardown closes a loop-owned socket still in its close handshake
// when the context goes.
func (w *wsConn) closeAtTeardown() {
	if w.fc != nil {
		w.closeFD()
	}
}

// unwatch takes the connection off the event loop.
func (w *wsConn) unwatch() {
	if !w.watched {
		return
	}
	w.watched = false
	w.c.ctx.poll.remove(w)
}

// readable is called by the poller when the socket has data.
func (w *wsConn) readable() {
	w.mu.Lock()
	if w.reading || w.closing {
		w.mu.Unlock()
		return
	}
	w.reading = true
	w.mu.Unlock()
	if !w.c.ctx.goroutine(w.readCycle) {
		w.mu.Lock()
		w.reading = false
		w.mu.Unlock()
	}
}

// readCycle reads everything that has arrived, hands it to the loop, and
// then goes back to waiting in the poller with the buffer returned.
func (w *wsConn) readCycle() {
	w.mu.Lock()
	w.lend()
	w.mu.Unlock()
	for {
		if err := w.readFrame(); err != nil {
			w.readFailed(err)
			w.endCycle(false)
			w.readerDone()
			return
		}
		if w.isPaused() {
			w.endCycle(true)
			return
		}
		if w.br.Buffered() > 0 || w.moreAboveSocket() || w.linger() {
			continue
		}
		_ = w.nc.SetReadDeadline(time.Time{})
		w.endCycle(false)
		if !w.c.ctx.poll.arm(w, pollEvents) {
			w.readable() // no poller on this platform: keep reading
		}
		return
	}
}

func (w *wsConn) isPaused() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.paused
}

func (w *wsConn) endCycle(parked bool) {
	w.mu.Lock()
	w.reading = false
	w.parked = parked
	if !parked || w.closing {
		w.giveBack()
	}
	w.mu.Unlock()
}

// lingerTime is how long a read cycle waits for the next frame of a busy
// connection before handing it back to the poller. A connection in a
// request/response exchange keeps its reader (as a plain Go server would)
// and skips the poller round trip; an idle one costs nothing after this.
const lingerTime = 50 * time.Millisecond

// closeAckTime bounds each step of the close handshake (our close frame
// leaving, the peer's answer, draining): lws's PENDING_TIMEOUT_CLOSE_ACK,
// 5 s. Shorter, a loaded machine's scheduling hiccup turns clean closes
// into resets.
const closeAckTime = 5 * time.Second

// linger waits up to lingerTime for more data on the runtime's poller. A
// deadline expiry is not an error for the connection (nor for TLS).
func (w *wsConn) linger() bool {
	_ = w.nc.SetReadDeadline(time.Now().Add(lingerTime))
	_, err := w.br.Peek(1)
	return err == nil
}

// moreAboveSocket reports whether TLS holds decrypted or whole records that
// the kernel no longer shows as readable. A read with an expired deadline
// returns them without touching the socket.
func (w *wsConn) moreAboveSocket() bool {
	if !w.tls {
		return false
	}
	_ = w.nc.SetReadDeadline(time.Unix(1, 0))
	_, err := w.br.Peek(1)
	_ = w.nc.SetReadDeadline(time.Time{})
	return err == nil
}

// readFrame reads what comes next: a ping or pong (handled here, because
// gorilla would go on to block waiting for a data frame), or one message.
func (w *wsConn) readFrame() error {
	_ = w.nc.SetReadDeadline(time.Now().Add(w.c.vh.timeout()))
	hdr, err := w.br.Peek(2)
	if err != nil {
		return err
	}
	if err := w.checkHeader(hdr); err != nil {
		return err
	}
	if op := hdr[0] & 0x0f; op == websocket.PingMessage || op == websocket.PongMessage {
		if handled, err := w.readControl(hdr); handled || err != nil {
			return err
		}
	}
	return w.readMessage()
}

// checkHeader refuses, with close 1002, a frame header gorilla would take
// or drop without a close frame (frameHdr.violation).
func (w *wsConn) checkHeader(two []byte) error {
	size := 2
	switch two[1] & 0x7f {
	case 126:
		size = 4
	case 127:
		size = 10
	}
	b, err := w.br.Peek(size)
	if err != nil {
		return err
	}
	h := frameHdr{b0: b[0], b1: b[1], hlen: size, plen: int64(b[1] & 0x7f)}
	why := h.violation(b)
	if why == "" {
		return nil
	}
	w.saidClose = true
	_ = w.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseProtocolError, why),
		time.Now().Add(time.Second))
	return fmt.Errorf("ws protocol error: %s", why)
}

// readControl consumes a well-formed masked ping or pong (at most 125
// bytes). Anything malformed is left for gorilla to reject.
func (w *wsConn) readControl(hdr []byte) (bool, error) {
	if hdr[0]&0xf0 != 0x80 || hdr[1]&0x80 == 0 || hdr[1]&0x7f > 125 {
		return false, nil
	}
	n := int(hdr[1] & 0x7f)
	frame, err := w.br.Peek(2 + 4 + n)
	if err != nil {
		return true, err
	}
	h, _ := parseFrameHeader(frame)
	payload := h.payload(frame)
	w.c.ctx.noteTraffic(len(frame))
	if _, err := w.br.Discard(2 + 4 + n); err != nil {
		return true, err
	}
	if hdr[0]&0x0f == websocket.PingMessage {
		return true, w.pong(string(payload))
	}
	w.c.ctx.loop.post(func() { w.gotPong() })
	return true, nil
}

// readMessage reads one message and hands it to the loop in pieces of at
// most the protocol's rx buffer size, each a ReasonReceive with first/final
// and binary flags, checking text is UTF-8 as it goes.
func (w *wsConn) readMessage() error {
	mt, r, err := w.ws.NextReader()
	if err != nil {
		return err
	}
	binary := mt == websocket.BinaryMessage
	size := w.c.proto.rxBufferSize()
	// Each piece goes to the loop with its callback, so each is new.
	next := func() []byte { return getPiece(size) }
	return w.readPieces(r, binary, next, putPiece, func(p []byte, first, final bool) bool {
		w.deliver(p, first, final, binary)
		return true
	})
}

// readPieces reads the message r in pieces the size of what next returns
// and hands each to emit; one piece is read ahead, so the last one is
// known and marked final. unused takes back a piece the lookahead found
// nothing for. Text is checked for UTF-8 across pieces (close 1007). emit
// returns false to stop reading.
func (w *wsConn) readPieces(r io.Reader, binary bool, next func() []byte, unused func([]byte), emit func(p []byte, first, final bool) bool) error {
	var check utf8Check
	var total int64
	limit := w.c.vh.maxMessageSize()
	cur := next()
	var eof bool
	n, rerr := readPiece(r, cur, &eof)
	for first := true; ; first = false {
		if rerr != nil && rerr != io.EOF && rerr != errLastPiece {
			return rerr
		}
		// gorilla's read limit counts wire bytes; a compressed message
		// is held to it once inflated too (close 1009).
		if total += int64(n); total > limit {
			w.saidClose = true
			_ = w.ws.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseMessageTooBig, "message too big"),
				time.Now().Add(time.Second))
			return websocket.ErrReadLimit
		}
		final := rerr != nil
		var ahead []byte
		var m int
		if !final {
			ahead = next()
			m, rerr = readPiece(r, ahead, &eof)
			if m == 0 && rerr == io.EOF {
				final = true
				unused(ahead)
			}
		}
		if !binary && !check.feed(cur[:n], final) {
			return w.badUTF8()
		}
		if !emit(cur[:n], first, final) || final {
			return nil
		}
		cur, n = ahead, m
	}
}

// pong answers a ping from a reader goroutine, then waits while too much
// output is pending (nbConn.waitRoom): a ping flood is not read faster
// than its pongs leave. It is also gorilla's ping handler on these
// connections, for pings between the fragments of a message.
func (w *wsConn) pong(data string) error {
	err := w.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	if err != nil && !errors.Is(err, websocket.ErrCloseSent) {
		return err
	}
	w.nb.waitRoom()
	return nil
}

var errInvalidUTF8 = errors.New("text message is not valid UTF-8 (closed with 1007)")

// badUTF8 refuses a text message that is not UTF-8: close 1007.
func (w *wsConn) badUTF8() error {
	w.saidClose = true
	_ = w.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseInvalidFramePayloadData, "invalid UTF-8"),
		time.Now().Add(time.Second))
	return errInvalidUTF8
}

// deliver queues one received piece for the loop, waiting while the loop is
// readAhead pieces behind on this connection.
func (w *wsConn) deliver(data []byte, first, final, binary bool) {
	w.mu.Lock()
	for w.inflight >= readAhead && !w.closing {
		wait := make(chan struct{})
		w.readerWait = wait
		w.mu.Unlock()
		<-wait
		w.mu.Lock()
	}
	w.inflight++
	w.mu.Unlock()
	c := w.c
	piece := func() {
		w.pieceDone()
		c.ctx.noteTraffic(len(data))
		if c.closed {
			return
		}
		w.lastValid = monoNow()
		c.rxFirst, c.rxFinal, c.rxBinary = first, final, binary
		if w.client {
			c.deliver(ReasonClientReceive, data)
		} else {
			c.deliver(ReasonReceive, data)
		}
		putPiece(data)
	}
	c.ctx.loop.post(func() {
		if (w.paused || w.heldRx != nil) && !c.closed {
			// lws_rx_flow_control(wsi, 0) holds what was read already
			// (and what follows keeps its place behind it); the reader
			// stops once readAhead pieces wait.
			if w.heldRx == nil {
				w.heldRx = new([]func())
			}
			*w.heldRx = append(*w.heldRx, piece)
			return
		}
		piece()
	})
}

// deliverHeld hands on, in order, the pieces held while rx was paused,
// until rx is paused again.
func (w *wsConn) deliverHeld() {
	for w.heldRx != nil && !w.paused {
		q := *w.heldRx
		if len(q) == 0 {
			w.heldRx = nil
			return
		}
		*w.heldRx = q[1:]
		q[0]()
	}
}

// piecePool recycles received pieces: as in lws, the data a ReasonReceive
// carries is only valid during the callback.
var piecePool sync.Pool

func getPiece(size int) []byte {
	if p, ok := piecePool.Get().(*[]byte); ok && cap(*p) >= size {
		return (*p)[:size]
	}
	return make([]byte, size)
}

func putPiece(b []byte) {
	b = b[:cap(b)]
	piecePool.Put(&b)
}

// wakeReaderLocked releases a reader waiting for the loop to take its
// pieces or for rx flow control to resume. w.mu is held.
func (w *wsConn) wakeReaderLocked() {
	if w.readerWait != nil {
		close(w.readerWait)
		w.readerWait = nil
	}
	if w.resumed != nil {
		close(w.resumed)
		w.resumed = nil
	}
}

// pieceDone lets a waiting reader go on.
func (w *wsConn) pieceDone() {
	w.mu.Lock()
	w.inflight--
	w.wakeReaderLocked()
	w.mu.Unlock()
}

// readFailed reports why reading stopped; the loop closes the connection.
func (w *wsConn) readFailed(err error) {
	if w.noteReadErr(err) {
		c, why := w.c, w.failWhy(err)
		c.ctx.loop.post(func() { c.closeNow(why) })
	}
}

// failWhy tells a close we started by refusing the peer's data (1002,
// 1007, 1009: our close frame is out) from the peer's going. Ours ends
// with lws's close handshake, FIN and a wait for the peer's end, so the
// close frame is not lost to a reset of data the peer had still in
// flight.
func (w *wsConn) failWhy(err error) closeWhy {
	if w.saidClose || errors.Is(err, websocket.ErrReadLimit) {
		return closeReasonRefused
	}
	return closeReasonPeer
}

// noteReadErr logs why reading stopped and records a peer's close; it
// reports false when the close was ours and there is nothing to do.
func (w *wsConn) noteReadErr(err error) bool {
	c := w.c
	w.mu.Lock()
	ours := w.closing
	w.mu.Unlock()
	if ours {
		return false // the loop closed the socket; nothing to report
	}
	if errors.Is(err, websocket.ErrReadLimit) {
		// gorilla returns ErrReadLimit without a close frame when the
		// lengths of a message's frames add up past int64; RFC 6455
		// 7.4.1 says 1009 (a no-op once gorilla or tooBig sent it).
		_ = w.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseMessageTooBig, "message too big"),
			time.Now().Add(time.Second))
	}
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &ce) && ce.Code == websocket.CloseAbnormalClosure:
		// gorilla's name for "the connection ended without a close frame".
		c.ctx.log.Info("ws peer went away", "peer", c.PeerAddr(), "err", err)
	case errors.As(err, &ce):
		c.ctx.log.Debug("ws peer closed", "peer", c.PeerAddr(), "code", ce.Code)
		// Recorded now, not just posted: whatever closes the connection
		// first on the loop (a write that meets gorilla's "close sent", say)
		// still delivers the peer's close (see Conn.closeNow).
		w.mu.Lock()
		p := websocket.FormatCloseMessage(ce.Code, ce.Text)
		w.peerClose = &p
		w.mu.Unlock()
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), errors.Is(err, io.ErrUnexpectedEOF):
		c.ctx.log.Info("ws peer went away", "peer", c.PeerAddr(), "err", err)
	default:
		c.ctx.log.Info("ws connection dropped", "peer", c.PeerAddr(), "err", err)
	}
	return true
}

// setRxPaused is lws_rx_flow_control, on the loop.
func (w *wsConn) setRxPaused(paused bool) {
	if w.fc != nil {
		w.setRxPausedFast(paused)
		return
	}
	w.mu.Lock()
	w.paused = paused
	resume := !paused && w.parked
	if resume {
		w.parked = false
	}
	if !paused && w.resumed != nil {
		close(w.resumed) // a client reader waits for this
		w.resumed = nil
	}
	w.mu.Unlock()
	if !paused && w.heldRx != nil {
		// Not now: this may be a callback of a piece being delivered.
		w.c.ctx.loop.post(w.deliverHeld)
	}
	if resume && !w.client {
		w.readable()
	}
}

// waitUnpaused blocks a client's reader while reading is paused; it
// reports false once the connection is closing.
func (w *wsConn) waitUnpaused() bool {
	w.mu.Lock()
	for w.paused && !w.closing {
		if w.resumed == nil {
			w.resumed = make(chan struct{})
		}
		ch := w.resumed
		w.mu.Unlock()
		<-ch
		w.mu.Lock()
	}
	closing := w.closing
	w.mu.Unlock()
	return !closing
}

// write sends one piece from the loop (lws_write on a ws connection).
func (w *wsConn) write(b []byte, wp WriteProtocol) error {
	w.c.ctx.noteTraffic(len(b)) // what is sent grows the heap too (trim.go)
	kind := wp &^ (WriteNoFin | WriteH2StreamEnd)
	more := wp&WriteNoFin != 0
	var err error
	switch kind {
	case WriteText, WriteBinary:
		if w.msgW != nil {
			return errors.New("lws: new ws message while a fragmented one is open")
		}
		mt := websocket.TextMessage
		if kind == WriteBinary {
			mt = websocket.BinaryMessage
		}
		if more {
			if w.msgW, err = w.ws.NextWriter(mt); err == nil {
				_, err = w.msgW.Write(b)
			}
		} else {
			err = w.ws.WriteMessage(mt, b)
		}
	case WriteContinuation:
		if w.msgW == nil {
			return errors.New("lws: ws continuation with no message open")
		}
		_, err = w.msgW.Write(b)
		if !more && err == nil {
			err = w.msgW.Close()
			w.msgW = nil
		}
	case WritePing:
		err = w.ws.WriteControl(websocket.PingMessage, b, time.Now().Add(time.Second))
	case WritePong:
		err = w.ws.WriteControl(websocket.PongMessage, b, time.Now().Add(time.Second))
	default:
		return fmt.Errorf("lws: write kind %d on a ws connection", wp)
	}
	if err != nil {
		return fmt.Errorf("ws write: %w", err)
	}
	return nil
}

// gotPong runs on the loop: the peer is alive (lws's validity).
func (w *wsConn) gotPong() {
	if w.c.closed {
		return
	}
	w.lastValid = monoNow()
	if w.client {
		w.c.deliver(ReasonClientReceivePong, nil)
	} else {
		w.c.deliver(ReasonReceivePong, nil)
	}
}

// scheduleValidity arms the idle check: ping after SecsSinceValidPing of
// silence, hang up after SecsSinceValidHangup (lws's retry_and_idle_policy).
func (w *wsConn) scheduleValidity() {
	ping := time.Duration(w.policy.SecsSinceValidPing) * time.Second
	if ping <= 0 {
		return
	}
	due := time.Duration(w.lastValid + int64(ping) - monoNow())
	w.c.ctx.Schedule(&w.validity, due, func(*Sul) { w.checkValidity() })
}

func (w *wsConn) checkValidity() {
	c := w.c
	if c.closed {
		return
	}
	idle := time.Duration(monoNow() - w.lastValid)
	ping := time.Duration(w.policy.SecsSinceValidPing) * time.Second
	hangup := time.Duration(w.policy.SecsSinceValidHangup) * time.Second
	switch {
	case hangup > 0 && idle >= hangup:
		c.ctx.log.Info("ws peer silent too long, hanging up", "peer", c.PeerAddr(), "idle", idle.Round(time.Millisecond))
		c.closeNow(closeReasonValidity)
	case idle >= ping:
		_ = w.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second))
		next := hangup - idle
		if hangup <= 0 {
			next = ping
		}
		c.ctx.Schedule(&w.validity, next, func(*Sul) { w.checkValidity() })
	default:
		w.scheduleValidity()
	}
}

// shutdown closes the network side from the loop: stop watching, say
// goodbye with a close frame when the close is ours, close the socket once
// what was written has left.
func (w *wsConn) shutdown(c *Conn, why closeWhy) {
	if w.fc != nil {
		w.shutdownFast(c, why)
		return
	}
	c.ctx.CancelSul(&w.validity)
	w.mu.Lock()
	w.closing = true
	if !w.reading {
		w.giveBack()
	}
	w.wakeReaderLocked()
	w.mu.Unlock()
	w.unwatch()
	if w.ws == nil {
		return
	}
	// Every close that is ours says goodbye with a close frame, as lws does;
	// only a peer that already closed or vanished gets none.
	if why != closeReasonPeer {
		w.sayGoodbye(c, why)
	}
	if why == closeReasonPeer {
		w.nb.closeAfterFlush(closeAckTime, nil)
		return
	}
	w.nb.closeAfterFlush(closeAckTime, w.frameLeft)
}

// sayGoodbye writes our close frame: the status from CloseReason, else
// 1001 when going away (vhost or context destroyed, peer silent) and 1000
// otherwise, as lws does.
func (w *wsConn) sayGoodbye(c *Conn, why closeWhy) {
	status := int(c.closeStatus)
	if status == 0 {
		switch why {
		case closeReasonVhostDestroy, closeReasonContextDestroy, closeReasonValidity:
			status = websocket.CloseGoingAway
		default:
			status = websocket.CloseNormalClosure
		}
	}
	text := ""
	if c.closeText != nil {
		text = *c.closeText
	}
	_ = w.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(status, text), time.Now().Add(closeAckTime))
}

// frameLeft runs once our close frame has left: lws's close handshake.
// Half-close (FIN) so the peer sees the end, then wait for the peer's own
// close before closing the socket. Closing with unread data would make
// the kernel reset the connection, and the peer could lose what we sent.
func (w *wsConn) frameLeft() {
	_ = w.nb.tc.CloseWrite()
	w.mu.Lock()
	w.finSent = true
	reader := w.reading || w.clientReading
	w.mu.Unlock()
	if reader {
		return // the reader sees the peer's close, then drains and closes
	}
	if !w.c.ctx.goroutine(w.drainAndClose) {
		_ = w.nb.tc.Close()
	}
}

// drainAndClose reads and drops what the peer still sends, for at most
// closeAckTime, then closes.
func (w *wsConn) drainAndClose() {
	tc := w.nb.tc
	_ = tc.SetReadDeadline(time.Now().Add(closeAckTime))
	_, _ = io.Copy(io.Discard, tc)
	_ = tc.Close()
}

// onPeerClose is gorilla's close handler: record the peer's close before
// answering it, so no write racing with the answer can hide it (gorilla
// refuses writes once its answer is sent).
func (w *wsConn) onPeerClose(code int, text string) error {
	w.mu.Lock()
	p := websocket.FormatCloseMessage(code, text)
	w.peerClose = &p
	w.mu.Unlock()
	reply := websocket.FormatCloseMessage(code, "")
	if code == websocket.CloseNoStatusReceived {
		reply = websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	}
	_ = w.ws.WriteControl(websocket.CloseMessage, reply, time.Now().Add(closeAckTime))
	return nil
}

// takePeerClose returns the peer's close payload once, if it closed.
func (w *wsConn) takePeerClose() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.peerClose
	w.peerClose = nil
	if p == nil {
		return nil
	}
	return *p
}

// readerDone is called as a reader goroutine ends: if our close frame has
// already left, this goroutine finishes the close handshake.
func (w *wsConn) readerDone() {
	w.mu.Lock()
	w.clientReading = false
	fin := w.finSent && w.closing
	w.mu.Unlock()
	if fin {
		w.drainAndClose()
	}
}

// closeSocket closes a connection the loop never took.
func (w *wsConn) closeSocket() {
	if w.fc != nil {
		w.fc.closeUnwatched()
		return
	}
	w.nb.Close()
}
