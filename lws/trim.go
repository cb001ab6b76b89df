package lws

import (
	"runtime/debug"
	"time"
)

// After a storm of new connections the Go heap has grown to twice what the
// connections keep alive (the GC's headroom), plus the stacks of the
// handshake goroutines. lws's malloc gives such memory back as it goes; the
// core does the same once the storm is over: when at least trimAfterConns
// connections arrived and none for trimQuiet, it runs debug.FreeOSMemory
// once, off the loop. Heavy traffic does the same (a ping flood, a deflate
// bomb, a burst of large messages grow the heap as much): once
// trimAfterBytes were read since the last trim, and then trimQuiet passes
// without that much again, or after the last connection that closed while
// traffic was heavy. ContextInfo.NoIdleTrim turns this off.
const (
	trimAfterConns = 256
	trimAfterBytes = 4 << 20
	trimQuiet      = 2 * time.Second
)

// noteTraffic counts bytes received or sent, on the loop or a reader goroutine;
// each trimAfterBytes of them pushes the trim back, so it runs once the
// burst is over.
func (c *Context) noteTraffic(n int) {
	if c.info.NoIdleTrim {
		return
	}
	total := c.traffic.Add(int64(n))
	if total/trimAfterBytes != (total-int64(n))/trimAfterBytes {
		c.loop.post(c.scheduleTrim)
	}
}

// noteConnGone runs on the loop as a connection closes: if the traffic
// since the last trim was heavy, the trim waits for trimQuiet after this
// close too, so what the connection held (a flooder's buffers) goes back.
func (c *Context) noteConnGone() {
	if !c.info.NoIdleTrim && c.traffic.Load() >= trimAfterBytes/4 {
		c.scheduleTrim()
	}
}

// scheduleTrim (re)arms the trim trimQuiet from now.
func (c *Context) scheduleTrim() {
	if c.destroyed.Load() {
		return
	}
	c.Schedule(&c.trim, trimQuiet, func(*Sul) {
		c.newConns = 0
		c.traffic.Store(0)
		c.goroutine(trimNow)
	})
}

// noteNewConn runs on the loop for each established connection.
func (c *Context) noteNewConn() {
	if c.info.NoIdleTrim {
		return
	}
	c.newConns++
	if c.newConns < trimAfterConns {
		return
	}
	// Each arrival pushes the trim back: it runs once the storm is over.
	c.scheduleTrim()
}

// trimNow gives the heap's free memory back to the system. Twice: objects
// in sync.Pools (gorilla's inflaters and deflaters, about a megabyte each)
// survive one collection in the pools' victim cache.
func trimNow() {
	debug.FreeOSMemory()
	debug.FreeOSMemory()
}
