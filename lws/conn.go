package lws

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// Errors the writeable discipline reports.
var (
	// ErrNotWriteable: Write was called outside a writeable callback (or
	// ReasonHTTP, where lws lets a protocol send its headers).
	ErrNotWriteable = errors.New("lws: write outside a writeable callback")
	// ErrSecondWrite: a callback may write once; ask for another writeable
	// callback with CallbackOnWritable to send more.
	ErrSecondWrite = errors.New("lws: second write in one writeable callback")
	// ErrClosed: the connection is closed.
	ErrClosed = errors.New("lws: connection closed")
)

type connRole uint8

const (
	roleVhost      connRole = iota // the vhost-level wsi lifecycle reasons arrive on
	roleWS                         // a ws server connection
	roleWSClient                   // a ws client connection
	roleHTTP                       // an HTTP transaction on a callback mount
	roleHTTPClient                 // an HTTP client transaction
	roleDesc                       // an adopted descriptor, serviced by its RoleOps (c.desc)
)

type closeWhy uint8

const (
	closeReasonProtocol closeWhy = iota // a callback returned an error
	closeReasonPeer                     // the peer closed or vanished
	closeReasonRefused                  // we refused what the peer sent, with a close frame saying why
	closeReasonTimeout                  // lws_set_timeout expired
	closeReasonValidity                 // no pong in time
	closeReasonVhostDestroy
	closeReasonContextDestroy
)

// Conn is a connection as protocol code sees it: the mirror of struct lws
// (the "wsi"). Every method must be called on the loop goroutine, that is,
// from a callback or inside Context.Do.
type Conn struct {
	ctx   *Context
	vh    *Vhost
	proto *Protocol
	pss   any
	role  connRole

	// The writeable discipline (lws_callback_on_writable / lws_write).
	wantWritable   bool // the protocol asked for a writeable callback
	inWritableList bool // queued on the loop's writable list
	writeBusy      bool // http: the previous write has not left yet (ws asks nbConn)
	writeAllowed   bool // inside a callback that may write once
	wrote          bool // that one write happened
	closed         bool

	// What the last ReasonReceive carried (lws_is_first_fragment, ...).
	rxFirst, rxFinal, rxBinary bool

	closeStatus int16   // lws_close_reason: status for the close frame
	setIdx      int32   // index in the context's connSet
	closeText   *string // lws_close_reason's text, when one was given

	suls *connSuls // lws_set_timer_usecs and lws_set_timeout, made on first use

	// The request that created the connection. Like lws's header table
	// ("ah"), a ws connection keeps it only until ReasonEstablished has
	// run; path and peer stay for the connection's life.
	req  *http.Request
	path string
	peer string
	ws   *wsConn
	ht   *httpTxn
	hc   *httpClient
	desc *descConn // an adopted descriptor (raw, or a role from outside)
}

// connSuls are a connection's two timers, allocated together when the
// protocol first sets one.
type connSuls struct{ timer, timeout Sul }

func (c *Conn) timers() *connSuls {
	if c.suls == nil {
		c.suls = new(connSuls)
	}
	return c.suls
}

// newConn makes the wsi for a request bound to proto on vh.
func newConn(vh *Vhost, proto *Protocol, role connRole, r *http.Request) *Conn {
	c := new(Conn)
	c.init(vh, proto, role, r)
	return c
}

func (c *Conn) init(vh *Vhost, proto *Protocol, role connRole, r *http.Request) {
	// The path is cloned: a substring of the request line would keep the
	// whole line alive as long as the connection.
	*c = Conn{ctx: vh.ctx, vh: vh, proto: proto, role: role, req: r, path: strings.Clone(r.URL.Path), peer: r.RemoteAddr}
	if proto.NewSession != nil {
		c.pss = proto.NewSession()
	}
}

// Context returns the connection's context (lws_get_context).
func (c *Conn) Context() *Context { return c.ctx }

// Vhost returns the connection's vhost (lws_get_vhost).
func (c *Conn) Vhost() *Vhost { return c.vh }

// Protocol returns the protocol the connection is bound to
// (lws_get_protocol).
func (c *Conn) Protocol() *Protocol { return c.proto }

// PSS returns the per-session data, the same value callbacks receive.
func (c *Conn) PSS() any { return c.pss }

// ProtocolData returns this protocol's vhd on the connection's vhost, the
// common lws_protocol_vh_priv_get(lws_get_vhost(wsi), lws_get_protocol(wsi)).
func (c *Conn) ProtocolData() any { return c.vh.ProtocolData(c.proto) }

// SetProtocolData sets this protocol's vhd on the connection's vhost; used
// from ReasonProtocolInit.
func (c *Conn) SetProtocolData(d any) { c.vh.SetProtocolData(c.proto, d) }

// Options returns this protocol's per-vhost options, as handed to
// ReasonProtocolInit (lws passes the pvo list as `in`).
func (c *Conn) Options() map[string]string { return c.vh.Options(c.proto.Name) }

// Path returns the request's URL path (lws_hdr_copy of WSI_TOKEN_GET_URI).
func (c *Conn) Path() string { return c.path }

// Header returns a request header (lws_hdr_copy, lws_hdr_custom_copy). On a
// ws connection headers are available until ReasonEstablished returns, as
// lws detaches the header table after the upgrade.
func (c *Conn) Header(name string) string {
	if c.req == nil {
		return ""
	}
	return c.req.Header.Get(name)
}

// URLArg returns a query argument by name (lws_get_urlarg_by_name); on a
// ws connection, until ReasonEstablished returns.
func (c *Conn) URLArg(name string) string {
	if c.req == nil {
		return ""
	}
	return c.req.URL.Query().Get(name)
}

// PeerAddr returns the peer's address (lws_get_peer_simple).
func (c *Conn) PeerAddr() string { return c.peer }

// IsFirstFragment reports whether the last ReasonReceive started a message
// (lws_is_first_fragment).
func (c *Conn) IsFirstFragment() bool { return c.rxFirst }

// IsFinalFragment reports whether the last ReasonReceive ended a message
// (lws_is_final_fragment).
func (c *Conn) IsFinalFragment() bool { return c.rxFinal }

// FrameIsBinary reports whether the message being received is binary
// (lws_frame_is_binary).
func (c *Conn) FrameIsBinary() bool { return c.rxBinary }

// CallbackOnWritable asks for one writeable callback once the connection can
// take a write: lws_callback_on_writable. Requests coalesce.
func (c *Conn) CallbackOnWritable() {
	if c.closed || c.role == roleVhost {
		return
	}
	c.wantWritable = true
	c.queueWritable()
}

func (c *Conn) queueWritable() {
	if c.inWritableList || !c.wantWritable || c.busy() {
		return
	}
	c.inWritableList = true
	c.ctx.loop.writable = append(c.ctx.loop.writable, c)
}

// busy reports whether the previous write is still leaving. A loop-owned
// ws socket knows; an nbConn is asked, and asked to report the drain (so a
// write nobody follows up costs no event on the loop).
func (c *Conn) busy() bool {
	if c.desc != nil {
		return len(c.desc.out) > 0
	}
	if c.ws != nil {
		if c.ws.fc != nil {
			return c.ws.fc.busy()
		}
		if c.ws.nb != nil {
			return c.ws.nb.busyNotify()
		}
	}
	return c.writeBusy
}

// writeDone runs on the loop when the previous write has left.
func (c *Conn) writeDone() {
	c.writeBusy = false
	if !c.closed {
		c.queueWritable()
	}
}

func (c *Conn) writeableReason() Reason {
	switch c.role {
	case roleHTTP:
		return ReasonHTTPWriteable
	case roleWSClient:
		return ReasonClientWriteable
	case roleHTTPClient:
		return ReasonClientHTTPWriteable
	case roleDesc:
		return c.desc.ops.WriteableCB[1]
	}
	return ReasonServerWriteable
}

func (c *Conn) serviceWriteable() {
	if c.closed || !c.wantWritable || c.busy() {
		return
	}
	c.wantWritable = false
	c.callWriting(c.writeableReason(), nil)
}

// callWriting delivers a reason during which the protocol may write once.
func (c *Conn) callWriting(reason Reason, in []byte) {
	c.writeAllowed, c.wrote = true, false
	err := c.call(reason, in)
	c.writeAllowed = false
	if c.hc != nil {
		c.hc.settle(c)
	}
	if err != nil {
		c.closeByProtocol(reason, err)
	}
}

// deliver calls the protocol and closes the connection if it returns an
// error.
func (c *Conn) deliver(reason Reason, in []byte) {
	if c.closed {
		return
	}
	if err := c.call(reason, in); err != nil {
		c.closeByProtocol(reason, err)
	}
}

// call runs the protocol callback for this connection.
func (c *Conn) call(reason Reason, in []byte) error {
	if c.proto == nil || c.proto.Callback == nil {
		return nil
	}
	return c.proto.Callback(c, reason, c.pss, in)
}

// closeByProtocol closes after a callback returned an error, as a nonzero
// return does in lws.
func (c *Conn) closeByProtocol(reason Reason, err error) {
	if c.closed {
		return
	}
	c.ctx.log.Debug("callback asked to close", "reason", reason, "err", err)
	c.closeNow(closeReasonProtocol)
}

// Write sends b: the mirror of lws_write. It may be called once per
// writeable callback; the write is accepted at once and the next writeable
// callback comes only after it has left, so a slow peer never blocks the
// loop. The core copies b, so the caller may reuse it.
func (c *Conn) Write(b []byte, wp WriteProtocol) (int, error) {
	if err := c.claimWrite(); err != nil {
		return 0, err
	}
	var err error
	switch c.role {
	case roleWS, roleWSClient:
		err = c.ws.write(b, wp)
	case roleHTTP:
		err = c.ht.write(b, wp)
	case roleHTTPClient:
		err = c.hc.write(c, b, wp)
	case roleDesc:
		if c.desc.ops.WriteRoleProtocol != nil {
			return c.desc.ops.WriteRoleProtocol(c, b, wp)
		}
		_, err = c.desc.write(b)
	default:
		err = ErrNotWriteable
	}
	if err != nil {
		return 0, err
	}
	return len(b), nil
}

// claimWrite takes the callback's one write, or says why there is none.
func (c *Conn) claimWrite() error {
	switch {
	case c.closed:
		return ErrClosed
	case !c.writeAllowed:
		return ErrNotWriteable
	case c.wrote:
		return ErrSecondWrite
	}
	c.wrote = true
	return nil
}

// CloseReason sets the status and text of the ws close frame sent when the
// connection closes: lws_close_reason.
func (c *Conn) CloseReason(status int, text string) {
	c.closeStatus, c.closeText = int16(status), &text
}

// Timeout values with a special meaning, as in lws.
const (
	TimeoutKillAsync = -1 // LWS_TO_KILL_ASYNC: close at the next loop turn
	TimeoutKillSync  = -2 // LWS_TO_KILL_SYNC: close now
)

// SetTimeout closes the connection after secs unless set again or cleared
// with 0: lws_set_timeout. reason is kept for logs, like lws's pending
// timeout reasons.
func (c *Conn) SetTimeout(reason int, secs int) {
	if c.closed {
		return
	}
	switch {
	case secs == TimeoutKillSync:
		c.closeNow(closeReasonTimeout)
		return
	case secs == 0:
		if c.suls != nil {
			c.ctx.CancelSul(&c.suls.timeout)
		}
		return
	case secs == TimeoutKillAsync:
		secs = 0
	}
	c.ctx.Schedule(&c.timers().timeout, time.Duration(secs)*time.Second, func(*Sul) {
		c.ctx.log.Debug("timeout closes connection", "reason", reason)
		c.closeNow(closeReasonTimeout)
	})
}

// SetTimer delivers ReasonTimer once after d; d < 0 cancels:
// lws_set_timer_usecs.
func (c *Conn) SetTimer(d time.Duration) {
	if c.closed {
		return
	}
	if d < 0 {
		if c.suls != nil {
			c.ctx.CancelSul(&c.suls.timer)
		}
		return
	}
	c.ctx.Schedule(&c.timers().timer, d, func(*Sul) { c.deliver(ReasonTimer, nil) })
}

// RxFlowControl stops (false) or restarts (true) reading from the peer:
// lws_rx_flow_control. While stopped, received data waits in the kernel and
// TCP pushes back on the peer.
func (c *Conn) RxFlowControl(enable bool) {
	switch {
	case c.closed:
	case c.ws != nil:
		c.ws.setRxPaused(!enable)
	case c.desc != nil:
		c.desc.setPaused(!enable)
	}
}

// closeNow closes the connection from the loop and delivers its close
// callback once.
func (c *Conn) closeNow(why closeWhy) {
	if c.closed {
		return
	}
	c.closed = true
	c.wantWritable = false
	if c.suls != nil {
		c.ctx.CancelSul(&c.suls.timer)
		c.ctx.CancelSul(&c.suls.timeout)
	}
	c.ctx.conns.remove(c)
	c.ctx.noteConnGone()
	defer c.ctx.checkDeprecated()
	if c.ws != nil {
		// The peer's close frame arrived (gorilla has answered it): the
		// protocol hears about it whatever made the loop close first.
		if payload := c.ws.takePeerClose(); payload != nil {
			why = closeReasonPeer
			_ = c.call(ReasonWSPeerInitiatedClose, payload)
		}
	}
	switch c.role {
	case roleWS:
		c.ws.shutdown(c, why)
		_ = c.call(ReasonClosed, nil)
	case roleWSClient:
		c.ws.shutdown(c, why)
		_ = c.call(ReasonClientClosed, nil)
	case roleHTTPClient:
		c.hc.cancel() // the request goroutine and a blocked body writer end
		_ = c.call(ReasonClosedClientHTTP, nil)
	case roleHTTP:
		c.ht.abort()
		_ = c.call(ReasonClosedHTTP, nil)
	case roleDesc:
		c.desc.shutdown(c)
	}
}
