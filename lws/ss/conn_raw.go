package ss

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
	"time"
)

// rawConn is a stream's raw TCP (or TLS) connection: bytes both ways, no
// message boundaries (SOM and EOM mean nothing here, as in lws).
type rawConn struct {
	h      *Handle
	cancel context.CancelFunc
	ord    uint32

	mu     sync.Mutex
	nc     net.Conn
	closed bool
	busy   bool // a Tx piece is being written (loop-owned)
}

func (h *Handle) startRaw(t target, in *trustInstance) transport {
	c := &rawConn{h: h}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	s := h.s
	s.goroutine(func() {
		d := &net.Dialer{Timeout: 30 * time.Second}
		var nc net.Conn
		var err error
		if t.tls {
			cfg := in.tlsConfig.Clone()
			cfg.ServerName = t.host
			nc, err = (&tls.Dialer{NetDialer: d, Config: cfg}).DialContext(ctx, "tcp", t.addr())
		} else {
			nc, err = d.DialContext(ctx, "tcp", t.addr())
		}
		if err != nil {
			h.dialFailed(c, err)
			return
		}
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			nc.Close()
			return
		}
		c.nc = nc
		c.mu.Unlock()
		s.do(func() { h.connected(c) })
		buf := make([]byte, txChunk)
		for {
			n, err := nc.Read(buf)
			if n > 0 {
				piece := append([]byte(nil), buf[:n]...)
				h.deliverRx(c, piece, 0)
			}
			if err != nil {
				s.do(func() {
					if h.conn == c {
						c.close()
						h.closed(c, true)
					}
				})
				return
			}
		}
	})
	return c
}

func (c *rawConn) requestTx() {
	h := c.h
	if c.busy || h.conn != c || c.nc == nil {
		return
	}
	buf := make([]byte, txChunk)
	c.busy = true // a RequestTx inside Tx waits its turn
	n, _, ok := h.pullTx(c.ord, buf)
	c.ord++
	if !ok || n == 0 {
		c.busy = false
		return
	}
	nc, s := c.nc, h.s
	s.goroutine(func() {
		_ = nc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		_, err := nc.Write(buf[:n])
		s.do(func() {
			c.busy = false
			if err == nil && h.conn == c && h.txPending {
				c.requestTx()
			}
		})
	})
}

func (c *rawConn) close() {
	c.cancel()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.nc != nil {
		c.nc.Close()
	}
}
