package ss

import (
	"encoding/binary"
	"time"

	"github.com/lws-go/lws-go/lws/smd"
)

// SMDStreamtype is the built-in streamtype that bridges a stream to the
// context's SMD bus (LWS_SMD_STREAMTYPENAME). Its class filter is
// Info.ManualInitialTxCredit, as in lws.
const SMDStreamtype = "_lws_smd"

// SMDHeader is the class (8 bytes) and time stamp (8 bytes, µs) in front
// of each SMD payload on an _lws_smd stream (LWS_SMD_SS_RX_HEADER_LEN).
const SMDHeader = 16

// smdPolicy is _lws_smd's built-in policy: connected as soon as created.
var smdPolicy = &Streamtype{Name: SMDStreamtype, Flags: FlagNailedUp}

// smdConn is an _lws_smd stream's "connection": a participant on the bus.
type smdConn struct {
	h       *Handle
	peer    *smd.Peer
	pulling bool   // inside the user's Tx: a RequestTx there waits its turn
	buf     []byte // Tx's buffer; Send copies what it keeps
}

func (h *Handle) startSMD() transport {
	c := &smdConn{h: h}
	c.peer = h.s.opts.SMD.Register(smd.Class(h.info.ManualInitialTxCredit), func(class smd.Class, ts time.Time, payload []byte) int {
		if h.conn != c {
			return 0
		}
		buf := make([]byte, SMDHeader, SMDHeader+len(payload))
		binary.BigEndian.PutUint64(buf, uint64(class))
		binary.BigEndian.PutUint64(buf[8:], uint64(ts.UnixMicro()))
		h.result(h.info.User.Rx(h, append(buf, payload...), FlagSOM|FlagEOM))
		return 0
	})
	// Registered is connected: no network is involved.
	h.s.do(func() { h.connected(c) })
	return c
}

// requestTx sends what the user writes to the bus: the class in the first
// 8 bytes, the time stamp (ignored) in the next 8, then the payload.
func (c *smdConn) requestTx() {
	h := c.h
	if c.pulling {
		return
	}
	if c.buf == nil {
		c.buf = make([]byte, SMDHeader+smd.MaxPayload)
	}
	buf := c.buf
	c.pulling = true
	n, _, ok := h.pullTx(0, buf)
	c.pulling = false
	if !ok {
		return
	}
	if n < SMDHeader {
		h.s.log.Warn("ss: _lws_smd tx without its 16-byte header", "len", n)
		return
	}
	class := smd.Class(binary.BigEndian.Uint64(buf))
	if err := h.s.opts.SMD.Send(class, buf[SMDHeader:n]); err != nil {
		h.s.log.Warn("ss: _lws_smd tx refused", "err", err)
	}
	if h.txPending {
		h.s.do(func() {
			if h.conn == c && h.txPending {
				c.requestTx()
			}
		})
	}
}

func (c *smdConn) close() { c.peer.Unregister() }
