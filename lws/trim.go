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
// once, off the loop. ContextInfo.NoIdleTrim turns this off.
const (
	trimAfterConns = 256
	trimQuiet      = 2 * time.Second
)

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
	c.Schedule(&c.trim, trimQuiet, func(*Sul) {
		c.newConns = 0
		c.goroutine(debug.FreeOSMemory)
	})
}
