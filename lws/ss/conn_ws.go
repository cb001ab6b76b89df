package ss

import (
	"context"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wsConn is a stream's ws connection: gorilla's client with the trust store
// instance's TLS configuration. One goroutine reads, one writes; the user's
// callbacks run on the loop.
type wsConn struct {
	h      *Handle
	cancel context.CancelFunc
	ord    uint32

	mu     sync.Mutex
	ws     *websocket.Conn
	out    chan wsOut // pieces from Tx, in order
	closed bool
	inMsg  bool // a message's SOM was written, EOM not yet (loop-owned)
	busy   bool // a Tx piece is on its way (loop-owned)
}

type wsOut struct {
	data  []byte
	flags Flags
}

func (h *Handle) startWS(t target, in *trustInstance) transport {
	c := &wsConn{h: h, out: make(chan wsOut, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	scheme := "ws"
	d := websocket.Dialer{HandshakeTimeout: 30 * time.Second}
	if t.tls {
		scheme = "wss"
		cfg := in.tlsConfig.Clone()
		cfg.ServerName = t.host
		d.TLSClientConfig = cfg
	}
	if sp := h.policy.WSSubprotocol; sp != "" {
		d.Subprotocols = []string{sp}
	}
	url := scheme + "://" + t.addr() + "/" + t.path
	s := h.s
	s.goroutine(func() {
		ws, _, err := d.DialContext(ctx, url, nil)
		if err != nil {
			h.dialFailed(c, err)
			return
		}
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			ws.Close()
			return
		}
		c.ws = ws
		c.mu.Unlock()
		s.goroutine(c.writeLoop)
		s.do(func() { h.connected(c) })
		c.readLoop()
	})
	return c
}

func (c *wsConn) readLoop() {
	h, s := c.h, c.h.s
	for {
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			s.do(func() {
				if h.conn == c {
					c.close()
					h.closed(c, true)
				}
			})
			return
		}
		h.deliverRx(c, msg, FlagSOM|FlagEOM)
	}
}

// writeLoop writes what Tx produced: SOM starts a message, EOM ends it.
func (c *wsConn) writeLoop() {
	h, s := c.h, c.h.s
	mt := websocket.TextMessage
	if h.policy.WSBinary {
		mt = websocket.BinaryMessage
	}
	var msg []byte
	for o := range c.out {
		if o.flags&FlagSOM != 0 {
			msg = msg[:0]
		}
		msg = append(msg, o.data...)
		var err error
		if o.flags&FlagEOM != 0 {
			err = c.ws.WriteMessage(mt, msg)
		}
		s.do(func() {
			c.busy = false
			if err != nil || h.conn != c {
				return
			}
			if h.txPending {
				c.requestTx()
			}
		})
		if err != nil {
			return
		}
	}
}

func (c *wsConn) requestTx() {
	h := c.h
	if c.busy || h.conn != c || c.ws == nil {
		return
	}
	buf := make([]byte, txChunk)
	c.busy = true // a RequestTx inside Tx waits its turn
	n, flags, ok := h.pullTx(c.ord, buf)
	c.ord++
	if !ok {
		c.busy = false
		return
	}
	if !c.inMsg {
		flags |= FlagSOM
	}
	c.inMsg = flags&FlagEOM == 0
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.out <- wsOut{buf[:n], flags}
	}
}

func (c *wsConn) close() {
	c.cancel()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	close(c.out)
	if c.ws != nil {
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		c.ws.Close()
	}
}
